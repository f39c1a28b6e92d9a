//! The library inside WebAssembly, run by `wasm-pack test --node` and, with WASM_BINDGEN_USE_BROWSER=1,
//! `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{sign, verify};
use refundkit::hazmat::rsa_public_key;
use refundkit::keys::{PrivateKey, PublicKey};
use refundkit::HashAlg;

use refundkit::wasm::{generate_key_pair, key_fingerprint, RefundClient};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const VECTORS: &str = include_str!("fixtures/vectors.json");
const MERCHANT_PUBLIC: &str = include_str!("fixtures/merchant_test_key.pub.pem");

fn vector(gateway: &str, field: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
    v[gateway][field].as_str().unwrap().to_string()
}

fn js_get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &key.into()).unwrap()
}

#[wasm_bindgen_test]
fn rsa_in_wasm_reproduces_the_documented_signatures() {
    let key = PrivateKey::import(&vector("payermax", "privateKey"), "privateKey").unwrap();
    let body = vector("payermax", "body");
    let signature = sign(&key, body.as_bytes(), HashAlg::Sha256).unwrap();
    assert_eq!(signature, vector("payermax", "sign"));
    let public = PublicKey::import(&vector("payermax", "publicKey"), "gatewayPublicKey").unwrap();
    verify(&public, body.as_bytes(), &signature, HashAlg::Sha256).unwrap();

    let key = PrivateKey::import(&vector("wisepay", "privateKey"), "privateKey").unwrap();
    let canonical = vector("wisepay", "canonical");
    assert_eq!(
        sign(&key, canonical.as_bytes(), HashAlg::Sha256).unwrap(),
        vector("wisepay", "sign")
    );
}

/// The wasm build uses 32-bit bignum limbs where the native tests use 64-bit ones, so the verifier's
/// handling of a modulus that fills no whole number of limbs (2056 bits) is checked here as well.
#[wasm_bindgen_test]
fn verification_in_wasm_agrees_with_the_rsa_crate_for_every_key_size() {
    use base64::Engine;
    use rsa::traits::PublicKeyParts;
    use rsa::Pkcs1v15Sign;
    use sha2::{Digest, Sha256};
    let b64 = base64::engine::general_purpose::STANDARD;
    let pairs = [
        (
            include_str!("fixtures/merchant_test_key.pem"),
            include_str!("fixtures/merchant_test_key.pub.pem"),
        ),
        (
            include_str!("fixtures/odd_2056_test_key.pem"),
            include_str!("fixtures/odd_2056_test_key.pub.pem"),
        ),
        (
            include_str!("fixtures/merchant_4096_test_key.pem"),
            include_str!("fixtures/merchant_4096_test_key.pub.pem"),
        ),
    ];
    for (private, public) in pairs {
        let private = PrivateKey::import(private, "privateKey").unwrap();
        let public = PublicKey::import(public, "publicKey").unwrap();
        let message = b"amount=10.00&currency=USD";
        let signature = b64
            .decode(sign(&private, message, HashAlg::Sha256).unwrap())
            .unwrap();
        let k = signature.len();
        let modulus = rsa_public_key(&public).n().as_ref().to_be_bytes();
        let mut candidates = vec![
            (signature.clone(), true),
            (modulus[modulus.len() - k..].to_vec(), false),
            (signature[1..].to_vec(), false),
        ];
        for position in [0, 1, k / 2, k - 1] {
            let mut tampered = signature.clone();
            tampered[position] ^= 0x01;
            candidates.push((tampered, false));
        }
        for (candidate, valid) in candidates {
            let ours = verify(&public, message, &b64.encode(&candidate), HashAlg::Sha256).is_ok();
            let theirs = rsa_public_key(&public)
                .verify(
                    Pkcs1v15Sign::new::<Sha256>(),
                    &Sha256::digest(message),
                    &candidate,
                )
                .is_ok();
            assert_eq!((ours, theirs), (valid, valid), "a {k}-byte modulus");
        }
    }
}

