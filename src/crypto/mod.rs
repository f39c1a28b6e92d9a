//! The crypto seam. Every signature the library makes or checks, and every body it encrypts or
//! decrypts, goes through here; gateway modules say *what* is signed (which bytes, which digest,
//! where the signature travels) and never *how*.
//!
//! A client holds one [`Signer`] (its merchant key) and one [`Verifier`] (the gateway's key), chosen
//! when it is made. The RustCrypto implementations are [`crate::PrivateKey`] and
//! [`crate::PublicKey`] themselves; a host with RSA of its own (node:crypto, WebCrypto) plugs in
//! through the same two traits. RSASSA-PKCS1-v1_5 is deterministic, so every implementation gives
//! the same signature for the same bytes, and the bytes on the wire never depend on which one ran.

pub(crate) mod aes_cbc;
pub(crate) mod pkcs1v15;

pub use pkcs1v15::HashAlg;

use crate::keys::{PrivateKey, PublicKey};
use crate::Result;
use std::fmt::Debug;

/// Where a client's RSA runs. Keys are read and checked by [`crate::keys`] first, whatever the
/// provider (the same strict import everywhere); the provider then takes them into its own form,
/// once per client: a host's native key object, or the parsed key itself.
pub trait CryptoProvider {
    fn signer(&self, key: PrivateKey) -> Result<Box<dyn Signer>>;
    fn verifier(&self, key: PublicKey) -> Result<Box<dyn Verifier>>;
}

/// The RustCrypto crates, in Rust: available everywhere, and the only provider where the host has
/// no RSA of its own.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCrypto;

impl CryptoProvider for RustCrypto {
    /// The rsa crate checks the key's numbers as it takes them.
    #[cfg(feature = "rsa")]
    fn signer(&self, key: PrivateKey) -> Result<Box<dyn Signer>> {
        key.rsa()?;
        Ok(Box::new(key))
    }

    #[cfg(not(feature = "rsa"))]
    fn signer(&self, _key: PrivateKey) -> Result<Box<dyn Signer>> {
        Err(crate::Error::config_field(
            "privateKey",
            "this build has no RSA signer of its own (the rsa feature is off): sign through the \
             host's RSA",
        ))
    }

    fn verifier(&self, key: PublicKey) -> Result<Box<dyn Verifier>> {
        Ok(Box::new(key))
    }
}

/// Signs with the merchant's private key: RSASSA-PKCS1-v1_5 over the digest of `message`.
/// `Debug` must never show key material.
pub trait Signer: Debug {
    /// The raw signature, as long as the modulus.
    fn sign(&self, message: &[u8], hash: HashAlg) -> Result<Vec<u8>>;
}

/// Checks the gateway's signatures. Fails closed: anything but a valid signature over exactly
/// `message` is `SIGNATURE_INVALID`.
pub trait Verifier: Debug {
    fn verify(&self, message: &[u8], signature: &[u8], hash: HashAlg) -> Result<()>;
}
