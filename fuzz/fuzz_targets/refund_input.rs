//! The caller's side: the library's JSON parser over any text (it must accept exactly what
//! serde_json accepts, and read the same value), then `RefundInput::from_json` and
//! `RefundQuery::from_json` over what it read, then the request drafts of every gateway (the bytes
//! to sign are fixed there; signing itself is skipped to keep runs fast). Every refusal must name
//! the field at fault.
#![no_main]

#[path = "common.rs"]
mod common;

use common::{check_error, NOW_MS};
use libfuzzer_sys::fuzz_target;
use refundkit::json::{self, ToJson};
use refundkit::{Client, ErrorCode, RefundInput, RefundQuery};
use serde_json::{json, Value};

fn clients() -> &'static [Client] {
    thread_local! {
        static CLIENTS: &'static [Client] = Box::leak(make_clients().into_boxed_slice());
    }
    CLIENTS.with(|c| *c)
}

fn make_clients() -> Vec<Client> {
    {
        let configs = [
            common::wisepay_config(),
            json!({"gateway": "payermax", "environment": "sandbox",
                   "appId": "a0dddd1f622243cb9aa1b676e808b5f8", "merchantNo": "02021382719993"}),
            json!({"gateway": "bluepay", "appId": "733b887a4a784708bb369524db5b6ded",
                   "baseUrl": "https://openapi.bluepay.test/"}),
            json!({"gateway": "bieases", "environment": "sandbox", "merchantId": "B131567545069",
                   "aesKey": "0123456789abcdef", "aesIv": "abcdef9876543210"}),
        ];
        configs
            .into_iter()
            .map(|config| common::client_from(common::with_test_keys(config)))
            .collect()
    }
}

/// Refusals of the caller's data name a field; the codes are the caller-side ones.
fn check_input_error(e: &refundkit::Error) {
    check_error(e);
    assert!(
        matches!(e.code, ErrorCode::InputInvalid | ErrorCode::AmountInvalid),
        "unexpected code for bad input: {e:?}"
    );
    assert!(
        e.field.as_deref().is_some_and(|f| !f.is_empty()),
        "no field: {e:?}"
    );
}

/// The library's reading of `text`, checked against serde_json's.
fn parse_as_serde_json_does(text: &str) -> Option<json::Value> {
    let ours = json::parse(text).ok();
    let theirs = serde_json::from_str::<Value>(text).ok();
    assert_eq!(ours.is_some(), theirs.is_some(), "acceptance differs");
    if let (Some(ours), Some(theirs)) = (&ours, &theirs) {
        let reread: Value = serde_json::from_str(&ours.to_json()).expect("what we write is JSON");
        assert_eq!(&reread, theirs, "the values differ");
    }
    ours
}

fuzz_target!(|data: &[u8]| {
    let Some(value) = std::str::from_utf8(data)
        .ok()
        .and_then(parse_as_serde_json_does)
    else {
        return;
    };
    match RefundInput::from_json(&value) {
        Ok(input) => {
            for client in clients() {
                match client.draft_refund(&input, NOW_MS) {
                    Ok(draft) => assert!(!draft.message.is_empty()),
                    Err(e) => check_input_error(&e),
                }
            }
        }
        Err(e) => check_input_error(&e),
    }
    match RefundQuery::from_json(&value) {
        Ok(query) => {
            for client in clients() {
                match client.draft_refund_query(&query, NOW_MS) {
                    Ok(draft) => assert!(!draft.message.is_empty()),
                    Err(e) => check_input_error(&e),
                }
            }
        }
        Err(e) => check_input_error(&e),
    }
});
