//! The typed Rust API against the JSON road: for every gateway the same request built both ways
//! gives the same bytes, every word a typed setting writes is one the gateway's description lists,
//! and typed mistakes fail with the same codes and fields as JSON ones. On wasm32, `FetchClient`
//! sends through an injected `fetch` (`wasm-pack test --node`, and in headless Chromium with
//! WASM_BINDGEN_USE_BROWSER=1).

mod common;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::common::{bare_key, changed, gateway_config, lib_json, vectors};
    use refundkit::{
        gateway_info, BieasesConfig, BieasesKeyEncoding, BieasesSignTarget, BluePayConfig,
        BluePayTimestampUnit, Client, ClientConfig, Config, Environment, ErrorCode, GatewayConfig,
        HashAlg, Host, PayerMaxConfig, RefundInput, RefundQuery, WisePayConfig, WisePayEnvironment,
        WisePayWireFormat,
    };
    use serde_json::{json, Value};

    /// 2024-01-17T07:01:23.737Z.
    const NOW: u64 = 1_705_474_883_737;
    const BIEASES_PAYMENT_ID: &str = "01J143NWJFNGBV2YB9ZRB9T7PS";

    fn vector_text(gateway: &str, field: &str) -> String {
        vectors(gateway)[field].as_str().unwrap().to_string()
    }

    fn typed(gateway: impl Into<GatewayConfig>) -> ClientConfig {
        ClientConfig::new(
            gateway,
            bare_key("merchant_test_key.pem"),
            bare_key("gateway_test_key.pub.pem"),
        )
    }

    /// The typed twin of `common::gateway_config(gateway)`.
    fn typed_twin(gateway: &str) -> ClientConfig {
        match gateway {
            "wisepay" => typed(WisePayConfig::new(
                WisePayEnvironment::SgSandbox,
                vector_text("wisepay", "appId"),
                vector_text("wisepay", "merchantNo"),
            )),
            "payermax" => typed(PayerMaxConfig::new(
                Environment::Sandbox,
                vector_text("payermax", "appId"),
                vector_text("payermax", "merchantNo"),
            )),
            "bluepay" => typed(BluePayConfig::new(
                "https://openapi.bluepay.test/",
                vector_text("bluepay", "appId"),
            )),
            "bieases" => typed(BieasesConfig::new(
                Environment::Sandbox,
                "B131567545069",
                "0123456789abcdef",
                "abcdef9876543210",
            )),
            other => panic!("no typed config for {other}"),
        }
    }

    /// A refund every gateway takes, as JSON and through the builder.
    fn input_both_ways(gateway: &str) -> (RefundInput, RefundInput) {
        let (transaction_id, currency) = match gateway {
            "bluepay" => ("CU518563189147832780", "THB"),
            "bieases" => (BIEASES_PAYMENT_ID, "USD"),
            _ => ("T202477", "USD"),
        };
        let json = RefundInput::from_json(&lib_json(&json!({
            "refundId": "R1001",
            "originalOrderId": "O77",
            "originalTransactionId": transaction_id,
            "amount": "10.5",
            "currency": currency,
            "reason": "damaged",
            "notifyUrl": "https://shop.example/notify",
        })))
        .unwrap();
        let typed = RefundInput::builder("R1001", "10.5", currency)
            .original_order_id("O77")
            .original_transaction_id(transaction_id)
            .reason("damaged")
            .notify_url("https://shop.example/notify")
            .build()
            .unwrap();
        (json, typed)
    }

    fn client_from_json(config: Value) -> Client {
        Client::new(Config::from_json(&lib_json(&config)).unwrap()).unwrap()
    }

    /// Refund and query requests from both clients, which must be equal byte for byte.
    fn assert_same_requests(json_client: &Client, typed_client: &Client, gateway: &str) {
        let (json_input, typed_input) = input_both_ways(gateway);
        assert_eq!(json_input, typed_input, "{gateway}");
        let from_json = json_client.build_refund(&json_input, NOW).unwrap();
        let from_types = typed_client.build_refund(&typed_input, NOW).unwrap();
        assert_eq!(from_json, from_types, "{gateway}");
        let query = RefundQuery::from_json(&lib_json(&json!({"gatewayRefundId": "G9"}))).unwrap();
        let typed_query = RefundQuery::by_gateway_refund_id("G9").unwrap();
        assert_eq!(query, typed_query);
        assert_eq!(
            json_client.build_refund_query(&query, NOW).unwrap(),
            typed_client.build_refund_query(&typed_query, NOW).unwrap(),
            "{gateway}"
        );
    }

    #[test]
    fn every_gateway_builds_the_same_bytes_from_types_as_from_json() {
        for info in refundkit::gateways() {
            let json_client = client_from_json(gateway_config(info.id));
            let typed_client = Client::new(typed_twin(info.id)).unwrap();
            assert_eq!(typed_client.gateway().id, info.id);
            assert_same_requests(&json_client, &typed_client, info.id);
        }
    }

    #[test]
    fn every_non_default_setting_builds_the_same_bytes_as_its_json_word() {
        let local = "http://127.0.0.1:8080/gw";
        let cases: Vec<(&str, Value, ClientConfig)> = vec![
            (
                "wisepay",
                json!({"wireFormat": "form", "environment": "n-age"}),
                typed(
                    WisePayConfig::new(
                        WisePayEnvironment::NAge,
                        vector_text("wisepay", "appId"),
                        vector_text("wisepay", "merchantNo"),
                    )
                    .wire_format(WisePayWireFormat::Form),
                ),
            ),
            (
                "payermax",
                json!({"environment": null, "baseUrl": local}),
                typed(PayerMaxConfig::new(
                    Host::base_url(local),
                    vector_text("payermax", "appId"),
                    vector_text("payermax", "merchantNo"),
                )),
            ),
            (
                "bluepay",
                json!({"currency": "THB", "timestampUnit": "milliseconds", "maxBodyBytes": 4096}),
                typed(
                    BluePayConfig::new(
                        "https://openapi.bluepay.test/",
                        vector_text("bluepay", "appId"),
                    )
                    .currency("THB")
                    .timestamp_unit(BluePayTimestampUnit::Milliseconds),
                )
                .max_body_bytes(4096),
            ),
            (
                "bieases",
                json!({"environment": "production", "aesKey": "MDEyMzQ1Njc4OWFiY2RlZg==",
                       "aesIv": "YWJjZGVmOTg3NjU0MzIxMA==", "keyEncoding": "base64",
                       "signTarget": "plaintext", "hash": "sha1"}),
                typed(
                    BieasesConfig::new(
                        Environment::Production,
                        "B131567545069",
                        "MDEyMzQ1Njc4OWFiY2RlZg==",
                        "YWJjZGVmOTg3NjU0MzIxMA==",
                    )
                    .key_encoding(BieasesKeyEncoding::Base64)
                    .sign_target(BieasesSignTarget::Plaintext)
                    .hash(HashAlg::Sha1),
                ),
            ),
        ];
        for (gateway, changes, config) in cases {
            let json_client = client_from_json(changed(gateway_config(gateway), changes));
            let typed_client = Client::new(config).unwrap();
            assert_eq!(json_client.max_body_bytes(), typed_client.max_body_bytes());
            assert_same_requests(&json_client, &typed_client, gateway);
        }
    }

    /// The typed words are the gateways' own: a renamed preset or choice fails here, not at a
    /// merchant's first refund.
    #[test]
    fn typed_words_are_the_ones_each_gateway_describes() {
        let words = |all: &[&str]| all.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let presets = |id: &str| {
            let names: Vec<&str> = gateway_info(id)
                .unwrap()
                .presets
                .iter()
                .map(|p| p.name)
                .collect();
            words(&names)
        };
        let choices = |id: &str, setting: &str| {
            let info = gateway_info(id).unwrap();
            let found = info.settings.iter().find(|s| s.name == setting).unwrap();
            words(found.choices)
        };
        let spelled = |all: Vec<&'static str>| words(&all);
        let wisepay_envs = WisePayEnvironment::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(presets("wisepay"), spelled(wisepay_envs));
        let envs: Vec<&str> = Environment::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(presets("payermax"), spelled(envs.clone()));
        assert_eq!(presets("bieases"), spelled(envs));
        assert!(presets("bluepay").is_empty());
        let formats = WisePayWireFormat::ALL.iter().map(|w| w.as_str()).collect();
        assert_eq!(choices("wisepay", "wireFormat"), spelled(formats));
        let units = BluePayTimestampUnit::ALL
            .iter()
            .map(|u| u.as_str())
            .collect();
        assert_eq!(choices("bluepay", "timestampUnit"), spelled(units));
        let encodings = BieasesKeyEncoding::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(choices("bieases", "keyEncoding"), spelled(encodings));
        let targets = BieasesSignTarget::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(choices("bieases", "signTarget"), spelled(targets));
        assert_eq!(choices("bieases", "hash"), ["sha256", "sha1"]);
    }

    #[test]
    fn every_typed_environment_is_accepted_by_its_gateway() {
        for environment in WisePayEnvironment::ALL {
            let config = WisePayConfig::new(*environment, "app_1", "m_1");
            let client = Client::new(typed(config)).unwrap();
            assert_eq!(client.gateway().id, "wisepay");
        }
        for environment in Environment::ALL {
            Client::new(typed(PayerMaxConfig::new(*environment, "app", "m"))).unwrap();
            let bieases =
                BieasesConfig::new(*environment, "B1", "0123456789abcdef", "abcdef9876543210");
            Client::new(typed(bieases)).unwrap();
        }
    }

    fn code_and_field(error: refundkit::Error) -> (ErrorCode, Option<String>) {
        (error.code, error.field)
    }

    #[test]
    fn typed_config_mistakes_fail_like_json_ones_with_the_key_named() {
        let cases: Vec<(ClientConfig, Value, &str)> = vec![
            (
                typed(WisePayConfig::new(
                    WisePayEnvironment::SgSandbox,
                    "app&1",
                    "m",
                )),
                json!({"appId": "app&1"}),
                "wisepay",
            ),
            (
                typed(PayerMaxConfig::new(
                    Host::base_url("ftp://pay.example"),
                    "a",
                    "m",
                )),
                json!({"environment": null, "baseUrl": "ftp://pay.example"}),
                "payermax",
            ),
            (
                typed(BluePayConfig::new("https://bp.example", "app").currency("XXX")),
                json!({"baseUrl": "https://bp.example", "appId": "app", "currency": "XXX"}),
                "bluepay",
            ),
            (
                typed(BieasesConfig::new(
                    Environment::Sandbox,
                    "B1",
                    "short",
                    "abcdef9876543210",
                )),
                json!({"merchantId": "B1", "aesKey": "short"}),
                "bieases",
            ),
            (
                typed(PayerMaxConfig::new(Environment::Sandbox, "a", "m")).max_body_bytes(10),
                json!({"maxBodyBytes": 10}),
                "payermax",
            ),
        ];
        for (typed_config, changes, gateway) in cases {
            let typed_error = Client::new(typed_config).unwrap_err();
            let json_config = changed(gateway_config(gateway), changes);
            let json_error =
                Client::new(Config::from_json(&lib_json(&json_config)).unwrap()).unwrap_err();
            assert_eq!(typed_error.code, ErrorCode::ConfigInvalid, "{typed_error}");
            assert_eq!(typed_error, json_error);
        }
    }

    #[test]
    fn keys_given_the_wrong_way_round_are_key_invalid() {
        let config = ClientConfig::new(
            PayerMaxConfig::new(Environment::Sandbox, "a", "m"),
            bare_key("gateway_test_key.pub.pem"),
            bare_key("merchant_test_key.pem"),
        );
        let (code, field) = code_and_field(Client::new(config).unwrap_err());
        assert_eq!(
            (code, field.as_deref()),
            (ErrorCode::KeyInvalid, Some("privateKey"))
        );
    }

    #[test]
    fn typed_input_mistakes_fail_with_the_json_codes_and_fields() {
        use ErrorCode::{AmountInvalid, InputInvalid};
        let amounts = [
            ("10.555", "USD", "amount"),
            ("-1", "USD", "amount"),
            ("1", "usd", "currency"),
        ];
        let mut cases: Vec<_> = amounts
            .iter()
            .map(|(amount, currency, field)| {
                let builder = RefundInput::builder("R-1", *amount, *currency);
                (builder, AmountInvalid, *field)
            })
            .collect();
        let usd = || RefundInput::builder("R-1", "1", "USD");
        cases.push((
            RefundInput::builder("", "1", "USD"),
            InputInvalid,
            "refundId",
        ));
        cases.push((usd().reason("line\r\nbreak"), InputInvalid, "reason"));
        let too_long = usd().original_order_id("x".repeat(2049));
        cases.push((too_long, InputInvalid, "originalOrderId"));
        for (builder, code, field) in cases {
            let (got_code, got_field) = code_and_field(builder.build().unwrap_err());
            assert_eq!((got_code, got_field.as_deref()), (code, Some(field)));
        }
    }

    #[test]
    fn extra_fields_reach_the_gateway_in_the_order_given() {
        let config = gateway_config("bieases");
        let client = client_from_json(config);
        let infos = json!([{"goodsDesc": "mug", "refundGoodAmount": "4.5"},
                           {"goodsDesc": "tea", "refundGoodAmount": "6"}]);
        let typed = RefundInput::builder("R-3", "10.50", "USD")
            .original_transaction_id(BIEASES_PAYMENT_ID)
            .extra("refundInfos", lib_json(&infos))
            .build()
            .unwrap();
        let json = RefundInput::from_json(&lib_json(&json!({"refundId": "R-3", "amount": "10.50",
            "currency": "USD", "originalTransactionId": BIEASES_PAYMENT_ID,
            "extra": {"refundInfos": infos}})))
        .unwrap();
        assert_eq!(typed, json);
        assert_eq!(
            client.build_refund(&typed, NOW).unwrap(),
            client.build_refund(&json, NOW).unwrap()
        );
        let e = RefundInput::builder("R-3", "1", "USD")
            .original_transaction_id(BIEASES_PAYMENT_ID)
            .extra("refundInfo", 1)
            .build()
            .and_then(|input| client.build_refund(&input, NOW))
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("extra.refundInfo"));
    }

    #[test]
    fn each_query_constructor_sets_exactly_its_own_id() {
        let by_refund = RefundQuery::by_refund_id("R-1").unwrap();
        assert_eq!(by_refund.refund_id.as_deref(), Some("R-1"));
        assert_eq!(
            (
                by_refund.gateway_refund_id,
                by_refund.original_transaction_id
            ),
            (None, None)
        );
        let by_gateway = RefundQuery::by_gateway_refund_id("G-1").unwrap();
        assert_eq!(by_gateway.gateway_refund_id.as_deref(), Some("G-1"));
        assert_eq!(
            (by_gateway.refund_id, by_gateway.original_transaction_id),
            (None, None)
        );
        let by_payment = RefundQuery::by_original_transaction_id("T-1").unwrap();
        assert_eq!(by_payment.original_transaction_id.as_deref(), Some("T-1"));
        assert_eq!(
            (by_payment.refund_id, by_payment.gateway_refund_id),
            (None, None)
        );
        for bad in ["", "a\u{7}b"] {
            let (code, _) = code_and_field(RefundQuery::by_refund_id(bad).unwrap_err());
            assert_eq!(code, ErrorCode::InputInvalid, "{bad:?}");
        }
    }

    #[test]
    fn debug_output_keeps_secrets_out() {
        let config = ClientConfig::new(
            BieasesConfig::new(
                Environment::Sandbox,
                "B1",
                "AES-KEY-MARKER",
                "AES-IV-MARKER",
            ),
            "PRIVATE-KEY-MARKER",
            "public key",
        );
        let shown = format!("{config:?}");
        assert!(
            shown.contains("B1") && shown.contains("public key"),
            "{shown}"
        );
        for secret in ["AES-KEY-MARKER", "AES-IV-MARKER", "PRIVATE-KEY-MARKER"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert_eq!(config.gateway().id(), "bieases");
    }
}

