//! `RefundClient`, the class JavaScript callers use.

use super::convert::{now_ms, raw_response, to_js, to_json};
use super::host_crypto::{node_crypto_refusal, HostCrypto, SignatureSpot, ThreadPoolKey};
use super::js::{self, known_string};
use super::transport::{DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS};
use super::webcrypto::AsyncSigner;
use super::{to_js_error, transport, Failure};
use crate::crypto::HashAlg;
use crate::gateway::SignaturePlace;
use crate::refund::{RefundInput, RefundQuery};
use crate::retry::{Failed, Next, RefundRetry, RetryPolicy, RetryReport, Settled};
use crate::wire::printable_key;
use crate::{Client, Config, Draft, Error, RawResponse, Result};
use js_sys::{Function, Object, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// A client for one gateway with one merchant's credentials. The config and both keys are checked
/// when it is constructed, and the keys are parsed once, here.
#[wasm_bindgen]
pub struct RefundClient {
    inner: Rc<Client>,
    signer: Rc<AsyncSigner>,
    fetch: Option<Function>,
    timeout_ms: u32,
    /// `config.retry`: how `refund()` and `queryRefund()` retry unless a call says otherwise.
    retry: Option<RetryPolicy>,
}

/// What the JavaScript config carries besides the JSON-able settings.
struct HostSettings {
    fetch: Option<Function>,
    timeout_ms: u32,
    crypto_key: Option<JsValue>,
    retry: Option<RetryPolicy>,
}

type JsResult<T> = std::result::Result<T, JsValue>;

#[wasm_bindgen]
impl RefundClient {
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> JsResult<RefundClient> {
        let (settings, host) = read_config(&config).map_err(to_js_error)?;
        let config = Config::new(settings);
        let crypto = HostCrypto::default();
        let inner = match &host.crypto_key {
            Some(_) => Client::with_external_signer(config, &crypto),
            None => Client::with_crypto(config, &crypto),
        }
        .map_err(to_js_error)?;
        Ok(RefundClient {
            inner: Rc::new(inner),
            signer: Rc::new(AsyncSigner::new(host.crypto_key, crypto.take_async_key())),
            fetch: host.fetch,
            timeout_ms: host.timeout_ms,
            retry: host.retry,
        })
    }

    /// The gateway id this client was configured for.
    #[wasm_bindgen(getter)]
    pub fn gateway(&self) -> String {
        self.inner.gateway().id.to_string()
    }

    #[wasm_bindgen(js_name = "buildRefund")]
    pub fn build_refund(&self, input: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let signed = self
            .draft_refund(&input, &opts)
            .and_then(|draft| self.inner.sign_draft(&draft))
            .map_err(to_js_error)?;
        signed_to_js(&signed)
    }

    #[wasm_bindgen(js_name = "buildRefundQuery")]
    pub fn build_refund_query(&self, query: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let signed = self
            .draft_refund_query(&query, &opts)
            .and_then(|draft| self.inner.sign_draft(&draft))
            .map_err(to_js_error)?;
        signed_to_js(&signed)
    }

    #[wasm_bindgen(js_name = "parseRefundResponse")]
    pub fn parse_refund_response(&self, response: JsValue) -> JsResult<JsValue> {
        let result = raw_response(&response, "response", self.inner.max_body_bytes())
            .and_then(|raw| self.inner.parse_refund_response(&raw))
            .map_err(to_js_error)?;
        to_js(&result)
    }

    #[wasm_bindgen(js_name = "parseRefundQueryResponse")]
    pub fn parse_refund_query_response(&self, response: JsValue) -> JsResult<JsValue> {
        let results = raw_response(&response, "response", self.inner.max_body_bytes())
            .and_then(|raw| self.inner.parse_refund_query_response(&raw))
            .map_err(to_js_error)?;
        to_js(&results)
    }

    #[wasm_bindgen(js_name = "verifyNotification")]
    pub fn verify_notification(&self, request: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let notification = (|| {
            let raw = raw_response(&request, "request", self.inner.max_body_bytes())?;
            self.inner.verify_notification(&raw, now_ms(&opts)?)
        })()
        .map_err(to_js_error)?;
        to_js(&notification)
    }

    /// The same bytes as `buildRefund`, signed through WebCrypto where the platform has it.
    #[wasm_bindgen(js_name = "buildRefundAsync")]
    pub fn build_refund_async(&self, input: JsValue, opts: JsValue) -> js_sys::Promise {
        match self.draft_refund(&input, &opts) {
            Ok(draft) => self.sign_to_js(draft),
            Err(error) => Promise::reject(&to_js_error(error)),
        }
    }

    #[wasm_bindgen(js_name = "buildRefundQueryAsync")]
    pub fn build_refund_query_async(&self, query: JsValue, opts: JsValue) -> js_sys::Promise {
        match self.draft_refund_query(&query, &opts) {
            Ok(draft) => self.sign_to_js(draft),
            Err(error) => Promise::reject(&to_js_error(error)),
        }
    }

    /// Builds, signs, sends through `fetch` and returns the verified result. Every failure tells
    /// whether the request may have reached the gateway. With a `retry` policy (the call's
    /// `opts.retry`, else `config.retry`) an unknown outcome is reconciled at the gateway and the
    /// refund resent, with the same refund number, only where the gateway holds none (`crate::retry`).
    pub fn refund(&self, input: JsValue, opts: JsValue) -> js_sys::Promise {
        match self.retry_policy(&opts) {
            Ok(Some(policy)) => return self.refund_with_retry(&input, &opts, policy),
            Ok(None) => {}
            Err(error) => return Promise::reject(&transport::not_sent(error).into_js()),
        }
        let draft = self.draft_refund(&input, &opts);
        let call = self.call();
        future_to_promise(async move {
            let result = call
                .exchange(draft, Client::parse_refund_response)
                .await
                .map_err(Failure::into_js)?;
            to_js(&result)
        })
    }

    /// Builds, signs, sends a refund query and returns the verified results.
    #[wasm_bindgen(js_name = "queryRefund")]
    pub fn query_refund(&self, query: JsValue, opts: JsValue) -> js_sys::Promise {
        match self.retry_policy(&opts) {
            Ok(Some(policy)) => return self.query_with_retry(&query, &opts, policy),
            Ok(None) => {}
            Err(error) => return Promise::reject(&transport::not_sent(error).into_js()),
        }
        let draft = self.draft_refund_query(&query, &opts);
        let call = self.call();
        future_to_promise(async move {
            let results = call
                .exchange(draft, Client::parse_refund_query_response)
                .await
                .map_err(Failure::into_js)?;
            to_js(&results)
        })
    }
}

impl RefundClient {
    /// Signs `draft` and gives the request, as a promise. Where the key is ready, the platform's
    /// own promise (WebCrypto's or node:crypto's) carries the signature to the request, and
    /// everything but the signature is written while the platform signs: after the wait, in code
    /// gone cold, only the signature is encoded and put in its place: by the entry's own
    /// JavaScript where it gave the module a way to (the thread-pool signer, the web entries'
    /// writer), else by the module.
    fn sign_to_js(&self, mut draft: Draft) -> Promise {
        if let Some(key) = self.signer.node_key() {
            let (message, hash) = (std::mem::take(&mut draft.message), draft.hash);
            return match PendingRequest::begin(draft) {
                Ok(pending) => pending.sign_in_thread_pool(key, &message, hash),
                // A request JavaScript cannot be handed: the module signs and writes it.
                Err(begun) => self.sign_and_finish(Draft { message, ..begun }),
            };
        }
        if let Some((promise, check)) = self.signer.sign_ready(&draft) {
            let begun = PendingRequest::begin(draft);
            if let Ok(pending) = &begun {
                if let Some(written) = check.write_into(&promise, &pending.request, pending.spot())
                {
                    return written;
                }
            }
            let settle: JsValue =
                Closure::once_into_js(move |outcome: JsValue| -> JsResult<JsValue> {
                    let signature = check.signature(&outcome).map_err(to_js_error)?;
                    match begun {
                        Ok(pending) => pending.complete(&signature),
                        Err(draft) => signed_to_js(&draft.finish(&signature).map_err(to_js_error)?),
                    }
                });
            let settle: &Function = settle.unchecked_ref();
            return promise
                .then(settle, settle)
                .unwrap_or_else(|_| Promise::reject(&to_js_error(check.refusal())));
        }
        self.sign_and_finish(draft)
    }

    /// Signs `draft` and writes the whole request in the module, once the signature has come.
    fn sign_and_finish(&self, draft: Draft) -> Promise {
        let (client, signer) = (self.inner.clone(), self.signer.clone());
        future_to_promise(async move {
            let signed = signer.sign(&client, draft).await.map_err(to_js_error)?;
            signed_to_js(&signed)
        })
    }

    fn draft_refund(&self, input: &JsValue, opts: &JsValue) -> Result<Draft> {
        let input = RefundInput::from_json(&to_json(input, "input")?)?;
        self.inner.draft_refund(&input, now_ms(opts)?)
    }

    fn draft_refund_query(&self, query: &JsValue, opts: &JsValue) -> Result<Draft> {
        self.inner
            .draft_refund_query(&read_query(query)?, now_ms(opts)?)
    }

    /// `opts.retry` where the call gives one (`false` or `null` turn retries off), else the
    /// client's `config.retry`.
    fn retry_policy(&self, opts: &JsValue) -> Result<Option<RetryPolicy>> {
        if !opts.is_object() {
            return Ok(self.retry);
        }
        let given = js::get(opts, "retry")
            .map_err(|_| Error::input("retry", "opts.retry could not be read"))?;
        if given.is_undefined() {
            return Ok(self.retry);
        }
        RetryPolicy::from_json(&to_json(&given, "retry")?)
    }

    fn refund_with_retry(
        &self,
        input: &JsValue,
        opts: &JsValue,
        policy: RetryPolicy,
    ) -> js_sys::Promise {
        let prepared = to_json(input, "input")
            .and_then(|json| RefundInput::from_json(&json))
            .and_then(|input| Ok((input, Clock::read(opts)?)));
        let call = self.call();
        future_to_promise(async move {
            let (input, clock) = prepared.map_err(|e| transport::not_sent(e).into_js())?;
            call.refund_until_known(&input, clock, policy).await
        })
    }

    fn query_with_retry(&self, query: &JsValue, opts: &JsValue, policy: RetryPolicy) -> Promise {
        let prepared = read_query(query).and_then(|query| Ok((query, Clock::read(opts)?)));
        let call = self.call();
        future_to_promise(async move {
            let (query, clock) = prepared.map_err(|e| transport::not_sent(e).into_js())?;
            let results = call
                .query_until_known(&query, clock, policy)
                .await
                .map_err(Failure::into_js)?;
            to_js(&results)
        })
    }

    fn call(&self) -> Call {
        Call {
            client: self.inner.clone(),
            signer: self.signer.clone(),
            fetch: self.fetch.clone(),
            timeout_ms: self.timeout_ms,
        }
    }
}

fn read_query(query: &JsValue) -> Result<RefundQuery> {
    RefundQuery::from_json(&to_json(query, "query")?)
}

/// The time each request is stamped with: the caller's fixed `opts.now`, or the clock at sending,
/// so a resend after a wait is not stamped with the first attempt's time.
#[derive(Clone, Copy)]
enum Clock {
    Fixed(u64),
    Live,
}

impl Clock {
    /// Reads `opts.now` once, as `now_ms` checks it.
    fn read(opts: &JsValue) -> Result<Clock> {
        if !opts.is_object() {
            now_ms(opts)?;
            return Ok(Clock::Live);
        }
        let given =
            js::get(opts, "now").map_err(|_| Error::input("now", "opts.now could not be read"))?;
        if given.is_undefined() {
            return Ok(Clock::Live);
        }
        // Checked on an object of our own, so the caller's getter is not run a second time.
        let own = Object::new();
        let _ = Reflect::set(&own, &"now".into(), &given);
        Ok(Clock::Fixed(now_ms(&own)?))
    }

    fn now(self) -> u64 {
        match self {
            Clock::Fixed(ms) => ms,
            Clock::Live => js_sys::Date::now() as u64,
        }
    }
}

/// Everything one network call needs, owned, so the promise can outlive the borrow of the client.
struct Call {
    client: Rc<Client>,
    signer: Rc<AsyncSigner>,
    fetch: Option<Function>,
    timeout_ms: u32,
}

impl Call {
    /// Signs the draft, sends it and reads the answer with `parse`. A draft or a signature that
    /// failed never reached `fetch`.
    async fn exchange<T>(
        &self,
        draft: Result<Draft>,
        parse: impl FnOnce(&Client, &RawResponse) -> Result<T>,
    ) -> std::result::Result<T, Failure> {
        let draft = draft.map_err(transport::not_sent)?;
        let signed = (self.signer.sign(&self.client, draft).await).map_err(transport::not_sent)?;
        transport::send_and_read(
            &self.client,
            self.fetch.as_ref(),
            self.timeout_ms,
            &signed,
            parse,
        )
        .await
    }

    /// Drives [`RefundRetry`]: sends what it asks for, reports each answer, and turns its verdict
    /// into the result or the error JavaScript sees.
    async fn refund_until_known(
        &self,
        input: &RefundInput,
        clock: Clock,
        policy: RetryPolicy,
    ) -> JsResult<JsValue> {
        let mut plan = RefundRetry::new(self.client.gateway(), input, policy);
        let mut next = plan.start();
        let mut last: Option<Failure> = None;
        loop {
            next = match next {
                Next::SendRefund { after_ms } => {
                    sleep(after_ms).await;
                    let draft = self.client.draft_refund(input, clock.now());
                    match self.exchange(draft, Client::parse_refund_response).await {
                        Ok(result) => plan.refund_answered(Ok(result)),
                        Err(failure) => {
                            let next = plan.refund_answered(Err(&failure.error));
                            last = Some(failure);
                            next
                        }
                    }
                }
                Next::Lookup { query, after_ms } => {
                    sleep(after_ms).await;
                    let draft = self.client.draft_refund_query(&query, clock.now());
                    match self
                        .exchange(draft, Client::parse_refund_query_response)
                        .await
                    {
                        Ok(results) => plan.lookup_answered(Ok(results)),
                        Err(failure) => {
                            let next = plan.lookup_answered(Err(&failure.error));
                            last = Some(failure);
                            next
                        }
                    }
                }
                Next::Done(settled) => return settled_to_js(&settled),
                Next::Fail(failed) => return Err(failed_to_js(failed, last)),
            }
        }
    }

    /// A refund query, sent again after an unknown outcome while the policy allows: a query
    /// changes nothing at the gateway.
    async fn query_until_known(
        &self,
        query: &RefundQuery,
        clock: Clock,
        policy: RetryPolicy,
    ) -> std::result::Result<Vec<crate::RefundResult>, Failure> {
        let mut sent = 0;
        loop {
            sent += 1;
            let draft = self.client.draft_refund_query(query, clock.now());
            match self
                .exchange(draft, Client::parse_refund_query_response)
                .await
            {
                Ok(results) => return Ok(results),
                Err(failure) => match policy.query_retry_after(sent, &failure.error) {
                    Some(after_ms) => sleep(after_ms).await,
                    None => return Err(failure),
                },
            }
        }
    }
}

/// The result with how its status was learned: `attempts`, `lookups`, `reconciled`.
fn settled_to_js(settled: &Settled) -> JsResult<JsValue> {
    let result = to_js(&settled.result)?;
    set_report(&result, &settled.report);
    Ok(result)
}

/// The error to throw: the last failure as it is, or the retry's own account of the refund with
/// the last failure as its cause. Either way it tells what was sent.
fn failed_to_js(failed: Failed, last: Option<Failure>) -> JsValue {
    let last = last.unwrap_or_else(|| Failure::from(Error::transport("the refund failed")));
    let error = match failed.error {
        None => last.into_js(),
        Some(error) => Failure::caused_by(error, last.into_js()).into_js(),
    };
    set_report(&error, &failed.report);
    error
}

fn set_report(target: &JsValue, report: &RetryReport) {
    // The target is an object this module made; setting its properties runs no caller code.
    let _ = Reflect::set(target, &"attempts".into(), &report.attempts.into());
    let _ = Reflect::set(target, &"lookups".into(), &report.lookups.into());
    let _ = Reflect::set(target, &"reconciled".into(), &report.reconciled.into());
}

/// Resolves after `ms` milliseconds through the host's `setTimeout`; at once where it has none.
async fn sleep(ms: u32) {
    if ms == 0 {
        return;
    }
    let global = js_sys::global();
    let Some(set_timeout) = js::get(&global, "setTimeout")
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return;
    };
    let waited = Promise::new(&mut |resolve, _reject| {
        let _ = set_timeout.call2(&global, &resolve, &ms.into());
    });
    let _ = wasm_bindgen_futures::JsFuture::from(waited).await;
}

