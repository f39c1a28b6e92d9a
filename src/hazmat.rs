//! Raw primitives, for this crate's own tests, fuzz targets and benches: the PKCS#1 v1.5 verifier
//! on rsa-crate keys, WisePay's canonical string and the decimal readers. Behind the `hazmat`
//! feature because none of it is a stable API, and each is easy to misuse on its own (a verifier
//! that returns `bool`, a canonical string that is ambiguous by design).

pub use crate::crypto::pkcs1v15::{pkcs1v15_verify, public_key_verify};
pub use crate::gateways::wisepay::canonical_string;
pub use crate::money::{
    format_received_amount, format_received_minor, format_received_number, Decimal,
};
use crate::{PrivateKey, PublicKey};
use rsa::{RsaPrivateKey, RsaPublicKey};

/// The rsa crate's view of a parsed private key.
pub fn rsa_private_key(key: &PrivateKey) -> &RsaPrivateKey {
    key.rsa()
}

/// The rsa crate's view of a parsed public key.
pub fn rsa_public_key(key: &PublicKey) -> &RsaPublicKey {
    key.rsa()
}

/// The PKCS#8 DER a parsed private key keeps for hosts that import it into their own RSA.
pub fn pkcs8_der(key: &PrivateKey) -> &[u8] {
    key.pkcs8_der()
}
