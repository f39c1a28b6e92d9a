//! HTTP through the host's `fetch`: the global one (Node 18+, browsers, workers) or `config.fetch`.
//! The signed body is sent as it is, and the answer is read as raw bytes for verification.

use super::convert::{body_bytes, headers, http_status};
use super::js;
use crate::gateway::RawResponse;
use crate::{Error, ErrorCode, Result, SignedRequest};
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Sends a signed request and returns what came back. Network failures, timeouts and anything in the
/// answer that cannot be read are `TRANSPORT`; an answer over `limit` bytes is `BODY_TOO_LARGE`.
pub async fn send(
    fetch: Option<&Function>,
    timeout_ms: u32,
    request: &SignedRequest,
    limit: usize,
) -> Result<RawResponse> {
    let global = js_sys::global();
    let fetch = match fetch {
        Some(f) => f.clone(),
        None => js::get(&global, "fetch")
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| {
                Error::config_field(
                    "fetch",
                    "this platform has no global fetch: pass one as config.fetch",
                )
            })?,
    };
    let controller = web_sys::AbortController::new()
        .map_err(|_| Error::transport("this platform has no AbortController"))?;
    let timer = Timer::start(&global, timeout_ms, controller.clone());
    let outcome = exchange(&global, &fetch, request, &controller.signal(), limit).await;
    let timed_out = timer.as_ref().is_some_and(|t| t.fired());
    drop(timer);
    match outcome {
        Err(e) if timed_out && e.code == ErrorCode::Transport => Err(Error::transport(format!(
            "no answer from {} within {timeout_ms} ms",
            origin_of(&request.url)
        ))),
        other => other,
    }
}

async fn exchange(
    global: &Object,
    fetch: &Function,
    request: &SignedRequest,
    signal: &web_sys::AbortSignal,
    limit: usize,
) -> Result<RawResponse> {
    let init = Object::new();
    let headers = Object::new();
    for (name, value) in &request.headers {
        let _ = Reflect::set(&headers, &name.into(), &value.into());
    }
    let _ = Reflect::set(&init, &"method".into(), &request.method.into());
    let _ = Reflect::set(&init, &"headers".into(), &headers);
    let _ = Reflect::set(&init, &"body".into(), &request.body.as_str().into());
    let _ = Reflect::set(&init, &"signal".into(), signal);
    let unreachable = |thrown: JsValue| {
        Error::transport(format!(
            "could not reach {}: {}",
            origin_of(&request.url),
            thrown_message(&thrown)
        ))
    };
    let promise = fetch
        .call2(global, &request.url.as_str().into(), &init)
        .map_err(unreachable)?;
    let response = JsFuture::from(js::settled(&promise))
        .await
        .map_err(unreachable)?;
    read_response(&response, limit).await
}

/// What `fetch` resolved to, read as a `Response`: `status`, `headers` and `arrayBuffer()`, each
/// once. An answer whose `Content-Length` is over `limit` is refused before its body is read.
async fn read_response(response: &JsValue, limit: usize) -> Result<RawResponse> {
    if !response.is_object() {
        return Err(Error::transport("fetch did not resolve to a Response"));
    }
    let unreadable =
        |part: &str| Error::transport(format!("the Response's {part} could not be read"));
    let status = match js::get(response, "status").map_err(|_| unreadable("status"))? {
        s if s.is_undefined() => None,
        s => Some(http_status(&s).ok_or_else(|| unreadable("status"))?),
    };
    let headers = js::get(response, "headers")
        .ok()
        .and_then(|h| headers(&h).ok())
        .ok_or_else(|| unreadable("headers"))?;
    if content_length(&headers).is_some_and(|n| n > limit as u64) {
        return Err(Error::body_too_large("response", limit));
    }
    let reading = js::call_method(response, "arrayBuffer").map_err(|_| unreadable("body"))?;
    let buffer = JsFuture::from(js::settled(&reading))
        .await
        .map_err(|_| unreadable("body"))?;
    let body = body_bytes(&buffer, limit, "response").map_err(|e| match e.code {
        ErrorCode::BodyTooLarge => e,
        _ => unreadable("body"),
    })?;
    Ok(RawResponse::new(status, headers, body))
}

/// The `Content-Length` header, where there is exactly one valid one.
fn content_length(headers: &[(String, String)]) -> Option<u64> {
    let mut values = headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("content-length"));
    let (_, value) = values.next()?;
    if values.next().is_some() {
        return None;
    }
    value.trim().parse().ok()
}

/// The `message` of a thrown value as a short printable excerpt: it is the caller's text.
fn thrown_message(thrown: &JsValue) -> String {
    let message = js::get(thrown, "message")
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_default();
    let excerpt: String = message
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    if excerpt.is_empty() {
        "the request failed".to_string()
    } else {
        excerpt
    }
}

/// Reframes a parse failure of an HTTP error answer: a non-2xx page that is not the gateway's JSON is
/// a transport problem (a proxy's 502 page, say), reported with its status.
pub fn explain_http_failure(error: Error, raw: &RawResponse) -> Error {
    let status = raw.status.unwrap_or(0);
    let is_http_error = !(200..300).contains(&status);
    if is_http_error && error.code == ErrorCode::ResponseMalformed {
        return Error::transport(format!(
            "the gateway answered HTTP {status} without a gateway response body"
        ));
    }
    error
}

/// `scheme://host[:port]` of a URL, for messages: paths and queries stay out of them.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// A `setTimeout` that aborts the fetch; cleared when dropped.
struct Timer {
    global: Object,
    id: JsValue,
    fired: std::rc::Rc<std::cell::Cell<bool>>,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    fn start(
        global: &Object,
        timeout_ms: u32,
        controller: web_sys::AbortController,
    ) -> Option<Timer> {
        let fired = std::rc::Rc::new(std::cell::Cell::new(false));
        let flag = fired.clone();
        let callback = Closure::<dyn FnMut()>::new(move || {
            flag.set(true);
            // The fetch's abort listeners are the caller's code.
            let _ = js::call_method(&controller, "abort");
        });
        let set_timeout: Function = js::get(global, "setTimeout").ok()?.dyn_into().ok()?;
        let id = set_timeout
            .call2(global, callback.as_ref(), &timeout_ms.into())
            .ok()?;
        Some(Timer {
            global: global.clone(),
            id,
            fired,
            _callback: callback,
        })
    }

    fn fired(&self) -> bool {
        self.fired.get()
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(clear) = js::get(&self.global, "clearTimeout")
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        {
            let _ = clear.call1(&self.global, &self.id);
        }
    }
}
