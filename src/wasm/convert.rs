//! Conversions between JavaScript values and the core's types. Inputs are read strictly: a value of
//! the wrong type is an error naming its field, never a coercion.

use super::js;
use crate::gateway::RawResponse;
use crate::json::{ToJson, Value};
use crate::{Error, Result};
use js_sys::{JsString, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use zeroize::Zeroizing;

/// A JavaScript value as JSON, through `JSON.stringify` (which refuses cycles and BigInt, and drops
/// functions and `undefined`). `undefined` itself becomes `null`. The text is wiped once read: a
/// config's private key passes through it.
pub fn to_json(value: &JsValue, field: &str) -> Result<Value> {
    // JSON.stringify gives undefined for undefined (and for a lone function or symbol), so the
    // common case asks JavaScript one question fewer.
    let Some(text) = JSON::stringify(value).ok().and_then(|s| s.as_string()) else {
        if value.is_undefined() {
            return Ok(Value::Null);
        }
        return Err(Error::input(
            field,
            format!("{field} must be plain data (no cycles, BigInt or functions)"),
        ));
    };
    let text = Zeroizing::new(text);
    crate::json::parse(&text)
        .map_err(|_| Error::input(field, format!("{field} must be plain data")))
}

/// A core value as a plain JavaScript object, through its JSON text: one string crosses the
/// boundary, and `JSON.parse` makes the objects.
pub fn to_js<T: ToJson + ?Sized>(value: &T) -> std::result::Result<JsValue, JsValue> {
    JSON::parse(&value.to_json())
}

/// `opts.now`: epoch milliseconds, default `Date.now()`.
pub fn now_ms(opts: &JsValue) -> Result<u64> {
    // Ordered for the common cases (an object with a number, then no opts): each question is a
    // call out of WebAssembly.
    let now = if opts.is_object() {
        js::get(opts, "now").map_err(|_| Error::input("now", "opts.now could not be read"))?
    } else if opts.is_undefined() || opts.is_null() {
        JsValue::UNDEFINED
    } else {
        return Err(Error::input(
            "opts",
            "opts must be an object such as { now }",
        ));
    };
    match now.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 8.64e15 => Ok(n as u64),
        None if now.is_undefined() => Ok(js_sys::Date::now() as u64),
        _ => Err(Error::input(
            "now",
            "opts.now must be a whole number of epoch milliseconds",
        )),
    }
}

/// `{ status?, headers?, body }` -> RawResponse. `body` is a string, a Uint8Array (Buffer) or an
/// ArrayBuffer of the raw bytes, at most `limit` bytes; `headers` a `Headers` or a plain object.
/// Each property is read once.
pub fn raw_response(value: &JsValue, what: &str, limit: usize) -> Result<RawResponse> {
    if !value.is_object() {
        return Err(Error::input(
            what,
            format!("{what} must be an object {{ status?, headers?, body }}"),
        ));
    }
    let get = |key: &'static str| {
        js::get(value, key)
            .map_err(|_| Error::input(key, format!("{what}.{key} could not be read")))
    };
    let status = match get("status")? {
        s if s.is_undefined() || s.is_null() => None,
        s => Some(
            http_status(&s)
                .ok_or_else(|| Error::input("status", "status must be an HTTP status code"))?,
        ),
    };
    let headers = headers(&get("headers")?)?;
    let body = body_bytes(&get("body")?, limit, what)?;
    Ok(RawResponse::new(status, headers, body))
}

/// A whole number from 100 to 599.
pub fn http_status(value: &JsValue) -> Option<u16> {
    match value.as_f64() {
        Some(n) if (100.0..=599.0).contains(&n) && n.fract() == 0.0 => Some(n as u16),
        _ => None,
    }
}

