// `refundkit keygen` and `refundkit fingerprint`: the key pair a gateway account needs, and the
// fingerprint to compare with what the gateway's portal shows.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { EXIT, UsageError, describeError, readInput } from './args.mjs';

const SIZES = ['2048', '3072', '4096'];

export const keygenCommand = {
  name: 'keygen',
  summary: 'make an RSA key pair (PEM and base64) and print the public key fingerprint',
  usage: `usage: refundkit keygen [--bits 2048|3072|4096] [--out PREFIX] [--json]

Makes an RSA key pair for a merchant account: upload the public key to the gateway, keep the
private key for RefundClient's privateKey. Both are printed as PEM and as one line of base64 DER
(PKCS#8 and SPKI), the form gateway portals take, with the public key's SHA-256 fingerprint.

  --bits N       modulus size (default 2048)
  --out PREFIX   write PREFIX.pem (the private key, readable by you only) and PREFIX.pub.pem
                 instead of printing the private key; existing files are never overwritten
  --json         print { privateKey, publicKey, privateKeyPem, publicKeyPem, fingerprint }`,
  options: { bits: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }) {
    const bits = values.bits ?? '2048';
    if (!SIZES.includes(bits)) throw new UsageError(`--bits takes ${SIZES.join(', ')}, not ${JSON.stringify(bits)}`);
    const { generateKeyPair, keyFingerprint } = await import('../js/node.mjs');
    const pair = await generateKeyPair(Number(bits));
    const fingerprint = keyFingerprint(pair.publicKey);
    if (values.out !== undefined) {
      await writeNew(`${values.out}.pem`, pair.privateKeyPem, 0o600);
      await writeNew(`${values.out}.pub.pem`, pair.publicKeyPem, 0o644);
    }
    if (values.json) {
      const shown = values.out === undefined ? pair : { publicKey: pair.publicKey, publicKeyPem: pair.publicKeyPem };
      console.log(JSON.stringify({ ...shown, fingerprint }, null, 2));
      return EXIT.OK;
    }
    const out = [];
    if (values.out === undefined) {
      out.push('# Private key, PEM (keep it secret: RefundClient privateKey)', pair.privateKeyPem.trim());
      out.push('# Private key, one line of base64 (PKCS#8 DER)', pair.privateKey);
    } else {
      out.push(`# Private key written to ${values.out}.pem, public key to ${values.out}.pub.pem`);
    }
    out.push('# Public key, PEM (upload it to the gateway)', pair.publicKeyPem.trim());
    out.push('# Public key, one line of base64 (SPKI DER)', pair.publicKey);
    out.push('# Public key SHA-256 fingerprint', fingerprint);
    console.log(out.join('\n'));
    return EXIT.OK;
  },
};

/** Writes a file that must not exist yet: a key is never replaced by accident. */
async function writeNew(path, text, mode) {
  let file;
  try {
    file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  } catch (err) {
    if (err.code === 'EEXIST') throw new UsageError(`${path} exists already: choose another --out, or move it away first`);
    throw new UsageError(`cannot write ${path}: ${err.message}`);
  }
  try {
    await file.writeFile(text);
  } finally {
    await file.close();
  }
}

export const fingerprintCommand = {
  name: 'fingerprint',
  summary: "print a public key's SHA-256 fingerprint",
  usage: `usage: refundkit fingerprint [FILE]

Prints the lowercase hex SHA-256 of the public key's SPKI DER. FILE holds the key as PEM or as
base64 (SPKI or PKCS#1); without FILE, or with -, the key is read from stdin.`,
  options: {},
  positionals: true,
  async run({ positionals }) {
    if (positionals.length > 1) throw new UsageError('give one key file at most');
    const text = (await readInput(positionals[0] ?? '-', 'the public key')).toString('utf8').trim();
    const { keyFingerprint } = await import('../js/node.mjs');
    try {
      console.log(keyFingerprint(text));
      return EXIT.OK;
    } catch (err) {
      console.error(describeError(err));
      return EXIT.REFUSED;
    }
  },
};
