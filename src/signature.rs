//! RSASSA-PKCS1-v1_5 signatures, standard base64 with padding.
//!
//! Signing goes through the rsa crate's blinded private-key operation. Verification re-encodes the
//! whole expected EMSA-PKCS1-v1_5 block and compares it in constant time (the rsa crate does both),
//! which closes the lenient-DigestInfo and trailing-garbage forgeries that hit other libraries.

use crate::keys::{PrivateKey, PublicKey};
use crate::{Error, Result};
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use rsa::Pkcs1v15Sign;
use sha1::Sha1;
use sha2::{Digest, Sha256};

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
    key.rsa()
        .verify(hash.padding(), &hash.digest(message), &signature)
        .map_err(|_| {
            Error::signature_invalid(
                "the signature does not match the message and the gateway's public key",
            )
        })
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
