//! Raw primitives, for this crate's own tests, fuzz targets and benches: the PKCS#1 v1.5 verifier,
//! the rsa crate's view of parsed keys, WisePay's canonical string and the decimal readers. Behind
//! the `hazmat` feature because none of it is a stable API, and each is easy to misuse on its own (a
//! verifier that returns `bool`, a canonical string that is ambiguous by design).

pub use crate::gateways::wisepay::canonical_string;
pub use crate::money::{
    format_received_amount, format_received_minor, format_received_number, Decimal,
};
use crate::{HashAlg, PrivateKey, PublicKey};

/// RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2) of `signature` over a DER DigestInfo.
pub fn pkcs1v15_verify(key: &PublicKey, digest_info: &[u8], signature: &[u8]) -> bool {
    crate::crypto::pkcs1v15::pkcs1v15_verify(key.numbers(), digest_info, signature)
}

/// The DER DigestInfo of `message` (RFC 8017 §9.2 steps 1-2).
pub fn digest_info(hash: HashAlg, message: &[u8]) -> Vec<u8> {
    hash.digest_info(message)
}

/// The rsa crate's view of a parsed private key (its numbers, checked).
#[cfg(feature = "rsa")]
pub fn rsa_private_key(key: &PrivateKey) -> crate::Result<&rsa::RsaPrivateKey> {
    key.rsa()
}

/// The rsa crate's view of a parsed public key.
#[cfg(feature = "rsa")]
pub fn rsa_public_key(key: &PublicKey) -> rsa::RsaPublicKey {
    let numbers = key.numbers();
    rsa::RsaPublicKey::new_unchecked(
        rsa::BoxedUint::from_be_slice_vartime(&numbers.n),
        rsa::BoxedUint::from(numbers.e),
    )
}

/// The PKCS#8 DER a parsed private key keeps for providers to import.
pub fn pkcs8_der(key: &PrivateKey) -> &[u8] {
    key.pkcs8_der()
}