/// `FetchClient` against a `fetch` that plays PayerMax: it records what it was sent and answers
/// with a response signed by the test gateway key.
#[cfg(all(target_arch = "wasm32", feature = "rsa"))]
mod fetch {
    use js_sys::{Array, Function, Object, Promise, Reflect};
    use refundkit::{
        Client, ClientConfig, Delivery, Environment, ErrorCode, FetchClient, HashAlg,
        PayerMaxConfig, PrivateKey, RefundInput, RefundQuery, RefundStatus, Signer,
    };
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_test::wasm_bindgen_test;

    const VECTORS: &str = include_str!("fixtures/vectors.json");
    const NOW: u64 = 1_705_474_883_737;

    fn vector(field: &str) -> String {
        let all: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        all["payermax"][field].as_str().unwrap().to_string()
    }

    fn client() -> Client {
        Client::new(ClientConfig::new(
            PayerMaxConfig::new(Environment::Sandbox, vector("appId"), vector("merchantNo")),
            include_str!("fixtures/merchant_test_key.pem"),
            include_str!("fixtures/gateway_test_key.pub.pem"),
        ))
        .unwrap()
    }

    fn gateway_signature(body: &str) -> String {
        use base64::Engine;
        let key = PrivateKey::import(include_str!("fixtures/gateway_test_key.pem"), "key").unwrap();
        let signature = key.sign(body.as_bytes(), HashAlg::Sha256).unwrap();
        base64::engine::general_purpose::STANDARD.encode(signature)
    }