/// The raw bytes of a body: a string (as UTF-8), a Uint8Array or an ArrayBuffer, refused with
/// `BODY_TOO_LARGE` when over `limit` bytes before a byte of it is copied into wasm memory.
pub fn body_bytes(body: &JsValue, limit: usize, what: &str) -> Result<Vec<u8>> {
    let too_large = || Error::body_too_large(what, limit);
    if body.is_string() {
        return string_bytes(body, limit).ok_or_else(too_large);
    }
    let not_bytes = || {
        Error::input(
            "body",
            "body must be the raw body as a string or a Uint8Array, not parsed JSON: \
             signatures cover the exact bytes received",
        )
    };
    let unreadable = |_| Error::input("body", "body could not be read as bytes");
    let is_view = js_sys::ArrayBuffer::is_view(body);
    if !is_bytes(body, is_view) {
        return Err(not_bytes());
    }
    // A first, cheap refusal before JavaScript copies anything; the copy's own length decides.
    let declared = js::get(body, "byteLength").map_err(unreadable)?;
    if declared.as_f64().is_some_and(|n| n > limit as f64) {
        return Err(too_large());
    }
    let own = js::own_bytes(body).map_err(unreadable)?;
    // Made from an ArrayBuffer, the array is a view of it; from anything else that passed for one
    // (a Proxy), it was read as an array-like.
    if !is_view && JsValue::from(own.buffer()) != *body {
        return Err(not_bytes());
    }
    if own.length() as usize > limit {
        return Err(too_large());
    }
    Ok(js::copy_own_bytes(&own))
}

/// A string's UTF-8 bytes, or `None` when they are more than `limit`.
fn string_bytes(text: &JsValue, limit: usize) -> Option<Vec<u8>> {
    // UTF-8 takes at least one byte per UTF-16 unit: a longer string cannot fit, and is refused
    // before it is converted.
    if text.unchecked_ref::<JsString>().length() as usize > limit {
        return None;
    }
    let bytes = text.as_string()?.into_bytes();
    (bytes.len() <= limit).then_some(bytes)
}

/// A Uint8Array (Buffer included) or an ArrayBuffer. `ArrayBuffer.isView` looks at the value's
/// internal slots, so a Proxy cannot pass for a typed array; `instanceof` then tells a Uint8Array
/// from other views (wasm-bindgen's `instanceof` answers false where a Proxy trap throws).
fn is_bytes(value: &JsValue, is_view: bool) -> bool {
    if is_view {
        value.is_instance_of::<Uint8Array>()
    } else {
        value.is_instance_of::<js_sys::ArrayBuffer>()
    }
}

/// The most header pairs accepted: an iterator that never ends is refused, not followed.
const MAX_HEADERS: usize = 2_000;

/// Header pairs from a `Headers` object (anything whose `entries()` gives `[name, value]` pairs) or
/// a plain object whose values are strings or arrays of strings (Node's `IncomingMessage.headers`).
pub fn headers(value: &JsValue) -> Result<Vec<(String, String)>> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    if !value.is_object() {
        return Err(Error::input(
            "headers",
            "headers must be a Headers or a plain object",
        ));
    }
    let unreadable = |_| Error::input("headers", "headers could not be read");
    let entries = js::get(value, "entries").map_err(unreadable)?;
    let pairs = if entries.is_function() {
        // A Headers (or Map-like) object: iterate its entries.
        let iterator = js::call_method(value, "entries").map_err(unreadable)?;
        js::items(&iterator, MAX_HEADERS).map_err(unreadable)?
    } else {
        js::entries(value).map_err(unreadable)?
    };
    if pairs.len() > MAX_HEADERS {
        return Err(Error::input(
            "headers",
            format!("at most {MAX_HEADERS} headers are accepted"),
        ));
    }
    pairs.iter().map(header_pair).collect()
}

fn header_pair(entry: &JsValue) -> Result<(String, String)> {
    let unreadable = |_| Error::input("headers", "headers could not be read");
    let name = js::get_key(entry, &0.into())
        .map_err(unreadable)?
        .as_string()
        .ok_or_else(|| Error::input("headers", "header names must be strings"))?;
    let value = js::get_key(entry, &1.into()).map_err(unreadable)?;
    let text = if let Some(s) = value.as_string() {
        s
    } else if js::is_array(&value).map_err(unreadable)? {
        js::items(&value, MAX_HEADERS)
            .map_err(unreadable)?
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
