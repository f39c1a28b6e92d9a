//! WisePay Cloud / N-age: the published vector through the full build path, request fields and
//! validation, and fail-closed verification of responses and notifications signed by a test
//! gateway key.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{
    bare_key, fixture, gateway_key, json_response, lib_json, object_of, openssl, serde_json_of,
    sign, verify,
};
use refundkit::keys::{PrivateKey, PublicKey};
use refundkit::HashAlg;

use refundkit::{
    Client, Config, ErrorCode, RawResponse, RefundInput, RefundQuery, RefundStatus, SignedRequest,
};
use serde_json::{json, Map, Value};

/// The published vector, from `vectors.json`.
fn vector() -> Value {
    common::vectors("wisepay")
}

fn client() -> Client {
    client_with(json!({})).unwrap()
}

fn client_with(changes: Value) -> refundkit::Result<Client> {
    common::client_with("wisepay", changes)
}

/// The clock of every test: the published vector's timestamp.
fn now() -> u64 {
    vector()["timestamp"].as_u64().unwrap()
}

fn refund_input(changes: Value) -> refundkit::Result<RefundInput> {
    let input = json!({
        "refundId": "R-2024_0001",
        "originalOrderId": "ORDER_0001",
        "amount": "12.3",
        "currency": "USD",
    });
    RefundInput::from_json(&lib_json(&common::changed(input, changes)))
}

fn body_of(request: &SignedRequest) -> Map<String, Value> {
    object_of(&request.body)
}

/// The canonical string as this test understands the rule, written independently of the library:
/// every field but `sign`, non-empty, sorted by key bytes, `k=v` joined with `&`.
fn expected_canonical(body: &Map<String, Value>) -> String {
    let mut pairs: Vec<(String, String)> = body
        .iter()
        .filter(|(k, _)| k.as_str() != "sign")
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn merchant_public() -> PublicKey {
    PublicKey::import(&fixture("merchant_test_key.pub.pem"), "publicKey").unwrap()
}

fn assert_request_verifies(request: &SignedRequest) {
    let body = body_of(request);
    let signature = body["sign"].as_str().unwrap();
    assert_eq!(signature.len(), 344);
    verify(
        &merchant_public(),
        expected_canonical(&body).as_bytes(),
        signature,
        HashAlg::Sha256,
    )
    .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Requests

#[test]
fn reproduces_the_published_vector_through_build_refund_query() {
    let v = vector();
    let client = sample_app_client(json!({}));
    let query =
        RefundQuery::from_json(&lib_json(&json!({"refundId": v["merchantOrderNo"]}))).unwrap();
    let now = v["timestamp"].as_u64().unwrap();

    let draft = client.draft_refund_query(&query, now).unwrap();
    assert_eq!(draft.message, v["canonical"].as_str().unwrap().as_bytes());

    let request = client.build_refund_query(&query, now).unwrap();
    assert_eq!(
        request.url,
        "https://wiseasy-open.sg.wisepaycloud.com/api/entry/refundquery"
    );
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.headers,
        vec![(
            "Content-Type".to_string(),
            "application/json; charset=UTF-8".to_string()
        )]
    );
    let body = body_of(&request);
    assert_eq!(body["sign"], v["sign"]);
    assert_eq!(expected_canonical(&body), v["canonical"].as_str().unwrap());
    let expected_body = format!(
        r#"{{"app_id":{},"method":"order.refund.query","format":"JSON","charset":"UTF-8","sign_type":"RSA2","version":"1.0","timestamp":"{now}","merchant_no":{},"merchant_order_no":{},"sign":{}}}"#,
        v["appId"], v["merchantNo"], v["merchantOrderNo"], v["sign"]
    );
    assert_eq!(request.body, expected_body);
}

#[test]
fn refund_request_maps_every_field_and_signs_what_it_sends() {
    let input = refund_input(json!({
        "originalTransactionId": "7012345678901234",
        "reason": "返品 & 交換 a=b",
        "notifyUrl": "https://shop.example/wisepay/notify",
        "extra": {"ext_params": "{\"k\":\"v w\"}", "sub_appid": "", "attach": null},
    }))
    .unwrap();
    let request = client().build_refund(&input, now()).unwrap();
    assert_eq!(
        request.url,
        "https://wiseasy-open.sg.wisepaycloud.com/api/entry/refund"
    );
    let body = body_of(&request);
    let keys: Vec<&str> = body.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        vec![
            "app_id",
            "method",
            "format",
            "charset",
            "sign_type",
            "version",
            "timestamp",
            "merchant_no",
            "merchant_order_no",
            "orig_merchant_order_no",
            "orig_trans_no",
            "price_currency",
            "order_amount",
            "description",
            "notify_url",
            "ext_params",
            "sign"
        ]
    );
    assert_eq!(body["method"], "order.refund.submit");
    assert_eq!(body["timestamp"], "1723012596622");
    assert_eq!(body["merchant_order_no"], "R-2024_0001");
    assert_eq!(body["orig_merchant_order_no"], "ORDER_0001");
    assert_eq!(body["orig_trans_no"], "7012345678901234");
    assert_eq!(body["price_currency"], "USD");
    assert_eq!(body["order_amount"], "12.30");
    assert_eq!(body["description"], "返品 & 交換 a=b");
    assert!(body.values().all(Value::is_string));
    // Japanese text travels as raw UTF-8, not \u escapes.
    assert!(request.body.contains("返品 & 交換 a=b"));
    assert_request_verifies(&request);

    let draft = client().draft_refund(&input, now()).unwrap();
    let canonical = String::from_utf8(draft.message).unwrap();
    assert!(
        canonical.contains("&description=返品 & 交換 a=b&ext_params={\"k\":\"v w\"}&format=JSON&")
    );
}

