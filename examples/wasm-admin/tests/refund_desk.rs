//! The refund action against a `fetch` that plays PayerMax: in Node with `wasm-pack test --node`,
//! in Chromium with `WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use base64::Engine;
use js_sys::Function;
use refundkit::{ClientConfig, Environment, HashAlg, PayerMaxConfig, PrivateKey, Signer};
use refundkit_wasm_admin::{PaidOrder, RefundDesk};
use wasm_bindgen_test::wasm_bindgen_test;

// The repository's test keys: the shop's, and the one the fake gateway signs its answers with.
const MERCHANT_KEY: &str = include_str!("../../../tests/fixtures/merchant_test_key.pem");
const GATEWAY_KEY: &str = include_str!("../../../tests/fixtures/gateway_test_key.pem");
const GATEWAY_PUBLIC_KEY: &str = include_str!("../../../tests/fixtures/gateway_test_key.pub.pem");

fn desk() -> RefundDesk {
    let account = PayerMaxConfig::new(Environment::Sandbox, "app-1", "merchant-1");
    RefundDesk::new(ClientConfig::new(account, MERCHANT_KEY, GATEWAY_PUBLIC_KEY)).unwrap()
}

fn order() -> PaidOrder {
    PaidOrder {
        order_id: "P-7001".into(),
        currency: "USD".into(),
    }
}

/// A `fetch` written in JavaScript, as a page would inject one: it answers every request with
/// PayerMax's acceptance carrying `data`, signed by the gateway key in the `sign` header.
fn gateway_accepting(data: serde_json::Value) -> Function {
    let body = serde_json::json!({"code": "APPLY_SUCCESS", "msg": "", "data": data}).to_string();
    let key = PrivateKey::import(GATEWAY_KEY, "gateway key").unwrap();
    let signature = key.sign(body.as_bytes(), HashAlg::Sha256).unwrap();
    let sign = base64::engine::general_purpose::STANDARD.encode(signature);
    let source = format!(
        "return Promise.resolve(new Response({}, {{ status: 200, headers: {{ sign: {} }} }}));",
        serde_json::Value::from(body),
        serde_json::Value::from(sign),
    );
    Function::new_with_args("url, init", &source)
}

fn unreachable_gateway() -> Function {
    Function::new_with_args(
        "url, init",
        "return Promise.reject(new TypeError('fetch failed'));",
    )
}

#[wasm_bindgen_test]
async fn a_refund_the_gateway_accepts_shows_as_pending() {
    let data = serde_json::json!({"outRefundNo": "R-1", "refundTradeNo": "G-1",
                                  "status": "REFUND_PENDING"});
    let desk = desk().with_fetch(gateway_accepting(data));
    let line = desk.refund(&order(), "R-1", "10.50", "damaged").await;
    assert_eq!(line, "R-1: pending at payermax (REFUND_PENDING)");
}

#[wasm_bindgen_test]
async fn a_lookup_shows_where_the_refund_stands() {
    let data = serde_json::json!({"outRefundNo": "R-1", "refundAmount": 10.5,
                                  "refundCurrency": "USD", "status": "REFUND_SUCCESS"});
    let desk = desk().with_fetch(gateway_accepting(data));
    let line = desk.look_up("R-1").await;
    assert_eq!(line, "R-1: succeeded at payermax (REFUND_SUCCESS)");
}

#[wasm_bindgen_test]
async fn a_lost_request_must_be_looked_up_before_it_is_sent_again() {
    let desk = desk().with_fetch(unreachable_gateway());
    let line = desk.refund(&order(), "R-2", "10.50", "damaged").await;
    assert!(line.starts_with("R-2: could not reach"), "{line}");
    assert!(
        line.ends_with("look it up before sending it again"),
        "{line}"
    );
}

#[wasm_bindgen_test]
async fn a_mistyped_amount_is_never_sent() {
    let desk = desk().with_fetch(unreachable_gateway());
    let line = desk.refund(&order(), "R-3", "10,50", "damaged").await;
    assert!(line.contains("(AMOUNT_INVALID)"), "{line}");
    assert!(
        line.ends_with("nothing was sent; correct it and send again"),
        "{line}"
    );
}
