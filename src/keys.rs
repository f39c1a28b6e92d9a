//! RSA key import, fingerprints and key generation.
//!
//! Keys arrive as PEM or as bare base64 DER, with or without line breaks. The format is decided by the
//! ASN.1 structure, not by the PEM label (some gateway SDKs wrap PKCS#8 in an `RSA PRIVATE KEY` label).
//! Error messages say what was expected and never quote the key text.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::der::Decode;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};
use std::fmt;
use zeroize::Zeroizing;

/// The smallest modulus accepted: 2048 bits, as every supported gateway requires.
pub const MIN_BITS: usize = 2048;
/// The largest modulus accepted (the rsa crate's own limit).
pub const MAX_BITS: usize = 4096;

const RSA_ENCRYPTION_OID: &str = "1.2.840.113549.1.1.1";

/// A parsed RSA private key. Its numbers are zeroized when dropped (the rsa crate does that), and
/// the PKCS#8 DER kept for WebCrypto import is held in a zeroizing buffer.
pub struct PrivateKey {
    key: RsaPrivateKey,
    pkcs8_der: Zeroizing<Vec<u8>>,
}

/// A parsed RSA public key with its SPKI DER encoding.
#[derive(Clone)]
pub struct PublicKey {
    key: RsaPublicKey,
    spki_der: Vec<u8>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey(RSA-{}, redacted)", self.bits())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(RSA-{})", self.bits())
    }
}

impl PrivateKey {
    /// Imports a private key: PKCS#8 or PKCS#1, PEM or bare base64 DER. `field` names the config field
    /// in errors.
    pub fn import(text: &str, field: &str) -> crate::Result<PrivateKey> {
        let der = decode_key_text(text, field)?;
        let key = match RsaPrivateKey::from_pkcs8_der(&der) {
            Ok(key) => key,
            Err(_) => match RsaPrivateKey::from_pkcs1_der(&der) {
                Ok(key) => key,
                Err(_) => return Err(explain_private_key_failure(&der, field)),
            },
        };
        check_size(key.size() * 8, field)?;
        let pkcs8_der = key
            .to_pkcs8_der()
            .map_err(|_| crate::Error::key(field, "the private key could not be re-encoded"))?;
        Ok(PrivateKey {
            key,
            pkcs8_der: Zeroizing::new(pkcs8_der.as_bytes().to_vec()),
        })
    }

    pub fn bits(&self) -> usize {
        self.key.size() * 8
    }

    pub fn rsa(&self) -> &RsaPrivateKey {
        &self.key
    }

    /// PKCS#8 DER of this key, for handing to WebCrypto's `importKey("pkcs8")`.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8_der
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_rsa(self.key.to_public_key())
    }
}

impl PublicKey {
    /// Imports a public key: SPKI or PKCS#1, PEM or bare base64 DER.
    pub fn import(text: &str, field: &str) -> crate::Result<PublicKey> {
        let der = decode_key_text(text, field)?;
        let key = match RsaPublicKey::from_public_key_der(&der) {
            Ok(key) => key,
            Err(_) => match RsaPublicKey::from_pkcs1_der(&der) {
                Ok(key) => key,
                Err(_) => return Err(explain_public_key_failure(&der, field)),
            },
        };
        check_size(key.size() * 8, field)?;
        Ok(PublicKey::from_rsa(key))
    }

    fn from_rsa(key: RsaPublicKey) -> PublicKey {
        let spki_der = key
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default();
        PublicKey { key, spki_der }
    }

    pub fn bits(&self) -> usize {
        self.key.size() * 8
    }

    pub fn rsa(&self) -> &RsaPublicKey {
        &self.key
    }

    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// Lowercase hex SHA-256 of the SPKI DER: the fingerprint gateways show for uploaded keys.
    pub fn fingerprint(&self) -> String {
        hex(&Sha256::digest(&self.spki_der))
    }
}

/// A freshly generated key pair, as base64 DER (PKCS#8 and SPKI) and as PEM.
pub struct GeneratedKeyPair {
    pub private_key: Zeroizing<String>,
    pub public_key: String,
    pub private_key_pem: Zeroizing<String>,
    pub public_key_pem: String,
}

/// Checks a requested key size: 2048, 3072 or 4096 bits.
pub fn check_generated_bits(bits: usize) -> crate::Result<()> {
    if [2048, 3072, 4096].contains(&bits) {
        Ok(())
    } else {
        Err(crate::Error::input(
            "bits",
            "key size must be 2048, 3072 or 4096 bits",
        ))
    }
}

/// Generates an RSA key pair of 2048, 3072 or 4096 bits with the rsa crate.
pub fn generate_key_pair(bits: usize) -> crate::Result<GeneratedKeyPair> {
    check_generated_bits(bits)?;
    let mut rng = rsa::rand_core::UnwrapErr(getrandom::SysRng);
    let failed = || crate::Error::key("bits", "key generation failed");
    let key = RsaPrivateKey::new(&mut rng, bits).map_err(|_| failed())?;
    let pkcs8 = key.to_pkcs8_der().map_err(|_| failed())?;
    let spki = key
        .to_public_key()
        .to_public_key_der()
        .map_err(|_| failed())?;
    Ok(key_pair_from_der(pkcs8.as_bytes(), spki.as_bytes()))
}