#[test]
fn amounts_use_the_currency_digits() {
    for (amount, currency, expected) in [
        ("1", "JPY", "1"),
        ("12.3", "USD", "12.30"),
        ("5000.34", "ZAR", "5000.34"),
        ("1.5", "KWD", "1.500"),
        ("0.5", "KWD", "0.500"),
        ("0.01", "SGD", "0.01"),
    ] {
        let input = refund_input(json!({"amount": amount, "currency": currency})).unwrap();
        let body = body_of(&client().build_refund(&input, now()).unwrap());
        assert_eq!(body["order_amount"], expected, "{amount} {currency}");
        assert_eq!(body["price_currency"], currency);
    }
    let e = refund_input(json!({"amount": "1.5", "currency": "JPY"})).unwrap_err();
    assert_eq!(e.code, ErrorCode::AmountInvalid);
}

#[test]
fn presets_and_base_url_choose_the_host() {
    let query = RefundQuery::from_json(&lib_json(&json!({"gatewayRefundId": "9001"}))).unwrap();
    for (changes, url) in [
        (
            json!({"environment": "sg-production"}),
            "https://wiseasy-open.sg.paycloud.world/api/entry/refundquery",
        ),
        (
            json!({"environment": "n-age"}),
            "https://open.n-age.co.jp/api/entry/refundquery",
        ),
        (
            json!({"environment": null, "baseUrl": "http://127.0.0.1:8080/"}),
            "http://127.0.0.1:8080/api/entry/refundquery",
        ),
    ] {
        let request = client_with(changes)
            .unwrap()
            .build_refund_query(&query, now())
            .unwrap();
        assert_eq!(request.url, url);
        let body = body_of(&request);
        assert_eq!(body["trans_no"], "9001");
        assert!(!body.contains_key("merchant_order_no"));
    }
    let input = refund_input(json!({})).unwrap();
    let request = client_with(json!({"environment": "n-age"}))
        .unwrap()
        .build_refund(&input, now())
        .unwrap();
    assert_eq!(request.url, "https://open.n-age.co.jp/api/entry/refund");
}

#[test]
fn signatures_verify_with_openssl() {
    let input =
        refund_input(json!({"reason": "全額返金 a & b=c d", "extra": {"x_y": "=&="}})).unwrap();
    let request = client().build_refund(&input, now()).unwrap();
    let body = body_of(&request);
    assert!(openssl::verifies(
        "merchant_test_key.pub.pem",
        "sha256",
        expected_canonical(&body).as_bytes(),
        body["sign"].as_str().unwrap()
    ));
}

// ---------------------------------------------------------------------------------------------
// Validation

fn refund_error(changes: Value) -> refundkit::Error {
    let input = refund_input(changes).unwrap();
    client().build_refund(&input, now()).unwrap_err()
}

#[test]
fn merchant_order_numbers_follow_the_gateway_rule() {
    for good in ["a", "0-9_A|z*@", &"x".repeat(32)] {
        let input = refund_input(json!({"refundId": good})).unwrap();
        client().build_refund(&input, now()).unwrap();
    }
    for bad in [
        "x".repeat(33),
        "R 1".to_string(),
        "R&1".to_string(),
        "R=1".to_string(),
        "返金1".to_string(),
        "R.1".to_string(),
        "R/1".to_string(),
    ] {
        let e = refund_error(json!({"refundId": bad}));
        assert_eq!(e.code, ErrorCode::InputInvalid, "{bad}");
        assert_eq!(e.field.as_deref(), Some("refundId"), "{bad}");
    }
    let e = refund_error(json!({"originalOrderId": "ORDER 1"}));
    assert_eq!(e.field.as_deref(), Some("originalOrderId"));
    let e = refund_error(json!({"originalOrderId": null}));
    assert_eq!(e.code, ErrorCode::InputInvalid);
    assert_eq!(e.field.as_deref(), Some("originalOrderId"));
    let e = refund_error(json!({"originalOrderId": null, "originalTransactionId": "T 1"}));
    assert_eq!(e.field.as_deref(), Some("originalTransactionId"));
    // Control characters are refused before anything else sees them.
    let e = refund_input(json!({"refundId": "R\n1"})).unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::InputInvalid, Some("refundId"))
    );
    let e = refund_input(json!({"reason": "a\u{7}b"})).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("reason"));
}

#[test]
fn extra_fields_may_not_take_over_library_fields() {
    for key in [
        "app_id",
        "method",
        "timestamp",
        "sign_type",
        "sign",
        "SIGN",
        "Sign",
        "merchant_no",
        "merchant_order_no",
        "order_amount",
        "price_currency",
        "orig_trans_no",
        "notify_url",
        "description",
        "trans_no",
    ] {
        let e = refund_error(json!({"extra": {key: "x"}}));
        assert_eq!(e.code, ErrorCode::InputInvalid, "{key}");
        assert_eq!(e.field, Some(format!("extra.{key}")), "{key}");
    }
    for key in ["a=b", "a&b", "", "a b", "ä"] {
        let e = refund_error(json!({"extra": {key: "x"}}));
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::InputInvalid, Some("extra")),
            "{key}"
        );
    }
    let e = refund_error(json!({"extra": {"ext_params": {"a": 1}}}));
    assert_eq!(e.field.as_deref(), Some("extra.ext_params"));
    let e = refund_error(json!({"extra": {"ext_params": 5}}));
    assert_eq!(e.field.as_deref(), Some("extra.ext_params"));
    let e = refund_error(json!({"extra": {"ext_params": "a\r\nb"}}));
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::InputInvalid, Some("extra.ext_params"))
    );
}

#[test]
fn extra_names_that_differ_from_library_fields_only_by_case_are_refused() {
    for key in [
        "Order_amount",
        "APP_ID",
        "Merchant_No",
        "NOTIFY_URL",
        "Description",
        "Trans_No",
    ] {
        let e = refund_error(json!({"extra": {key: "x"}}));
        assert_eq!(
            (e.code, e.field.clone()),
            (ErrorCode::InputInvalid, Some(format!("extra.{key}"))),
            "{key}"
        );
    }
}

