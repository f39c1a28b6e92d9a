//! The receive-size limit: every receive path of every gateway refuses a body over `maxBodyBytes`
//! with BODY_TOO_LARGE before parsing it, and a body at the limit still reaches the gateway's parser.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{gateway_config, json_response, lib_json};
use refundkit::{gateways, Client, Config, ErrorCode, RawResponse, DEFAULT_MAX_BODY_BYTES};
use serde_json::{json, Value};

fn config(gateway: &str, max_body_bytes: Option<Value>) -> Config {
    let mut config = gateway_config(gateway);
    if let Some(limit) = max_body_bytes {
        config["maxBodyBytes"] = limit;
    }
    Config::from_json(&lib_json(&config)).unwrap()
}

/// A JSON object padded with spaces to exactly `len` bytes: the cheapest body a parser could take.
fn body_of_len(len: usize) -> Vec<u8> {
    let mut body = b"{".to_vec();
    body.resize(len - 1, b' ');
    body.push(b'}');
    body
}

fn codes_of_every_receive_path(client: &Client, body: Vec<u8>) -> [ErrorCode; 3] {
    let raw = json_response(&body);
    [
        client.parse_refund_response(&raw).unwrap_err().code,
        client.parse_refund_query_response(&raw).unwrap_err().code,
        client.verify_notification(&raw, 0).unwrap_err().code,
    ]
}

#[test]
fn a_body_one_byte_over_the_default_limit_is_refused_on_every_receive_path() {
    for gateway in gateways().map(|info| info.id) {
        let client = Client::new(config(gateway, None)).unwrap();
        assert_eq!(client.max_body_bytes(), DEFAULT_MAX_BODY_BYTES);
        let codes = codes_of_every_receive_path(&client, body_of_len(DEFAULT_MAX_BODY_BYTES + 1));
        assert_eq!(codes, [ErrorCode::BodyTooLarge; 3], "{gateway}");
    }
}

#[test]
fn a_body_at_the_limit_reaches_the_gateway_parser() {
    for gateway in gateways().map(|info| info.id) {
        let client = Client::new(config(gateway, Some(json!(4096)))).unwrap();
        for code in codes_of_every_receive_path(&client, body_of_len(4096)) {
            assert_ne!(code, ErrorCode::BodyTooLarge, "{gateway}");
        }
        let codes = codes_of_every_receive_path(&client, body_of_len(4097));
        assert_eq!(codes, [ErrorCode::BodyTooLarge; 3], "{gateway}");
    }
}

#[test]
fn the_limit_message_names_the_setting_and_the_limit() {
    let client = Client::new(config("payermax", Some(json!(2048)))).unwrap();
    let raw = RawResponse::new(None, vec![], body_of_len(5000));
    let e = client.verify_notification(&raw, 0).unwrap_err();
    assert!(e.message.contains("2048 bytes"), "{}", e.message);
    assert!(e.message.contains("maxBodyBytes"), "{}", e.message);
}

#[test]
fn max_body_bytes_must_be_a_whole_number_within_bounds() {
    for bad in [
        json!(0),
        json!(1023),
        json!(64 * 1024 * 1024 + 1),
        json!(1.5),
        json!("4096"),
    ] {
        let e = Client::new(config("wisepay", Some(bad.clone()))).unwrap_err();
        assert_eq!(e.code, ErrorCode::ConfigInvalid, "{bad}");
        assert_eq!(e.field.as_deref(), Some("maxBodyBytes"), "{bad}");
    }
    let client = Client::with_external_signer(
        config("bieases", Some(json!(65536))),
        &refundkit::RustCrypto,
    )
    .unwrap();
    assert_eq!(client.max_body_bytes(), 65536);
}
