//! PayerMax end to end through the native client: the published vector, requests, amount rules,
//! responses and notifications. Gateway messages are signed with the test gateway key, by the crate's
//! signer (proven by the vector) and, for cross-checks, by the OpenSSL command line.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{
    fixture, gateway_key, lib_json, openssl, received, serde_json_of, sign, text, verify,
};
use refundkit::keys::{PrivateKey, PublicKey};
use refundkit::HashAlg;

use refundkit::{
    Client, ErrorCode, RawResponse, RefundInput, RefundQuery, RefundStatus, SignedRequest,
};
use serde_json::{json, Value};

const ACK: &str = r#"{"code":"SUCCESS","msg":"Success"}"#;

/// The published vector and the documents' examples, from `vectors.json`.
fn vector() -> Value {
    common::vectors("payermax")
}

/// 2024-01-17T07:01:23.737Z, the requestTime of the published vector.
fn vector_now_ms() -> u64 {
    vector()["nowMs"].as_u64().unwrap()
}

fn app_id() -> String {
    text(&vector(), "appId").to_string()
}

fn merchant_no() -> String {
    text(&vector(), "merchantNo").to_string()
}

fn client_with(overrides: Value) -> refundkit::Result<Client> {
    common::client_with("payermax", overrides)
}

fn client() -> Client {
    client_with(json!({})).unwrap()
}

fn header<'a>(request: &'a SignedRequest, name: &str) -> &'a str {
    request
        .headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} header"))
}

fn refund_input(fields: Value) -> refundkit::Result<RefundInput> {
    let input = json!({
        "refundId": "R1642411016202",
        "originalOrderId": "P1642410680681",
        "amount": "4.99",
        "currency": "USD",
    });
    RefundInput::from_json(&lib_json(&common::changed(input, fields)))
}

fn build_refund(fields: Value) -> refundkit::Result<SignedRequest> {
    client().build_refund(&refund_input(fields)?, vector_now_ms())
}

fn gateway_sign(body: &[u8]) -> String {
    sign(&gateway_key(), body, HashAlg::Sha256).unwrap()
}

fn raw(headers: &[(&str, &str)], body: &str) -> RawResponse {
    received(headers, body)
}

fn signed(body: &str) -> RawResponse {
    raw(&[("sign", &gateway_sign(body.as_bytes()))], body)
}

// ---------------------------------------------------------------------------------------------
// The published vector and the request envelope

#[test]
fn reproduces_the_published_vector_through_build_refund_query() {
    let v = vector();
    let client = client_with(json!({
        "privateKey": v["privateKey"],
        "gatewayPublicKey": v["publicKey"],
    }))
    .unwrap();
    let query = RefundQuery::from_json(&lib_json(&json!({"refundId": v["refundId"]}))).unwrap();
    let request = client.build_refund_query(&query, vector_now_ms()).unwrap();
    assert_eq!(request.body, v["body"].as_str().unwrap());
    assert_eq!(header(&request, "sign"), v["sign"].as_str().unwrap());
    assert_eq!(header(&request, "Content-Type"), "application/json");
    assert_eq!(request.headers.len(), 2);
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.url,
        "https://pay-gate-uat.payermax.com/aggregate-pay/api/gateway/refundQuery"
    );
}