#[test]
fn a_sent_value_that_would_also_read_as_another_field_is_refused() {
    // Signed as `description=x&trans_status=2`, the gateway's echo of it could be split into a
    // description and a trans_status of their own.
    for (changes, field) in [
        (json!({"reason": "x&trans_status=2"}), "reason"),
        (json!({"reason": "返品&merchant_order_no=R9"}), "reason"),
        (json!({"extra": {"attach": "k=v&k2=v 2"}}), "extra.attach"),
        (
            json!({"extra": {"ext_params": "{\"a\":\"1&b=2\"}"}}),
            "extra.ext_params",
        ),
        (
            json!({"notifyUrl": "https://shop.example/n&trans_status=2"}),
            "notifyUrl",
        ),
    ] {
        let e = refund_error(changes.clone());
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::InputInvalid, Some(field)),
            "{changes}"
        );
        assert!(
            e.message.contains("another field"),
            "{changes}: {}",
            e.message
        );
    }
    // `&` and `=` that cannot start a field name stay allowed.
    for reason in [
        "a & b = c",
        "返品 & 交換 a=b",
        "=&=",
        "a&=b",
        "x&サービス=1",
        "a&b c=d",
    ] {
        let input = refund_input(json!({"reason": reason, "extra": {"attach": reason}})).unwrap();
        let request = client().build_refund(&input, now()).unwrap();
        assert_eq!(body_of(&request)["description"], reason);
    }
}

#[test]
fn notify_url_must_be_a_plain_absolute_url() {
    for bad in [
        "https://shop.example/n?x=1",
        "https://shop.example/n#f",
        "ftp://shop.example/n",
        "/relative",
    ] {
        let e = refund_error(json!({"notifyUrl": bad}));
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::InputInvalid, Some("notifyUrl")),
            "{bad}"
        );
    }
}

#[test]
fn a_query_needs_the_refund_number_or_the_gateway_refund_id() {
    let query =
        RefundQuery::from_json(&lib_json(&json!({"originalTransactionId": "7001"}))).unwrap();
    let e = client().build_refund_query(&query, now()).unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::InputInvalid, Some("refundId"))
    );
    let query = RefundQuery::from_json(&lib_json(&json!({"refundId": "R 1"}))).unwrap();
    let e = client().build_refund_query(&query, now()).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("refundId"));
    let query = RefundQuery::from_json(&lib_json(&json!({"gatewayRefundId": "9&1"}))).unwrap();
    let e = client().build_refund_query(&query, now()).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("gatewayRefundId"));
}

#[test]
fn config_is_checked_key_by_key() {
    for (changes, field) in [
        (json!({"appId": null}), "appId"),
        (json!({"merchantNo": null}), "merchantNo"),
        (json!({"merchantNo": "3021&x=1"}), "merchantNo"),
        (json!({"appId": "x".repeat(33)}), "appId"),
        (json!({"environment": "sandbox"}), "environment"),
        (json!({"environment": null}), "environment"),
        (json!({"gatewayPublicKey": null}), "gatewayPublicKey"),
        (json!({"appID": "x"}), "appID"),
    ] {
        let e = client_with(changes.clone()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{changes}");
        assert!(
            matches!(e.code, ErrorCode::ConfigInvalid | ErrorCode::KeyInvalid),
            "{changes}"
        );
    }
    let e =
        client_with(json!({"gatewayPublicKey": bare_key("merchant_test_key.pem")})).unwrap_err();
    assert_eq!(e.code, ErrorCode::KeyInvalid);
}

// ---------------------------------------------------------------------------------------------
// Responses

/// A value's text as the test gateway signs it: strings as they are, anything else as the exact
/// JSON text placed in the body.
fn signed_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(serde_json::to_string(other).unwrap()),
    }
}

fn sign_fields(fields: &[(&str, Value)], key: &PrivateKey) -> String {
    let mut pairs: Vec<(String, String)> = fields
        .iter()
        .filter_map(|(k, v)| signed_text(v).map(|t| (k.to_string(), t)))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    pairs.sort();
    let canonical = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    sign(key, canonical.as_bytes(), HashAlg::Sha256).unwrap()
}

/// A JSON body of `fields` in the given order, with `sign` over them appended.
fn signed_json(fields: &[(&str, Value)]) -> String {
    let signature = sign_fields(fields, &gateway_key());
    json_body(fields, Some(&signature))
}

fn json_body(fields: &[(&str, Value)], signature: Option<&str>) -> String {
    let mut parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{}", json!(k), serde_json::to_string(v).unwrap()))
        .collect();
    if let Some(s) = signature {
        parts.push(format!("\"sign\":{}", json!(s)));
    }
    format!("{{{}}}", parts.join(","))
}

fn query_data() -> Value {
    json!({
        "trans_no": "2024080700001",
        "orig_trans_no": "2024080600009",
        "merchant_order_no": "R-2024_0001",
        "trans_status": "2",
        "price_currency": "USD",
        "order_amount": "12.3",
        "trans_amount": "12.30",
        "trans_end_time": "2024-08-07 06:36:36",
    })
}

fn query_fields() -> Vec<(&'static str, Value)> {
    vec![
        ("code", json!("0")),
        ("msg", json!("success")),
        ("psn", json!("08071436360012345678")),
        ("data", json!(query_data().to_string())),
    ]
}

#[test]
fn a_signed_query_response_maps_to_a_refund_result() {
    let body = signed_json(&query_fields());
    let results = client()
        .parse_refund_query_response(&json_response(&body))
        .unwrap();
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r.gateway, "wisepay");
    assert_eq!(r.status, RefundStatus::Succeeded);
    assert_eq!(r.gateway_status, "2");
    assert_eq!(r.refund_id.as_deref(), Some("R-2024_0001"));
    assert_eq!(r.gateway_refund_id.as_deref(), Some("2024080700001"));
    assert_eq!(r.original_transaction_id.as_deref(), Some("2024080600009"));
    assert_eq!(r.amount.as_deref(), Some("12.30"));
    assert_eq!(r.currency.as_deref(), Some("USD"));
    assert_eq!(r.completed_at.as_deref(), Some("2024-08-07T06:36:36Z"));
    assert!(r.verified);
    assert_eq!(serde_json_of(&r.raw)["psn"], "08071436360012345678");
    assert_eq!(serde_json_of(&r.raw)["data"]["trans_no"], "2024080700001");
    assert!(serde_json_of(&r.raw).get("sign").is_none());
}

