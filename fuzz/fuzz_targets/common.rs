//! What every gateway target shares: clients configured with the fixture keys, the test gateway's
//! signing key, and the checks every answer must pass.
//!
//! Each gateway target reads its first input byte as a mode and the rest as a body:
//! - `Unsigned`: the bytes as the body, no signature header;
//! - `ForgedHeader`: the bytes as the body with a signature header made from the body itself;
//! - `Signed`: the bytes wrapped and signed with the test gateway key the client trusts, so the
//!   fuzzer reaches the code that runs only after a signature holds.
//!
//! Nothing unsigned may ever verify: a notification or signed response that comes back `Ok` without
//! having been signed by the gateway key is a forgery and aborts the run.

#![allow(dead_code)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use refundkit::json::ToJson;
use refundkit::keys::PrivateKey;
use refundkit::{Client, Config, Error, HashAlg, RawResponse, Signer};
use serde_json::Value;
use std::sync::OnceLock;

pub const NOW_MS: u64 = 1_763_776_800_000;

pub const MERCHANT_KEY_PEM: &str = include_str!("../../tests/fixtures/merchant_test_key.pem");
pub const GATEWAY_KEY_PEM: &str = include_str!("../../tests/fixtures/gateway_test_key.pem");
pub const GATEWAY_PUB_PEM: &str = include_str!("../../tests/fixtures/gateway_test_key.pub.pem");

/// A PEM file as one line of base64: config values may not hold line breaks.
pub fn one_line(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Unsigned,
    ForgedHeader,
    Signed,
}

/// Splits the input into its mode byte and body.
pub fn split(data: &[u8]) -> Option<(Mode, &[u8])> {
    let (&first, body) = data.split_first()?;
    let mode = match first % 3 {
        0 => Mode::Unsigned,
        1 => Mode::ForgedHeader,
        _ => Mode::Signed,
    };
    Some((mode, body))
}

/// A client from a config built with serde_json's `json!`, handed over as its text.
pub fn client_from(config: Value) -> Client {
    let settings = config.to_string().parse().expect("fixture config is JSON");
    let config = Config::from_json(&settings).expect("fixture config is valid");
    Client::new(config).expect("fixture client builds")
}

/// This target's client, made once per thread from `config` with the test keys added. A client is
/// not `Sync` (gateways are plain trait objects); libFuzzer runs one thread.
pub fn client(config: fn() -> Value) -> &'static Client {
    thread_local! {
        static CLIENT: std::cell::OnceCell<&'static Client> = const { std::cell::OnceCell::new() };
    }
    CLIENT.with(|c| *c.get_or_init(|| Box::leak(Box::new(client_from(with_test_keys(config()))))))
}

/// A gateway config with the fixture merchant key and test gateway key filled in.
pub fn with_test_keys(mut config: Value) -> Value {
    config["privateKey"] = one_line(MERCHANT_KEY_PEM).into();
    config["gatewayPublicKey"] = one_line(GATEWAY_PUB_PEM).into();
    config
}

/// The WisePay config the WisePay targets and the input target use.
pub fn wisepay_config() -> Value {
    serde_json::json!({
        "gateway": "wisepay",
        "environment": "sg-sandbox",
        "appId": "wz715fc0d10ee9d156",
        "merchantNo": "302100085224",
    })
}

pub fn gateway_key() -> &'static PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| PrivateKey::import(GATEWAY_KEY_PEM, "gatewayKey").expect("fixture key"))
}

/// Signs as the test gateway would.
pub fn gateway_sign(message: &[u8], hash: HashAlg) -> String {
    let signature = gateway_key()
        .sign(message, hash)
        .expect("signing with the fixture key works");
    STANDARD.encode(signature)
}

pub fn response(body: Vec<u8>, headers: Vec<(String, String)>) -> RawResponse {
    RawResponse::new(Some(200), headers, body)
}

/// An error must carry a message, and never one that repeats a long piece of what was received
/// verbatim beyond a bounded excerpt (messages are shown to people and logged).
pub fn check_error(error: &Error) {
    assert!(
        !error.message.is_empty(),
        "an error without a message: {error:?}"
    );
    assert!(
        error.message.len() < 4096,
        "an error message of {} bytes: received data is being echoed",
        error.message.len()
    );
}

/// Runs the three receiving calls of a client over one message. `authentic` says whether the
/// harness signed it with the trusted key; when it did not, nothing may verify.
pub fn exercise(client: &Client, message: &RawResponse, authentic: bool, responses_signed: bool) {
    match client.parse_refund_response(message) {
        Ok(result) => {
            if responses_signed {
                assert!(
                    authentic,
                    "an unsigned refund response was accepted: {result:?}"
                );
                assert!(
                    result.verified,
                    "a signed gateway's result is not marked verified"
                );
            }
            let _ = result.to_json();
        }
        Err(e) => check_error(&e),
    }
    match client.parse_refund_query_response(message) {
        Ok(results) => {
            if responses_signed {
                assert!(
                    authentic,
                    "an unsigned query response was accepted: {results:?}"
                );
            }
            for result in &results {
                let _ = result.to_json();
            }
        }
        Err(e) => check_error(&e),
    }
    match client.verify_notification(message, NOW_MS) {
        Ok(notification) => {
            assert!(
                authentic,
                "an unsigned notification verified: {notification:?}"
            );
            assert!(
                notification.refund.verified,
                "a verified notification is not marked verified"
            );
        }
        Err(e) => check_error(&e),
    }
}

/// The text a WisePay field contributes to the canonical string: strings as they are, other JSON
/// values as their compact JSON text, `null` nothing.
fn wisepay_field_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Signs a JSON object the way the WisePay gateway does: the canonical string of its top-level
/// fields (without `sign`) under SHA-256, placed in a `sign` field. `None` if the body is not a
/// JSON object.
pub fn wisepay_signed(body: &[u8]) -> Option<Vec<u8>> {
    let Value::Object(mut object) = serde_json::from_slice::<Value>(body).ok()? else {
        return None;
    };
    object.shift_remove("sign");
    let texts: Vec<(String, String)> = object
        .iter()
        .filter_map(|(k, v)| wisepay_field_text(v).map(|t| (k.clone(), t)))
        .collect();
    let pairs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let canonical = refundkit::hazmat::canonical_string(&pairs);
    let sign = gateway_sign(canonical.as_bytes(), HashAlg::Sha256);
    object.insert("sign".to_string(), Value::String(sign));
    serde_json::to_vec(&Value::Object(object)).ok()
}