#[test]
fn builds_a_refund_with_every_field_in_table_order_and_signs_the_sent_bytes() {
    let request = build_refund(json!({
        "originalTransactionId": "T2025020713159038685354",
        "reason": "damaged on arrival, 返品",
        "notifyUrl": "https://shop.example/payermax/refunds?x=1",
    }))
    .unwrap();
    assert_eq!(
        request.url,
        "https://pay-gate-uat.payermax.com/aggregate-pay/api/gateway/refund"
    );
    assert_eq!(
        request.body,
        concat!(
            r#"{"version":"1.5","keyVersion":"1","requestTime":"2024-01-17T07:01:23.737+00:00","#,
            r#""appId":"a0dddd1f622243cb9aa1b676e808b5f8","merchantNo":"02021382719993","#,
            r#""data":{"outRefundNo":"R1642411016202","refundAmount":4.99,"refundCurrency":"USD","#,
            r#""outTradeNo":"P1642410680681","tradeToken":"T2025020713159038685354","#,
            r#""comments":"damaged on arrival, 返品","#,
            r#""refundNotifyUrl":"https://shop.example/payermax/refunds?x=1"}}"#
        )
    );
    let signature = header(&request, "sign");
    let merchant = PublicKey::import(&fixture("merchant_test_key.pub.pem"), "key").unwrap();
    verify(
        &merchant,
        request.body.as_bytes(),
        signature,
        HashAlg::Sha256,
    )
    .unwrap();
    assert!(openssl::verifies(
        "merchant_test_key.pub.pem",
        "sha256",
        request.body.as_bytes(),
        signature
    ));
    assert!(!openssl::verifies(
        "merchant_test_key.pub.pem",
        "sha256",
        request.body.replace("4.99", "4.98").as_bytes(),
        signature
    ));
}

