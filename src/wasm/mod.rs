//! The JavaScript face: `RefundClient`, the free functions, and the conversions between JavaScript
//! values and the core's types. Every failure leaves as a `RefundKitError`; nothing panics here.

mod client;
mod convert;
mod js;
mod transport;
mod webcrypto;

pub use client::RefundClient;

use crate::{Error, ErrorCode};
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The `RefundKitError` class, registered by the package's entry file at load time.
    static ERROR_CLASS: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Registers the `RefundKitError` class every error is constructed from. Called once by the package
/// entry files; without it errors are plain `Error`s with the same properties.
#[wasm_bindgen(js_name = "__registerErrorClass")]
pub fn register_error_class(class: js_sys::Function) {
    ERROR_CLASS.with(|c| *c.borrow_mut() = Some(class));
}

/// The stable error codes, for the entry files and for tests.
#[wasm_bindgen(js_name = "errorCodes")]
pub fn error_codes() -> Vec<String> {
    ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect()
}

/// Every gateway's description (id, name, presets, settings, the ids a query can use, the
/// notification window, what it signs), as plain objects: the console, the sandbox and callers'
/// own forms read it rather than copying it.
#[wasm_bindgen(js_name = "gateways", unchecked_return_type = "GatewayInfo[]")]
pub fn gateways() -> Result<JsValue, JsValue> {
    convert::to_js(&crate::gateways().collect::<Vec<_>>())
}

/// Turns a core error into the JavaScript error object that is thrown.
pub(crate) fn to_js_error(error: Error) -> JsValue {
    let details = Object::new();
    let set = |key: &str, value: &Option<String>| {
        if let Some(v) = value {
            let _ = Reflect::set(&details, &key.into(), &v.into());
        }
    };
    set("field", &error.field);
    set("gatewayCode", &error.gateway_code);
    set("gatewayMessage", &error.gateway_message);
    let code = JsValue::from_str(error.code.as_str());
    let message = JsValue::from_str(&error.message);
    let class = ERROR_CLASS.with(|c| c.borrow().clone());
    if let Some(class) = class {
        let args = js_sys::Array::of3(&code, &message, &details);
        if let Ok(e) = Reflect::construct(&class, &args) {
            return e;
        }
    }
    let e = js_sys::Error::new(&error.message);
    e.set_name("RefundKitError");
    let _ = Reflect::set(&e, &"code".into(), &code);
    let _ = Object::assign(e.unchecked_ref(), &details);
    e.into()
}

/// Generates an RSA key pair (2048, 3072 or 4096 bits): base64 PKCS#8 and SPKI, and the same as PEM.
/// Uses WebCrypto where the platform has it (fast), the rsa crate otherwise.
#[wasm_bindgen(
    js_name = "generateKeyPair",
    unchecked_return_type = "Promise<GeneratedKeyPair>"
)]
pub async fn generate_key_pair(bits: Option<u32>) -> Result<JsValue, JsValue> {
    let bits = bits.unwrap_or(2048) as usize;
    let pair = match webcrypto::generate_key_pair(bits).await {
        Some(result) => result,
        None => crate::keys::generate_key_pair(bits),
    }
    .map_err(to_js_error)?;
    let out = Object::new();
    for (key, value) in [
        ("privateKey", pair.private_key.as_str()),
        ("publicKey", pair.public_key.as_str()),
        ("privateKeyPem", pair.private_key_pem.as_str()),
        ("publicKeyPem", pair.public_key_pem.as_str()),
    ] {
        let _ = Reflect::set(&out, &key.into(), &value.into());
    }
    Ok(out.into())
}

/// Lowercase hex SHA-256 of the SPKI DER of a public key given in any accepted format.
#[wasm_bindgen(js_name = "keyFingerprint")]
pub fn key_fingerprint(public_key: JsValue) -> Result<String, JsValue> {
    let text = public_key.as_string().ok_or_else(|| {
        to_js_error(Error::key(
            "publicKey",
            "expected the public key as a PEM or base64 string",
        ))
    })?;
    crate::keys::key_fingerprint(&text).map_err(to_js_error)
}
