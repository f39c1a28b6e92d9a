//! The signing core against the gateways' published vectors and the key-format matrix.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{fixture, sign, verify};
use refundkit::keys::{generate_key_pair, PrivateKey, PublicKey};
use refundkit::HashAlg;

use refundkit::ErrorCode;
use serde_json::Value;

fn vectors() -> Value {
    common::json_fixture("vectors.json")
}

#[test]
fn reproduces_the_wisepay_vector() {
    let v = &vectors()["wisepay"];
    let key = PrivateKey::import(v["privateKey"].as_str().unwrap(), "privateKey").unwrap();
    let canonical = v["canonical"].as_str().unwrap();
    assert_eq!(
        sign(&key, canonical.as_bytes(), HashAlg::Sha256).unwrap(),
        v["sign"].as_str().unwrap()
    );
}

#[test]
fn reproduces_the_payermax_vector_and_verifies_it() {
    let v = &vectors()["payermax"];
    let key = PrivateKey::import(v["privateKey"].as_str().unwrap(), "privateKey").unwrap();
    let public = PublicKey::import(v["publicKey"].as_str().unwrap(), "gatewayPublicKey").unwrap();
    let body = v["body"].as_str().unwrap();
    let signature = sign(&key, body.as_bytes(), HashAlg::Sha256).unwrap();
    assert_eq!(signature, v["sign"].as_str().unwrap());
    verify(&public, body.as_bytes(), &signature, HashAlg::Sha256).unwrap();
    let tampered = body.replace("R1642411016202", "R1642411016203");
    let e = verify(&public, tampered.as_bytes(), &signature, HashAlg::Sha256).unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);
}

#[test]
fn one_key_in_every_format_signs_identically() {
    let pem = fixture("merchant_test_key.pem");
    let pkcs1 = fixture("merchant_test_key.pkcs1.pem");
    let bare: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("");
    let message = "refund 10.00 THB, 返金".as_bytes();
    let signatures: Vec<String> = [pem, pkcs1, bare.clone(), format!("  {bare}\r\n")]
        .iter()
        .map(|text| {
            let key = PrivateKey::import(text, "privateKey").unwrap();
            sign(&key, message, HashAlg::Sha256).unwrap()
        })
        .collect();
    assert!(signatures.windows(2).all(|w| w[0] == w[1]));
    for public in [
        "merchant_test_key.pub.pem",
        "merchant_test_key.pub.pkcs1.pem",
    ] {
        let key = PublicKey::import(&fixture(public), "gatewayPublicKey").unwrap();
        verify(&key, message, &signatures[0], HashAlg::Sha256).unwrap();
        assert!(verify(&key, message, &signatures[0], HashAlg::Sha1).is_err());
    }
}

#[test]
fn bad_keys_are_key_invalid_without_echoing_the_input() {
    let weak = fixture("weak_1024_test_key.pem");
    let ec = fixture("ec_p256_test_key.pem");
    let public = fixture("merchant_test_key.pub.pem");
    let cases = [
        (weak.as_str(), "at least 2048 bits"),
        (ec.as_str(), "expected an RSA private key"),
        (public.as_str(), "a public key was given"),
        ("not a key at all, SECRET-MARKER", "neither"),
        ("", "empty"),
        ("-----BEGIN PRIVATE KEY-----\nAAAA", "incomplete"),
    ];
    for (text, expected) in cases {
        let e = PrivateKey::import(text, "privateKey").unwrap_err();
        assert_eq!(e.code, ErrorCode::KeyInvalid, "{expected}");
        assert_eq!(e.field.as_deref(), Some("privateKey"));
        assert!(e.message.contains(expected), "{}", e.message);
        assert!(!e.message.contains("SECRET-MARKER") && !e.message.contains("MII"));
    }
    let e = PublicKey::import(&fixture("merchant_test_key.pem"), "gatewayPublicKey").unwrap_err();
    assert!(
        e.message.contains("a private key was given"),
        "{}",
        e.message
    );
}

#[test]
fn fingerprint_is_sha256_of_spki_der_in_any_format() {
    let a = refundkit::key_fingerprint(&fixture("merchant_test_key.pub.pem")).unwrap();
    let b = refundkit::key_fingerprint(&fixture("merchant_test_key.pub.pkcs1.pem")).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.len(), 64);
    assert!(a
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
}

#[test]
fn generated_key_pairs_import_and_sign() {
    let pair = generate_key_pair(2048).unwrap();
    let key = PrivateKey::import(&pair.private_key_pem, "privateKey").unwrap();
    let public = PublicKey::import(&pair.public_key, "publicKey").unwrap();
    let sig = sign(&key, b"x", HashAlg::Sha256).unwrap();
    verify(&public, b"x", &sig, HashAlg::Sha256).unwrap();
    assert!(generate_key_pair(1024).is_err());
}