#[test]
fn request_time_is_utc_with_milliseconds_and_offset() {
    let request = client()
        .build_refund(&refund_input(json!({})).unwrap(), 1_709_164_800_005)
        .unwrap();
    assert!(request
        .body
        .contains(r#""requestTime":"2024-02-29T00:00:00.005+00:00""#));
}

#[test]
fn presets_and_base_url_choose_the_host() {
    let query = json!({"gatewayRefundId": "20220117091657TI790000055087"});
    let query = RefundQuery::from_json(&lib_json(&query)).unwrap();
    let production = client_with(json!({"environment": "production"})).unwrap();
    let request = production
        .build_refund_query(&query, vector_now_ms())
        .unwrap();
    assert_eq!(
        request.url,
        "https://pay-gate.payermax.com/aggregate-pay/api/gateway/refundQuery"
    );
    assert!(request
        .body
        .ends_with(r#""data":{"refundTradeNo":"20220117091657TI790000055087"}}"#));
    let local =
        client_with(json!({"environment": null, "baseUrl": "http://127.0.0.1:8080/"})).unwrap();
    assert_eq!(
        local
            .build_refund_query(&query, vector_now_ms())
            .unwrap()
            .url,
        "http://127.0.0.1:8080/aggregate-pay/api/gateway/refundQuery"
    );
}

#[test]
fn config_mistakes_name_the_key() {
    let cases = [
        (json!({"environment": "uat"}), "environment"),
        (json!({"environment": null}), "environment"),
        (json!({"appId": null}), "appId"),
        (json!({"merchantNo": null}), "merchantNo"),
        (json!({"merchantNo": "1".repeat(33)}), "merchantNo"),
        (json!({"appId": "a".repeat(65)}), "appId"),
        (json!({"gatewayPublicKey": null}), "gatewayPublicKey"),
        (json!({"merchantId": "x"}), "merchantId"),
    ];
    for (overrides, field) in cases {
        let e = client_with(overrides.clone()).unwrap_err();
        assert_eq!(e.code, ErrorCode::ConfigInvalid, "{overrides}");
        assert_eq!(e.field.as_deref(), Some(field), "{overrides}");
    }
}

// ---------------------------------------------------------------------------------------------
// Amounts

fn refund_amount_of(amount: &str, currency: &str) -> refundkit::Result<String> {
    let request = build_refund(json!({"amount": amount, "currency": currency}))?;
    let body: Value = serde_json::from_str(&request.body).unwrap();
    assert!(body["data"]["refundAmount"].is_number());
    let start = request.body.find(r#""refundAmount":"#).unwrap() + r#""refundAmount":"#.len();
    let end = start + request.body[start..].find(',').unwrap();
    Ok(request.body[start..end].to_string())
}

#[test]
fn amounts_are_exact_json_numbers_with_payermax_digits() {
    for (amount, currency, wire) in [
        ("4.99", "USD", "4.99"),
        ("5", "USD", "5.00"),
        ("0.1", "USD", "0.10"),
        ("10000", "IDR", "10000"),
        ("250", "TWD", "250"),
        ("1.23", "KWD", "1.23"),
        ("7", "OMR", "7.00"),
        ("100", "JPY", "100"),
        ("12345678901234567.89", "USD", "12345678901234567.89"),
    ] {
        assert_eq!(
            refund_amount_of(amount, currency).unwrap(),
            wire,
            "{amount} {currency}"
        );
    }
}

#[test]
fn amounts_beyond_payermax_digits_are_refused() {
    for (amount, currency) in [
        ("4.999", "USD"),
        ("10000.5", "IDR"),
        ("10000.00", "IDR"),
        ("99.9", "COP"),
        ("1.5", "PKR"),
        ("1.234", "KWD"),
        ("1.001", "BHD"),
        ("0", "USD"),
        ("-1", "USD"),
        ("1e2", "USD"),
    ] {
        let e = build_refund(json!({"amount": amount, "currency": currency})).unwrap_err();
        assert_eq!(e.code, ErrorCode::AmountInvalid, "{amount} {currency}");
        assert_eq!(e.field.as_deref(), Some("amount"), "{amount} {currency}");
    }
    let e = refund_input(json!({"amount": 4.99})).unwrap_err();
    assert_eq!(e.code, ErrorCode::AmountInvalid);
    assert_eq!(e.field.as_deref(), Some("amount"));
}

// ---------------------------------------------------------------------------------------------
// Input checks

#[test]
fn input_mistakes_name_the_field() {
    let cases = [
        (json!({"originalOrderId": null}), "originalOrderId"),
        (json!({"refundId": "R".repeat(65)}), "refundId"),
        (
            json!({"originalOrderId": "P".repeat(65)}),
            "originalOrderId",
        ),
        (
            json!({"originalTransactionId": "T".repeat(65)}),
            "originalTransactionId",
        ),
        (json!({"reason": "x".repeat(513)}), "reason"),
        (
            json!({"notifyUrl": format!("https://a.example/{}", "x".repeat(240))}),
            "notifyUrl",
        ),
        (json!({"notifyUrl": "ftp://a.example/hook"}), "notifyUrl"),
        (json!({"extra": {"refundType": 1}}), "extra"),
    ];
    for (fields, field) in cases {
        let e = build_refund(fields.clone()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputInvalid, "{fields}");
        assert_eq!(e.field.as_deref(), Some(field), "{fields}");
    }
    // The limits themselves are allowed.
    build_refund(json!({
        "refundId": "R".repeat(64),
        "reason": "あ".repeat(512),
        "notifyUrl": format!("https://a.example/{}", "x".repeat(238)),
        "originalOrderId": null,
        "originalTransactionId": "T".repeat(64),
    }))
    .unwrap();
}

#[test]
fn refund_query_takes_exactly_one_refund_number() {
    let client = client();
    let both = json!({"refundId": "R1", "gatewayRefundId": "G1"});
    let both = RefundQuery::from_json(&lib_json(&both)).unwrap();
    let e = client
        .build_refund_query(&both, vector_now_ms())
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InputInvalid);
    assert_eq!(e.field.as_deref(), Some("gatewayRefundId"));
    let by_payment =
        RefundQuery::from_json(&lib_json(&json!({"originalTransactionId": "T1"}))).unwrap();
    let e = client
        .build_refund_query(&by_payment, vector_now_ms())
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InputInvalid);
    assert_eq!(e.field.as_deref(), Some("originalTransactionId"));
    let long = RefundQuery::from_json(&lib_json(&json!({"refundId": "R".repeat(65)}))).unwrap();
    let e = client
        .build_refund_query(&long, vector_now_ms())
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("refundId"));
}

// ---------------------------------------------------------------------------------------------
// Responses

/// The documents' refund response example.
fn refund_response() -> String {
    text(&vector(), "refundResponse").to_string()
}

#[test]
fn a_signed_refund_response_is_verified_and_mapped() {
    let result = client()
        .parse_refund_response(&signed(&refund_response()))
        .unwrap();
    assert_eq!(result.gateway, "payermax");
    assert_eq!(result.status, RefundStatus::Pending);
    assert_eq!(result.gateway_status, "REFUND_PENDING");
    assert!(result.verified);
    assert_eq!(result.refund_id.as_deref(), Some("R1642411016202"));
    assert_eq!(
        result.gateway_refund_id.as_deref(),
        Some("20220117091657TI790000055087")
    );
    assert_eq!(
        result.original_transaction_id.as_deref(),
        Some("20220117091121TI366100056090")
    );
    assert_eq!(
        serde_json_of(&result.raw)["data"]["status"],
        "REFUND_PENDING"
    );
}

#[test]
fn a_refund_failed_at_once_is_a_result_not_an_error() {
    let body = refund_response().replace("REFUND_PENDING", "REFUND_FAILED");
    let result = client().parse_refund_response(&signed(&body)).unwrap();
    assert_eq!(result.status, RefundStatus::Failed);
}

#[test]
fn response_signatures_are_checked_over_the_raw_bytes() {
    let client = client();
    let good = gateway_sign(refund_response().as_bytes());

    let missing = raw(&[("content-type", "application/json")], &refund_response());
    let e = client.parse_refund_response(&missing).unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureMissing);
    let empty = raw(&[("sign", " ")], &refund_response());
    assert_eq!(
        client.parse_refund_response(&empty).unwrap_err().code,
        ErrorCode::SignatureMissing
    );

    let tampered = refund_response().replace("REFUND_PENDING", "REFUND_SUCCESS");
    let e = client
        .parse_refund_response(&raw(&[("sign", &good)], &tampered))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);

    // The same JSON with one more space is different bytes.
    let respaced = refund_response().replacen(",", ", ", 1);
    let e = client
        .parse_refund_response(&raw(&[("sign", &good)], &respaced))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);

    let merchant = PrivateKey::import(&fixture("merchant_test_key.pem"), "key").unwrap();
    let wrong_key = sign(&merchant, refund_response().as_bytes(), HashAlg::Sha256).unwrap();
    let e = client
        .parse_refund_response(&raw(&[("sign", &wrong_key)], &refund_response()))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);

    let e = client
        .parse_refund_response(&raw(&[("sign", "not base64!")], &refund_response()))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);

    // Header names in any case; a signature made by OpenSSL verifies the same way.
    let by_openssl = openssl::sign(
        "gateway_test_key.pem",
        "sha256",
        refund_response().as_bytes(),
    );
    assert_eq!(by_openssl, good);
    for name in ["SIGN", "Sign"] {
        client
            .parse_refund_response(&raw(&[(name, &by_openssl)], &refund_response()))
            .unwrap();
    }
}