/// A signed request as the plain object `{ url, method, headers, body }`, built property by property:
/// each string crosses the boundary once, where the JSON road escaped the body into JSON text and
/// parsed it back in JavaScript. The result is the same object the JSON road gives.
fn signed_to_js(signed: &crate::SignedRequest) -> JsResult<JsValue> {
    if names_a_prototype(&signed.headers) {
        return to_js(signed);
    }
    let (request, _) = request_object(
        &signed.url,
        signed.method,
        &signed.headers,
        Some(&signed.body),
    )?;
    Ok(request.into())
}

/// JSON.parse makes a header named `__proto__` an own property; a plain assignment would set the
/// prototype, so such a request is written through JSON.
fn names_a_prototype(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(name, _)| name == "__proto__")
}

/// `{ url, method, headers, body }` and its `headers` object, written in that order; without the
/// body where it is `None` (to be written last, later).
fn request_object(
    url: &str,
    method: &str,
    headers: &[(String, String)],
    body: Option<&str>,
) -> JsResult<(Object, Object)> {
    let (request, header_object) = (Object::new(), Object::new());
    for (name, value) in headers {
        Reflect::set(&header_object, &known_string(name), &value.into())?;
    }
    Reflect::set(&request, &known_string("url"), &url.into())?;
    Reflect::set(&request, &known_string("method"), &known_string(method))?;
    Reflect::set(&request, &known_string("headers"), &header_object)?;
    if let Some(body) = body {
        Reflect::set(&request, &known_string("body"), &body.into())?;
    }
    Ok((request, header_object))
}