#[test]
fn data_as_an_object_is_verified_over_its_received_text() {
    // Pretty-printed, with keys in an order no serializer would choose: the signature covers
    // exactly this text.
    let data_text = "{ \"trans_status\" : \"1\",\n \"merchant_order_no\":\"R1\", \"order_amount\": 1.50, \"price_currency\":\"JPY\", \"trans_error_code\":\"E1\", \"trans_error_msg\":\"口座 closed\" }";
    let canonical = format!("code=0&data={data_text}&msg=ok");
    let signature = sign(&gateway_key(), canonical.as_bytes(), HashAlg::Sha256).unwrap();
    let body =
        format!("{{\"code\":\"0\",\"msg\":\"ok\",\"data\":{data_text},\"sign\":\"{signature}\"}}");
    let r = client()
        .parse_refund_response(&json_response(&body))
        .unwrap();
    assert_eq!(r.status, RefundStatus::Failed);
    assert_eq!(r.failure_reason.as_deref(), Some("E1: 口座 closed"));
    // 1.50 JPY does not fit the currency: reported exactly, not rounded.
    assert_eq!(r.amount.as_deref(), Some("1.5"));

    // The same object re-serialized (compact) no longer matches what was signed.
    let compact: Value = serde_json::from_str(data_text).unwrap();
    let body = format!(
        "{{\"code\":\"0\",\"msg\":\"ok\",\"data\":{},\"sign\":\"{signature}\"}}",
        serde_json::to_string(&compact).unwrap()
    );
    let e = client()
        .parse_refund_response(&json_response(&body))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);
}

#[test]
fn reordered_top_level_keys_still_verify() {
    let fields = query_fields();
    let signature = sign_fields(&fields, &gateway_key());
    let mut reordered = fields.clone();
    reordered.reverse();
    let mut body = json_body(&reordered, None);
    body = body.replacen('{', &format!("{{\"sign\":{},", json!(signature)), 1);
    client()
        .parse_refund_query_response(&json_response(&body))
        .unwrap();
    // Whitespace between members is not part of any value.
    let spaced = body.replace(",\"", " ,\n \"");
    client()
        .parse_refund_query_response(&json_response(&spaced))
        .unwrap();
}

#[test]
fn any_tampering_is_signature_invalid() {
    let fields = query_fields();
    let signature = sign_fields(&fields, &gateway_key());
    for i in 0..fields.len() {
        let mut changed = fields.clone();
        let value = changed[i].1.as_str().unwrap().to_string();
        changed[i].1 = json!(if i == 3 {
            value.replace("12.3", "99.3")
        } else {
            format!("{value}x")
        });
        if changed[i].0 == "code" {
            continue; // a changed code is a gateway error, tested below
        }
        let e = client()
            .parse_refund_query_response(&json_response(&json_body(&changed, Some(&signature))))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::SignatureInvalid, "field {}", fields[i].0);
    }
    // An added field.
    let mut added = fields.clone();
    added.push(("trans_status", json!("2")));
    let e = client()
        .parse_refund_query_response(&json_response(&json_body(&added, Some(&signature))))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);
    // A removed field.
    let removed: Vec<_> = fields
        .iter()
        .filter(|(k, _)| *k != "psn")
        .cloned()
        .collect();
    let e = client()
        .parse_refund_query_response(&json_response(&json_body(&removed, Some(&signature))))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);
    // A damaged signature.
    let mut flipped = signature.into_bytes();
    flipped[10] = if flipped[10] == b'A' { b'B' } else { b'A' };
    let e = client()
        .parse_refund_query_response(&json_response(&json_body(
            &fields,
            Some(std::str::from_utf8(&flipped).unwrap()),
        )))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);
}

#[test]
fn a_missing_or_empty_sign_is_signature_missing() {
    let fields = query_fields();
    for body in [
        json_body(&fields, None),
        json_body(&fields, Some("")),
        json_body(&fields, None).replacen('{', "{\"sign\":null,", 1),
    ] {
        let e = client()
            .parse_refund_query_response(&json_response(&body))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::SignatureMissing, "{body}");
    }
}

#[test]
fn another_key_is_signature_invalid() {
    let merchant = PrivateKey::import(&fixture("merchant_test_key.pem"), "privateKey").unwrap();
    let fields = query_fields();
    let body = json_body(&fields, Some(&sign_fields(&fields, &merchant)));
    let e = client()
        .parse_refund_query_response(&json_response(&body))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);
}

#[test]
fn a_non_zero_code_is_a_gateway_error_signed_or_not() {
    let fields = vec![
        ("code", json!("E04111")),
        ("msg", json!("[E04111]Merchant order number is invalid")),
        ("psn", json!("08071436360012345678")),
    ];
    for body in [json_body(&fields, None), signed_json(&fields)] {
        let e = client()
            .parse_refund_response(&json_response(&body))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::GatewayError);
        assert_eq!(e.gateway_code.as_deref(), Some("E04111"));
        assert_eq!(
            e.gateway_message.as_deref(),
            Some("[E04111]Merchant order number is invalid")
        );
        assert!(
            e.message.contains("psn 08071436360012345678"),
            "{}",
            e.message
        );
    }
}

#[test]
fn malformed_responses_are_refused() {
    for body in [
        "",
        "not json",
        "[]",
        "{\"msg\":\"no code\"}",
        "{\"code\":\"0\",\"code\":\"0\"}",
    ] {
        let e = client()
            .parse_refund_response(&json_response(body))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{body}");
    }
    // Signed, but code 0 without data, or data that is not an object.
    for data in [None, Some(json!("[1]")), Some(json!("oops"))] {
        let mut fields = vec![("code", json!("0")), ("msg", json!("ok"))];
        if let Some(d) = data {
            fields.push(("data", d));
        }
        let e = client()
            .parse_refund_response(&json_response(&signed_json(&fields)))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseMalformed);
    }
    // A signed amount that is not a decimal.
    let data = json!({"trans_status": "2", "order_amount": "-1"}).to_string();
    let fields = vec![("code", json!("0")), ("data", json!(data))];
    let e = client()
        .parse_refund_response(&json_response(&signed_json(&fields)))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ResponseMalformed);
}

