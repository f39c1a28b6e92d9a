// `npm start`: builds the package if needed and shows it working with a freshly generated key.
// (Replaced by the sandbox gateways and the admin console as they land.)
import { build } from './build.mjs';

build();
const { generateKeyPair, keyFingerprint } = await import('../js/node.mjs');
const pair = await generateKeyPair();
console.log('refundkit is built. A new merchant key pair, as a gateway would ask for it:');
console.log(pair.publicKeyPem);
console.log(`fingerprint: ${keyFingerprint(pair.publicKey)}`);