#[test]
fn refusals_are_gateway_errors_signed_or_not() {
    let client = client();
    for code in [
        "SIGN_VERIFY_FAILED",
        "REQ_TIME_OVER_TIME",
        "PARAMS_INVALID",
        "ORDER_NOT_EXIST",
        "REFUND_INSUFFICIENT_BALANCE",
    ] {
        let body = format!(r#"{{"code":"{code}","msg":"refused for a reason"}}"#);
        for response in [
            raw(&[], &body),
            signed(&body),
            raw(&[("sign", "AAAA")], &body),
        ] {
            let e = client.parse_refund_response(&response).unwrap_err();
            assert_eq!(e.code, ErrorCode::GatewayError, "{code}");
            assert_eq!(e.gateway_code.as_deref(), Some(code));
            assert_eq!(e.gateway_message.as_deref(), Some("refused for a reason"));
        }
        let e = client
            .parse_refund_query_response(&raw(&[], &body))
            .unwrap_err();
        assert_eq!(e.gateway_code.as_deref(), Some(code));
    }
}

#[test]
fn malformed_responses_are_refused() {
    let client = client();
    for body in [
        "",
        "<html>bad gateway</html>",
        "[]",
        r#"{"msg":"no code"}"#,
        r#"{"code":"APPLY_SUCCESS","msg":""}"#,
        r#"{"code":"APPLY_SUCCESS","data":"R1"}"#,
    ] {
        let e = client.parse_refund_response(&signed(body)).unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{body}");
    }
    let mut bad_gateway = raw(&[], "<html>502</html>");
    bad_gateway.status = Some(502);
    let e = client.parse_refund_response(&bad_gateway).unwrap_err();
    assert_eq!(e.code, ErrorCode::ResponseMalformed);
    assert!(e.message.contains("502"));
    let mut success_on_error_status = signed(&refund_response());
    success_on_error_status.status = Some(500);
    assert_eq!(
        client
            .parse_refund_response(&success_on_error_status)
            .unwrap_err()
            .code,
        ErrorCode::ResponseMalformed
    );
    let not_utf8 = RawResponse::new(Some(200), vec![], vec![0xff, 0xfe, b'{']);
    assert_eq!(
        client.parse_refund_response(&not_utf8).unwrap_err().code,
        ErrorCode::ResponseMalformed
    );
}

fn query_response(data: Value) -> String {
    serde_json::to_string(&json!({"code": "APPLY_SUCCESS", "msg": "Success.", "data": data}))
        .unwrap()
}

#[test]
fn query_responses_map_status_amount_and_times() {
    let body = r#"{"code":"APPLY_SUCCESS","msg":"Success.","data":{"outRefundNo":"R1642411016202","refundTradeNo":"20220117091657TI790000055087","refundAmount":10000,"refundCurrency":"IDR","outTradeNo":"P1642410680681","status":"REFUND_SUCCESS","refundFinishTime":"2023-10-20T03:28:23.092Z"}}"#;
    let results = client().parse_refund_query_response(&signed(body)).unwrap();
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r.status, RefundStatus::Succeeded);
    assert_eq!(r.gateway_status, "REFUND_SUCCESS");
    assert_eq!(r.amount.as_deref(), Some("10000"));
    assert_eq!(r.currency.as_deref(), Some("IDR"));
    assert_eq!(r.refund_id.as_deref(), Some("R1642411016202"));
    assert_eq!(
        r.gateway_refund_id.as_deref(),
        Some("20220117091657TI790000055087")
    );
    assert_eq!(r.original_order_id.as_deref(), Some("P1642410680681"));
    assert_eq!(r.completed_at.as_deref(), Some("2023-10-20T03:28:23.092Z"));
    assert_eq!(r.failure_reason, None);
    assert!(r.verified);
}

