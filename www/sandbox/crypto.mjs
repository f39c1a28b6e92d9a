// Key material and the three primitives every sandbox gateway needs: RSASSA-PKCS1-v1_5 signatures
// in standard base64, and AES-CBC for BIEASES bodies. node:crypto only.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomBytes,
  sign as rsaSign,
  verify as rsaVerify,
} from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

const KEYS_FILE = 'sandbox-test-keys.json';
const KEYS_FORMAT = 1;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Signs `bytes` and returns standard base64 with padding. */
export function signBase64(privateKey, bytes, hash = 'sha256') {
  return rsaSign(hash, Buffer.from(bytes), privateKey).toString('base64');
}

/** True only for a well-formed base64 signature that verifies over exactly `bytes`. */
export function verifyBase64(publicKey, bytes, signature, hash = 'sha256') {
  if (typeof signature !== 'string' || signature.length % 4 !== 0 || !BASE64.test(signature)) {
    return false;
  }
  try {
    return rsaVerify(hash, Buffer.from(bytes), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** AES-CBC with PKCS#7 padding; key and IV are the UTF-8 bytes of the issued strings. */
export function aesEncrypt(plaintext, aesKey, aesIv) {
  const cipher = createCipheriv(aesAlgorithm(aesKey), Buffer.from(aesKey, 'utf8'), Buffer.from(aesIv, 'utf8'));
  return Buffer.concat([cipher.update(Buffer.from(plaintext, 'utf8')), cipher.final()]).toString('base64');
}

/** Returns the plaintext, or null when the text is not base64 ciphertext under this key and IV. */
export function aesDecrypt(ciphertextBase64, aesKey, aesIv) {
  if (typeof ciphertextBase64 !== 'string' || !BASE64.test(ciphertextBase64)) return null;
  try {
    const decipher = createDecipheriv(
      aesAlgorithm(aesKey),
      Buffer.from(aesKey, 'utf8'),
      Buffer.from(aesIv, 'utf8'),
    );
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertextBase64, 'base64')), decipher.final()]);
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    return null;
  }
}

function aesAlgorithm(aesKey) {
  const bits = Buffer.byteLength(aesKey, 'utf8') * 8;
  if (bits !== 128 && bits !== 256) throw new Error('the AES key must be 16 or 32 bytes');
  return `aes-${bits}-cbc`;
}

async function newRsaPair() {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    publicKeyEncoding: { type: 'spki', format: 'der' },
  });
  return { privateKey: privateKey.toString('base64'), publicKey: publicKey.toString('base64') };
}

/** Random text of `length` characters from [0-9a-f]: usable as UTF-8 AES key or IV bytes. */
function randomHexText(length) {
  return randomBytes(length / 2).toString('hex');
}

async function newGatewayKeys(gateway) {
  // Both pairs at once: the merchant's (the sandbox only holds its public half for verifying,
  // but prints the private half for the client config) and the one playing the gateway.
  const [merchant, gw] = await Promise.all([newRsaPair(), newRsaPair()]);
  const keys = {
    merchantPrivateKey: merchant.privateKey,
    merchantPublicKey: merchant.publicKey,
    gatewayPrivateKey: gw.privateKey,
    gatewayPublicKey: gw.publicKey,
  };
  if (gateway === 'bieases') {
    keys.aesKey = randomHexText(32);
    keys.aesIv = randomHexText(16);
  }
  return keys;
}

function isCompleteKeySet(gateway, keys) {
  const texts = ['merchantPrivateKey', 'merchantPublicKey', 'gatewayPrivateKey', 'gatewayPublicKey'];
  if (gateway === 'bieases') texts.push('aesKey', 'aesIv');
  return keys !== null && typeof keys === 'object' && texts.every((k) => typeof keys[k] === 'string' && keys[k]);
}

async function readKeyFile(path) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw err;
  }
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (parsed?.format !== KEYS_FORMAT || typeof parsed.gateways !== 'object') {
    throw new Error(`${path} is not a sandbox key file of format ${KEYS_FORMAT}; delete it to make new keys`);
  }
  return parsed;
}

/**
 * Loads the sandbox test keys from `keysDir`, generating whatever is missing on first start and
 * saving it (owner-only permissions), so the printed credentials stay valid across restarts.
 * Returns { raw: {gateway: texts}, objects: {gateway: KeyObjects}, generated: [gateway...] }.
 */
export async function loadOrCreateKeys(keysDir, gateways) {
  const path = join(keysDir, KEYS_FILE);
  const stored = (await readKeyFile(path)) ?? { format: KEYS_FORMAT, gateways: {} };
  const generated = [];
  await Promise.all(
    gateways.map(async (gateway) => {
      if (!isCompleteKeySet(gateway, stored.gateways[gateway])) {
        stored.gateways[gateway] = await newGatewayKeys(gateway);
        generated.push(gateway);
      }
    }),
  );
  if (generated.length > 0) {
    await mkdir(keysDir, { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, path);
  }
  const objects = {};
  for (const gateway of gateways) {
    const k = stored.gateways[gateway];
    objects[gateway] = {
      merchantPublicKey: createPublicKey({ key: Buffer.from(k.merchantPublicKey, 'base64'), format: 'der', type: 'spki' }),
      gatewayPrivateKey: createPrivateKey({ key: Buffer.from(k.gatewayPrivateKey, 'base64'), format: 'der', type: 'pkcs8' }),
      aesKey: k.aesKey,
      aesIv: k.aesIv,
    };
  }
  return { raw: stored.gateways, objects, generated };
}