    /// What the fake gateway answers: a `Response`, or a rejection with this message.
    enum Answer {
        Respond {
            status: u16,
            headers: Vec<(String, String)>,
            body: String,
        },
        Reject(&'static str),
    }

    /// A `fetch` that answers every call with `answer`, and the `(url, body)` of each call.
    struct FakeFetch {
        function: Function,
        calls: Rc<RefCell<Vec<(String, String)>>>,
        _closure: Closure<dyn FnMut(JsValue, JsValue) -> Promise>,
    }

    impl FakeFetch {
        fn new(answer: Answer) -> FakeFetch {
            let calls = Rc::new(RefCell::new(Vec::new()));
            let seen = calls.clone();
            let closure = Closure::<dyn FnMut(JsValue, JsValue) -> Promise>::new(
                move |url: JsValue, init: JsValue| {
                    let body = Reflect::get(&init, &"body".into()).unwrap();
                    seen.borrow_mut()
                        .push((url.as_string().unwrap(), body.as_string().unwrap()));
                    match &answer {
                        Answer::Respond {
                            status,
                            headers,
                            body,
                        } => Promise::resolve(&response(*status, headers, body)),
                        Answer::Reject(message) => {
                            Promise::reject(&js_sys::Error::new(message).into())
                        }
                    }
                },
            );
            FakeFetch {
                function: closure.as_ref().unchecked_ref::<Function>().clone(),
                calls,
                _closure: closure,
            }
        }

