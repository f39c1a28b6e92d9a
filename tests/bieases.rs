//! BIEASES against OpenSSL: every request the library builds is decrypted and its signature checked
//! with the `openssl` command line, and every message "from the gateway" is encrypted and signed
//! with it, for every crypto profile.
//!
//! Native only: the tests shell out to `openssl`, which WebAssembly cannot.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{bare_key, json_response, lib_json, object_of, openssl, serde_json_of, text};
use refundkit::{
    Client, Config, Error, ErrorCode, RawResponse, RefundInput, RefundQuery, RefundStatus,
};
use serde_json::{json, Value};

/// 2025-11-22T02:00:00Z, the clock of every test.
const NOW: u64 = 1_763_776_800_000;
const MERCHANT_ID: &str = "B131567545069";
const PAYMENT_ID: &str = "01J143NWJFNGBV2YB9ZRB9T7PS";
const BIEASES_REFUND_ID: &str = "2013112111001004500000675973";
const IV: &[u8] = b"abcdef9876543210";

/// One crypto profile and the raw AES key it is tested with.
#[derive(Clone, Debug)]
struct Profile {
    sign_target: &'static str,
    hash: &'static str,
    key_encoding: &'static str,
    key: Vec<u8>,
    iv: Vec<u8>,
}

impl Profile {
    fn default_with_key(key: &[u8]) -> Profile {
        Profile {
            sign_target: "ciphertext",
            hash: "sha256",
            key_encoding: "utf8",
            key: key.to_vec(),
            iv: IV.to_vec(),
        }
    }

    fn encoded(&self, bytes: &[u8]) -> String {
        use base64::Engine;
        match self.key_encoding {
            "utf8" => String::from_utf8(bytes.to_vec()).unwrap(),
            "base64" => base64::engine::general_purpose::STANDARD.encode(bytes),
            "hex" => bytes.iter().map(|b| format!("{b:02x}")).collect(),
            other => panic!("{other}"),
        }
    }

    fn config(&self) -> Value {
        json!({
            "gateway": "bieases",
            "environment": "sandbox",
            "merchantId": MERCHANT_ID,
            "privateKey": bare_key("merchant_test_key.pem"),
            "gatewayPublicKey": bare_key("gateway_test_key.pub.pem"),
            "aesKey": self.encoded(&self.key),
            "aesIv": self.encoded(&self.iv),
            "signTarget": self.sign_target,
            "hash": self.hash,
            "keyEncoding": self.key_encoding,
        })
    }

    fn client(&self) -> Client {
        Client::new(Config::from_json(&lib_json(&self.config())).unwrap()).unwrap()
    }
}

/// Every combination of signTarget, hash and keyEncoding, cycling through AES-128, -192 and -256.
/// UTF-8 keys are printable text; base64 and hex keys are raw bytes that are not valid UTF-8.
fn all_profiles() -> Vec<Profile> {
    let mut profiles = Vec::new();
    for sign_target in ["ciphertext", "plaintext"] {
        for hash in ["sha256", "sha1"] {
            for key_encoding in ["utf8", "base64", "hex"] {
                let key_len = [16, 24, 32][profiles.len() % 3];
                let (key, iv) = if key_encoding == "utf8" {
                    let text = "0123456789abcdefghijklmnopqrstuv";
                    (text.as_bytes()[..key_len].to_vec(), IV.to_vec())
                } else {
                    let key = (0..key_len).map(|i| (i * 37 + 200) as u8).collect();
                    (key, (0u8..16).map(|i| 0xf0 ^ i).collect())
                };
                profiles.push(Profile {
                    sign_target,
                    hash,
                    key_encoding,
                    key,
                    iv,
                });
            }
        }
    }
    profiles
}

/// An envelope as BIEASES would send it under `profile`, signed with `signer`.
fn gateway_envelope(profile: &Profile, signer: &str, body: &Value, timestamp: u64) -> Value {
    let plaintext = serde_json::to_string(body).unwrap();
    let ciphertext = openssl::encrypt(&profile.key, &profile.iv, plaintext.as_bytes());
    let target = match profile.sign_target {
        "plaintext" => plaintext.as_bytes(),
        _ => ciphertext.as_bytes(),
    };
    json!({
        "merchantId": MERCHANT_ID,
        "method": "bieases.trade.callback",
        "format": "json",
        "charset": "utf-8",
        "encryptType": "AES",
        "signType": "RSA",
        "sign": openssl::sign(signer, profile.hash, target),
        "timestamp": timestamp,
        "body": ciphertext,
    })
}

fn raw(body: &Value) -> RawResponse {
    json_response(&serde_json::to_vec(body).unwrap())
}

fn refund_input(value: Value) -> RefundInput {
    RefundInput::from_json(&lib_json(&value)).unwrap()
}

fn usd_refund() -> RefundInput {
    refund_input(json!({
        "refundId": "R-1001",
        "originalTransactionId": PAYMENT_ID,
        "amount": "10.5",
        "currency": "USD",
        "reason": "damaged",
        "notifyUrl": "https://shop.example/bieases/notify",
    }))
}

const USD_REFUND_PLAINTEXT: &str = concat!(
    r#"{"paymentId":"01J143NWJFNGBV2YB9ZRB9T7PS","referRefundNo":"R-1001","refundAmount":10.50,"#,
    r#""currency":"USD","refundInfos":[{"goodsDesc":"damaged","refundGoodAmount":"10.50"}],"#,
    r#""reason":"damaged","callbackUrl":"https://shop.example/bieases/notify"}"#
);

fn refund_notification_body() -> Value {
    json!({
        "merchantId": MERCHANT_ID,
        "event": "payment.refund.success",
        "refundId": BIEASES_REFUND_ID,
        "paymentId": PAYMENT_ID,
        "referRefundNo": "R-1001",
        "refundAmount": "10.5",
        "currency": "USD",
        "status": "SUCCESS",
        "refundTime": 1706585572074u64,
        "completeTime": "1706585579000",
        "msg": "",
    })
}

fn err_of<T: std::fmt::Debug>(r: refundkit::Result<T>) -> Error {
    r.expect_err("expected an error")
}

// ---- requests ----

