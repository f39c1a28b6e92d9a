//! The JavaScript face: `RefundClient`, the free functions, and the conversions between JavaScript
//! values and the core's types. Every failure leaves as a `RefundKitError`; nothing panics here.

mod client;
mod convert;
mod host_crypto;
mod js;
pub(crate) mod transport;
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

/// A failure on its way to JavaScript: the core error and, where a JavaScript value failed under
/// it (what `fetch` threw, a rejected `arrayBuffer()`), that value, which becomes the error's
/// standard `cause`.
pub(crate) struct Failure {
    pub error: Error,
    pub cause: Option<JsValue>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure { error, cause: None }
    }
}

impl Failure {
    pub fn caused_by(error: Error, cause: JsValue) -> Failure {
        Failure {
            error,
            cause: Some(cause),
        }
    }

    /// The same failure with its error changed by `change` (a status, a delivery, a message).
    pub fn map(self, change: impl FnOnce(Error) -> Error) -> Failure {
        Failure {
            error: change(self.error),
            cause: self.cause,
        }
    }

    pub fn into_js(self) -> JsValue {
        failure_to_js(self)
    }
}

/// Turns a core error into the JavaScript error object that is thrown.
pub(crate) fn to_js_error(error: Error) -> JsValue {
    failure_to_js(Failure::from(error))
}

fn failure_to_js(Failure { error, cause }: Failure) -> JsValue {
    let details = error_details(&error);
    if let Some(cause) = &cause {
        let _ = Reflect::set(&details, &"cause".into(), cause);
    }
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

/// The facts of an error as the properties of its JavaScript object: `field`, `gatewayCode`,
/// `gatewayMessage`, `status` and `delivery`, each only where it applies.
fn error_details(error: &Error) -> Object {
    let details = Object::new();
    let set = |key: &str, value: Option<JsValue>| {
        if let Some(v) = value {
            let _ = Reflect::set(&details, &key.into(), &v);
        }
    };
    let text = |value: &Option<String>| value.as_deref().map(JsValue::from_str);
    set("field", text(&error.field));
    set("gatewayCode", text(&error.gateway_code));
    set("gatewayMessage", text(&error.gateway_message));
    set("status", error.http_status.map(JsValue::from));
    set("delivery", error.delivery.map(|d| d.as_str().into()));
    details
}

/// Takes the WebCrypto object (`Crypto`) the library signs and generates keys with: the package's
/// entry files pass their platform's, so nothing is read from or written to `globalThis`. One
/// without `subtle` (a browser page on an insecure origin), or none at all, leaves signing to the
/// rsa crate.
///
/// Random numbers (blinding, key generation in the rsa crate) come through getrandom's `wasm_js`
/// backend, which calls `globalThis.crypto.getRandomValues` itself: every runtime the package
/// supports (Node 20 and later, browsers, workers) has it.
#[wasm_bindgen(js_name = "__useCrypto")]
pub fn use_crypto(#[wasm_bindgen(unchecked_param_type = "Crypto | undefined")] crypto: JsValue) {
    webcrypto::use_crypto(crypto);
}

/// Takes the `node:crypto` module: every client made afterwards keeps its keys as node:crypto
/// `KeyObject`s and signs and verifies through OpenSSL, synchronously, except that the async calls
/// sign through `thread_pool` (node:crypto's `sign` in its callback form), so the event loop is not
/// held while OpenSSL signs. The Node entry calls it, and so do the browser entries where Node, Deno
/// or Bun runs them; a runtime without node:crypto never does, and its clients use WebCrypto and
/// Rust.
#[wasm_bindgen(js_name = "__useNodeCrypto")]
pub fn use_node_crypto(
    #[wasm_bindgen(unchecked_param_type = "typeof import('node:crypto')")]
    module: host_crypto::NodeCrypto,
    #[wasm_bindgen(
        unchecked_param_type = "{ sign(algorithm: string, data: Uint8Array, key: import('node:crypto').KeyObject): Promise<Uint8Array>; signInto(algorithm: string, data: Uint8Array, key: import('node:crypto').KeyObject, length: number, request: object, header: string | undefined, body: string, at: number, form: boolean): Promise<object> }"
    )]
    thread_pool: host_crypto::ThreadPool,
) {
    host_crypto::use_node_crypto(module, thread_pool);
}

/// Takes the web entries' writer of WebCrypto's signatures into the async calls' requests
/// (js/wasm-init.mjs). Without one, the module writes them itself.
#[wasm_bindgen(js_name = "__useSignatureWriter")]
pub fn use_signature_writer(
    #[wasm_bindgen(
        unchecked_param_type = "{ writeInto(signing: Promise<ArrayBuffer>, length: number, request: object, header: string | undefined, body: string, at: number, form: boolean): Promise<object> }"
    )]
    writer: webcrypto::SignatureWriter,
) {
    webcrypto::use_signature_writer(writer);
}

/// The error the web entries' signature writer rejects with where WebCrypto refused to sign or
/// answered with anything but a signature of the key's length.
#[wasm_bindgen(js_name = "__webCryptoRefusal")]
pub fn webcrypto_refusal() -> JsValue {
    to_js_error(webcrypto::webcrypto_refusal())
}

/// The error the entries' thread-pool signer rejects with where node:crypto refused to sign or
/// answered with anything but a signature of the key's length.
#[wasm_bindgen(js_name = "__threadPoolRefusal")]
pub fn thread_pool_refusal() -> JsValue {
    to_js_error(host_crypto::node_crypto_refusal())
}

/// Takes the RSA fallback module's `FallbackKey` class: clients without a synchronous signer of
/// their own (the browser build) sign through it. The browser entry's `init` calls it on request.
#[wasm_bindgen(js_name = "__useRsaFallback")]
pub fn use_rsa_fallback(key_class: js_sys::Function) {
    host_crypto::use_rsa_fallback(key_class);
}

/// `bits` as given to `generateKeyPair`: left out for 2048, or 2048, 3072 or 4096 as a number.
/// Strings and objects are refused rather than converted.
fn key_bits(bits: &JsValue) -> crate::Result<usize> {
    if bits.is_undefined() {
        return Ok(2048);
    }
    let refused = || {
        Error::input(
            "bits",
            "bits must be the number 2048, 3072 or 4096, or left out for 2048",
        )
    };
    let whole = bits
        .as_f64()
        .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n))
        .ok_or_else(refused)? as usize;
    crate::keys::check_generated_bits(whole)
        .map(|()| whole)
        .map_err(|_| refused())
}

/// Generates an RSA key pair (2048, 3072 or 4096 bits): base64 PKCS#8 and SPKI, and the same as PEM.
/// Uses the host's own RSA (WebCrypto); where there is none (an insecure origin) it refuses.
#[wasm_bindgen(
    js_name = "generateKeyPair",
    unchecked_return_type = "GeneratedKeyPair"
)]
pub async fn generate_key_pair(
    #[wasm_bindgen(unchecked_optional_param_type = "2048 | 3072 | 4096")] bits: JsValue,
) -> Result<JsValue, JsValue> {
    let bits = key_bits(&bits).map_err(to_js_error)?;
    let pair = match webcrypto::generate_key_pair(bits).await {
        Some(result) => result,
        None => Err(Error::config(
            "no key generation here: this platform has no crypto.subtle (browsers hide it from \
             pages that are not served over HTTPS or from localhost); generate the key pair on a \
             secure origin or with openssl",
        )),
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
