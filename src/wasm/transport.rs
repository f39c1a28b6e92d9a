//! HTTP through the host's `fetch`: the global one (Node 18+, browsers, workers) or `config.fetch`.
//! The signed body is sent as it is, and the answer is read as raw bytes for verification.

use crate::gateway::RawResponse;
use crate::{Error, ErrorCode, Result, SignedRequest};
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Sends a signed request and returns what came back. Network failures and timeouts are `TRANSPORT`.
pub async fn send(
    fetch: Option<&Function>,
    timeout_ms: u32,
    request: &SignedRequest,
) -> Result<RawResponse> {
    let global = js_sys::global();
    let fetch = match fetch {
        Some(f) => f.clone(),
        None => Reflect::get(&global, &"fetch".into())
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
    let outcome = exchange(&global, &fetch, request, &controller.signal()).await;
    let timed_out = timer.as_ref().is_some_and(|t| t.fired());
    drop(timer);
    match outcome {
        Err(_) if timed_out => Err(Error::transport(format!(
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
    let unreachable = |e: JsValue| {
        let detail = Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_default();
        Error::transport(format!(
            "could not reach {}: {}",
            origin_of(&request.url),
            if detail.is_empty() {
                "the request failed"
            } else {
                &detail
            }
        ))
    };
    let promise = fetch
        .call2(global, &request.url.as_str().into(), &init)
        .map_err(unreachable)?;
    let response = JsFuture::from(Promise::resolve(&promise))
        .await
        .map_err(unreachable)?;
    let status = Reflect::get(&response, &"status".into())
        .ok()
        .and_then(|s| s.as_f64())
        .map(|s| s as u16);
    let headers = response_headers(&response);
    let body = read_body(&response).await.map_err(unreachable)?;
    Ok(RawResponse::new(status, headers, body))
}

async fn read_body(response: &JsValue) -> std::result::Result<Vec<u8>, JsValue> {
    let array_buffer: Function = Reflect::get(response, &"arrayBuffer".into())?.dyn_into()?;
    let buffer = JsFuture::from(Promise::resolve(&array_buffer.call0(response)?)).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn response_headers(response: &JsValue) -> Vec<(String, String)> {
    let Ok(headers) = Reflect::get(response, &"headers".into()) else {
        return Vec::new();
    };
    let Ok(entries) =
        Reflect::get(&headers, &"entries".into()).and_then(|f| f.dyn_into::<Function>())
    else {
        return Vec::new();
    };
    let Ok(Some(iter)) = entries
        .call0(&headers)
        .map(|it| js_sys::try_iter(&it).ok().flatten())
    else {
        return Vec::new();
    };
    iter.filter_map(|entry| {
        let pair = js_sys::Array::from(&entry.ok()?);
        Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
    })
    .collect()
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
            controller.abort();
        });
        let set_timeout: Function = Reflect::get(global, &"setTimeout".into())
            .ok()?
            .dyn_into()
            .ok()?;
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
        if let Some(clear) = Reflect::get(&self.global, &"clearTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        {
            let _ = clear.call1(&self.global, &self.id);
        }
    }
}