#[test]
fn every_trans_status_maps_with_an_explicit_default() {
    for (word, status) in [
        ("9", RefundStatus::Pending),
        ("0", RefundStatus::Pending),
        ("1", RefundStatus::Failed),
        ("2", RefundStatus::Succeeded),
        ("3", RefundStatus::Cancelled),
        ("4", RefundStatus::Unknown),
        ("7", RefundStatus::Unknown),
        ("SUCCESS", RefundStatus::Unknown),
    ] {
        let data = json!({"trans_status": word, "trans_no": "1"}).to_string();
        let fields = vec![("code", json!("0")), ("data", json!(data))];
        let r = client()
            .parse_refund_query_response(&json_response(&signed_json(&fields)))
            .unwrap()
            .remove(0);
        assert_eq!((r.status, r.gateway_status.as_str()), (status, word));
    }
    // A submit response without trans_status: accepted, completes later.
    let data = json!({"trans_no": "1", "trans_amount": "1000"}).to_string();
    let fields = vec![("code", json!("0")), ("data", json!(data))];
    let r = client()
        .parse_refund_response(&json_response(&signed_json(&fields)))
        .unwrap();
    assert_eq!(
        (r.status, r.gateway_status.as_str()),
        (RefundStatus::Pending, "")
    );
    assert_eq!(r.amount.as_deref(), Some("1000"));
}

#[test]
fn a_signed_message_that_also_reads_as_other_fields_is_refused() {
    // `msg=ok&trans_status=2` signs the same string as msg "ok" plus trans_status "2".
    let fields = vec![
        ("code", json!("0")),
        ("data", json!(json!({"trans_status": "0"}).to_string())),
        ("msg", json!("ok&trans_status=2")),
    ];
    let e = client()
        .parse_refund_response(&json_response(&signed_json(&fields)))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);
    // `&` and `=` that cannot start another field are fine.
    let fields = vec![
        ("code", json!("0")),
        ("data", json!(json!({"trans_status": "0"}).to_string())),
        ("msg", json!("a & b = c, x=y")),
    ];
    client()
        .parse_refund_response(&json_response(&signed_json(&fields)))
        .unwrap();
    // Field names outside letters, digits and '_' are refused outright.
    let fields = vec![("code", json!("0")), ("a=b", json!("1"))];
    let e = client()
        .parse_refund_response(&json_response(&signed_json(&fields)))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ResponseMalformed);
}

// ---------------------------------------------------------------------------------------------
// Notifications

fn notification_fields() -> Vec<(&'static str, Value)> {
    vec![
        ("merchant_no", json!("302100085224")),
        ("merchant_order_no", json!("R-2024_0001")),
        ("trans_no", json!("2024080700001")),
        ("orig_trans_no", json!("2024080600009")),
        ("trans_status", json!("2")),
        ("price_currency", json!("JPY")),
        ("order_amount", json!("1000")),
        ("description", json!("返金 テスト & more")),
        ("trans_end_time", json!("2024-08-07 06:36:36")),
        ("trans_error_msg", json!("")),
    ]
}

fn notification(content_type: &str, body: &str) -> RawResponse {
    RawResponse::new(
        None,
        vec![("Content-Type".into(), content_type.into())],
        body.as_bytes().to_vec(),
    )
}

