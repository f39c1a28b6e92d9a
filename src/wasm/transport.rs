//! HTTP through the host's `fetch`: the global one (Node 18+, browsers, workers) or `config.fetch`.
//! The signed body is sent as it is, and the answer is read as raw bytes for verification.

use super::convert::{body_bytes, headers, http_status};
use super::{js, to_js_error, Failure};
use crate::error::Delivery;
use crate::gateway::RawResponse;
use crate::{Client, Error, ErrorCode, SignedRequest};
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How long a call waits for the gateway unless told otherwise, in both faces (`timeoutMs`, and
/// the Rust `FetchClient`).
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// The longest timeout accepted, ten minutes: far below the 2^31 ms at which `setTimeout` fires at
/// once. An integer, so the error message needs no float formatting.
pub const MAX_TIMEOUT_MS: u32 = 600_000;

type Sent<T> = std::result::Result<T, Failure>;

/// Sends a signed request and returns what came back. Network failures, timeouts and anything in the
/// answer that cannot be read are `TRANSPORT`; an answer over `limit` bytes is `BODY_TOO_LARGE`.
/// Every failure says whether the request may have reached the gateway (see [`Delivery`]), and
/// carries what `fetch` or the `Response` threw as its cause.
pub async fn send(
    fetch: Option<&Function>,
    timeout_ms: u32,
    request: &SignedRequest,
    limit: usize,
) -> Sent<RawResponse> {
    let global = js_sys::global();
    let fetch = match fetch {
        Some(f) => f.clone(),
        None => global_fetch(&global).map_err(not_sent)?,
    };
    let controller = web_sys::AbortController::new()
        .map_err(|_| not_sent(Error::transport("this platform has no AbortController")))?;
    let timer = Timer::start(&global, timeout_ms, controller.clone());
    let outcome = exchange(&global, &fetch, request, &controller.signal(), limit).await;
    let timed_out = timer.as_ref().is_some_and(|t| t.fired());
    drop(timer);
    outcome.map_err(|failure| {
        let failure = failure.map(|e| e.with_delivery(Delivery::Unknown));
        if timed_out && failure.error.code == ErrorCode::Transport {
            let origin = origin_of(&request.url);
            failure.map(|mut e| {
                e.message = format!("no answer from {origin} within {timeout_ms} ms");
                e
            })
        } else {
            failure
        }
    })
}

fn global_fetch(global: &Object) -> crate::Result<Function> {
    js::get(global, "fetch")
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| {
            Error::config_field(
                "fetch",
                "this platform has no global fetch: pass one as config.fetch",
            )
        })
}

/// Sends a signed request and reads the answer with `parse`, within the client's body limit:
/// what both faces do once a request is signed. An answer `parse` refuses says, like every
/// failure here, whether the refund may have reached the gateway.
pub async fn send_and_read<T>(
    client: &Client,
    fetch: Option<&Function>,
    timeout_ms: u32,
    signed: &SignedRequest,
    parse: impl FnOnce(&Client, &RawResponse) -> crate::Result<T>,
) -> Sent<T> {
    let raw = send(fetch, timeout_ms, signed, client.max_body_bytes()).await?;
    parse(client, &raw).map_err(|e| answer_failure(e, &raw))
}

/// A failure before `fetch` was called: nothing left this process.
pub fn not_sent(error: Error) -> Failure {
    Failure::from(error.with_delivery(Delivery::NotSent))
}

/// Calls `fetch` and reads its `Response`. Once `fetch` has been called the request may be on its
/// way, so the caller marks every failure from here as [`Delivery::Unknown`].
async fn exchange(
    global: &Object,
    fetch: &Function,
    request: &SignedRequest,
    signal: &web_sys::AbortSignal,
    limit: usize,
) -> Sent<RawResponse> {
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
        let error = Error::transport(format!(
            "could not reach {}: {}",
            origin_of(&request.url),
            thrown_message(&thrown)
        ));
        Failure::caused_by(error, thrown)
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
/// once. Failures after the status was read carry it.
async fn read_response(response: &JsValue, limit: usize) -> Sent<RawResponse> {
    if !response.is_object() {
        return Err(Error::transport("fetch did not resolve to a Response").into());
    }
    let status = match js::get(response, "status") {
        Err(thrown) => return Err(Failure::caused_by(unreadable("status"), thrown)),
        Ok(s) if s.is_undefined() => None,
        Ok(s) => Some(http_status(&s).ok_or_else(|| unreadable("status"))?),
    };
    read_headers_and_body(response, status, limit)
        .await
        .map_err(|failure| match status {
            Some(status) => failure.map(|e| e.with_http_status(status)),
            None => failure,
        })
}

/// The rest of a `Response` once its status is known. An answer whose `Content-Length` is over
/// `limit` is refused before its body is read.
async fn read_headers_and_body(
    response: &JsValue,
    status: Option<u16>,
    limit: usize,
) -> Sent<RawResponse> {
    let headers = js::get(response, "headers")
        .ok()
        .and_then(|h| headers(&h).ok())
        .ok_or_else(|| unreadable("headers"))?;
    if content_length(&headers).is_some_and(|n| n > limit as u64) {
        return Err(Error::body_too_large("response", limit).into());
    }
    let body_failed = |thrown| Failure::caused_by(unreadable("body"), thrown);
    let reading = js::call_method(response, "arrayBuffer").map_err(body_failed)?;
    let buffer = JsFuture::from(js::settled(&reading))
        .await
        .map_err(body_failed)?;
    let body = body_bytes(&buffer, limit, "response").map_err(|e| match e.code {
        ErrorCode::BodyTooLarge => e,
        _ => unreadable("body"),
    })?;
    Ok(RawResponse::new(status, headers, body))
}

fn unreadable(part: &str) -> Error {
    Error::transport(format!("the Response's {part} could not be read"))
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

/// A failure to make use of an answer that arrived. It carries the answer's status; the request
/// counts as refused only where the gateway said so (`GATEWAY_ERROR`), as possibly acted on
/// otherwise. A non-2xx page that is not the gateway's JSON is a transport problem (a proxy's 502
/// page, say), with the parse failure as its cause.
pub fn answer_failure(error: Error, raw: &RawResponse) -> Failure {
    let status = raw.status.unwrap_or(0);
    let is_http_error = !(200..300).contains(&status);
    let delivery = match error.code {
        ErrorCode::GatewayError => Delivery::Refused,
        _ => Delivery::Unknown,
    };
    let failure = if is_http_error && error.code == ErrorCode::ResponseMalformed {
        let transport = Error::transport(format!(
            "the gateway answered HTTP {status} without a gateway response body"
        ));
        Failure::caused_by(transport, to_js_error(error))
    } else {
        Failure::from(error)
    };
    failure.map(|e| {
        let e = e.with_delivery(delivery);
        match raw.status {
            Some(status) => e.with_http_status(status),
            None => e,
        }
    })
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
