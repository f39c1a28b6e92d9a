//! BluePay: the seed's refund example byte for byte, input and config checks, response mapping and
//! notification verification. Signatures are cross-checked with the openssl command line.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{
    bare_key, fixture, gateway_key, json_response, lib_json, object_of, openssl, serde_json_of,
    sign, verify,
};
use refundkit::keys::{PrivateKey, PublicKey};
use refundkit::HashAlg;

use refundkit::{
    Client, ErrorCode, RawResponse, RefundInput, RefundQuery, RefundStatus, SignedRequest,
};
use serde_json::{json, Value};

/// The seed's examples (5.1 Refund, 5.3 Refund Notification), from `vectors.json`.
fn seed(field: &str) -> Value {
    common::vectors("bluepay")[field].clone()
}

/// The `param` of the seed's 5.1 Refund example, exactly as printed there.
fn seed_param() -> String {
    seed("param").as_str().unwrap().to_string()
}

/// 2024-07-31T08:37:39Z, the seed example's timestamp, in milliseconds.
fn seed_now_ms() -> u64 {
    seed("nowMs").as_u64().unwrap()
}

fn app_id() -> String {
    seed("appId").as_str().unwrap().to_string()
}

const BASE_URL: &str = "https://openapi.bluepay.test";

fn client_with(changes: Value) -> refundkit::Result<Client> {
    common::client_with("bluepay", changes)
}

fn client() -> Client {
    client_with(json!({})).unwrap()
}

/// The library input that gives the seed's 5.1 example.
fn seed_input() -> Value {
    seed("refundInput")
}

fn input_with(changes: Value) -> Value {
    common::changed(seed_input(), changes)
}

fn build(client: &Client, input: Value, now_ms: u64) -> refundkit::Result<SignedRequest> {
    client.build_refund(&RefundInput::from_json(&lib_json(&input))?, now_ms)
}

fn body_of(request: &SignedRequest) -> serde_json::Map<String, Value> {
    object_of(&request.body)
}

fn param_of(request: &SignedRequest) -> String {
    body_of(request)["param"].as_str().unwrap().to_string()
}

// ---------------------------------------------------------------------------------------------
// 5.1 Refund

#[test]
fn seed_refund_example_gives_the_seed_param_exactly() {
    let request = build(&client(), seed_input(), seed_now_ms()).unwrap();
    assert_eq!(request.url, format!("{BASE_URL}/open-api/payment/refund"));
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.headers,
        vec![("Content-Type".to_string(), "application/json".to_string())]
    );
    let body = body_of(&request);
    assert_eq!(
        body.keys().collect::<Vec<_>>(),
        ["appId", "param", "sign"],
        "envelope keys"
    );
    assert_eq!(body["appId"], app_id());
    assert_eq!(param_of(&request), seed_param());
}

#[test]
fn the_sign_covers_the_param_bytes_and_openssl_agrees() {
    let request = build(&client(), seed_input(), seed_now_ms()).unwrap();
    let body = body_of(&request);
    let signature = body["sign"].as_str().unwrap();
    let public_pem = fixture("merchant_test_key.pub.pem");
    let public = PublicKey::import(&public_pem, "publicKey").unwrap();
    verify(&public, seed_param().as_bytes(), signature, HashAlg::Sha256).unwrap();
    assert!(openssl::verifies(
        "merchant_test_key.pub.pem",
        "sha256",
        seed_param().as_bytes(),
        signature
    ));
    // Not over the whole body, and not over the appId.
    assert!(!openssl::verifies(
        "merchant_test_key.pub.pem",
        "sha256",
        request.body.as_bytes(),
        signature
    ));
    // PKCS#1 v1.5 is deterministic: the same key signs the same bytes identically.
    let key = PrivateKey::import(&fixture("merchant_test_key.pem"), "privateKey").unwrap();
    assert_eq!(
        sign(&key, seed_param().as_bytes(), HashAlg::Sha256).unwrap(),
        signature
    );
}