fn form_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn form_body(fields: &[(&str, Value)], signature: &str) -> String {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_str().unwrap().to_string()))
        .chain([("sign".to_string(), signature.to_string())])
        .map(|(k, v)| format!("{}={}", form_encode(&k), form_encode(&v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn json_notifications_verify_map_and_ack() {
    let body = signed_json(&notification_fields());
    let n = client()
        .verify_notification(&notification("application/json", &body), now())
        .unwrap();
    assert_eq!(n.gateway, "wisepay");
    assert_eq!(n.refund.status, RefundStatus::Succeeded);
    assert_eq!(n.refund.refund_id.as_deref(), Some("R-2024_0001"));
    assert_eq!(n.refund.gateway_refund_id.as_deref(), Some("2024080700001"));
    assert_eq!(n.refund.amount.as_deref(), Some("1000"));
    assert_eq!(n.refund.currency.as_deref(), Some("JPY"));
    assert_eq!(n.refund.failure_reason, None);
    assert!(n.refund.verified);
    assert_eq!(n.ack.status, 200);
    assert_eq!(n.ack.body, "success");
    assert!(n.ack.headers["content-type"].starts_with("text/plain"));
    // Without a content type the body's shape decides.
    client()
        .verify_notification(&RawResponse::new(None, vec![], body.into_bytes()), now())
        .unwrap();
}

#[test]
fn form_notifications_verify_over_the_decoded_values() {
    let fields = notification_fields();
    let signature = sign_fields(&fields, &gateway_key());
    let body = form_body(&fields, &signature);
    assert!(body.contains("%E8%BF%94%E9%87%91+") && body.contains("sign="));
    let n = client()
        .verify_notification(
            &notification("application/x-www-form-urlencoded; charset=UTF-8", &body),
            now(),
        )
        .unwrap();
    assert_eq!(n.refund.status, RefundStatus::Succeeded);
    assert_eq!(
        serde_json_of(&n.refund.raw)["description"],
        "返金 テスト & more"
    );
    // Without a content type too.
    client()
        .verify_notification(
            &RawResponse::new(None, vec![], body.clone().into_bytes()),
            now(),
        )
        .unwrap();

    let mut tampered = fields.clone();
    tampered[4].1 = json!("1");
    let e = client()
        .verify_notification(
            &notification(
                "application/x-www-form-urlencoded",
                &form_body(&tampered, &signature),
            ),
            now(),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);
    let e = client()
        .verify_notification(
            &notification(
                "application/x-www-form-urlencoded",
                &format!("{body}&trans_status=2"),
            ),
            now(),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ResponseMalformed, "a duplicated field");
}

#[test]
fn notifications_fail_closed() {
    let fields = notification_fields();
    let signature = sign_fields(&fields, &gateway_key());
    // No sign.
    let e = client()
        .verify_notification(
            &notification("application/json", &json_body(&fields, None)),
            now(),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureMissing);
    // An added field, a changed field, another key.
    let mut added = fields.clone();
    added.push(("refund_fee", json!("1")));
    let mut changed = fields.clone();
    changed[6].1 = json!("100000");
    let merchant = PrivateKey::import(&fixture("merchant_test_key.pem"), "privateKey").unwrap();
    for body in [
        json_body(&added, Some(&signature)),
        json_body(&changed, Some(&signature)),
        json_body(&fields, Some(&sign_fields(&fields, &merchant))),
    ] {
        let e = client()
            .verify_notification(&notification("application/json", &body), now())
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::SignatureInvalid, "{body}");
    }
    // Reordered keys still verify; an added empty field is dropped like the gateway drops it.
    let mut reordered = fields.clone();
    reordered.reverse();
    reordered.push(("later_field", json!("")));
    client()
        .verify_notification(
            &notification("application/json", &json_body(&reordered, Some(&signature))),
            now(),
        )
        .unwrap();
    for body in ["", "%zz=1", "{\"a\":"] {
        let e = client()
            .verify_notification(&notification("", body), now())
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{body}");
    }
}

#[test]
fn nested_notification_values_are_signed_as_received() {
    // A nested object and a number: the canonical string holds their received JSON text.
    let extra_text = "{\"b\":1,\"a\":[true,null]}";
    let mut fields = notification_fields();
    fields.push(("ext", serde_json::from_str(extra_text).unwrap()));
    fields.push(("fee", serde_json::from_str("0.10").unwrap()));
    let body = signed_json(&fields);
    assert!(body.contains(extra_text) && body.contains("\"fee\":0.10"));
    let n = client()
        .verify_notification(&notification("application/json", &body), now())
        .unwrap();
    assert_eq!(serde_json_of(&n.refund.raw)["ext"]["b"], 1);
    // Writing the number differently changes what was signed.
    let e = client()
        .verify_notification(
            &notification("application/json", &body.replace("0.10", "0.1")),
            now(),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SignatureInvalid);
}

#[test]
fn a_notification_wrapping_its_fields_in_data_maps_them() {
    let data =
        json!({"merchant_order_no": "R1", "trans_status": "1", "trans_error_msg": "declined"});
    let fields = vec![
        ("sign_type", json!("RSA2")),
        ("data", json!(data.to_string())),
    ];
    let n = client()
        .verify_notification(
            &notification("application/json", &signed_json(&fields)),
            now(),
        )
        .unwrap();
    assert_eq!(n.refund.status, RefundStatus::Failed);
    assert_eq!(n.refund.refund_id.as_deref(), Some("R1"));
    assert_eq!(n.refund.failure_reason.as_deref(), Some("declined"));
    // Neither trans_status nor data: verified, but the state is unknown.
    let fields = vec![("merchant_order_no", json!("R1"))];
    let n = client()
        .verify_notification(
            &notification("application/json", &signed_json(&fields)),
            now(),
        )
        .unwrap();
    assert_eq!(
        (n.refund.status, n.refund.gateway_status.as_str()),
        (RefundStatus::Unknown, "")
    );
}

// ---------------------------------------------------------------------------------------------
// Addressee, shape and size

fn query_response_with(data: Value, envelope: &[(&'static str, Value)]) -> RawResponse {
    let mut fields = vec![
        ("code", json!("0")),
        ("msg", json!("success")),
        ("data", json!(data.to_string())),
    ];
    fields.extend(envelope.iter().cloned());
    json_response(&signed_json(&fields))
}

#[test]
fn a_response_addressed_to_another_merchant_or_app_is_refused() {
    let ours = query_data();
    let mut theirs = ours.clone();
    theirs["merchant_no"] = json!("302100099999");
    let mut other_app = ours.clone();
    other_app["app_id"] = json!("wz0000000000000001");
    for (response, field) in [
        (query_response_with(theirs, &[]), "merchantNo"),
        (query_response_with(other_app, &[]), "appId"),
        (
            query_response_with(ours.clone(), &[("merchant_no", json!("302100099999"))]),
            "merchantNo",
        ),
        (
            query_response_with(ours.clone(), &[("app_id", json!("wz0000000000000001"))]),
            "appId",
        ),
        // A number is compared by its received text like any other value.
        (
            query_response_with(ours.clone(), &[("merchant_no", json!(302100099999u64))]),
            "merchantNo",
        ),
    ] {
        let e = client().parse_refund_query_response(&response).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::MerchantMismatch, Some(field))
        );
        assert!(e.message.contains(field), "{}", e.message);
    }
    // Ours, at the top level and in data, or absent: accepted.
    let mut addressed = ours.clone();
    addressed["merchant_no"] = json!("302100085224");
    addressed["app_id"] = json!("wz715fc0d10ee9d156");
    let envelope = [
        ("app_id", json!("wz715fc0d10ee9d156")),
        ("merchant_no", json!("302100085224")),
    ];
    for response in [
        query_response_with(addressed, &envelope),
        query_response_with(ours, &[]),
    ] {
        client().parse_refund_query_response(&response).unwrap();
    }
}

#[test]
fn a_notification_addressed_to_another_merchant_or_app_is_refused() {
    let mut theirs = notification_fields();
    theirs[0].1 = json!("302100099999");
    let mut other_app = notification_fields();
    other_app.push(("app_id", json!("wz0000000000000001")));
    let nested_theirs = vec![(
        "data",
        json!(json!({"merchant_no": "302100099999", "trans_status": "2"}).to_string()),
    )];
    for (fields, field) in [
        (theirs, "merchantNo"),
        (other_app, "appId"),
        (nested_theirs, "merchantNo"),
    ] {
        for request in [
            notification("application/json", &signed_json(&fields)),
            notification(
                "application/x-www-form-urlencoded",
                &form_body(&fields, &sign_fields(&fields, &gateway_key())),
            ),
        ] {
            let e = client().verify_notification(&request, now()).unwrap_err();
            assert_eq!(
                (e.code, e.field.as_deref()),
                (ErrorCode::MerchantMismatch, Some(field))
            );
        }
    }
    // The sandbox's shape: app_id and merchant_no of this client, beside sign_type.
    let mut ours = notification_fields();
    ours.push(("app_id", json!("wz715fc0d10ee9d156")));
    ours.push(("sign_type", json!("RSA2")));
    let n = client()
        .verify_notification(
            &notification("application/json", &signed_json(&ours)),
            now(),
        )
        .unwrap();
    assert_eq!(n.refund.status, RefundStatus::Succeeded);
}

/// The forged notification of the re-cut: the gateway genuinely signed `description` holding
/// `note&merchant_order_no=R1&trans_status=2` beside a `data` that says the refund failed; the
/// forgery splits that value into top-level fields under the same signature.
type Fields = Vec<(&'static str, Value)>;

fn re_cut_notification() -> (Fields, Fields) {
    let data = json!(json!({"merchant_order_no": "R1", "trans_status": "1"}).to_string());
    let genuine = vec![
        ("data", data.clone()),
        (
            "description",
            json!("note&merchant_order_no=R1&trans_status=2"),
        ),
    ];
    let forged = vec![
        ("data", data),
        ("description", json!("note")),
        ("merchant_order_no", json!("R1")),
        ("trans_status", json!("2")),
    ];
    (genuine, forged)
}

#[test]
fn a_notification_re_cut_into_top_level_fields_beside_data_is_refused() {
    let (genuine, forged) = re_cut_notification();
    let signature = sign_fields(&genuine, &gateway_key());
    assert_eq!(
        signature,
        sign_fields(&forged, &gateway_key()),
        "one string"
    );
    for request in [
        notification("application/json", &json_body(&forged, Some(&signature))),
        notification(
            "application/x-www-form-urlencoded",
            &form_body(&forged, &signature),
        ),
    ] {
        let e = client().verify_notification(&request, now()).unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{}", e.message);
        assert!(e.message.contains("data"), "{}", e.message);
    }
}

#[test]
fn business_fields_beside_data_are_refused_and_envelope_fields_are_not() {
    let data = json!({"merchant_order_no": "R1", "trans_status": "1"});
    for beside in [
        ("trans_status", json!("2")),
        ("order_amount", json!("1")),
        ("notify_type", json!("refund")),
        ("later_field", json!("")),
    ] {
        let e = client()
            .parse_refund_query_response(&query_response_with(
                data.clone(),
                std::slice::from_ref(&beside),
            ))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{}", beside.0);
        assert!(e.message.contains(beside.0), "{}", e.message);
        let fields = vec![("data", json!(data.to_string())), beside.clone()];
        let e = client()
            .verify_notification(
                &notification("application/json", &signed_json(&fields)),
                now(),
            )
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseMalformed, "{}", beside.0);
    }
    let envelope = [
        ("psn", json!("08071436360012345678")),
        ("sign_type", json!("RSA2")),
        ("app_id", json!("wz715fc0d10ee9d156")),
        ("merchant_no", json!("302100085224")),
        ("method", json!("order.refund.query")),
        ("format", json!("JSON")),
        ("charset", json!("UTF-8")),
        ("version", json!("1.0")),
        ("timestamp", json!("1723012596622")),
    ];
    let r = client()
        .parse_refund_query_response(&query_response_with(data.clone(), &envelope))
        .unwrap()
        .remove(0);
    assert_eq!(r.status, RefundStatus::Failed);
    let mut fields = vec![("data", json!(data.to_string()))];
    fields.extend(envelope.iter().cloned());
    let n = client()
        .verify_notification(
            &notification("application/json", &signed_json(&fields)),
            now(),
        )
        .unwrap();
    assert_eq!(n.refund.status, RefundStatus::Failed);
}

/// Distinct names, all empty: the gateway's rule drops empty values from the canonical string,
/// so a body padded with them still carries a valid signature.
fn empty_fields(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("f{i}")).collect()
}

#[test]
fn bodies_of_two_hundred_thousand_fields_are_read_in_linear_time() {
    // About 3 MB: a host may raise maxBodyBytes, and the parsers must stay linear when it does.
    let client = client_with(json!({"maxBodyBytes": 16 << 20})).unwrap();
    let padding = empty_fields(200_000);
    let mut fields = notification_fields();
    fields.extend(padding.iter().map(|k| (k.as_str(), json!(""))));
    let signature = sign_fields(&notification_fields(), &gateway_key());

    let json = json_body(&fields, Some(&signature));
    let n = client
        .verify_notification(&notification("application/json", &json), now())
        .unwrap();
    assert_eq!(n.refund.status, RefundStatus::Succeeded);

    let form = form_body(&fields, &signature);
    let n = client
        .verify_notification(
            &notification("application/x-www-form-urlencoded", &form),
            now(),
        )
        .unwrap();
    assert_eq!(n.refund.status, RefundStatus::Succeeded);

    // A response of the same size: the padding sits beside data and is refused for that.
    let mut envelope = query_fields();
    envelope.extend(padding.iter().map(|k| (k.as_str(), json!(""))));
    let e = client
        .parse_refund_query_response(&json_response(&signed_json(&envelope)))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ResponseMalformed);
    // Unsigned, and with one name repeated at the very end.
    let mut repeated = json.clone();
    repeated.insert_str(repeated.len() - 1, ",\"f0\":\"\"");
    let e = client
        .verify_notification(&notification("application/json", &repeated), now())
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ResponseMalformed);
    let e = client
        .verify_notification(
            &notification("application/x-www-form-urlencoded", &format!("{form}&f0=")),
            now(),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ResponseMalformed);
}