#[test]
fn query_amounts_as_numbers_or_strings_get_payermax_digits() {
    let client = client();
    for (amount, currency, expected) in [
        (json!(4.9), "USD", "4.90"),
        (json!("4.9"), "USD", "4.90"),
        (json!("10000"), "IDR", "10000"),
        (json!(10000), "IDR", "10000"),
        (json!(1.5), "KWD", "1.50"),
        (json!(12.5), "KWD", "12.50"),
        (json!("12.500"), "KWD", "12.50"),
        (json!(3), "JPY", "3"),
    ] {
        let body = query_response(json!({
            "outRefundNo": "R1", "refundAmount": amount, "refundCurrency": currency,
            "status": "REFUND_PENDING",
        }));
        let r = client.parse_refund_query_response(&signed(&body)).unwrap();
        assert_eq!(
            r[0].amount.as_deref(),
            Some(expected),
            "{amount} {currency}"
        );
    }
    // Exact text, never through a float: the bytes as PayerMax wrote them.
    let body = r#"{"code":"APPLY_SUCCESS","msg":"","data":{"refundAmount":9007199254740993.01,"refundCurrency":"USD","status":"REFUND_PENDING"}}"#;
    let r = client.parse_refund_query_response(&signed(body)).unwrap();
    assert_eq!(r[0].amount.as_deref(), Some("9007199254740993.01"));
    let body = query_response(json!({"refundAmount": "-5", "refundCurrency": "USD"}));
    assert_eq!(
        client
            .parse_refund_query_response(&signed(&body))
            .unwrap_err()
            .code,
        ErrorCode::ResponseMalformed
    );
}

/// A query response whose `refundAmount` is the given JSON text, written as PayerMax would.
fn query_response_with_amount(amount_json: &str, currency: &str) -> String {
    format!(
        r#"{{"code":"APPLY_SUCCESS","msg":"","data":{{"outRefundNo":"R1","refundAmount":{amount_json},"refundCurrency":"{currency}","status":"REFUND_SUCCESS"}}}}"#
    )
}