#[test]
fn every_profile_builds_requests_that_openssl_decrypts_and_verifies() {
    for profile in all_profiles() {
        let client = profile.client();
        let request = client.build_refund(&usd_refund(), NOW).unwrap();
        assert_eq!(
            request.url,
            "https://app-sandbox.bieases.com/cgi/payment/api/v1/payment-order/refund"
        );
        assert_eq!(request.method, "POST");
        assert_eq!(
            request.headers,
            vec![("Content-Type".to_string(), "application/json".to_string())]
        );
        let envelope = object_of(&request.body);
        let keys: Vec<&str> = envelope.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "merchantId",
                "method",
                "format",
                "charset",
                "encryptType",
                "signType",
                "sign",
                "timestamp",
                "body"
            ]
        );
        assert_eq!(envelope["merchantId"], MERCHANT_ID);
        assert_eq!(envelope["method"], "bieases.trade.refund");
        assert_eq!(envelope["format"], "json");
        assert_eq!(envelope["charset"], "utf-8");
        assert_eq!(envelope["encryptType"], "AES");
        assert_eq!(envelope["signType"], "RSA");
        assert!(request.body.contains(&format!("\"timestamp\":{NOW},")));

        let body = envelope["body"].as_str().unwrap();
        let plaintext = openssl::decrypt(&profile.key, &profile.iv, body)
            .expect("openssl could not decrypt the body");
        assert_eq!(
            String::from_utf8(plaintext.clone()).unwrap(),
            USD_REFUND_PLAINTEXT,
            "{profile:?}"
        );
        let sign = envelope["sign"].as_str().unwrap();
        let (target, other) = match profile.sign_target {
            "ciphertext" => (body.as_bytes(), plaintext.as_slice()),
            _ => (plaintext.as_slice(), body.as_bytes()),
        };
        assert!(
            openssl::verifies("merchant_test_key.pub.pem", profile.hash, target, sign),
            "{profile:?}"
        );
        assert!(!openssl::verifies(
            "merchant_test_key.pub.pem",
            profile.hash,
            other,
            sign
        ));
        let other_hash = if profile.hash == "sha1" {
            "sha256"
        } else {
            "sha1"
        };
        assert!(!openssl::verifies(
            "merchant_test_key.pub.pem",
            other_hash,
            target,
            sign
        ));

        let query = RefundQuery {
            gateway_refund_id: Some(BIEASES_REFUND_ID.into()),
            ..Default::default()
        };
        let request = client.build_refund_query(&query, NOW).unwrap();
        assert_eq!(
            request.url,
            "https://app-sandbox.bieases.com/cgi/payment/api/v1/payment-order/refund/query"
        );
        let envelope = object_of(&request.body);
        assert_eq!(envelope["method"], "bieases.trade.query");
        let body = envelope["body"].as_str().unwrap();
        let plaintext = openssl::decrypt(&profile.key, &profile.iv, body)
            .expect("openssl could not decrypt the body");
        assert_eq!(
            plaintext,
            format!(r#"{{"refundId":"{BIEASES_REFUND_ID}"}}"#).as_bytes()
        );
        let target = match profile.sign_target {
            "ciphertext" => body.as_bytes(),
            _ => plaintext.as_slice(),
        };
        assert!(openssl::verifies(
            "merchant_test_key.pub.pem",
            profile.hash,
            target,
            envelope["sign"].as_str().unwrap()
        ));
    }
}

#[test]
fn the_same_input_gives_the_same_bytes_and_production_its_own_host() {
    let profile = Profile::default_with_key(b"0123456789abcdef");
    let client = profile.client();
    let a = client.build_refund(&usd_refund(), NOW).unwrap();
    let b = client.build_refund(&usd_refund(), NOW).unwrap();
    assert_eq!(a, b, "CBC with the issued static IV is deterministic");
    let mut config = profile.config();
    config["environment"] = json!("production");
    let client = Client::new(Config::from_json(&lib_json(&config)).unwrap()).unwrap();
    let request = client.build_refund(&usd_refund(), NOW).unwrap();
    assert_eq!(
        request.url,
        "https://app.bieases.com/cgi/payment/api/v1/payment-order/refund"
    );
    config["baseUrl"] = json!("http://127.0.0.1:8089/");
    let client = Client::new(Config::from_json(&lib_json(&config)).unwrap()).unwrap();
    let request = client.build_refund(&usd_refund(), NOW).unwrap();
    assert_eq!(
        request.url,
        "http://127.0.0.1:8089/cgi/payment/api/v1/payment-order/refund"
    );
}

fn refund_plaintext(client: &Client, profile: &Profile, input: Value) -> String {
    let request = client.build_refund(&refund_input(input), NOW).unwrap();
    let envelope = object_of(&request.body);
    let plaintext = openssl::decrypt(
        &profile.key,
        &profile.iv,
        envelope["body"].as_str().unwrap(),
    )
    .expect("openssl could not decrypt the body");
    String::from_utf8(plaintext).unwrap()
}

#[test]
fn amounts_are_exact_json_numbers_with_the_currency_digits() {
    let profile = Profile::default_with_key(b"0123456789abcdef0123456789abcdef");
    let client = profile.client();
    for (amount, currency, number) in [
        ("1000", "JPY", "1000"),
        ("1.25", "KWD", "1.250"),
        ("99999999999999999.99", "USD", "99999999999999999.99"),
        ("0.1", "USD", "0.10"),
    ] {
        let text = refund_plaintext(
            &client,
            &profile,
            json!({"refundId": "R-2", "originalTransactionId": PAYMENT_ID,
                   "amount": amount, "currency": currency}),
        );
        assert_eq!(
            text,
            format!(
                r#"{{"paymentId":"{PAYMENT_ID}","referRefundNo":"R-2","refundAmount":{number},"currency":"{currency}","refundInfos":[{{"goodsDesc":"R-2","refundGoodAmount":"{number}"}}]}}"#
            )
        );
    }
}

