//! RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) on the RustCrypto crates: verification everywhere, signing
//! (the `rsa` feature) where the host has no RSA of its own.
//!
//! Signing goes through the rsa crate's blinded private-key operation. Verification (RFC 8017
//! §8.2.2) re-encodes the whole expected EMSA-PKCS1-v1_5 block and compares it with the recovered
//! one, which closes the lenient-DigestInfo and trailing-garbage forgeries that hit other libraries.
//!
//! The public exponentiation is the crate's own ([`crate::bignum`]) instead of the rsa crate's:
//! everything in it is public (signature, modulus, exponent), so it may run in variable time, and a
//! plain square-and-multiply takes 17 Montgomery products for e = 65537 where the rsa crate's
//! constant-time windowed ladder takes about 37. It also keeps a general bignum library out of the
//! module that only verifies.

use super::Verifier;
use crate::keys::{PublicKey, PublicNumbers};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The digest under a signature. SHA-256 everywhere; SHA-1 only for the BIEASES profile option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HashAlg {
    #[default]
    Sha256,
    Sha1,
}

impl HashAlg {
    pub(crate) fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => Sha256::digest(message).to_vec(),
            HashAlg::Sha1 => Sha1::digest(message).to_vec(),
        }
    }

    /// The DER DigestInfo before the digest (RFC 8017 §9.2, note 1).
    fn digest_info_prefix(self) -> &'static [u8] {
        match self {
            HashAlg::Sha256 => &[
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            HashAlg::Sha1 => &[
                0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
                0x14,
            ],
        }
    }

    /// The DER DigestInfo of `message` (RFC 8017 §9.2 steps 1-2).
    pub(crate) fn digest_info(self, message: &[u8]) -> Vec<u8> {
        [self.digest_info_prefix(), &self.digest(message)].concat()
    }
}

#[cfg(feature = "rsa")]
impl super::Signer for crate::keys::PrivateKey {
    fn sign(&self, message: &[u8], hash: HashAlg) -> Result<Vec<u8>> {
        let digest = hash.digest(message);
        let padding = match hash {
            HashAlg::Sha256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
            HashAlg::Sha1 => rsa::Pkcs1v15Sign::new::<Sha1>(),
        };
        self.rsa()?
            .sign(padding, &digest)
            .map_err(|_| Error::key("privateKey", "signing failed with this private key"))
    }
}

impl Verifier for PublicKey {
    fn verify(&self, message: &[u8], signature: &[u8], hash: HashAlg) -> Result<()> {
        if public_key_verify(self.numbers(), message, signature, hash) {
            Ok(())
        } else {
            Err(Error::signature_invalid(
                "the signature does not match the message and the gateway's public key",
            ))
        }
    }
}

/// Whether `signature` is a valid RSASSA-PKCS1-v1_5 signature over `message`.
pub(crate) fn public_key_verify(
    key: &PublicNumbers,
    message: &[u8],
    signature: &[u8],
    hash: HashAlg,
) -> bool {
    pkcs1v15_verify(key, &hash.digest_info(message), signature)
}

/// RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2) of `signature` over the DER `digest_info`.
pub(crate) fn pkcs1v15_verify(key: &PublicNumbers, digest_info: &[u8], signature: &[u8]) -> bool {
    let k = key.size;
    // Step 1: the signature has exactly the modulus' length.
    if signature.len() != k {
        return false;
    }
    let Some(expected) = emsa_pkcs1v15_encode(digest_info, k) else {
        return false;
    };
    // Steps 2a-c: OS2IP; s must lie in [0, n) (`pow` refuses it otherwise); m = s^e mod n;
    // I2OSP(m, k).
    let Some(em) = key.modulus().and_then(|n| n.pow(signature, key.e, k)) else {
        return false;
    };
    // Steps 3-4: compare with the encoding of what should have been signed.
    em.ct_eq(&expected).into()
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

#[cfg(all(test, feature = "rsa"))]
mod tests {
    use super::*;

    #[test]
    fn digest_info_prefixes_are_the_rsa_crates() {
        assert_eq!(
            HashAlg::Sha256.digest_info_prefix(),
            &rsa::Pkcs1v15Sign::new::<Sha256>().prefix[..]
        );
        assert_eq!(
            HashAlg::Sha1.digest_info_prefix(),
            &rsa::Pkcs1v15Sign::new::<Sha1>().prefix[..]
        );
    }
}