        fn signed(status: u16, body: &str) -> FakeFetch {
            FakeFetch::new(Answer::Respond {
                status,
                headers: vec![("sign".into(), gateway_signature(body))],
                body: body.into(),
            })
        }
    }

    /// `new Response(body, { status, headers })` of the host.
    fn response(status: u16, headers: &[(String, String)], body: &str) -> JsValue {
        let header_object = Object::new();
        for (name, value) in headers {
            Reflect::set(&header_object, &name.into(), &value.into()).unwrap();
        }
        let init = Object::new();
        Reflect::set(&init, &"status".into(), &status.into()).unwrap();
        Reflect::set(&init, &"headers".into(), &header_object).unwrap();
        let class: Function = Reflect::get(&js_sys::global(), &"Response".into())
            .unwrap()
            .dyn_into()
            .unwrap();
        Reflect::construct(&class, &Array::of2(&body.into(), &init)).unwrap()
    }

    fn input() -> RefundInput {
        RefundInput::builder("R1642411016202", "4.99", "USD")
            .original_order_id("P1642410680681")
            .build()
            .unwrap()
    }

    #[wasm_bindgen_test]
    async fn a_refund_sends_the_signed_bytes_and_returns_the_verified_answer() {
        let fake = FakeFetch::signed(200, &vector("refundResponse"));
        let client = FetchClient::new(client()).with_fetch(fake.function.clone());
        let result = client.refund_at(&input(), NOW).await.unwrap();
        assert_eq!(
            (result.status, result.verified),
            (RefundStatus::Pending, true)
        );
        assert_eq!(result.refund_id.as_deref(), Some("R1642411016202"));
        let expected = client.client().build_refund(&input(), NOW).unwrap();
        assert_eq!(*fake.calls.borrow(), [(expected.url, expected.body)]);
    }

