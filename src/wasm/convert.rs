//! Conversions between JavaScript values and the core's types. Inputs are read strictly: a value of
//! the wrong type is an error naming its field, never a coercion.

use crate::gateway::RawResponse;
use crate::{Error, Result};
use js_sys::{Array, Object, Reflect, Uint8Array, JSON};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

/// A JavaScript value as JSON, through `JSON.stringify` (which refuses cycles and BigInt, and drops
/// functions and `undefined`). `undefined` itself becomes `null`.
pub fn to_json(value: &JsValue, field: &str) -> Result<Value> {
    if value.is_undefined() {
        return Ok(Value::Null);
    }
    let text = JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            Error::input(
                field,
                format!("{field} must be plain data (no cycles, BigInt or functions)"),
            )
        })?;
    serde_json::from_str(&text)
        .map_err(|_| Error::input(field, format!("{field} must be plain data")))
}

/// A core value as a plain JavaScript object. Going through JSON text keeps exact numbers exact.
pub fn to_js<T: Serialize>(value: &T) -> std::result::Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|_| super::to_js_error(Error::malformed("the result could not be serialized")))?;
    JSON::parse(&text)
}

/// `opts.now`: epoch milliseconds, default `Date.now()`.
pub fn now_ms(opts: &JsValue) -> Result<u64> {
    let now = if opts.is_undefined() || opts.is_null() {
        JsValue::UNDEFINED
    } else if opts.is_object() {
        Reflect::get(opts, &"now".into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        return Err(Error::input(
            "opts",
            "opts must be an object such as { now }",
        ));
    };
    if now.is_undefined() {
        return Ok(js_sys::Date::now() as u64);
    }
    match now.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 8.64e15 => Ok(n as u64),
        _ => Err(Error::input(
            "now",
            "opts.now must be a whole number of epoch milliseconds",
        )),
    }
}

/// `{ status?, headers?, body }` -> RawResponse. `body` is a string, a Uint8Array (Buffer) or an
/// ArrayBuffer of the raw bytes; `headers` a `Headers` or a plain object.
pub fn raw_response(value: &JsValue, what: &str) -> Result<RawResponse> {
    if !value.is_object() {
        return Err(Error::input(
            what,
            format!("{what} must be an object {{ status?, headers?, body }}"),
        ));
    }
    let get = |key: &str| Reflect::get(value, &key.into()).unwrap_or(JsValue::UNDEFINED);
    let status = match get("status") {
        s if s.is_undefined() || s.is_null() => None,
        s => match s.as_f64() {
            Some(n) if (100.0..=599.0).contains(&n) && n.fract() == 0.0 => Some(n as u16),
            _ => return Err(Error::input("status", "status must be an HTTP status code")),
        },
    };
    Ok(RawResponse::new(
        status,
        headers(&get("headers"))?,
        body_bytes(&get("body"))?,
    ))
}

fn body_bytes(body: &JsValue) -> Result<Vec<u8>> {
    if let Some(text) = body.as_string() {
        return Ok(text.into_bytes());
    }
    if let Some(bytes) = body.dyn_ref::<Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    if let Some(buffer) = body.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(Uint8Array::new(buffer).to_vec());
    }
    Err(Error::input(
        "body",
        "body must be the raw body as a string or a Uint8Array, not parsed JSON: \
         signatures cover the exact bytes received",
    ))
}

/// Header pairs from a `Headers` object (anything with `forEach` and `get`) or a plain object whose
/// values are strings or arrays of strings (Node's `IncomingMessage.headers`).
fn headers(value: &JsValue) -> Result<Vec<(String, String)>> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    if !value.is_object() {
        return Err(Error::input(
            "headers",
            "headers must be a Headers or a plain object",
        ));
    }
    let entries = Reflect::get(value, &"entries".into()).unwrap_or(JsValue::UNDEFINED);
    let pairs: Vec<JsValue> = if entries.is_function() {
        // A Headers (or Map-like) object: iterate its entries.
        let iterator = entries
            .unchecked_ref::<js_sys::Function>()
            .call0(value)
            .map_err(|_| Error::input("headers", "headers could not be read"))?;
        js_sys::try_iter(&iterator)
            .ok()
            .flatten()
            .ok_or_else(|| Error::input("headers", "headers could not be read"))?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|_| Error::input("headers", "headers could not be read"))?
    } else {
        Object::entries(value.unchecked_ref()).to_vec()
    };
    pairs.iter().map(header_pair).collect()
}

fn header_pair(entry: &JsValue) -> Result<(String, String)> {
    let pair = Array::from(entry);
    let name = pair
        .get(0)
        .as_string()
        .ok_or_else(|| Error::input("headers", "header names must be strings"))?;
    let value = pair.get(1);
    let text = if let Some(s) = value.as_string() {
        s
    } else if Array::is_array(&value) {
        Array::from(&value)
            .iter()
            .map(|v| v.as_string())
            .collect::<Option<Vec<_>>>()
            .map(|parts| parts.join(", "))
            .ok_or_else(|| Error::input("headers", "header values must be strings"))?
    } else {
        return Err(Error::input("headers", "header values must be strings"));
    };
    Ok((name, text))
}