#[test]
fn refund_infos_come_from_extra_when_they_add_up() {
    let profile = Profile::default_with_key(b"0123456789abcdef");
    let client = profile.client();
    let text = refund_plaintext(
        &client,
        &profile,
        json!({"refundId": "R-3", "originalTransactionId": PAYMENT_ID, "amount": "10.50",
               "currency": "USD", "extra": {"refundInfos": [
                   {"goodsDesc": "mug", "refundGoodAmount": "4.5"},
                   {"goodsDesc": "tea, 茶", "refundGoodAmount": "6"}]}}),
    );
    assert!(
        text.contains(r#""refundInfos":[{"goodsDesc":"mug","refundGoodAmount":"4.50"},{"goodsDesc":"tea, 茶","refundGoodAmount":"6.00"}]"#),
        "{text}"
    );

    let build = |extra: Value| {
        client.build_refund(
            &refund_input(
                json!({"refundId": "R-3", "originalTransactionId": PAYMENT_ID,
                                 "amount": "10.50", "currency": "USD", "extra": extra}),
            ),
            NOW,
        )
    };
    let cases = [
        (
            json!({"refundInfos": [{"goodsDesc": "mug", "refundGoodAmount": "4.50"}]}),
            ErrorCode::AmountInvalid,
            "extra.refundInfos",
        ),
        (
            json!({"refundInfos": []}),
            ErrorCode::InputInvalid,
            "extra.refundInfos",
        ),
        (
            json!({"refundInfos": {"goodsDesc": "mug"}}),
            ErrorCode::InputInvalid,
            "extra.refundInfos",
        ),
        (
            json!({"refundInfos": ["mug"]}),
            ErrorCode::InputInvalid,
            "extra.refundInfos[0]",
        ),
        (
            json!({"refundInfos": [{"goodsDesc": "", "refundGoodAmount": "10.50"}]}),
            ErrorCode::InputInvalid,
            "extra.refundInfos[0].goodsDesc",
        ),
        (
            json!({"refundInfos": [{"goodsDesc": "a\nb", "refundGoodAmount": "10.50"}]}),
            ErrorCode::InputInvalid,
            "extra.refundInfos[0].goodsDesc",
        ),
        (
            json!({"refundInfos": [{"goodsDesc": "mug", "refundGoodAmount": 10.5}]}),
            ErrorCode::AmountInvalid,
            "extra.refundInfos[0].refundGoodAmount",
        ),
        (
            json!({"refundInfos": [{"goodsDesc": "mug", "refundGoodAmount": "10.505"}]}),
            ErrorCode::AmountInvalid,
            "extra.refundInfos[0].refundGoodAmount",
        ),
        (
            json!({"refundInfos": [{"goodsDesc": "mug", "refundGoodAmount": "10.50", "qty": 1}]}),
            ErrorCode::InputInvalid,
            "extra.refundInfos[0].qty",
        ),
        (
            json!({"refundInfo": []}),
            ErrorCode::InputInvalid,
            "extra.refundInfo",
        ),
    ];
    for (extra, code, field) in cases {
        let e = err_of(build(extra.clone()));
        assert_eq!(e.code, code, "{extra}: {e}");
        assert_eq!(e.field.as_deref(), Some(field), "{extra}: {e}");
    }
}

#[test]
fn refund_input_is_checked_against_the_bieases_limits() {
    let client = Profile::default_with_key(b"0123456789abcdef").client();
    let build = |input: Value| client.build_refund(&refund_input(input), NOW);

    let e = err_of(build(json!({"refundId": "R-4", "originalOrderId": "O-1",
                                "amount": "1.00", "currency": "USD"})));
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::InputInvalid, Some("originalTransactionId"))
    );
    assert!(e.message.contains("paymentId"), "{e}");

    let e = err_of(build(
        json!({"refundId": "R-4", "originalTransactionId": "X".repeat(33),
                                "amount": "1.00", "currency": "USD"}),
    ));
    assert_eq!(e.field.as_deref(), Some("originalTransactionId"));
    let e = err_of(build(
        json!({"refundId": "R".repeat(65), "originalTransactionId": PAYMENT_ID,
                                "amount": "1.00", "currency": "USD"}),
    ));
    assert_eq!(e.field.as_deref(), Some("refundId"));
    build(
        json!({"refundId": "R".repeat(64), "originalTransactionId": "X".repeat(32),
                 "amount": "1.00", "currency": "USD"}),
    )
    .unwrap();

    let e = err_of(build(
        json!({"refundId": "R-4", "originalTransactionId": PAYMENT_ID,
                                "amount": "1.00", "currency": "USD",
                                "notifyUrl": "ftp://shop.example/x"}),
    ));
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::InputInvalid, Some("notifyUrl"))
    );
}

#[test]
fn a_query_needs_the_bieases_refund_id() {
    let client = Profile::default_with_key(b"0123456789abcdef").client();
    for query in [
        RefundQuery {
            refund_id: Some("R-1001".into()),
            ..Default::default()
        },
        RefundQuery {
            original_transaction_id: Some(PAYMENT_ID.into()),
            ..Default::default()
        },
    ] {
        let e = err_of(client.build_refund_query(&query, NOW));
        assert_eq!(e.code, ErrorCode::InputInvalid);
        assert_eq!(e.field.as_deref(), Some("gatewayRefundId"));
        assert!(e.message.contains("only by its own refundId"), "{e}");
    }
    let e = err_of(client.build_refund_query(
        &RefundQuery {
            gateway_refund_id: Some("9".repeat(33)),
            ..Default::default()
        },
        NOW,
    ));
    assert_eq!(e.field.as_deref(), Some("gatewayRefundId"));
}

// ---- configuration ----