fn received_amount_of(amount_json: &str, currency: &str) -> refundkit::Result<Option<String>> {
    let body = query_response_with_amount(amount_json, currency);
    client()
        .parse_refund_query_response(&signed(&body))
        .map(|results| results[0].amount.clone())
}

#[test]
fn amounts_written_with_an_exponent_are_read_exactly() {
    // Jackson and fastjson write a BigDecimal of negative scale as 1E+3; the vendors' SDKs read it.
    for (amount, currency, expected) in [
        ("1e3", "IDR", "1000"),
        ("1E3", "IDR", "1000"),
        ("10E+3", "IDR", "10000"),
        ("1.0E+4", "IDR", "10000"),
        ("1.5E-1", "USD", "0.15"),
        ("4.9E0", "USD", "4.90"),
        ("49e-1", "USD", "4.90"),
        ("1.25E+1", "KWD", "12.50"),
        ("3E+2", "JPY", "300"),
        ("12.5e0", "XYZ", "12.5"),
        ("1E+2", "XYZ", "100"),
        ("9007199254740993.01E+2", "USD", "900719925474099301.00"),
    ] {
        assert_eq!(
            received_amount_of(amount, currency).unwrap().as_deref(),
            Some(expected),
            "{amount} {currency}"
        );
    }
    let n = notification().replace(r#""refundAmount":10000"#, r#""refundAmount":1E+4"#);
    let n = client()
        .verify_notification(&signed(&n), vector_now_ms())
        .unwrap();
    assert_eq!(n.refund.amount.as_deref(), Some("10000"));
}

#[test]
fn exponents_that_cannot_give_an_amount_are_refused_at_once() {
    let huge_exponent = format!("1e{}", "9".repeat(10_000));
    let started = std::time::Instant::now();
    for amount in [
        "1e999999999",
        "1e-999999999",
        "1E+2147483648",
        huge_exponent.as_str(),
        // More significant digits than any amount has (30), once the exponent is applied.
        "1e30",
        "1e-31",
        "-1e3",
        "-0",
    ] {
        let e = received_amount_of(amount, "USD").unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{amount}");
        assert!(e.message.contains("refundAmount"), "{}", e.message);
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // Amount strings keep the plain decimal form: no SDK writes an exponent into a string.
    for amount in [r#""1e3""#, r#""1E+3""#] {
        let e = received_amount_of(amount, "IDR").unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{amount}");
    }
    // The caller's amounts never take one.
    assert_eq!(
        refund_amount_of("1e3", "IDR").unwrap_err().code,
        ErrorCode::AmountInvalid
    );
}

#[test]
fn amounts_with_more_digits_than_the_currency_are_kept_exactly() {
    // Never rounded, never dropped: reconciliation sees exactly the value PayerMax reported.
    for (amount, currency, expected) in [
        ("0.1", "JPY", "0.1"),
        (r#""0.1""#, "JPY", "0.1"),
        ("4.905", "USD", "4.905"),
        (r#""4.905""#, "USD", "4.905"),
        ("4905E-3", "USD", "4.905"),
        ("1.5E-1", "JPY", "0.15"),
        ("10000.5", "IDR", "10000.5"),
        ("1.234", "KWD", "1.234"),
        ("0.0000001", "USD", "0.0000001"),
    ] {
        assert_eq!(
            received_amount_of(amount, currency).unwrap().as_deref(),
            Some(expected),
            "{amount} {currency}"
        );
    }
    let n = notification()
        .replace(r#""refundAmount":10000"#, r#""refundAmount":0.5"#)
        .replace(r#""refundCurrency":"IDR""#, r#""refundCurrency":"JPY""#);
    let n = client()
        .verify_notification(&signed(&n), vector_now_ms())
        .unwrap();
    assert_eq!(n.refund.amount.as_deref(), Some("0.5"));
    assert_eq!(n.refund.currency.as_deref(), Some("JPY"));
}

#[test]
fn failed_and_unknown_statuses_keep_the_gateway_word() {
    let client = client();
    let body = query_response(json!({
        "outRefundNo": "R1", "status": "REFUND_FAILED", "resultMsg": "card account closed",
    }));
    let r = &client.parse_refund_query_response(&signed(&body)).unwrap()[0];
    assert_eq!(r.status, RefundStatus::Failed);
    assert_eq!(r.failure_reason.as_deref(), Some("card account closed"));
    for word in ["REFUND_REVIEWING", "REFUND_REVIEW", "REFUND_PENDING\t", ""] {
        let body = query_response(json!({"outRefundNo": "R1", "status": word}));
        let r = &client.parse_refund_query_response(&signed(&body)).unwrap()[0];
        assert_eq!(r.status, RefundStatus::Unknown, "{word:?}");
        assert_eq!(r.gateway_status, word);
    }
}

// ---------------------------------------------------------------------------------------------
// Notifications

/// The documents' refund notification example.
fn notification() -> String {
    text(&vector(), "notification").to_string()
}

fn pretty_notification() -> String {
    let value: Value = serde_json::from_str(&notification()).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    assert_ne!(pretty, notification());
    pretty
}

#[test]
fn a_verified_notification_maps_the_refund_and_gives_the_ack() {
    let n = client()
        .verify_notification(&signed(&notification()), vector_now_ms())
        .unwrap();
    assert_eq!(n.gateway, "payermax");
    assert_eq!(n.event.as_deref(), Some("REFUND"));
    assert_eq!(n.refund.status, RefundStatus::Succeeded);
    assert_eq!(n.refund.amount.as_deref(), Some("10000"));
    assert_eq!(n.refund.currency.as_deref(), Some("IDR"));
    assert_eq!(n.refund.refund_id.as_deref(), Some("R1642411016202"));
    assert_eq!(
        n.refund.completed_at.as_deref(),
        Some("2023-10-20T03:28:23.092Z")
    );
    assert!(n.refund.verified);
    assert_eq!(n.ack.status, 200);
    assert_eq!(n.ack.body, ACK);
    assert_eq!(
        n.ack.headers.get("content-type").map(String::as_str),
        Some("application/json")
    );
}

#[test]
fn pretty_and_compact_notifications_each_verify_only_with_their_own_signature() {
    let client = client();
    let compact = notification().to_string();
    let pretty = pretty_notification();
    let compact_sign = gateway_sign(compact.as_bytes());
    let pretty_sign = openssl::sign("gateway_test_key.pem", "sha256", pretty.as_bytes());
    for (body, sign) in [(&compact, &compact_sign), (&pretty, &pretty_sign)] {
        let n = client
            .verify_notification(&raw(&[("sign", sign)], body), vector_now_ms())
            .unwrap();
        assert_eq!(n.refund.status, RefundStatus::Succeeded);
        assert_eq!(n.refund.amount.as_deref(), Some("10000"));
    }
    for (body, sign) in [(&compact, &pretty_sign), (&pretty, &compact_sign)] {
        let e = client
            .verify_notification(&raw(&[("sign", sign)], body), vector_now_ms())
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::SignatureInvalid);
    }
}

#[test]
fn notifications_fail_closed() {
    let client = client();
    let now = vector_now_ms();
    let e = client
        .verify_notification(&raw(&[], &notification()), now)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureMissing);

    let good = gateway_sign(notification().as_bytes());
    let tampered = notification().replace("10000", "90000");
    let e = client
        .verify_notification(&raw(&[("sign", &good)], &tampered), now)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);

    let with_newline = format!("{}\n", notification());
    let e = client
        .verify_notification(&raw(&[("sign", &good)], &with_newline), now)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);

    let merchant = PrivateKey::import(&fixture("merchant_test_key.pem"), "key").unwrap();
    let wrong_key = sign(&merchant, notification().as_bytes(), HashAlg::Sha256).unwrap();
    let e = client
        .verify_notification(&raw(&[("sign", &wrong_key)], &notification()), now)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);

    // Signed but not JSON: the signature is checked first, the parse fails after.
    let e = client
        .verify_notification(&signed("code=APPLY_SUCCESS"), now)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ResponseMalformed);
}

