//! RSASSA-PKCS1-v1_5 signatures, standard base64 with padding.
//!
//! Signing goes through the rsa crate's blinded private-key operation. Verification (RFC 8017 §8.2.2)
//! re-encodes the whole expected EMSA-PKCS1-v1_5 block and compares it with the recovered one, which
//! closes the lenient-DigestInfo and trailing-garbage forgeries that hit other libraries.
//!
//! The public exponentiation is done here, on crypto-bigint, instead of through the rsa crate:
//! everything in it is public (signature, modulus, exponent), so it may run in variable time, and a
//! plain square-and-multiply takes 17 Montgomery products for e = 65537 where the rsa crate's
//! constant-time windowed ladder takes about 37. That halves the cost of verifying a gateway's answer.

use crate::keys::{PrivateKey, PublicKey};
use crate::{Error, Result};
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use rsa::traits::PublicKeyParts;
use rsa::{BoxedUint, Pkcs1v15Sign, RsaPublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The digest under the signature. SHA-256 everywhere; SHA-1 only for the BIEASES profile option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum HashAlg {
    #[default]
    Sha256,
    Sha1,
}

impl HashAlg {
    fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => Sha256::digest(message).to_vec(),
            HashAlg::Sha1 => Sha1::digest(message).to_vec(),
        }
    }

    fn padding(self) -> Pkcs1v15Sign {
        match self {
            HashAlg::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
            HashAlg::Sha1 => Pkcs1v15Sign::new::<Sha1>(),
        }
    }

    /// The name WebCrypto uses for this digest.
    pub fn webcrypto_name(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha1 => "SHA-1",
        }
    }
}

/// Signs `message` and returns the signature as standard base64 with padding.
pub fn sign(key: &PrivateKey, message: &[u8], hash: HashAlg) -> Result<String> {
    let digest = hash.digest(message);
    key.rsa()
        .sign(hash.padding(), &digest)
        .map(|sig| STANDARD.encode(sig))
        .map_err(|_| Error::key("privateKey", "signing failed with this private key"))
}

/// Verifies a base64 signature over exactly `message`. Fails closed: anything but a valid signature
/// is `SIGNATURE_INVALID`.
pub fn verify(key: &PublicKey, message: &[u8], signature_b64: &str, hash: HashAlg) -> Result<()> {
    let signature = decode_signature(signature_b64)?;
    let digest_info = [&hash.padding().prefix[..], &hash.digest(message)].concat();
    if pkcs1v15_verify(key.rsa(), &digest_info, &signature) {
        Ok(())
    } else {
        Err(Error::signature_invalid(
            "the signature does not match the message and the gateway's public key",
        ))
    }
}

/// RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2) of `signature` over the DER `digest_info`.
pub fn pkcs1v15_verify(key: &RsaPublicKey, digest_info: &[u8], signature: &[u8]) -> bool {
    let k = key.size();
    // Step 1: the signature has exactly the modulus' length.
    if signature.len() != k {
        return false;
    }
    let Some(expected) = emsa_pkcs1v15_encode(digest_info, k) else {
        return false;
    };
    // Step 2a-b: OS2IP, and s must lie in [0, n).
    let Ok(s) = BoxedUint::from_be_slice(signature, key.n_bits_precision()) else {
        return false;
    };
    if s >= *key.n().as_ref() {
        return false;
    }
    // Step 2c: m = s^e mod n; I2OSP(m, k).
    let m = public_exponentiation(s, key.e(), key.n_params()).to_be_bytes();
    let Some((high, em)) = m.split_at_checked(m.len().saturating_sub(k)) else {
        return false;
    };
    // Steps 3-4: compare with the encoding of what should have been signed.
    let high_is_zero = high.iter().fold(0u8, |acc, byte| acc | byte).ct_eq(&0);
    (high_is_zero & em.ct_eq(&expected)).into()
}

/// EMSA-PKCS1-v1_5 (RFC 8017 §9.2 step 5): 0x00 0x01 0xFF.. 0x00 digest_info, `k` bytes long, or
/// None where the modulus is too short for it.
fn emsa_pkcs1v15_encode(digest_info: &[u8], k: usize) -> Option<Vec<u8>> {
    let padding_len = k
        .checked_sub(digest_info.len() + 3)
        .filter(|&len| len >= 8)?;
    let mut em = Vec::with_capacity(k);
    em.extend_from_slice(&[0x00, 0x01]);
    em.resize(2 + padding_len, 0xff);
    em.push(0x00);
    em.extend_from_slice(digest_info);
    Some(em)
}

/// `base^exponent mod n` by left-to-right square-and-multiply. Variable time: only for public data.
fn public_exponentiation(base: BoxedUint, exponent: &BoxedUint, n: &BoxedMontyParams) -> BoxedUint {
    let base = BoxedMontyForm::new(base, n);
    let mut acc = base.clone();
    for bit in (0..exponent.bits_vartime().saturating_sub(1)).rev() {
        acc = acc.square();
        if exponent.bit_vartime(bit) {
            acc = acc.mul(&base);
        }
    }
    acc.retrieve()
}

/// Standard base64, padded or not; whitespace is not tolerated inside a signature.
fn decode_signature(signature_b64: &str) -> Result<Vec<u8>> {
    let trimmed = signature_b64.trim();
    let decoded = if trimmed.ends_with('=') {
        STANDARD.decode(trimmed)
    } else {
        STANDARD_NO_PAD.decode(trimmed)
    };
    decoded.map_err(|_| Error::signature_invalid("the signature is not valid base64"))
}
