//! The Wycheproof RSASSA-PKCS1-v1_5 SHA-256 vectors (2048, 3072 and 4096 bits) against the library's
//! own verifier. Wycheproof collects the encodings that lenient verifiers have accepted in the wild
//! (BER lengths, missing NULL, garbage after the DigestInfo, wrong padding bytes, e = 3 forgeries), so
//! every vector marked `valid` must verify and every vector marked `invalid` must be refused.
//! The files are in tests/fixtures/wycheproof with their licence; see the README there.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::verify;
use refundkit::keys::PublicKey;
use refundkit::HashAlg;

use serde_json::Value;

fn vectors(bits: u32) -> Value {
    let path = format!(
        "{}/tests/fixtures/wycheproof/rsa_signature_{bits}_sha256_test.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// Runs one file; returns (valid vectors verified, invalid vectors refused).
fn run(bits: u32) -> (usize, usize) {
    let file = vectors(bits);
    assert_eq!(file["schema"], "rsassa_pkcs1_verify_schema_v1.json");
    let (mut accepted, mut refused) = (0, 0);
    for group in file["testGroups"].as_array().unwrap() {
        assert_eq!(group["sha"], "SHA-256");
        let key = PublicKey::import(group["publicKeyPem"].as_str().unwrap(), "gatewayPublicKey")
            .unwrap_or_else(|e| panic!("{bits}-bit group key refused: {e}"));
        for test in group["tests"].as_array().unwrap() {
            let id = &test["tcId"];
            let message = hex(test["msg"].as_str().unwrap());
            let signature = STANDARD.encode(hex(test["sig"].as_str().unwrap()));
            let verdict = verify(&key, &message, &signature, HashAlg::Sha256);
            match test["result"].as_str().unwrap() {
                "valid" => {
                    verdict.unwrap_or_else(|e| panic!("{bits}-bit tcId {id} must verify: {e}"));
                    accepted += 1;
                }
                "invalid" => {
                    assert!(
                        verdict.is_err(),
                        "{bits}-bit tcId {id} ({}) must be refused",
                        test["comment"]
                    );
                    refused += 1;
                }
                // "acceptable": legal but discouraged (e.g. a short signature); either verdict holds.
                _ => {}
            }
        }
    }
    (accepted, refused)
}

#[test]
fn every_wycheproof_2048_bit_sha256_vector_gets_its_expected_verdict() {
    let (accepted, refused) = run(2048);
    assert!(accepted >= 9 && refused >= 249, "{accepted} {refused}");
}

#[test]
fn every_wycheproof_3072_bit_sha256_vector_gets_its_expected_verdict() {
    let (accepted, refused) = run(3072);
    assert!(accepted > 0 && refused > 200, "{accepted} {refused}");
}

#[test]
fn every_wycheproof_4096_bit_sha256_vector_gets_its_expected_verdict() {
    let (accepted, refused) = run(4096);
    assert!(accepted > 0 && refused > 200, "{accepted} {refused}");
}