/// A signed request's object, begun from its draft: everything but the signature, written in the
/// order [`signed_to_js`] writes it, and the place the signature goes.
struct PendingRequest {
    request: Object,
    slot: SignatureSlot,
    place: SignaturePlace,
}

/// Where [`PendingRequest::complete`] writes the signature.
enum SignatureSlot {
    /// A header of this name, in this headers object.
    Header { headers: Object, name: JsValue },
    /// The draft's body, at this byte offset: written whole after the wait, which takes fewer
    /// calls into JavaScript than joining two halves there.
    Body { body: String, offset: usize },
}

impl PendingRequest {
    /// The draft back where its request cannot be begun: a header (the signature's included)
    /// named `__proto__` (see [`names_a_prototype`]), or an offset [`Draft::finish`] refuses.
    fn begin(draft: Draft) -> std::result::Result<PendingRequest, Draft> {
        let signature_header = match &draft.signature_place {
            SignaturePlace::Header { name } => Some(name.as_str()),
            SignaturePlace::Body { offset } | SignaturePlace::FormValue { offset } => {
                if !draft.body.is_char_boundary(*offset) {
                    return Err(draft);
                }
                None
            }
        };
        if names_a_prototype(&draft.headers) || signature_header == Some("__proto__") {
            return Err(draft);
        }
        let body = signature_header.map(|_| draft.body.as_str());
        let Ok((request, headers)) =
            request_object(&draft.url, draft.method.as_str(), &draft.headers, body)
        else {
            return Err(draft);
        };
        let slot = match &draft.signature_place {
            SignaturePlace::Header { name } => SignatureSlot::Header {
                headers,
                name: known_string(name),
            },
            SignaturePlace::Body { offset } | SignaturePlace::FormValue { offset } => {
                SignatureSlot::Body {
                    body: draft.body,
                    offset: *offset,
                }
            }
        };
        Ok(PendingRequest {
            request,
            slot,
            place: draft.signature_place,
        })
    }

