//! refundkit's RSA fallback for browsers: RSASSA-PKCS1-v1_5 signing with the rsa crate (blinded,
//! constant-time arithmetic), in a module of its own so that the default browser download does not
//! carry private-key RSA it does not run. The page loads it only where WebCrypto cannot sign (an
//! insecure origin) or where the caller asks for synchronous signing; the main module hands it
//! checked PKCS#8 DER and the bytes to sign, and receives the signature.

use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use wasm_bindgen::prelude::*;

/// A merchant key taken into the rsa crate once: its numbers are checked and its CRT values computed
/// here, and wiped when the key is freed.
#[wasm_bindgen]
pub struct FallbackKey(RsaPrivateKey);

#[wasm_bindgen]
impl FallbackKey {
    /// `pkcs8` is the DER the main module checked; a refusal here means its numbers do not fit.
    #[wasm_bindgen(constructor)]
    pub fn new(pkcs8: &[u8]) -> Result<FallbackKey, JsError> {
        RsaPrivateKey::from_pkcs8_der(pkcs8)
            .map(FallbackKey)
            .map_err(|_| JsError::new("the RSA private key's numbers do not fit together"))
    }

    /// The signature over the digest of `message`; `hash` is "sha256" or "sha1".
    pub fn sign(&self, hash: &str, message: &[u8]) -> Result<Vec<u8>, JsError> {
        let (padding, digest) = match hash {
            "sha256" => (
                Pkcs1v15Sign::new::<Sha256>(),
                Sha256::digest(message).to_vec(),
            ),
            "sha1" => (Pkcs1v15Sign::new::<Sha1>(), Sha1::digest(message).to_vec()),
            _ => return Err(JsError::new("unknown digest")),
        };
        self.0
            .sign(padding, &digest)
            .map_err(|_| JsError::new("signing failed with this private key"))
    }
}