    #[wasm_bindgen_test]
    async fn a_query_goes_to_the_query_path_and_reads_every_refund() {
        let body = r#"{"code":"APPLY_SUCCESS","msg":"","data":{"outRefundNo":"R1","refundAmount":4.99,"refundCurrency":"USD","status":"REFUND_SUCCESS"}}"#;
        let fake = FakeFetch::signed(200, body);
        let client = FetchClient::new(client()).with_fetch(fake.function.clone());
        let results = client
            .query_refund(&RefundQuery::by_refund_id("R1").unwrap())
            .await
            .unwrap();
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].status, RefundStatus::Succeeded);
        assert_eq!(results[0].amount.as_deref(), Some("4.99"));
        assert!(fake.calls.borrow()[0].0.ends_with("/refundQuery"));
    }

    #[wasm_bindgen_test]
    async fn a_refused_refund_is_a_gateway_error_that_was_refused() {
        let body = r#"{"code":"ORDER_NOT_EXIST","msg":"order not found"}"#;
        let fake = FakeFetch::signed(200, body);
        let client = FetchClient::new(client()).with_fetch(fake.function.clone());
        let e = client.refund(&input()).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::GatewayError);
        assert_eq!(e.gateway_code.as_deref(), Some("ORDER_NOT_EXIST"));
        assert_eq!(
            (e.delivery, e.http_status),
            (Some(Delivery::Refused), Some(200))
        );
    }

    #[wasm_bindgen_test]
    async fn a_fetch_that_throws_leaves_delivery_unknown() {
        let fake = FakeFetch::new(Answer::Reject("connection reset"));
        let client = FetchClient::new(client()).with_fetch(fake.function.clone());
        let e = client.refund(&input()).await.unwrap_err();
        assert_eq!(
            (e.code, e.delivery),
            (ErrorCode::Transport, Some(Delivery::Unknown))
        );
        assert!(e.message.contains("connection reset"), "{e}");
    }

    #[wasm_bindgen_test]
    async fn a_proxy_error_page_is_transport_with_its_status() {
        let fake = FakeFetch::new(Answer::Respond {
            status: 502,
            headers: vec![("content-type".into(), "text/html".into())],
            body: "<html>Bad Gateway</html>".into(),
        });
        let client = FetchClient::new(client()).with_fetch(fake.function.clone());
        let e = client.refund(&input()).await.unwrap_err();
        assert_eq!((e.code, e.http_status), (ErrorCode::Transport, Some(502)));
        assert_eq!(e.delivery, Some(Delivery::Unknown));
    }

    #[wasm_bindgen_test]
    async fn an_input_the_gateway_refuses_is_never_sent() {
        let fake = FakeFetch::signed(200, &vector("refundResponse"));
        let client = FetchClient::new(client()).with_fetch(fake.function.clone());
        let no_order = RefundInput::builder("R-1", "1.00", "USD").build().unwrap();
        let e = client.refund(&no_order).await.unwrap_err();
        assert_eq!(
            (e.code, e.delivery),
            (ErrorCode::InputInvalid, Some(Delivery::NotSent))
        );
        assert!(fake.calls.borrow().is_empty());
    }

    #[wasm_bindgen_test]
    fn timeouts_outside_one_ms_to_ten_minutes_are_config_invalid() {
        for bad in [0, 600_001, u32::MAX] {
            let e = FetchClient::new(client()).with_timeout_ms(bad).unwrap_err();
            assert_eq!(
                (e.code, e.field.as_deref()),
                (ErrorCode::ConfigInvalid, Some("timeoutMs"))
            );
        }
        assert!(FetchClient::new(client()).with_timeout_ms(600_000).is_ok());
    }
}
