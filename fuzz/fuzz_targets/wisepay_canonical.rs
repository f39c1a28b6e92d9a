//! The WisePay canonical string, through the notification verifier: fields built from the input are
//! signed over `canonical_string` by the test gateway key and sent as JSON and as form data. The
//! verifier must accept every such message except those it refuses on purpose (field names that are
//! not plain, values that hide `&name=`), and must never call a genuine signature invalid otherwise.
//! The canonical string itself must not depend on field order.
#![no_main]

#[path = "common.rs"]
mod common;

use common::{gateway_sign, response, NOW_MS};
use libfuzzer_sys::fuzz_target;
use refundkit::hazmat::canonical_string;
use refundkit::{Client, ErrorCode, HashAlg};
use serde_json::{Map, Value};

fn client() -> &'static Client {
    common::client(common::wisepay_config)
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whether some `&` in the value is followed by a plain name and `=`.
fn hides_a_field(value: &str) -> bool {
    value
        .split('&')
        .skip(1)
        .any(|piece| match piece.split_once('=') {
            Some((name, _)) => is_plain_name(name),
            None => false,
        })
}

/// Fields from the input: records separated by 0x00, key and value separated by 0x01. Keys are
/// unique (a later duplicate is dropped), `sign` is left to the signer.
fn fields(data: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(data);
    let mut out: Vec<(String, String)> = Vec::new();
    for record in text.split('\0') {
        let (key, value) = record.split_once('\u{1}').unwrap_or((record, ""));
        if key == "sign" || out.iter().any(|(k, _)| k == key) {
            continue;
        }
        out.push((key.to_string(), value.to_string()));
    }
    out
}

fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Whether the verifier may refuse a correctly signed message with these fields, and how.
fn check_outcome(fields: &[(String, String)], outcome: refundkit::Result<()>, encoding: &str) {
    let any_odd_name = fields.iter().any(|(k, _)| !is_plain_name(k));
    let any_hidden = fields.iter().any(|(_, v)| hides_a_field(v));
    match outcome {
        Ok(()) => {
            assert!(
                !any_odd_name,
                "{encoding}: a field name with odd characters was accepted"
            );
            assert!(
                !any_hidden,
                "{encoding}: a value hiding '&name=' was accepted"
            );
        }
        Err(e) if e.code == ErrorCode::SignatureInvalid => {
            assert!(
                any_hidden,
                "{encoding}: a genuine signature was called invalid: {e:?} for {fields:?}"
            );
        }
        Err(e) if e.code == ErrorCode::SignatureMissing => {
            // Only when the signature has nowhere to go.
            assert!(
                fields.iter().all(|(_, v)| v.is_empty()) || any_odd_name,
                "{encoding}: the sign field was not found: {e:?}"
            );
        }
        // Past the signature, the fields may still be refused for what they say.
        Err(e) => common::check_error(&e),
    }
}

fuzz_target!(|data: &[u8]| {
    let fields = fields(data);
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let canonical = canonical_string(&pairs);
    let reversed: Vec<(&str, &str)> = pairs.iter().rev().copied().collect();
    assert_eq!(
        canonical,
        canonical_string(&reversed),
        "order changed the canonical string"
    );
    for (key, value) in &fields {
        if !value.is_empty() {
            assert!(
                canonical.contains(&format!("{key}={value}")),
                "a field is missing"
            );
        }
    }

    let sign = gateway_sign(canonical.as_bytes(), HashAlg::Sha256);

    let mut object = Map::new();
    for (key, value) in &fields {
        object.insert(key.clone(), Value::String(value.clone()));
    }
    object.insert("sign".to_string(), Value::String(sign.clone()));
    let json_body = Value::Object(object).to_string().into_bytes();
    let json_message = response(
        json_body,
        vec![("Content-Type".into(), "application/json".into())],
    );
    let outcome = client()
        .verify_notification(&json_message, NOW_MS)
        .map(|_| ());
    check_outcome(&fields, outcome, "json");

    let mut form: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect();
    form.push(format!("sign={}", form_encode(&sign)));
    let form_message = response(
        form.join("&").into_bytes(),
        vec![(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
    );
    let outcome = client()
        .verify_notification(&form_message, NOW_MS)
        .map(|_| ());
    check_outcome(&fields, outcome, "form");
});