#[test]
fn key_and_iv_lengths_are_checked_after_decoding_without_echoing_them() {
    let base = Profile::default_with_key(b"0123456789abcdef").config();
    let configure = |changes: Value| {
        let mut config = base.clone();
        for (k, v) in changes.as_object().unwrap() {
            config[k] = v.clone();
        }
        Client::new(Config::from_json(&lib_json(&config)).unwrap())
    };
    let cases = [
        (json!({"aesKey": "SECRETkey-16byte"}), "aesKey"),
        (json!({"aesKey": "SECRET-15-bytes"}), "aesKey"),
        (json!({"aesKey": "SECRET-key-of-20-bytes"}), "aesKey"),
        (json!({"aesIv": "SECRET-iv-17bytes"}), "aesIv"),
        (json!({"aesIv": "SECRET-iv-15byt"}), "aesIv"),
        // 16 characters, but 17 bytes in UTF-8.
        (json!({"aesKey": "SECRETkéy-16byte"}), "aesKey"),
        (
            json!({"keyEncoding": "hex", "aesKey": "5345435245540000000000000000000z",
                   "aesIv": "000102030405060708090a0b0c0d0e0f"}),
            "aesKey",
        ),
        (
            json!({"keyEncoding": "hex", "aesKey": "53454352455400000000000000000000",
                   "aesIv": "SECRETSECRETSECRETSECRETSECRETSE"}),
            "aesIv",
        ),
        (
            json!({"keyEncoding": "base64", "aesKey": "U0VDUkVUU0VDUkVUU0VDUkVU!==",
                   "aesIv": "AAECAwQFBgcICQoLDA0ODw=="}),
            "aesKey",
        ),
        (
            json!({"keyEncoding": "base64", "aesKey": "U0VDUkVUU0VDUkVU",
                   "aesIv": "AAECAwQFBgcICQoLDA0ODw=="}),
            "aesKey",
        ),
        (json!({"aesKey": null}), "aesKey"),
        (json!({"aesIv": ""}), "aesIv"),
        (json!({"keyEncoding": "raw"}), "keyEncoding"),
        (json!({"signTarget": "envelope"}), "signTarget"),
        (json!({"hash": "sha512"}), "hash"),
        (json!({"merchantId": "B1315675450691234567"}), "merchantId"),
        (json!({"merchantId": null}), "merchantId"),
        (json!({"environment": "staging"}), "environment"),
        (json!({"aesKeys": "x"}), "aesKeys"),
    ];
    // The first case is a valid 16-byte key: it must be accepted.
    let (first, _) = &cases[0];
    configure(first.clone()).unwrap();
    for (changes, field) in &cases[1..] {
        let e = configure(changes.clone()).expect_err(&changes.to_string());
        assert_eq!(e.code, ErrorCode::ConfigInvalid, "{changes}: {e}");
        assert_eq!(e.field.as_deref(), Some(*field), "{changes}: {e}");
        assert!(!e.message.contains("SECRET"), "{e}");
        assert!(!e.message.contains("U0VDUkVU"), "{e}");
        assert!(!e.message.contains("534543524554"), "{e}");
    }
    let e = err_of(configure(json!({"gatewayPublicKey": null})));
    assert_eq!(e.field.as_deref(), Some("gatewayPublicKey"));
    // Base64 without its padding is accepted: 16 bytes, IV 16 bytes.
    configure(
        json!({"keyEncoding": "base64", "aesKey": "MDEyMzQ1Njc4OWFiY2RlZg",
                     "aesIv": "AAECAwQFBgcICQoLDA0ODw"}),
    )
    .unwrap();
    // The same 24-byte key given three ways is accepted three ways.
    let key24 = b"0123456789abcdef01234567";
    for encoding in ["utf8", "base64", "hex"] {
        let mut profile = Profile::default_with_key(key24);
        profile.key_encoding = encoding;
        profile.client();
    }
}

// ---- responses ----

fn query_response(client: &Client, body: Value) -> refundkit::Result<Vec<refundkit::RefundResult>> {
    client.parse_refund_query_response(&raw(&body))
}

#[test]
fn plain_query_answers_are_mapped_and_marked_unverified() {
    let client = Profile::default_with_key(b"0123456789abcdef").client();
    for code in [json!(20000), json!("20000")] {
        let results = query_response(
            &client,
            json!({"code": code, "msg": "SUCCESS", "data": {
                "merchantId": MERCHANT_ID, "refundId": BIEASES_REFUND_ID, "paymentId": PAYMENT_ID,
                "referRefundNo": "R-1001", "refundAmount": "21.5", "completeTime": "0",
                "refundTime": "1706585572074", "status": "PROCESSING", "msg": ""}}),
        )
        .unwrap();
        assert_eq!(results.len(), 1);
        let r = &results[0];
        assert!(!r.verified);
        assert_eq!(r.status, RefundStatus::Pending);
        assert_eq!(r.gateway_status, "PROCESSING");
        assert_eq!(r.refund_id.as_deref(), Some("R-1001"));
        assert_eq!(r.gateway_refund_id.as_deref(), Some(BIEASES_REFUND_ID));
        assert_eq!(r.original_transaction_id.as_deref(), Some(PAYMENT_ID));
        assert_eq!(r.amount.as_deref(), Some("21.5"));
        assert_eq!(r.created_at.as_deref(), Some("2024-01-30T03:32:52.074Z"));
        assert_eq!(r.completed_at, None);
        assert_eq!(r.failure_reason, None);
        assert_eq!(serde_json_of(&r.raw)["merchantId"], MERCHANT_ID);
    }
    let failed = query_response(
        &client,
        json!({"code": 20000, "msg": "", "data": {"refundId": BIEASES_REFUND_ID,
               "status": "FAILED", "msg": "insufficient merchant balance"}}),
    )
    .unwrap();
    assert_eq!(failed[0].status, RefundStatus::Failed);
    assert_eq!(
        failed[0].failure_reason.as_deref(),
        Some("insufficient merchant balance")
    );
    let odd = query_response(
        &client,
        json!({"code": 20000, "data": {"refundId": BIEASES_REFUND_ID, "status": "REVERSED"}}),
    )
    .unwrap();
    assert_eq!(odd[0].status, RefundStatus::Unknown);
    assert_eq!(odd[0].gateway_status, "REVERSED");
}

#[test]
fn other_codes_are_gateway_errors_and_nonsense_is_malformed() {
    let client = Profile::default_with_key(b"0123456789abcdef").client();
    for (body, gateway_code) in [
        (
            json!({"code": 44006, "msg": "Order not found", "data": null}),
            "44006",
        ),
        (
            json!({"code": "42901", "msg": "Rate limit exceeded", "data": null}),
            "42901",
        ),
        (
            json!({"code": 44001, "msg": "The signature verification failed"}),
            "44001",
        ),
    ] {
        let e = err_of(query_response(&client, body.clone()));
        assert_eq!(e.code, ErrorCode::GatewayError, "{body}");
        assert_eq!(e.gateway_code.as_deref(), Some(gateway_code));
        assert_eq!(e.gateway_message.as_deref(), body["msg"].as_str());
    }
    for body in [
        json!({"msg": "no code"}),
        json!({"code": true}),
        json!({"code": 20000, "data": "K2AyShlt1"}),
        json!([1, 2]),
    ] {
        let e = err_of(query_response(&client, body.clone()));
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{body}");
    }
    let e = err_of(client.parse_refund_response(&RawResponse::new(
        Some(502),
        vec![],
        b"<html>Bad gateway</html>".to_vec(),
    )));
    assert_eq!(e.code, ErrorCode::ResponseMalformed);
}