// ---------------------------------------------------------------------------------------------
// The form wire format: the vendor Java SDK's request

/// The published vector's query as the Java SDK sends it (research/wisepay.md §10.3).
fn sdk_form() -> String {
    fixture("wisepay_sdk_form.txt").trim_end().to_string()
}

/// A client with the vendor's sample app, and `changes` to its config.
fn sample_app_client(changes: Value) -> Client {
    let v = vector();
    let config = json!({
        "gateway": "wisepay",
        "environment": "sg-sandbox",
        "appId": v["appId"],
        "merchantNo": v["merchantNo"],
        "privateKey": v["privateKey"],
        "gatewayPublicKey": v["gatewayPublicKey"],
    });
    Client::new(Config::from_json(&lib_json(&common::changed(config, changes))).unwrap()).unwrap()
}

/// A form body decoded by this test's own reading of the rule: `&` between pairs, `+` a space,
/// `%XX` a byte.
fn decoded_form(body: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let mut bytes = Vec::new();
        let mut i = 0;
        let raw = s.as_bytes();
        while i < raw.len() {
            match raw[i] {
                b'+' => bytes.push(b' '),
                b'%' => {
                    bytes.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                    i += 2;
                }
                b => bytes.push(b),
            }
            i += 1;
        }
        String::from_utf8(bytes).unwrap()
    };
    body.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (decode(k), decode(v))
        })
        .collect()
}