#[test]
fn signed_notifications_for_something_else_are_refused() {
    let client = client();
    for body in [
        notification().replace(r#""notifyType":"REFUND""#, r#""notifyType":"PAYMENT""#),
        notification().replace(r#""notifyType":"REFUND","#, ""),
        // merchantNo is required in notifications: without it nothing shows the message is ours.
        notification().replace(r#""merchantNo":"02021382719993","#, ""),
    ] {
        assert_ne!(body, notification());
        let e = client
            .verify_notification(&signed(&body), vector_now_ms())
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{body}");
    }
    // appId is optional in notifications.
    let without_app_id = notification().replace(&format!(r#""appId":"{}","#, app_id()), "");
    client
        .verify_notification(&signed(&without_app_id), vector_now_ms())
        .unwrap();
}

#[test]
fn signed_notifications_for_another_merchant_or_app_are_merchant_mismatches() {
    let client = client();
    for (body, field) in [
        (
            notification().replace(&merchant_no(), "02021382719994"),
            "merchantNo",
        ),
        (
            notification().replace(&merchant_no(), "0202138271999"),
            "merchantNo",
        ),
        (
            notification().replace(&app_id(), "b0dddd1f622243cb9aa1b676e808b5f8"),
            "appId",
        ),
        // The v1.0 name of appId names the app just the same.
        (
            notification().replace(
                r#""keyVersion":"1","#,
                r#""keyVersion":"1","merchantAppId":"b0dddd1f622243cb9aa1b676e808b5f8","#,
            ),
            "appId",
        ),
    ] {
        assert_ne!(body, notification());
        let e = client
            .verify_notification(&signed(&body), vector_now_ms())
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::MerchantMismatch, "{body}");
        assert_eq!(e.field.as_deref(), Some(field), "{body}");
        assert!(e.message.contains(field), "{}", e.message);
    }
}

#[test]
fn signed_responses_naming_another_merchant_or_app_are_merchant_mismatches() {
    let client = client();
    let naming = |addressee: &str| {
        refund_response().replace(r#""msg":"","#, &format!(r#""msg":"",{addressee},"#))
    };
    for (body, field) in [
        (naming(r#""merchantNo":"02021382719994""#), "merchantNo"),
        (
            naming(r#""appId":"b0dddd1f622243cb9aa1b676e808b5f8""#),
            "appId",
        ),
        (
            naming(&format!(
                r#""appId":"{}","merchantNo":"02021382719994""#,
                app_id()
            )),
            "merchantNo",
        ),
    ] {
        let e = client.parse_refund_response(&signed(&body)).unwrap_err();
        assert_eq!(e.code, ErrorCode::MerchantMismatch, "{body}");
        assert_eq!(e.field.as_deref(), Some(field), "{body}");
        let e = client
            .parse_refund_query_response(&signed(&body))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::MerchantMismatch, "{body}");
    }
    // PayerMax documents responses as {code, msg, data}: naming this client, or no one, is fine.
    let ours = naming(&format!(
        r#""appId":"{}","merchantNo":"{}""#,
        app_id(),
        merchant_no()
    ));
    assert!(
        client
            .parse_refund_response(&signed(&ours))
            .unwrap()
            .verified
    );
    assert!(
        client
            .parse_refund_response(&signed(&refund_response()))
            .unwrap()
            .verified
    );
}

#[test]
fn a_failed_refund_notification_carries_the_reason() {
    let body = notification()
        .replace("REFUND_SUCCESS", "REFUND_FAILED")
        .replace(
            r#""code":"APPLY_SUCCESS","msg":"Success.""#,
            r#""code":"REFUND_INSUFFICIENT_BALANCE","msg":"balance too low""#,
        )
        .replace(r#""refundAmount":10000"#, r#""refundAmount":"10000""#);
    let n = client()
        .verify_notification(&signed(&body), vector_now_ms())
        .unwrap();
    assert_eq!(n.refund.status, RefundStatus::Failed);
    assert_eq!(n.refund.amount.as_deref(), Some("10000"));
    assert_eq!(
        n.refund.failure_reason.as_deref(),
        Some("REFUND_INSUFFICIENT_BALANCE balance too low")
    );
    assert_eq!(n.ack.body, ACK);
}
