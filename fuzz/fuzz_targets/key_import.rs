//! Key import: PEM or base64 DER text, private and public. The first byte picks how the rest is
//! presented (as text, as base64 of DER bytes, or as PEM around that base64) so the fuzzer can work
//! on the DER structure itself. No input may panic, and no error may quote the key text. What an
//! accepted key is written as (PKCS#8 for the providers, SPKI for the fingerprint) must read back
//! to the same bytes.
#![no_main]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use libfuzzer_sys::fuzz_target;
use refundkit::hazmat::pkcs8_der;
use refundkit::keys::{key_fingerprint, PrivateKey, PublicKey};

/// An error message must not carry a run of the given text long enough to be key material.
fn check_not_quoted(text: &str, message: &str) {
    let compact: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    for window in compact.chunks_exact(24) {
        let probe: String = window.iter().collect();
        assert!(
            !message.contains(&probe),
            "an error quotes the key text: {message}"
        );
    }
}

/// The DER written for a key is DER the import reads, and writing it again changes nothing.
fn check_written_der_reads_back(public: &PublicKey, private: Option<&PrivateKey>) {
    let spki = public.spki_der();
    let again = PublicKey::import(&STANDARD.encode(spki), "publicKey")
        .expect("the SPKI written for an accepted key imports");
    assert_eq!(again.spki_der(), spki);
    if let Some(key) = private {
        let pkcs8 = pkcs8_der(key);
        let again = PrivateKey::import(&STANDARD.encode(pkcs8), "privateKey")
            .expect("the PKCS#8 written for an accepted key imports");
        assert_eq!(pkcs8_der(&again), pkcs8);
    }
}

fn key_text(mode: u8, rest: &[u8]) -> String {
    match mode % 4 {
        0 => String::from_utf8_lossy(rest).into_owned(),
        1 => STANDARD.encode(rest),
        2 => format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            STANDARD.encode(rest)
        ),
        _ => format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            STANDARD.encode(rest)
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = key_text(mode, rest);
    match PrivateKey::import(&text, "privateKey") {
        Ok(key) => {
            assert!((2048..=4096).contains(&key.bits()));
            assert!(!format!("{key:?}").contains(&text));
            let _ = key.public_key().fingerprint();
            check_written_der_reads_back(&key.public_key(), Some(&key));
        }
        Err(e) => {
            assert_eq!(e.field.as_deref(), Some("privateKey"));
            check_not_quoted(&text, &e.message);
        }
    }
    match PublicKey::import(&text, "gatewayPublicKey") {
        Ok(key) => {
            assert!((2048..=4096).contains(&key.bits()));
            assert_eq!(key.fingerprint().len(), 64);
            check_written_der_reads_back(&key, None);
        }
        Err(e) => {
            assert_eq!(e.field.as_deref(), Some("gatewayPublicKey"));
            check_not_quoted(&text, &e.message);
        }
    }
    let _ = key_fingerprint(&text);
});