#[test]
fn the_form_wire_format_drafts_the_java_sdk_request_to_api_entry() {
    let v = vector();
    let query =
        RefundQuery::from_json(&lib_json(&json!({"refundId": v["merchantOrderNo"]}))).unwrap();
    let draft = sample_app_client(json!({"wireFormat": "form"}))
        .draft_refund_query(&query, now())
        .unwrap();
    assert_eq!(
        draft.url,
        "https://wiseasy-open.sg.wisepaycloud.com/api/entry"
    );
    assert_eq!(draft.message, v["canonical"].as_str().unwrap().as_bytes());
    assert_eq!(draft.headers.len(), 2);
    assert_eq!(
        draft.headers[0],
        (
            "Content-Type".to_string(),
            "application/x-www-form-urlencoded; charset=UTF-8".to_string()
        )
    );
    // The SDK's request id: MMddHHmmss of the request time (1723012596622 is 2024-08-07
    // 06:36:36 UTC), then digits, 20 in all.
    let (name, psn) = &draft.headers[1];
    assert_eq!(name, "Http-Request-Psn");
    assert_eq!(psn.len(), 20);
    assert!(psn.starts_with("0807063636"), "{psn}");
    assert!(psn.bytes().all(|b| b.is_ascii_digit()), "{psn}");
    // The signature goes last, after `sign=`, and the rest is the SDK's form byte for byte.
    assert_eq!(
        draft.signature_place,
        refundkit::SignaturePlace::FormValue {
            offset: draft.body.len()
        }
    );
    let signed = format!("{}{}", draft.body, form_encode(v["sign"].as_str().unwrap()));
    assert_eq!(signed, sdk_form());
}

#[test]
fn build_refund_query_in_the_form_wire_format_is_the_java_sdk_request_byte_for_byte() {
    let v = vector();
    let query =
        RefundQuery::from_json(&lib_json(&json!({"refundId": v["merchantOrderNo"]}))).unwrap();
    let request = sample_app_client(json!({"wireFormat": "form"}))
        .build_refund_query(&query, now())
        .unwrap();
    assert_eq!(request.body, sdk_form());
}

#[test]
fn a_form_refund_carries_every_field_encoded_and_signs_the_decoded_values() {
    let input = refund_input(json!({
        "originalTransactionId": "7012345678901234",
        "reason": "返品 & 交換 a=b / 50%+tax*",
        "notifyUrl": "https://shop.example/hooks/wisepay",
    }))
    .unwrap();
    let draft = client_with(json!({"wireFormat": "form"}))
        .unwrap()
        .draft_refund(&input, now())
        .unwrap();
    assert!(draft.url.ends_with("/api/entry"), "{}", draft.url);
    let body = draft.body.strip_suffix("&sign=").unwrap();
    // Only the form's own unreserved characters are left unescaped.
    assert!(body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"*-._+%&=".contains(&b)));
    let fields: Map<String, Value> = decoded_form(body)
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    assert_eq!(fields["method"], "order.refund.submit");
    assert_eq!(fields["description"], "返品 & 交換 a=b / 50%+tax*");
    assert_eq!(fields["notify_url"], "https://shop.example/hooks/wisepay");
    assert_eq!(fields["orig_trans_no"], "7012345678901234");
    assert_eq!(fields["order_amount"], "12.30");
    assert_eq!(draft.message, expected_canonical(&fields).as_bytes());
    // The same fields and signature as the JSON request, in the same order.
    let json_draft = client().draft_refund(&input, now()).unwrap();
    assert_eq!(json_draft.message, draft.message);
    let json_body = object_of(&client().build_refund(&input, now()).unwrap().body);
    let json_keys: Vec<&String> = json_body.keys().filter(|k| *k != "sign").collect();
    assert_eq!(json_keys, fields.keys().collect::<Vec<_>>());
}

#[test]
fn the_json_wire_format_is_the_default_and_other_words_are_refused() {
    let input = refund_input(json!({})).unwrap();
    let default = client().build_refund(&input, now()).unwrap();
    let json = client_with(json!({"wireFormat": "json"}))
        .unwrap()
        .build_refund(&input, now())
        .unwrap();
    assert_eq!(default, json);
    assert!(default.url.ends_with("/api/entry/refund"));
    for word in ["xml", "FORM", "Json"] {
        let e = client_with(json!({"wireFormat": word})).err().unwrap();
        assert_eq!(e.code, ErrorCode::ConfigInvalid, "{word}");
        assert_eq!(e.field.as_deref(), Some("wireFormat"), "{word}");
    }
}