#[test]
fn the_spec_aes_vectors_decrypt_through_a_signed_response_envelope() {
    let vectors = common::vectors("bieases");
    for vector in vectors["aes"].as_array().unwrap() {
        let (key, iv) = (
            text(vector, "key").as_bytes(),
            text(vector, "iv").as_bytes(),
        );
        let (plaintext, ciphertext) = (text(vector, "plaintext"), text(vector, "ciphertext"));
        let mut profile = Profile::default_with_key(key);
        profile.iv = iv.to_vec();
        // OpenSSL agrees with the vector before the library is asked.
        assert_eq!(openssl::encrypt(key, iv, plaintext.as_bytes()), ciphertext);
        let sign = openssl::sign("gateway_test_key.pem", "sha256", ciphertext.as_bytes());
        let body = json!({"code": "20000", "msg": "SUCCESS",
                          "data": {"sign": sign, "body": ciphertext}});
        let result = profile.client().parse_refund_response(&raw(&body)).unwrap();
        assert!(result.verified);
        assert_eq!(result.original_transaction_id.as_deref(), Some(PAYMENT_ID));
        assert_eq!(result.status, RefundStatus::Unknown);
        assert_eq!(
            serde_json_of(&result.raw),
            serde_json::from_str::<Value>(plaintext).unwrap()
        );
    }
}

#[test]
fn envelope_data_in_a_response_fails_closed() {
    let profile = Profile::default_with_key(b"0123456789abcdef");
    let client = profile.client();
    let envelope = gateway_envelope(
        &profile,
        "gateway_test_key.pem",
        &json!({"refundId": BIEASES_REFUND_ID, "referRefundNo": "R-1001", "status": "SUCCESS",
                "refundAmount": 10.5, "currency": "USD"}),
        NOW,
    );
    let ok = client
        .parse_refund_response(&raw(&json!({"code": 20000, "msg": "", "data": envelope})))
        .unwrap();
    assert!(ok.verified);
    assert_eq!(ok.status, RefundStatus::Succeeded);
    assert_eq!(ok.amount.as_deref(), Some("10.50"));

    let mut unsigned = envelope.clone();
    unsigned.as_object_mut().unwrap().remove("sign");
    let e = err_of(client.parse_refund_response(&raw(&json!({"code": 20000, "data": unsigned}))));
    assert_eq!(e.code, ErrorCode::SignatureMissing);

    let mut forged = envelope.clone();
    forged["sign"] = json!(openssl::sign(
        "merchant_test_key.pem",
        "sha256",
        envelope["body"].as_str().unwrap().as_bytes()
    ));
    let e = err_of(client.parse_refund_response(&raw(&json!({"code": 20000, "data": forged}))));
    assert_eq!(e.code, ErrorCode::SignatureInvalid);

    let mut bodiless = envelope.clone();
    bodiless.as_object_mut().unwrap().remove("body");
    let e = err_of(client.parse_refund_response(&raw(&json!({"code": 20000, "data": bodiless}))));
    assert_eq!(e.code, ErrorCode::ResponseMalformed);
}

// ---- notifications ----