    /// Where an entry's JavaScript writes the signature: where [`PendingRequest::complete`] would.
    fn spot(&self) -> SignatureSpot<'_> {
        match &self.slot {
            SignatureSlot::Header { name, .. } => SignatureSpot::Header(name),
            SignatureSlot::Body { body, offset } => SignatureSpot::Body {
                body,
                // `offset` is a char boundary (`begin`).
                at: utf16_len(&body[..*offset]) as u32,
                form: matches!(self.place, SignaturePlace::FormValue { .. }),
            },
        }
    }

    /// The request, with `message`'s signature in it, from node:crypto's thread pool: the entry's
    /// signer writes the signature in the callback that brings it.
    fn sign_in_thread_pool(self, key: &ThreadPoolKey, message: &[u8], hash: HashAlg) -> Promise {
        key.start_signing_into(message, hash, &self.request, self.spot())
            .unwrap_or_else(|_| Promise::reject(&to_js_error(node_crypto_refusal())))
    }

    /// The request, with `signature` written where its draft's [`Draft::finish`] writes it.
    fn complete(self, signature: &[u8]) -> JsResult<JsValue> {
        let signature = self.place.encode(signature);
        match self.slot {
            SignatureSlot::Header { headers, name } => {
                Reflect::set(&headers, &name, &signature.into())?;
            }
            SignatureSlot::Body { mut body, offset } => {
                body.insert_str(offset, &signature);
                Reflect::set(&self.request, &known_string("body"), &body.into())?;
            }
        }
        Ok(self.request.into())
    }
}