#[wasm_bindgen_test]
fn errors_cross_the_boundary_with_their_code_and_field() {
    let config = js_sys::JSON::parse(r#"{"gateway":"nope"}"#).unwrap();
    let error = match RefundClient::new(config) {
        Err(e) => e,
        Ok(_) => panic!("an unknown gateway must be refused"),
    };
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(
        js_get(&error, "code").as_string().unwrap(),
        "CONFIG_INVALID"
    );
    assert_eq!(js_get(&error, "field").as_string().unwrap(), "gateway");
    let not_an_object = RefundClient::new(JsValue::from_f64(1.0)).err().unwrap();
    assert_eq!(
        js_get(&not_an_object, "code").as_string().unwrap(),
        "CONFIG_INVALID"
    );
}

#[wasm_bindgen_test]
fn fingerprints_refuse_non_strings_and_private_keys() {
    let fp = key_fingerprint(MERCHANT_PUBLIC.into()).unwrap();
    assert_eq!(fp.len(), 64);
    let e = key_fingerprint(JsValue::from_f64(3.0)).err().unwrap();
    assert_eq!(js_get(&e, "code").as_string().unwrap(), "KEY_INVALID");
    let e = key_fingerprint(vector("payermax", "privateKey").into())
        .err()
        .unwrap();
    assert_eq!(js_get(&e, "code").as_string().unwrap(), "KEY_INVALID");
}

#[wasm_bindgen_test]
async fn key_pairs_come_from_the_hosts_webcrypto_and_work_in_the_rsa_crate() {
    // Without the host's crypto there is no key generation, and the refusal says why.
    refundkit::wasm::use_crypto(JsValue::UNDEFINED);
    let refused = generate_key_pair(JsValue::from(2048)).await.err().unwrap();
    assert_eq!(
        js_get(refused.unchecked_ref(), "code").as_string().unwrap(),
        "CONFIG_INVALID"
    );
    refundkit::wasm::use_crypto(js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).unwrap());
    let pair = generate_key_pair(JsValue::from(2048)).await.unwrap();
    let private = js_get(&pair, "privateKeyPem").as_string().unwrap();
    let public = js_get(&pair, "publicKey").as_string().unwrap();
    let key = PrivateKey::import(&private, "privateKey").unwrap();
    let public = PublicKey::import(&public, "publicKey").unwrap();
    let signature = sign(&key, b"refund", HashAlg::Sha256).unwrap();
    verify(&public, b"refund", &signature, HashAlg::Sha256).unwrap();
    let refused = generate_key_pair(JsValue::from(1000)).await.err().unwrap();
    assert_eq!(
        js_get(refused.unchecked_ref(), "code").as_string().unwrap(),
        "INPUT_INVALID"
    );
}

/// A Proxy whose `ownKeys` trap throws, and a revoked Proxy: reading either throws in JavaScript.
fn hostile_objects() -> [JsValue; 2] {
    let handler = js_sys::Object::new();
    let throws = js_sys::Function::new_no_args("throw new Error('trap')");
    js_sys::Reflect::set(&handler, &"ownKeys".into(), &throws).unwrap();
    let trapping = js_sys::Proxy::new(&js_sys::Object::new(), &handler);
    let revocable = js_sys::Proxy::revocable(&js_sys::Object::new(), &js_sys::Object::new());
    let revoke: js_sys::Function = js_get(&revocable, "revoke").unchecked_into();
    revoke.call0(&JsValue::UNDEFINED).unwrap();
    [trapping.into(), js_get(&revocable, "proxy")]
}

fn code_and_field(error: &JsValue) -> (String, Option<String>) {
    let code = js_get(error, "code").as_string().unwrap_or_default();
    (code, js_get(error, "field").as_string())
}

#[wasm_bindgen_test]
fn objects_that_throw_when_read_are_errors_and_the_client_keeps_working() {
    let config = || {
        js_sys::JSON::parse(&format!(
            r#"{{"gateway":"payermax","environment":"sandbox","appId":"a0dddd1f622243cb9aa1b676e808b5f8",
                "merchantNo":"02021382719993","privateKey":"{}","gatewayPublicKey":"{}"}}"#,
            vector("payermax", "privateKey"),
            vector("payermax", "publicKey")
        ))
        .unwrap()
    };
    let client = RefundClient::new(config()).unwrap();
    for hostile in hostile_objects() {
        let error = RefundClient::new(hostile.clone()).err().unwrap();
        assert_eq!(code_and_field(&error).0, "CONFIG_INVALID");
        let response = js_sys::Object::new();
        js_sys::Reflect::set(&response, &"headers".into(), &hostile).unwrap();
        js_sys::Reflect::set(&response, &"body".into(), &"{}".into()).unwrap();
        let error = client.parse_refund_response(response.into()).unwrap_err();
        assert_eq!(
            code_and_field(&error),
            ("INPUT_INVALID".to_string(), Some("headers".to_string()))
        );
    }
    let query = js_sys::JSON::parse(r#"{"refundId":"R1642411016202"}"#).unwrap();
    let opts = js_sys::JSON::parse(r#"{"now":1705474883737}"#).unwrap();
    let request = client.build_refund_query(query, opts).unwrap();
    assert_eq!(
        js_get(&request, "body").as_string().unwrap(),
        vector("payermax", "body")
    );
}