#[test]
fn every_profile_round_trips_a_notification() {
    for profile in all_profiles() {
        let envelope = gateway_envelope(
            &profile,
            "gateway_test_key.pem",
            &refund_notification_body(),
            NOW - 2_000,
        );
        let n = profile
            .client()
            .verify_notification(&raw(&envelope), NOW)
            .unwrap_or_else(|e| panic!("{profile:?}: {e}"));
        assert_eq!(n.gateway, "bieases");
        assert_eq!(n.event.as_deref(), Some("payment.refund.success"));
        let r = &n.refund;
        assert!(r.verified);
        assert_eq!(r.status, RefundStatus::Succeeded);
        assert_eq!(r.gateway_status, "SUCCESS");
        assert_eq!(r.refund_id.as_deref(), Some("R-1001"));
        assert_eq!(r.gateway_refund_id.as_deref(), Some(BIEASES_REFUND_ID));
        assert_eq!(r.original_transaction_id.as_deref(), Some(PAYMENT_ID));
        assert_eq!(r.amount.as_deref(), Some("10.50"));
        assert_eq!(r.currency.as_deref(), Some("USD"));
        assert_eq!(r.created_at.as_deref(), Some("2024-01-30T03:32:52.074Z"));
        assert_eq!(r.completed_at.as_deref(), Some("2024-01-30T03:32:59.000Z"));
        assert_eq!(n.ack.status, 200);
        assert_eq!(n.ack.body, r#"{"code":20000,"msg":""}"#);
        assert_eq!(
            n.ack.headers.get("content-type").map(String::as_str),
            Some("application/json")
        );
    }
}

#[test]
fn a_failed_refund_event_without_status_maps_from_the_event() {
    let profile = Profile::default_with_key(b"0123456789abcdef");
    let body = json!({"event": "payment.refund.failed", "refundId": BIEASES_REFUND_ID,
                      "referRefundNo": "R-1001", "msg": "account closed"});
    let envelope = gateway_envelope(&profile, "gateway_test_key.pem", &body, NOW);
    let n = profile
        .client()
        .verify_notification(&raw(&envelope), NOW)
        .unwrap();
    assert_eq!(n.refund.status, RefundStatus::Failed);
    assert_eq!(n.refund.gateway_status, "payment.refund.failed");
    assert_eq!(n.refund.failure_reason.as_deref(), Some("account closed"));
}

fn notification_error(profile: &Profile, envelope: &Value, now: u64) -> Error {
    err_of(profile.client().verify_notification(&raw(envelope), now))
}

#[test]
fn tampered_ciphertext_is_refused() {
    for sign_target in ["ciphertext", "plaintext"] {
        let mut profile = Profile::default_with_key(b"0123456789abcdef0123456789abcdef");
        profile.sign_target = sign_target;
        let mut envelope = gateway_envelope(
            &profile,
            "gateway_test_key.pem",
            &refund_notification_body(),
            NOW,
        );
        let body = envelope["body"].as_str().unwrap().to_string();
        // Flip one byte in the first block: the last block (and so the padding) stays intact, and
        // the damage shows only in the plaintext.
        let mut bytes = base64_decode(&body);
        bytes[3] ^= 0x01;
        envelope["body"] = json!(base64_encode(&bytes));
        let e = notification_error(&profile, &envelope, NOW);
        match sign_target {
            "ciphertext" => assert_eq!(e.code, ErrorCode::SignatureInvalid, "{e}"),
            _ => assert!(
                matches!(
                    e.code,
                    ErrorCode::SignatureInvalid | ErrorCode::DecryptFailed
                ),
                "{e}"
            ),
        }
        // Cutting the ciphertext short breaks the padding as well as the signature.
        envelope["body"] = json!(base64_encode(&bytes[..bytes.len() - 16]));
        let e = notification_error(&profile, &envelope, NOW);
        assert!(
            matches!(
                e.code,
                ErrorCode::SignatureInvalid | ErrorCode::DecryptFailed
            ),
            "{e}"
        );
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Under `plaintext` a wrong key is the one refusal that bad padding and a bad signature share
/// (see `plaintext_profile_refuses_bad_padding_and_bad_signature_alike`).
#[test]
fn a_wrong_aes_key_is_a_decrypt_failure_under_the_default_profile() {
    for sign_target in ["ciphertext", "plaintext"] {
        let mut sender = Profile::default_with_key(b"0123456789abcdef");
        sender.sign_target = sign_target;
        let envelope = gateway_envelope(
            &sender,
            "gateway_test_key.pem",
            &refund_notification_body(),
            NOW,
        );
        for (key, iv) in [
            (b"fedcba9876543210".as_slice(), IV),
            (b"0123456789abcdef0123456789abcdef".as_slice(), IV),
            (
                b"0123456789abcdef".as_slice(),
                b"0000000000000000".as_slice(),
            ),
        ] {
            let mut receiver = sender.clone();
            receiver.key = key.to_vec();
            receiver.iv = iv.to_vec();
            let e = notification_error(&receiver, &envelope, NOW);
            // A wrong IV spoils only the first block; under the plaintext profile the signature
            // over those bytes fails, under the ciphertext profile the JSON does.
            assert!(
                matches!(
                    e.code,
                    ErrorCode::DecryptFailed | ErrorCode::SignatureInvalid
                ),
                "{sign_target}: {e}"
            );
            if sign_target == "ciphertext" {
                assert_eq!(e.code, ErrorCode::DecryptFailed, "{e}");
            }
            if iv == IV && sign_target == "ciphertext" {
                assert_eq!(e.code, ErrorCode::DecryptFailed, "{sign_target}: {e}");
            }
            if sign_target == "plaintext" {
                assert_eq!(e.code, ErrorCode::SignatureInvalid, "{e}");
            }
        }
    }
}

#[test]
fn a_stale_or_future_timestamp_is_refused_with_both_times() {
    let profile = Profile::default_with_key(b"0123456789abcdef");
    let window = 5 * 60 * 1000;
    for (timestamp, fresh) in [
        (NOW - window, true),
        (NOW + window, true),
        (NOW - window - 1, false),
        (NOW + window + 1, false),
        (NOW - 3_600_000, false),
    ] {
        let envelope = gateway_envelope(
            &profile,
            "gateway_test_key.pem",
            &refund_notification_body(),
            timestamp,
        );
        let result = profile.client().verify_notification(&raw(&envelope), NOW);
        if fresh {
            result.unwrap();
        } else {
            let e = err_of(result);
            assert_eq!(e.code, ErrorCode::TimestampOutOfWindow);
            assert!(e.message.contains(&timestamp.to_string()), "{e}");
            assert!(e.message.contains(&NOW.to_string()), "{e}");
            assert!(e.message.contains("2025-11-22T02:00:00.000Z"), "{e}");
        }
    }
    // The Java sample sends the timestamp as a string: accepted alike.
    let mut envelope = gateway_envelope(
        &profile,
        "gateway_test_key.pem",
        &refund_notification_body(),
        NOW,
    );
    envelope["timestamp"] = json!(NOW.to_string());
    profile
        .client()
        .verify_notification(&raw(&envelope), NOW)
        .unwrap();
    envelope.as_object_mut().unwrap().remove("timestamp");
    let e = notification_error(&profile, &envelope, NOW);
    assert_eq!(e.code, ErrorCode::ResponseMalformed);
}

#[test]
fn a_signature_by_another_key_or_none_at_all_is_refused() {
    for hash in ["sha256", "sha1"] {
        let mut profile = Profile::default_with_key(b"0123456789abcdef");
        profile.hash = hash;
        let envelope = gateway_envelope(
            &profile,
            "merchant_test_key.pem",
            &refund_notification_body(),
            NOW,
        );
        let e = notification_error(&profile, &envelope, NOW);
        assert_eq!(e.code, ErrorCode::SignatureInvalid);

        // The right key with the other hash is refused too.
        let mut other = profile.clone();
        other.hash = if hash == "sha1" { "sha256" } else { "sha1" };
        let envelope = gateway_envelope(
            &other,
            "gateway_test_key.pem",
            &refund_notification_body(),
            NOW,
        );
        let e = notification_error(&profile, &envelope, NOW);
        assert_eq!(e.code, ErrorCode::SignatureInvalid);

        let mut unsigned = envelope.clone();
        for missing in [json!(null), json!(""), json!("  ")] {
            unsigned["sign"] = missing;
            let e = notification_error(&profile, &unsigned, NOW);
            assert_eq!(e.code, ErrorCode::SignatureMissing);
        }
        unsigned.as_object_mut().unwrap().remove("sign");
        let e = notification_error(&profile, &unsigned, NOW);
        assert_eq!(e.code, ErrorCode::SignatureMissing);
        unsigned["sign"] = json!("not base64!");
        let e = notification_error(&profile, &unsigned, NOW);
        assert_eq!(e.code, ErrorCode::SignatureInvalid);
    }
}

#[test]
fn a_payment_notification_or_another_merchants_is_not_taken_for_ours() {
    let profile = Profile::default_with_key(b"0123456789abcdef");
    let body = json!({"event": "payment.order.success", "paymentId": PAYMENT_ID,
                      "status": "SUCCESS"});
    let envelope = gateway_envelope(&profile, "gateway_test_key.pem", &body, NOW);
    let e = notification_error(&profile, &envelope, NOW);
    assert_eq!(e.code, ErrorCode::ResponseMalformed);
    assert!(e.message.contains("payment.order.success"), "{e}");

    let mut body = refund_notification_body();
    body["merchantId"] = json!("B999999999999");
    let envelope = gateway_envelope(&profile, "gateway_test_key.pem", &body, NOW);
    let e = notification_error(&profile, &envelope, NOW);
    assert_eq!(e.code, ErrorCode::MerchantMismatch);
    assert_eq!(e.field.as_deref(), Some("merchantId"));
    assert!(e.message.contains("B999999999999"), "{e}");

    let body = json!({"paymentId": PAYMENT_ID, "status": "SUCCESS"});
    let envelope = gateway_envelope(&profile, "gateway_test_key.pem", &body, NOW);
    let e = notification_error(&profile, &envelope, NOW);
    assert_eq!(e.code, ErrorCode::ResponseMalformed);

    for nonsense in [b"".as_slice(), b"code=1", b"[]", b"\xff\xfe"] {
        let e = err_of(
            profile
                .client()
                .verify_notification(&RawResponse::new(None, vec![], nonsense.to_vec()), NOW),
        );
        assert_eq!(e.code, ErrorCode::ResponseMalformed);
    }
}

// ---- only what the signature covers decides ----

/// The envelope around `body` is covered by neither profile's signature: anyone on the path can
/// change it after signing.
fn edited(mut envelope: Value, key: &str, value: Value) -> Value {
    envelope[key] = value;
    envelope
}

fn without(mut object: Value, key: &str) -> Value {
    object.as_object_mut().unwrap().remove(key);
    object
}

#[test]
fn an_unsigned_envelope_event_never_decides_the_status_or_the_event() {
    for sign_target in ["ciphertext", "plaintext"] {
        let mut profile = Profile::default_with_key(b"0123456789abcdef");
        profile.sign_target = sign_target;
        let client = profile.client();
        // A refund whose signed body names neither a status nor an event.
        let silent = without(without(refund_notification_body(), "status"), "event");
        let signed = gateway_envelope(&profile, "gateway_test_key.pem", &silent, NOW);
        let forged = edited(signed, "event", json!("payment.refund.success"));
        let n = client.verify_notification(&raw(&forged), NOW).unwrap();
        assert!(n.refund.verified);
        assert_eq!(n.refund.status, RefundStatus::Unknown, "{sign_target}");
        assert_eq!(n.refund.gateway_status, "");
        assert_eq!(n.event, None, "{sign_target}");
        // The unsigned fields are reported apart from the signed body, without sign and body.
        let mut expected_raw = silent.clone();
        expected_raw["unverifiedEnvelope"] = json!({
            "merchantId": MERCHANT_ID, "method": "bieases.trade.callback", "format": "json",
            "charset": "utf-8", "encryptType": "AES", "signType": "RSA", "timestamp": NOW,
            "event": "payment.refund.success"});
        assert_eq!(serde_json_of(&n.refund.raw), expected_raw, "{sign_target}");

        // A signed status decides, and the envelope's event is still not the notification's.
        let failed = edited(silent.clone(), "status", json!("FAILED"));
        let signed = gateway_envelope(&profile, "gateway_test_key.pem", &failed, NOW);
        let forged = edited(signed, "event", json!("payment.refund.success"));
        let n = client.verify_notification(&raw(&forged), NOW).unwrap();
        assert_eq!(n.refund.status, RefundStatus::Failed);
        assert_eq!(n.event, None);

        // A signed event decides over the envelope's.
        let failed = edited(silent.clone(), "event", json!("payment.refund.failed"));
        let signed = gateway_envelope(&profile, "gateway_test_key.pem", &failed, NOW);
        let forged = edited(signed, "event", json!("payment.refund.success"));
        let n = client.verify_notification(&raw(&forged), NOW).unwrap();
        assert_eq!(n.refund.status, RefundStatus::Failed);
        assert_eq!(n.event.as_deref(), Some("payment.refund.failed"));
    }
}

#[test]
fn an_unsigned_envelope_event_can_refuse_a_notification_but_never_accept_one() {
    let profile = Profile::default_with_key(b"0123456789abcdef");
    let signed = gateway_envelope(
        &profile,
        "gateway_test_key.pem",
        &refund_notification_body(),
        NOW,
    );
    let e = notification_error(
        &profile,
        &edited(signed, "event", json!("payment.order.success")),
        NOW,
    );
    assert_eq!(e.code, ErrorCode::ResponseMalformed);
    assert!(e.message.contains("payment.order.success"), "{e}");
}

#[test]
fn a_timestamp_in_the_signed_body_decides_freshness_over_the_envelope() {
    for sign_target in ["ciphertext", "plaintext"] {
        let mut profile = Profile::default_with_key(b"0123456789abcdef");
        profile.sign_target = sign_target;
        let client = profile.client();
        let hour_ago = NOW - 3_600_000;
        let stale = edited(refund_notification_body(), "timestamp", json!(hour_ago));
        let envelope = gateway_envelope(&profile, "gateway_test_key.pem", &stale, NOW);
        let e = notification_error(&profile, &envelope, NOW);
        assert_eq!(e.code, ErrorCode::TimestampOutOfWindow, "{sign_target}");
        assert!(e.message.contains(&hour_ago.to_string()), "{e}");

        // A fresh signed time is not overruled by a stale envelope; strings count as in the envelope.
        for fresh in [json!(NOW - 1_000), json!((NOW - 1_000).to_string())] {
            let body = edited(refund_notification_body(), "timestamp", fresh);
            let envelope = gateway_envelope(&profile, "gateway_test_key.pem", &body, hour_ago);
            client.verify_notification(&raw(&envelope), NOW).unwrap();
        }

        let body = edited(refund_notification_body(), "timestamp", json!("yesterday"));
        let envelope = gateway_envelope(&profile, "gateway_test_key.pem", &body, NOW);
        let e = notification_error(&profile, &envelope, NOW);
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{e}");
    }
}

#[test]
fn only_a_signed_merchant_id_can_pass_and_any_other_merchant_id_refuses() {
    let profile = Profile::default_with_key(b"0123456789abcdef");
    let client = profile.client();
    let verify = |envelope: &Value| client.verify_notification(&raw(envelope), NOW);
    let mismatch = |envelope: &Value, named: &str| {
        let e = err_of(verify(envelope));
        assert_eq!(e.code, ErrorCode::MerchantMismatch, "{e}");
        assert_eq!(e.field.as_deref(), Some("merchantId"));
        assert!(e.message.contains(named), "{e}");
        assert!(!e.message.contains(MERCHANT_ID), "{e}");
    };

    // The documentation does not promise a merchantId in the body: without one, it passes.
    let anonymous = without(refund_notification_body(), "merchantId");
    let signed = gateway_envelope(&profile, "gateway_test_key.pem", &anonymous, NOW);
    verify(&signed).unwrap();
    verify(&without(signed.clone(), "merchantId")).unwrap();
    // An unsigned merchantId of someone else refuses.
    mismatch(
        &edited(signed, "merchantId", json!("B999999999999")),
        "B999999999999",
    );

    // A signed merchantId of someone else refuses, whatever the envelope says.
    let theirs = edited(
        refund_notification_body(),
        "merchantId",
        json!("B888888888888"),
    );
    let signed = gateway_envelope(&profile, "gateway_test_key.pem", &theirs, NOW);
    assert_eq!(signed["merchantId"], MERCHANT_ID);
    mismatch(&signed, "B888888888888");
    mismatch(&without(signed, "merchantId"), "B888888888888");

    // A signed merchantId that is not text is not ours either.
    let odd = edited(
        refund_notification_body(),
        "merchantId",
        json!([MERCHANT_ID]),
    );
    let signed = gateway_envelope(&profile, "gateway_test_key.pem", &odd, NOW);
    let e = err_of(verify(&signed));
    assert_eq!(e.code, ErrorCode::MerchantMismatch, "{e}");
}

#[test]
fn a_signed_response_envelope_for_another_merchant_is_refused() {
    let profile = Profile::default_with_key(b"0123456789abcdef");
    let client = profile.client();
    let answer = |data: Value| raw(&json!({"code": 20000, "msg": "", "data": data}));
    let result = json!({"merchantId": MERCHANT_ID, "refundId": BIEASES_REFUND_ID,
                        "referRefundNo": "R-1001", "status": "SUCCESS"});

    let ours = gateway_envelope(&profile, "gateway_test_key.pem", &result, NOW);
    let ok = client.parse_refund_response(&answer(ours.clone())).unwrap();
    assert!(ok.verified);
    assert_eq!(ok.status, RefundStatus::Succeeded);
    assert_eq!(
        serde_json_of(&ok.raw)["unverifiedEnvelope"]["merchantId"],
        MERCHANT_ID
    );
    assert_eq!(
        serde_json_of(&ok.raw)["unverifiedEnvelope"].get("sign"),
        None
    );
    assert_eq!(
        serde_json_of(&ok.raw)["unverifiedEnvelope"].get("body"),
        None
    );
    assert_eq!(
        without(serde_json_of(&ok.raw), "unverifiedEnvelope"),
        result
    );

    let theirs = edited(result.clone(), "merchantId", json!("B999999999999"));
    let signed = gateway_envelope(&profile, "gateway_test_key.pem", &theirs, NOW);
    let unsigned_theirs = edited(ours, "merchantId", json!("B777777777777"));
    for data in [signed, unsigned_theirs] {
        for e in [
            err_of(client.parse_refund_response(&answer(data.clone()))),
            err_of(client.parse_refund_query_response(&answer(data.clone()))),
        ] {
            assert_eq!(e.code, ErrorCode::MerchantMismatch, "{e}");
            assert_eq!(e.field.as_deref(), Some("merchantId"));
        }
    }
}

fn openssl_decrypts(profile: &Profile, ciphertext: &[u8]) -> bool {
    openssl::decrypt(&profile.key, &profile.iv, &base64_encode(ciphertext)).is_some()
}

/// Under `plaintext` the body must be decrypted before its signature can be checked; telling bad
/// padding from a bad signature would make the receiver a padding oracle on the AES key.
#[test]
fn plaintext_profile_refuses_bad_padding_and_bad_signature_alike() {
    for key in [b"0123456789abcdef".as_slice(), b"0123456789abcdef01234567"] {
        let mut profile = Profile::default_with_key(key);
        profile.sign_target = "plaintext";
        let envelope = gateway_envelope(
            &profile,
            "gateway_test_key.pem",
            &refund_notification_body(),
            NOW,
        );
        let ciphertext = base64_decode(envelope["body"].as_str().unwrap());
        let n = ciphertext.len();
        // The last byte of the next-to-last block XORs into the padding byte: 0x80 spoils it.
        let mut bad_padding = ciphertext.clone();
        bad_padding[n - 17] ^= 0x80;
        assert!(!openssl_decrypts(&profile, &bad_padding));
        // A byte of the first block spoils the plaintext and leaves the padding intact.
        let mut bad_signature = ciphertext.clone();
        bad_signature[3] ^= 0x01;
        assert!(openssl_decrypts(&profile, &bad_signature));

        let mut refusals = Vec::new();
        for body in [bad_padding, bad_signature] {
            let tampered = edited(envelope.clone(), "body", json!(base64_encode(&body)));
            refusals.push(notification_error(&profile, &tampered, NOW));
        }
        // Intact ciphertext under another signer's signature.
        let forged = gateway_envelope(
            &profile,
            "merchant_test_key.pem",
            &refund_notification_body(),
            NOW,
        );
        refusals.push(notification_error(&profile, &forged, NOW));
        for e in &refusals {
            assert_eq!(e.code, ErrorCode::SignatureInvalid, "{e}");
            assert_eq!(e.message, refusals[0].message);
            assert_eq!(e.field, None);
            assert!(!e.message.contains("padding"), "{e}");
        }
        // Responses carrying an envelope go through the same check.
        let mut bad_padding = ciphertext.clone();
        bad_padding[n - 17] ^= 0x80;
        let tampered = edited(envelope.clone(), "body", json!(base64_encode(&bad_padding)));
        let e = err_of(
            profile
                .client()
                .parse_refund_response(&raw(&json!({"code": 20000, "data": tampered}))),
        );
        assert_eq!(
            (e.code, &e.message),
            (refusals[0].code, &refusals[0].message)
        );
    }
}

/// Bytes that look random, the same on every run: `len` of them from `seed`.
fn scrambled_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            // A 64-bit linear congruential step (Knuth's MMIX constants); the top byte varies most.
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 56) as u8
        })
        .collect()
}