/// Encodes a key pair given as PKCS#8 and SPKI DER (from WebCrypto's export or our own generation).
pub fn key_pair_from_der(pkcs8: &[u8], spki: &[u8]) -> GeneratedKeyPair {
    let private_b64 = Zeroizing::new(STANDARD.encode(pkcs8));
    let public_b64 = STANDARD.encode(spki);
    GeneratedKeyPair {
        private_key_pem: Zeroizing::new(pem("PRIVATE KEY", &private_b64)),
        public_key_pem: pem("PUBLIC KEY", &public_b64),
        private_key: private_b64,
        public_key: public_b64,
    }
}

/// Lowercase hex SHA-256 of a public key's SPKI DER; the key may be given in any accepted format.
pub fn key_fingerprint(public_key: &str) -> crate::Result<String> {
    Ok(PublicKey::import(public_key, "publicKey")?.fingerprint())
}

fn check_size(bits: usize, field: &str) -> crate::Result<()> {
    if bits < MIN_BITS {
        return Err(crate::Error::key(
            field,
            format!("RSA keys must have at least {MIN_BITS} bits; this one has {bits}"),
        ));
    }
    if bits > MAX_BITS {
        return Err(crate::Error::key(
            field,
            format!("RSA keys of more than {MAX_BITS} bits are not supported; this one has {bits}"),
        ));
    }
    Ok(())
}

/// Turns PEM or bare base64 into DER bytes. The DER is secret for private keys, hence Zeroizing.
fn decode_key_text(text: &str, field: &str) -> crate::Result<Zeroizing<Vec<u8>>> {
    let body = if text.contains("-----BEGIN") {
        pem_body(text, field)?
    } else {
        text
    };
    let compact: Zeroizing<String> =
        Zeroizing::new(body.chars().filter(|c| !c.is_whitespace()).collect());
    if compact.is_empty() {
        return Err(crate::Error::key(
            field,
            "expected an RSA key as PEM or base64 DER, got an empty string",
        ));
    }
    STANDARD
        .decode(compact.as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| {
            crate::Error::key(
                field,
                "expected an RSA key as PEM or base64 DER; the text is neither",
            )
        })
}

/// The base64 between the first BEGIN line and its END line. Encrypted PEM is refused by name.
fn pem_body<'a>(text: &'a str, field: &str) -> crate::Result<&'a str> {
    let begin = text.find("-----BEGIN").unwrap_or(0);
    let rest = &text[begin + "-----BEGIN".len()..];
    let label_end = rest.find("-----").ok_or_else(|| malformed_pem(field))?;
    let label = rest[..label_end].trim();
    if label.contains("ENCRYPTED") || rest.contains("Proc-Type:") {
        return Err(crate::Error::key(
            field,
            "encrypted keys are not supported; export the key without a passphrase",
        ));
    }
    let body = &rest[label_end + 5..];
    let end = body.find("-----END").ok_or_else(|| malformed_pem(field))?;
    Ok(&body[..end])
}

fn malformed_pem(field: &str) -> crate::Error {
    crate::Error::key(
        field,
        "the PEM text is incomplete: a BEGIN line needs a matching END line",
    )
}

fn explain_private_key_failure(der: &[u8], field: &str) -> crate::Error {
    if is_public_key(der) {
        return crate::Error::key(
            field,
            "a public key was given where the merchant's private key belongs",
        );
    }
    if let Some(oid) = pkcs8_algorithm(der) {
        if oid != RSA_ENCRYPTION_OID {
            return crate::Error::key(
                field,
                format!("expected an RSA private key; this key's algorithm is {oid}"),
            );
        }
    }
    crate::Error::key(
        field,
        "expected an RSA private key in PKCS#8 or PKCS#1; the data is not one",
    )
}

fn explain_public_key_failure(der: &[u8], field: &str) -> crate::Error {
    if RsaPrivateKey::from_pkcs8_der(der).is_ok() || RsaPrivateKey::from_pkcs1_der(der).is_ok() {
        return crate::Error::key(
            field,
            "a private key was given where the gateway's public key belongs; never share a private key",
        );
    }
    if let Ok(spki) = rsa::pkcs8::spki::SubjectPublicKeyInfoRef::from_der(der) {
        return crate::Error::key(
            field,
            format!(
                "expected an RSA public key; this key's algorithm is {}",
                spki.algorithm.oid
            ),
        );
    }
    if pkcs8_algorithm(der).is_some() {
        return crate::Error::key(
            field,
            "a private key was given where the gateway's public key belongs; never share a private key",
        );
    }
    crate::Error::key(
        field,
        "expected an RSA public key in SPKI (X.509) or PKCS#1; the data is not one",
    )
}

fn is_public_key(der: &[u8]) -> bool {
    RsaPublicKey::from_public_key_der(der).is_ok()
        || RsaPublicKey::from_pkcs1_der(der).is_ok()
        || rsa::pkcs8::spki::SubjectPublicKeyInfoRef::from_der(der).is_ok()
}

fn pkcs8_algorithm(der: &[u8]) -> Option<String> {
    rsa::pkcs8::PrivateKeyInfoRef::from_der(der)
        .ok()
        .map(|info| info.algorithm.oid.to_string())
}

fn pem(label: &str, b64: &str) -> String {
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}