/// `text`'s length in UTF-16 units, as JavaScript strings count: a unit per UTF-8 sequence, two for
/// the four-byte ones. Counted over bytes, as `encode_utf16` decoding each character took longer.
fn utf16_len(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    text.bytes()
        .map(|byte| usize::from(byte & 0xc0 != 0x80) + usize::from(byte >= 0xf0))
        .sum()
}

/// Splits the JavaScript config into JSON settings for the core and the host-only parts: `fetch`,
/// `timeoutMs` and a `privateKey` given as a WebCrypto `CryptoKey`.
fn read_config(config: &JsValue) -> Result<(crate::wire::Object, HostSettings)> {
    let unreadable = |_| Error::config("config could not be read");
    if !config.is_object() || js::is_array(config).map_err(unreadable)? {
        return Err(Error::config(
            "config must be an object such as { gateway, ... }",
        ));
    }
    let mut settings = crate::wire::Object::new();
    let mut host = HostSettings {
        fetch: None,
        timeout_ms: DEFAULT_TIMEOUT_MS,
        crypto_key: None,
        retry: None,
    };
    for key in js::keys(config).map_err(unreadable)? {
        let name = key.as_string().unwrap_or_default();
        let value = js::get_key(config, &key).map_err(|_| {
            let field = printable_key(&name);
            Error::config_field(&field, format!("{field} could not be read"))
        })?;
        if value.is_undefined() {
            continue;
        }
        match name.as_str() {
            "fetch" => host.fetch = Some(read_fetch(value)?),
            "timeoutMs" => host.timeout_ms = read_timeout(&value)?,
            "retry" => host.retry = read_retry(&value)?,
            "privateKey" if is_crypto_key(&value) => host.crypto_key = Some(value),
            _ => {
                let json = to_json(&value, &name).map_err(|_| {
                    Error::config_field(
                        &printable_key(&name),
                        format!("{} must be plain data", printable_key(&name)),
                    )
                })?;
                settings.insert(name, json);
            }
        }
    }
    Ok((settings, host))
}