/// Keys of every length and IVs without structure, and plaintexts of 16 consecutive lengths (so
/// every padding length from 1 to 16), encrypted by OpenSSL: the library decrypts each to the
/// bytes OpenSSL encrypted.
#[test]
fn aes_cbc_agrees_with_openssl_for_every_key_length_and_every_padding_length() {
    for (seed, key_len) in [(1, 16), (2, 24), (3, 32)] {
        let profile = Profile {
            key_encoding: "hex",
            key: scrambled_bytes(seed, key_len),
            iv: scrambled_bytes(seed + 100, 16),
            ..Profile::default_with_key(b"")
        };
        let client = profile.client();
        for msg_len in 0..16 {
            let mut body = refund_notification_body();
            body["msg"] = json!("m".repeat(msg_len));
            let envelope = gateway_envelope(&profile, "gateway_test_key.pem", &body, NOW);
            let n = client
                .verify_notification(&raw(&envelope), NOW)
                .unwrap_or_else(|e| panic!("AES-{} msg of {msg_len}: {e}", key_len * 8));
            let mut decrypted = serde_json_of(&n.refund.raw);
            decrypted
                .as_object_mut()
                .unwrap()
                .remove("unverifiedEnvelope");
            assert_eq!(decrypted, body, "AES-{} msg of {msg_len}", key_len * 8);
        }
    }
}
