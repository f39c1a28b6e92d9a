//! The WebCrypto signing path inside the host itself (`wasm-pack test --node`, and headless Chromium
//! with WASM_BINDGEN_USE_BROWSER=1): for every gateway in the build, `buildRefundAsync` and
//! `buildRefundQueryAsync` give the same url, headers, body and signature as the synchronous rsa-crate
//! path. RSASSA-PKCS1-v1_5 is deterministic, so any difference in the signed bytes or the signature
//! shows here.
#![cfg(target_arch = "wasm32")]

mod common;

use common::one_line;
use js_sys::{Reflect, JSON};
use refundkit::wasm::RefundClient;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const MERCHANT_PRIVATE: &str = include_str!("fixtures/merchant_test_key.pem");
const GATEWAY_PUBLIC: &str = include_str!("fixtures/gateway_test_key.pub.pem");

/// One refund and one query per gateway, with the clock each gateway's examples use.
fn gateways() -> Vec<(&'static str, Value, Value, Value, u64)> {
    vec![
        (
            "wisepay",
            json!({"environment": "sg-sandbox", "appId": "wz715fc0d10ee9d156", "merchantNo": "302100085224"}),
            json!({"refundId": "R-2024_0001", "originalOrderId": "ORDER_1", "amount": "12.30",
                   "currency": "USD", "reason": "返金 & more", "notifyUrl": "https://shop.example/n"}),
            json!({"refundId": "R-2024_0001"}),
            1_723_012_596_622,
        ),
        (
            "payermax",
            json!({"environment": "sandbox", "appId": "a0dddd1f622243cb9aa1b676e808b5f8",
                   "merchantNo": "02021382719993"}),
            json!({"refundId": "R1642411016202", "originalOrderId": "P1642410680681",
                   "amount": "4.99", "currency": "USD", "reason": "customer request"}),
            json!({"refundId": "R1642411016202"}),
            1_705_474_883_737,
        ),
        (
            "bluepay",
            json!({"appId": "733b887a4a784708bb369524db5b6ded", "baseUrl": "https://openapi.bluepay.test/"}),
            json!({"refundId": "refund488455057142", "originalTransactionId": "CU518563189147832780",
                   "amount": "100.00", "currency": "THB", "reason": "คืนเงิน",
                   "notifyUrl": "https://shop.example/bluepay/notify"}),
            json!({"gatewayRefundId": "1818566685947728"}),
            1_722_415_059_000,
        ),
        (
            "bieases",
            json!({"environment": "sandbox", "merchantId": "B131567545069",
                   "aesKey": "0123456789abcdef", "aesIv": "abcdef9876543210"}),
            json!({"refundId": "R-1001", "originalTransactionId": "01J143NWJFNGBV2YB9ZRB9T7PS",
                   "amount": "10.5", "currency": "USD", "reason": "damaged",
                   "notifyUrl": "https://shop.example/bieases/notify"}),
            json!({"gatewayRefundId": "2013112111001004500000675973"}),
            1_763_776_800_000,
        ),
    ]
}

fn js(value: &Value) -> JsValue {
    JSON::parse(&value.to_string()).unwrap()
}

fn text(value: &JsValue) -> String {
    JSON::stringify(value).unwrap().as_string().unwrap()
}

/// A client for `gateway`, or `None` when this build does not have the gateway yet.
fn client(gateway: &str, settings: &Value) -> Option<RefundClient> {
    let mut config = settings.clone();
    config["gateway"] = gateway.into();
    config["privateKey"] = one_line(MERCHANT_PRIVATE).into();
    config["gatewayPublicKey"] = one_line(GATEWAY_PUBLIC).into();
    match RefundClient::new(js(&config)) {
        Ok(client) => Some(client),
        Err(error) => {
            // Only "not in this build yet" may skip a gateway.
            let get = |key: &str| Reflect::get(&error, &key.into()).unwrap().as_string();
            assert_eq!(get("code").as_deref(), Some("CONFIG_INVALID"), "{gateway}");
            assert_eq!(
                get("field").as_deref(),
                Some("gateway"),
                "{gateway}: {:?}",
                get("message")
            );
            None
        }
    }
}

/// The platform's WebCrypto, handed to the module the way the package's entry files hand it.
fn use_platform_crypto() {
    refundkit::wasm::use_crypto(Reflect::get(&js_sys::global(), &"crypto".into()).unwrap());
}

#[wasm_bindgen_test]
async fn async_builds_match_the_sync_builds_for_every_built_gateway() {
    use_platform_crypto();
    let mut compared = 0;
    for (gateway, settings, input, query, now) in gateways() {
        let Some(client) = client(gateway, &settings) else {
            continue;
        };
        let opts = js(&json!({ "now": now }));
        // Twice each: the first call imports the key into WebCrypto, the second reuses it.
        for _ in 0..2 {
            let sync = client.build_refund(js(&input), opts.clone()).unwrap();
            let promise = client.build_refund_async(js(&input), opts.clone());
            let via_async = JsFuture::from(promise).await.unwrap();
            assert_eq!(text(&via_async), text(&sync), "{gateway} refund");

            let sync = client.build_refund_query(js(&query), opts.clone()).unwrap();
            let promise = client.build_refund_query_async(js(&query), opts.clone());
            let via_async = JsFuture::from(promise).await.unwrap();
            assert_eq!(text(&via_async), text(&sync), "{gateway} query");
        }
        compared += 1;
    }
    assert!(compared > 0, "no gateway is in this build");
}

#[wasm_bindgen_test]
async fn async_build_errors_keep_their_code_and_field() {
    use_platform_crypto();
    for (gateway, settings, input, _, now) in gateways() {
        let Some(client) = client(gateway, &settings) else {
            continue;
        };
        let mut bad = input.clone();
        bad["amount"] = "-1".into();
        let promise = client.build_refund_async(js(&bad), js(&json!({ "now": now })));
        let error = JsFuture::from(promise).await.unwrap_err();
        let get = |key: &str| Reflect::get(&error, &key.into()).unwrap().as_string();
        assert_eq!(get("code").as_deref(), Some("AMOUNT_INVALID"), "{gateway}");
        assert_eq!(get("field").as_deref(), Some("amount"), "{gateway}");
    }
}
