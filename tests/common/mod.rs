//! Helpers shared by the integration tests: fixtures, and signing and verifying with base64
//! signatures the way gateways write them. Each test crate uses part of this module.
#![allow(dead_code)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use refundkit::{HashAlg, PrivateKey, PublicKey, Result, Signer, Verifier};

pub fn fixture_path(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap()
}

/// A PEM text as one line of base64 DER, the form gateway portals hand keys out in (and the only
/// form a config value without line breaks can hold).
pub fn one_line(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

/// A PEM fixture as one line of base64 DER.
pub fn bare_key(name: &str) -> String {
    one_line(&fixture(name))
}

/// The test gateway's private key, to sign what "the gateway" sends.
pub fn gateway_key() -> PrivateKey {
    PrivateKey::import(&fixture("gateway_test_key.pem"), "privateKey").unwrap()
}

/// Signs with the library's signer and writes the signature as standard base64.
pub fn sign(key: &PrivateKey, message: &[u8], hash: HashAlg) -> Result<String> {
    key.sign(message, hash)
        .map(|signature| STANDARD.encode(signature))
}

/// Verifies a standard base64 signature with the library's verifier.
pub fn verify(key: &PublicKey, message: &[u8], signature_b64: &str, hash: HashAlg) -> Result<()> {
    let signature = STANDARD
        .decode(signature_b64)
        .map_err(|_| refundkit::Error::signature_invalid("not base64"))?;
    key.verify(message, &signature, hash)
}