#[test]
fn a_4096_bit_merchant_key_signs_as_bluepay_recommends() {
    let client =
        client_with(json!({"privateKey": bare_key("merchant_4096_test_key.pem")})).unwrap();
    let request = build(&client, seed_input(), seed_now_ms()).unwrap();
    let signature = body_of(&request)["sign"].as_str().unwrap().to_string();
    // 512 bytes of signature are 684 base64 characters.
    assert_eq!(signature.len(), 684);
    assert!(openssl::verifies(
        "merchant_4096_test_key.pub.pem",
        "sha256",
        seed_param().as_bytes(),
        &signature
    ));
}

#[test]
fn timestamp_is_whole_seconds_by_default_or_milliseconds_when_configured() {
    let request = build(&client(), seed_input(), seed_now_ms() + 999).unwrap();
    assert!(param_of(&request).ends_with(r#","timestamp":1722415059}"#));
    let client = client_with(json!({"timestampUnit": "milliseconds"})).unwrap();
    let request = build(&client, seed_input(), seed_now_ms() + 999).unwrap();
    assert!(param_of(&request).ends_with(r#","timestamp":1722415059999}"#));
}

#[test]
fn refund_reason_is_left_out_when_not_given() {
    let request = build(
        &client(),
        input_with(json!({"reason": null})),
        seed_now_ms(),
    )
    .unwrap();
    assert_eq!(
        param_of(&request),
        seed_param().replace(r#""refundReason":"testRefund","#, "")
    );
}

#[test]
fn amounts_are_exact_integer_minor_units() {
    for (amount, minor) in [
        ("100", "10000"),
        ("0.01", "1"),
        ("12.3", "1230"),
        ("92233720368547758.07", "9223372036854775807"),
    ] {
        let request = build(
            &client(),
            input_with(json!({"amount": amount})),
            seed_now_ms(),
        )
        .unwrap();
        assert!(
            param_of(&request).contains(&format!(r#""refundAmount":{minor},"#)),
            "{amount}"
        );
    }
    // One satang more than a Java long can hold.
    let e = build(
        &client(),
        input_with(json!({"amount": "92233720368547758.08"})),
        seed_now_ms(),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::AmountInvalid);
    let e = build(
        &client(),
        input_with(json!({"amount": "1.005"})),
        seed_now_ms(),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::AmountInvalid);
    assert_eq!(e.field.as_deref(), Some("amount"));
}

#[test]
fn the_configured_currency_sets_the_minor_unit() {
    let client = client_with(json!({"currency": "JPY"})).unwrap();
    let request = build(
        &client,
        input_with(json!({"amount": "500", "currency": "JPY"})),
        seed_now_ms(),
    )
    .unwrap();
    assert!(param_of(&request).contains(r#""refundAmount":500,"#));
}

fn input_error(changes: Value) -> refundkit::Error {
    build(&client(), input_with(changes), seed_now_ms()).unwrap_err()
}

#[test]
fn invalid_refund_inputs_name_their_field() {
    let long = |n: usize| "a".repeat(n);
    let cases = [
        (
            json!({"originalTransactionId": null, "originalOrderId": "ORDER1"}),
            "originalTransactionId",
        ),
        (
            json!({"originalTransactionId": long(33)}),
            "originalTransactionId",
        ),
        (json!({"notifyUrl": null}), "notifyUrl"),
        (json!({"notifyUrl": "www.test.com"}), "notifyUrl"),
        (
            json!({"notifyUrl": format!("https://x.test/{}", long(242))}),
            "notifyUrl",
        ),
        (json!({"refundId": "refund-1"}), "refundId"),
        (json!({"refundId": "refund 1"}), "refundId"),
        (json!({"refundId": "réfund1"}), "refundId"),
        (json!({"refundId": long(33)}), "refundId"),
        (json!({"reason": long(201)}), "reason"),
        (json!({"currency": "USD"}), "currency"),
        (json!({"extra": {"refundAmount": 1}}), "extra.refundAmount"),
        (json!({"extra": {"timestamp": 1}}), "extra.timestamp"),
    ];
    for (changes, field) in cases {
        let e = input_error(changes.clone());
        assert_eq!(e.code, ErrorCode::InputInvalid, "{changes}: {}", e.message);
        assert_eq!(e.field.as_deref(), Some(field), "{changes}: {}", e.message);
    }
    let e = input_error(json!({"currency": "USD"}));
    assert!(e.message.contains("THB"), "{}", e.message);
    let e = input_error(json!({"originalTransactionId": null}));
    assert!(e.message.contains("BluePay"), "{}", e.message);
}

#[test]
fn the_limits_themselves_are_accepted() {
    let at_limits = json!({
        "refundId": "R".repeat(32),
        "originalTransactionId": "C".repeat(32),
        "reason": "เหตุ".repeat(50),
        "notifyUrl": format!("https://x.test/{}", "a".repeat(241)),
    });
    let request = build(&client(), input_with(at_limits), seed_now_ms()).unwrap();
    let param: Value = serde_json::from_str(&param_of(&request)).unwrap();
    assert_eq!(param["refundCallbackUrl"].as_str().unwrap().len(), 256);
    assert_eq!(param["refundReason"].as_str().unwrap().chars().count(), 200);
}

#[test]
fn extra_fields_are_signed_before_the_timestamp() {
    let request = build(
        &client(),
        input_with(json!({"extra": {"channelRemark": "a"}})),
        seed_now_ms(),
    )
    .unwrap();
    assert!(param_of(&request).ends_with(
        r#""refundCallbackUrl":"http://www.test.com","channelRemark":"a","timestamp":1722415059}"#
    ));
}

#[test]
fn non_ascii_text_is_signed_as_utf8() {
    let request = build(
        &client(),
        input_with(json!({"reason": "คืนเงิน \"partial\""})),
        seed_now_ms(),
    )
    .unwrap();
    let param = param_of(&request);
    assert!(
        param.contains(r#""refundReason":"คืนเงิน \"partial\"""#),
        "{param}"
    );
    let signature = body_of(&request)["sign"].as_str().unwrap().to_string();
    assert!(openssl::verifies(
        "merchant_test_key.pub.pem",
        "sha256",
        param.as_bytes(),
        &signature
    ));
}

// ---------------------------------------------------------------------------------------------
// Config

#[test]
fn config_is_checked_key_by_key() {
    let cases = [
        (json!({"baseUrl": null}), "baseUrl"),
        (json!({"baseUrl": "openapi.bluepay.test"}), "baseUrl"),
        (
            json!({"baseUrl": null, "environment": "sandbox"}),
            "baseUrl",
        ),
        (json!({"appId": null}), "appId"),
        (json!({"currency": "XXX"}), "currency"),
        (json!({"currency": 764}), "currency"),
        (json!({"timestampUnit": "minutes"}), "timestampUnit"),
        (json!({"gatewayPublicKey": null}), "gatewayPublicKey"),
        (json!({"merchantNo": "1"}), "merchantNo"),
    ];
    for (changes, field) in cases {
        let e = client_with(changes.clone()).unwrap_err();
        assert_eq!(e.code, ErrorCode::ConfigInvalid, "{changes}: {}", e.message);
        assert_eq!(e.field.as_deref(), Some(field), "{changes}");
    }
    let e = client_with(json!({"privateKey": bare_key("weak_1024_test_key.pem")})).unwrap_err();
    assert_eq!(e.code, ErrorCode::KeyInvalid);
    client_with(json!({"currency": "THB", "timestampUnit": "seconds"})).unwrap();
}

// ---------------------------------------------------------------------------------------------
// 5.2 Get Refund Payments

/// At the time of the seed's 5.2 example.
fn query(value: Value) -> refundkit::Result<SignedRequest> {
    let now_ms = seed("refundPaymentsQuery")["nowMs"].as_u64().unwrap();
    client().build_refund_query(&RefundQuery::from_json(&lib_json(&value))?, now_ms)
}

#[test]
fn refund_payments_query_by_either_bluepay_id() {
    let example = seed("refundPaymentsQuery");
    let request = query(example["input"].clone()).unwrap();
    assert_eq!(request.url, format!("{BASE_URL}/open-api/refund/payments"));
    assert_eq!(param_of(&request), example["param"].as_str().unwrap());
    let signature = body_of(&request)["sign"].as_str().unwrap().to_string();
    assert!(openssl::verifies(
        "merchant_test_key.pub.pem",
        "sha256",
        param_of(&request).as_bytes(),
        &signature
    ));

    let request = query(json!({"gatewayRefundId": "1818566685947728"})).unwrap();
    assert_eq!(
        param_of(&request),
        r#"{"refundTransactionId":"1818566685947728","timestamp":1722416882}"#
    );
    // The merchant's refund number cannot be sent, so it does not get in the way of a usable id.
    let request = query(json!({"refundId": "R1", "originalTransactionId": "CU1"})).unwrap();
    assert_eq!(
        param_of(&request),
        r#"{"originalTransactionId":"CU1","timestamp":1722416882}"#
    );
}

#[test]
fn refund_payments_query_by_refund_id_alone_is_refused() {
    let e = query(json!({"refundId": "refund488455057142"})).unwrap_err();
    assert_eq!(e.code, ErrorCode::InputInvalid);
    assert_eq!(e.field.as_deref(), Some("refundId"));
    assert!(
        e.message.contains("cannot look up") && e.message.contains("refund number"),
        "{}",
        e.message
    );
    let e = query(json!({"gatewayRefundId": "1".repeat(33)})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("gatewayRefundId"));
}

// ---------------------------------------------------------------------------------------------
// Responses

#[test]
fn refund_response_maps_to_an_unverified_pending_result() {
    let result = client()
        .parse_refund_response(&json_response(seed("refundResponse").as_str().unwrap()))
        .unwrap();
    assert_eq!(result.gateway, "bluepay");
    assert_eq!(result.status, RefundStatus::Pending);
    assert_eq!(result.gateway_status, "PENDING");
    assert_eq!(result.refund_id.as_deref(), Some("refund488455057142"));
    assert_eq!(
        result.gateway_refund_id.as_deref(),
        Some("1818566685947728")
    );
    assert_eq!(result.amount.as_deref(), Some("100.00"));
    assert_eq!(result.currency.as_deref(), Some("THB"));
    assert_eq!(result.created_at.as_deref(), Some("2024-07-31 16:37:40"));
    assert_eq!(result.completed_at, None);
    assert_eq!(result.failure_reason, None);
    assert!(!result.verified);
    assert_eq!(serde_json_of(&result.raw)["refundStatus"], "PENDING");
}

#[test]
fn refund_payments_response_gives_one_result_per_entry() {
    let body = r#"{"code":10000,"message":"Success","data":[
        {"mchRefundOrderId":"R1","originalTransactionId":"CU518563189147832320",
         "refundTransactionId":1818491499290169344,"refundAmount":5050,"feeRefunded":0,
         "refundStatus":"COMPLETE","refundCreateTime":"2024-07-31 11:38:54",
         "refundReturnTime":"2024-07-31 11:39:10"},
        {"mchRefundOrderId":"R2","originalTransactionId":"CU518563189147832320",
         "refundTransactionId":"1818491499290169345","refundAmount":"1","feeRefunded":0,
         "refundStatus":"FAILED","refundCreateTime":"2024-07-31 12:00:00",
         "refundReturnTime":"2024-07-31 12:00:05","failedCode":-10009,
         "failedMessage":"Channel Refund Failed"},
        {"mchRefundOrderId":"R3","refundStatus":"PROCESS"},
        {"mchRefundOrderId":"R4","refundStatus":"CANCEL"},
        {"mchRefundOrderId":"R5","refundStatus":"REVERSED"},
        {"mchRefundOrderId":"R6"}
    ]}"#;
    let results = client()
        .parse_refund_query_response(&json_response(body))
        .unwrap();
    let statuses: Vec<(RefundStatus, &str)> = results
        .iter()
        .map(|r| (r.status, r.gateway_status.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            (RefundStatus::Succeeded, "COMPLETE"),
            (RefundStatus::Failed, "FAILED"),
            (RefundStatus::Pending, "PROCESS"),
            (RefundStatus::Cancelled, "CANCEL"),
            (RefundStatus::Unknown, "REVERSED"),
            (RefundStatus::Unknown, ""),
        ]
    );
    let done = &results[0];
    // An id beyond 2^53 arrives as a number and stays exact.
    assert_eq!(
        done.gateway_refund_id.as_deref(),
        Some("1818491499290169344")
    );
    assert_eq!(
        done.original_transaction_id.as_deref(),
        Some("CU518563189147832320")
    );
    assert_eq!(done.amount.as_deref(), Some("50.50"));
    assert_eq!(done.completed_at.as_deref(), Some("2024-07-31 11:39:10"));
    assert!(!done.verified);
    let failed = &results[1];
    assert_eq!(failed.amount.as_deref(), Some("0.01"));
    assert_eq!(
        failed.failure_reason.as_deref(),
        Some("-10009 Channel Refund Failed")
    );
    assert_eq!(results[5].amount, None);
}

#[test]
fn an_empty_refund_list_is_no_results() {
    for body in [
        r#"{"code":10000,"message":"Success","data":[]}"#,
        r#"{"code":10000,"message":"Success","data":null}"#,
    ] {
        assert!(client()
            .parse_refund_query_response(&json_response(body))
            .unwrap()
            .is_empty());
    }
}

#[test]
fn any_other_code_is_a_gateway_error_with_its_code_and_message() {
    for (code, message) in [
        (21000, "Server error, Please try again later."),
        (21001, "sign error"),
        (21009, "Request timestamp expired error"),
        (21407, "Duplicate mchRefundOrderId"),
        (21409, "A refund is pending"),
    ] {
        let body = format!(r#"{{"code":{code},"message":"{message}"}}"#);
        for e in [
            client()
                .parse_refund_response(&json_response(&body))
                .unwrap_err(),
            client()
                .parse_refund_query_response(&json_response(&body))
                .unwrap_err(),
        ] {
            assert_eq!(e.code, ErrorCode::GatewayError);
            assert_eq!(e.gateway_code.as_deref(), Some(code.to_string().as_str()));
            assert_eq!(e.gateway_message.as_deref(), Some(message));
        }
    }
    // A refusal that happens to carry data is still a refusal.
    let e = client()
        .parse_refund_response(&json_response(
            r#"{"code":21002,"message":"param error","data":{"refundStatus":"COMPLETE"}}"#,
        ))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::GatewayError);
}

#[test]
fn malformed_responses_are_refused() {
    let bodies = [
        "",
        "<html>502 Bad Gateway</html>",
        "[]",
        r#"{"message":"Success","data":{}}"#,
        r#"{"code":10000,"message":"Success"}"#,
        r#"{"code":10000,"data":[]}"#,
        r#"{"code":10000,"data":{"refundStatus":"PENDING","refundAmount":"100.00"}}"#,
        r#"{"code":10000,"data":{"refundStatus":"PENDING","refundAmount":-1}}"#,
    ];
    for body in bodies {
        let e = client()
            .parse_refund_response(&json_response(body))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{body}");
    }
    for body in [
        r#"{"code":10000,"data":{"refundStatus":"PENDING"}}"#,
        r#"{"code":10000,"data":["x"]}"#,
        r#"{"code":10000}"#,
    ] {
        let e = client()
            .parse_refund_query_response(&json_response(body))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{body}");
    }
    let mut bad_gateway = json_response("<html>bad gateway</html>");
    bad_gateway.status = Some(502);
    let e = client().parse_refund_response(&bad_gateway).unwrap_err();
    assert!(e.message.contains("502"), "{}", e.message);
}

// ---------------------------------------------------------------------------------------------
// 5.3 Refund Notification

/// The `param` of the seed's 5.3 Refund Notification example.
fn notification_param() -> String {
    seed("notificationParam").as_str().unwrap().to_string()
}

fn notification(param: &str, signature: Option<&str>) -> RawResponse {
    let mut body = serde_json::Map::new();
    body.insert("param".into(), param.into());
    if let Some(s) = signature {
        body.insert("sign".into(), s.into());
    }
    json_response(&Value::Object(body).to_string())
}

fn signed_notification(param: &str) -> RawResponse {
    let signature = sign(&gateway_key(), param.as_bytes(), HashAlg::Sha256).unwrap();
    notification(param, Some(&signature))
}

#[test]
fn a_valid_notification_is_verified_and_mapped() {
    let n = client()
        .verify_notification(&signed_notification(&notification_param()), seed_now_ms())
        .unwrap();
    assert_eq!(n.gateway, "bluepay");
    assert_eq!(n.event.as_deref(), Some("payment.refund.success"));
    let r = &n.refund;
    assert!(r.verified);
    assert_eq!(r.status, RefundStatus::Succeeded);
    assert_eq!(r.gateway_status, "COMPLETE");
    assert_eq!(r.refund_id.as_deref(), Some("refund488455057142"));
    assert_eq!(r.gateway_refund_id.as_deref(), Some("1818566685947728"));
    assert_eq!(
        r.original_transaction_id.as_deref(),
        Some("CU518563189147832780")
    );
    assert_eq!(r.amount.as_deref(), Some("100.00"));
    assert_eq!(r.currency.as_deref(), Some("THB"));
    assert_eq!(r.completed_at.as_deref(), Some("2024-07-31 11:38:54"));
    assert_eq!(serde_json_of(&r.raw)["feeRefunded"], 1000);
    assert_eq!(n.ack.status, 200);
    assert_eq!(n.ack.body, r#"{"code":10000,"message":"Success"}"#);
    assert_eq!(
        n.ack.headers.get("content-type").map(String::as_str),
        Some("application/json")
    );
}

#[test]
fn a_notification_signed_by_openssl_verifies() {
    let signature = openssl::sign(
        "gateway_test_key.pem",
        "sha256",
        notification_param().as_bytes(),
    );
    let n = client()
        .verify_notification(
            &notification(&notification_param(), Some(&signature)),
            seed_now_ms(),
        )
        .unwrap();
    assert_eq!(n.refund.status, RefundStatus::Succeeded);
}

#[test]
fn the_outcome_comes_from_refund_status_not_the_event_name() {
    // A failed refund once documented under the success event name.
    let param = notification_param().replace("COMPLETE", "FAILED").replace(
        r#""refundReturnTime""#,
        r#""failedCode":-10009,"failedMessage":"Channel Refund Failed","refundReturnTime""#,
    );
    let n = client()
        .verify_notification(&signed_notification(&param), seed_now_ms())
        .unwrap();
    assert_eq!(n.event.as_deref(), Some("payment.refund.success"));
    assert_eq!(n.refund.status, RefundStatus::Failed);
    assert_eq!(
        n.refund.failure_reason.as_deref(),
        Some("-10009 Channel Refund Failed")
    );
    let param = notification_param()
        .replace("payment.refund.success", "payment.refund.cancel")
        .replace("COMPLETE", "CANCEL");
    let n = client()
        .verify_notification(&signed_notification(&param), seed_now_ms())
        .unwrap();
    assert_eq!(n.refund.status, RefundStatus::Cancelled);
}

#[test]
fn the_received_param_is_verified_as_is_without_reserialization() {
    // Spaces, a different key order and an escaped character: whatever BluePay signed verifies.
    let param = r#"{ "refundStatus" : "COMPLETE", "eventName":"payment.refund.success", "mchRefundOrderId":"R\u0031", "refundAmount": 10000 }"#;
    let n = client()
        .verify_notification(&signed_notification(param), seed_now_ms())
        .unwrap();
    assert_eq!(n.refund.refund_id.as_deref(), Some("R1"));
    assert_eq!(n.refund.status, RefundStatus::Succeeded);
}

#[test]
fn a_tampered_param_is_refused() {
    let signature = sign(
        &gateway_key(),
        notification_param().as_bytes(),
        HashAlg::Sha256,
    )
    .unwrap();
    for tampered in [
        notification_param().replace("10000", "90000"),
        notification_param().replace(r#""feeRefunded":1000"#, r#""feeRefunded": 1000"#),
        format!("{} ", notification_param()),
    ] {
        let e = client()
            .verify_notification(&notification(&tampered, Some(&signature)), seed_now_ms())
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::SignatureInvalid, "{tampered}");
    }
}

#[test]
fn a_notification_signed_with_another_key_is_refused() {
    let merchant_key = PrivateKey::import(&fixture("merchant_test_key.pem"), "privateKey").unwrap();
    let signature = sign(
        &merchant_key,
        notification_param().as_bytes(),
        HashAlg::Sha256,
    )
    .unwrap();
    let e = client()
        .verify_notification(
            &notification(&notification_param(), Some(&signature)),
            seed_now_ms(),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);
    // SHA-1 under the right key is not BluePay's scheme either.
    let sha1 = sign(
        &gateway_key(),
        notification_param().as_bytes(),
        HashAlg::Sha1,
    )
    .unwrap();
    let e = client()
        .verify_notification(
            &notification(&notification_param(), Some(&sha1)),
            seed_now_ms(),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);
}

#[test]
fn a_notification_without_sign_is_refused() {
    for body in [
        notification(&notification_param(), None),
        notification(&notification_param(), Some("")),
        json_response(&json!({"param": &notification_param(), "sign": null}).to_string()),
    ] {
        let e = client()
            .verify_notification(&body, seed_now_ms())
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::SignatureMissing);
    }
    let e = client()
        .verify_notification(
            &json_response(&json!({"param": &notification_param(), "sign": 5}).to_string()),
            seed_now_ms(),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);
    let e = client()
        .verify_notification(
            &notification(&notification_param(), Some("%%%")),
            seed_now_ms(),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);
}

#[test]
fn malformed_notifications_are_refused() {
    // Signed, but not a JSON object: refused after the signature is checked.
    let e = client()
        .verify_notification(&signed_notification("refundStatus=COMPLETE"), seed_now_ms())
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ResponseMalformed);
    let signature = sign(&gateway_key(), b"{}", HashAlg::Sha256).unwrap();
    for body in [
        "param=x&sign=y".to_string(),
        json!({"sign": signature}).to_string(),
        json!({"param": {"refundStatus": "COMPLETE"}, "sign": signature}).to_string(),
    ] {
        let e = client()
            .verify_notification(&json_response(&body), seed_now_ms())
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{body}");
    }
}

// ---------------------------------------------------------------------------------------------
// The addressee: BluePay names the app a message is for with `appId`

const OTHER_APP_ID: &str = "833b887a4a784708bb369524db5b6ded";

/// The notification param with an `appId` as its first key.
fn param_naming(app_id: &Value) -> String {
    notification_param().replacen('{', &format!(r#"{{"appId":{app_id},"#), 1)
}

/// A notification whose unsigned envelope carries `appId` beside the signed param.
fn notification_with_outer_app_id(param: &str, app_id: &str) -> RawResponse {
    let signature = sign(&gateway_key(), param.as_bytes(), HashAlg::Sha256).unwrap();
    json_response(&json!({"appId": app_id, "param": param, "sign": signature}).to_string())
}

fn assert_app_id_mismatch(result: refundkit::Result<impl std::fmt::Debug>, case: &str) {
    let e = result.unwrap_err();
    assert_eq!(e.code, ErrorCode::MerchantMismatch, "{case}");
    assert_eq!(e.field.as_deref(), Some("appId"), "{case}");
    assert!(e.message.contains("appId"), "{}", e.message);
}

#[test]
fn a_signed_notification_for_another_app_is_a_merchant_mismatch() {
    for app_id in [json!(OTHER_APP_ID), json!(733), json!({"id": app_id()})] {
        let param = param_naming(&app_id);
        assert_app_id_mismatch(
            client().verify_notification(&signed_notification(&param), seed_now_ms()),
            &param,
        );
    }
    // Naming this app, or no app at all as BluePay's examples do, is accepted; an empty or null
    // appId names no app.
    for param in [
        param_naming(&json!(app_id())),
        notification_param().to_string(),
        param_naming(&json!("")),
        param_naming(&Value::Null),
    ] {
        let n = client()
            .verify_notification(&signed_notification(&param), seed_now_ms())
            .unwrap();
        assert_eq!(n.refund.status, RefundStatus::Succeeded);
    }
}

#[test]
fn an_unsigned_app_id_beside_the_param_can_refuse_but_never_accept() {
    // The envelope's appId is not signed: naming another app refuses the message ...
    assert_app_id_mismatch(
        client().verify_notification(
            &notification_with_outer_app_id(&notification_param(), OTHER_APP_ID),
            seed_now_ms(),
        ),
        "outer appId of another app",
    );
    // ... but naming this one does not outweigh a signed param that names another.
    assert_app_id_mismatch(
        client().verify_notification(
            &notification_with_outer_app_id(&param_naming(&json!(OTHER_APP_ID)), &app_id()),
            seed_now_ms(),
        ),
        "outer appId of this app, signed appId of another",
    );
    let n = client()
        .verify_notification(
            &notification_with_outer_app_id(&notification_param(), &app_id()),
            seed_now_ms(),
        )
        .unwrap();
    assert!(n.refund.verified);
}

#[test]
fn responses_naming_another_app_are_refused() {
    let entry = |app_id: &str| {
        format!(
            r#"{{"appId":"{app_id}","mchRefundOrderId":"R1","refundAmount":100,"refundStatus":"COMPLETE"}}"#
        )
    };
    let other = entry(OTHER_APP_ID);
    let ours = entry(&app_id());
    assert_app_id_mismatch(
        client().parse_refund_response(&json_response(&format!(
            r#"{{"code":10000,"message":"Success","data":{other}}}"#
        ))),
        "refund data",
    );
    assert_app_id_mismatch(
        client().parse_refund_query_response(&json_response(&format!(
            r#"{{"code":10000,"message":"Success","data":[{ours},{other}]}}"#
        ))),
        "one list entry",
    );
    assert_app_id_mismatch(
        client().parse_refund_response(&json_response(&format!(
            r#"{{"appId":"{OTHER_APP_ID}","code":10000,"message":"Success","data":{ours}}}"#
        ))),
        "the response body",
    );
    let result = client()
        .parse_refund_response(&json_response(&format!(
            r#"{{"appId":"{}","code":10000,"message":"Success","data":{ours}}}"#,
            app_id()
        )))
        .unwrap();
    assert_eq!(result.amount.as_deref(), Some("1.00"));
    assert!(!result.verified);
}