fn read_fetch(value: JsValue) -> Result<Function> {
    value.dyn_into::<Function>().map_err(|_| {
        Error::config_field(
            "fetch",
            "fetch must be a function with the signature of globalThis.fetch",
        )
    })
}

/// `config.retry`, with its faults reported as config faults.
fn read_retry(value: &JsValue) -> Result<Option<RetryPolicy>> {
    let as_config = |e: Error| {
        let field = e.field.clone().unwrap_or_else(|| "retry".into());
        Error::config_field(&field, e.message)
    };
    RetryPolicy::from_json(&to_json(value, "retry").map_err(as_config)?).map_err(as_config)
}

fn read_timeout(value: &JsValue) -> Result<u32> {
    match value.as_f64() {
        Some(ms) if ms.fract() == 0.0 && (1.0..=f64::from(MAX_TIMEOUT_MS)).contains(&ms) => {
            Ok(ms as u32)
        }
        _ => Err(Error::config_field(
            "timeoutMs",
            format!("timeoutMs must be a whole number of milliseconds from 1 to {MAX_TIMEOUT_MS}"),
        )),
    }
}

/// A WebCrypto `CryptoKey` (browsers, Node's webcrypto). Strings and plain data go the import road.
/// wasm-bindgen's `instanceof` check is false, not an error, where `CryptoKey` does not exist. A
/// string is never one, and is not asked: in Node, reading the global `CryptoKey` loads all of
/// node:crypto's WebCrypto, which a client that signs with node:crypto never needs.
fn is_crypto_key(value: &JsValue) -> bool {
    value.is_object() && value.is_instance_of::<web_sys::CryptoKey>()
}
