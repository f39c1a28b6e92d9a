//! Sending from Rust compiled to wasm32: a [`FetchClient`] builds, signs, sends through the host's
//! `fetch` and parses, as `RefundClient.refund()` does for JavaScript callers. Both go through one
//! transport (`wasm::transport`), so a Rust caller gets the same timeout, body limit and error
//! facts (`delivery`, `http_status`) as a JavaScript one.
//!
//! Native callers have no `fetch`: they send [`Client::build_refund`]'s request with the HTTP
//! client of their choice and hand the answer to [`Client::parse_refund_response`].

use crate::wasm::transport;
use crate::wasm::Failure;
use crate::{Client, Draft, Error, RawResponse, RefundInput, RefundQuery, RefundResult, Result};
use js_sys::Function;

pub use crate::wasm::transport::{DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS};

/// A [`Client`] that sends its requests itself, through `fetch`: the global one (browsers, Node
/// 18+, workers) or one given with [`FetchClient::with_fetch`].
///
/// Requests are signed by the client's own provider ([`Client::sign_draft`]); a client made with
/// [`Client::with_external_signer`] cannot send. Nothing is retried: every failure tells in
/// [`Error::delivery`] whether the request may have reached the gateway.
#[derive(Debug)]
pub struct FetchClient {
    client: Client,
    fetch: Option<Function>,
    timeout_ms: u32,
}

impl FetchClient {
    /// Sends through the global `fetch`, waiting at most [`DEFAULT_TIMEOUT_MS`].
    pub fn new(client: Client) -> FetchClient {
        FetchClient {
            client,
            fetch: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }

    /// Sends through `fetch` instead of the global one: a function with the signature of
    /// `globalThis.fetch` (a proxy's, a worker binding's, a test's).
    pub fn with_fetch(mut self, fetch: Function) -> FetchClient {
        self.fetch = Some(fetch);
        self
    }

    /// Waits at most `timeout_ms` for each answer, from 1 to [`MAX_TIMEOUT_MS`]; any other value
    /// is `CONFIG_INVALID` on `timeoutMs`.
    pub fn with_timeout_ms(mut self, timeout_ms: u32) -> Result<FetchClient> {
        if !(1..=MAX_TIMEOUT_MS).contains(&timeout_ms) {
            return Err(Error::config_field(
                "timeoutMs",
                format!(
                    "timeoutMs must be a whole number of milliseconds from 1 to {MAX_TIMEOUT_MS}"
                ),
            ));
        }
        self.timeout_ms = timeout_ms;
        Ok(self)
    }

    /// The client underneath, for building without sending, parsing and notifications.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Builds, signs and sends a refund, and returns the gateway's verified answer. The clock is
    /// the host's `Date.now()`.
    pub async fn refund(&self, input: &RefundInput) -> Result<RefundResult> {
        self.refund_at(input, host_now_ms()).await
    }

    /// [`FetchClient::refund`] with the clock given, in epoch milliseconds.
    pub async fn refund_at(&self, input: &RefundInput, now_ms: u64) -> Result<RefundResult> {
        let draft = self.client.draft_refund(input, now_ms);
        self.exchange(draft, Client::parse_refund_response).await
    }

    /// Builds, signs and sends a refund query, and returns the refunds the gateway reports.
    pub async fn query_refund(&self, query: &RefundQuery) -> Result<Vec<RefundResult>> {
        self.query_refund_at(query, host_now_ms()).await
    }

    /// [`FetchClient::query_refund`] with the clock given, in epoch milliseconds.
    pub async fn query_refund_at(
        &self,
        query: &RefundQuery,
        now_ms: u64,
    ) -> Result<Vec<RefundResult>> {
        let draft = self.client.draft_refund_query(query, now_ms);
        self.exchange(draft, Client::parse_refund_query_response)
            .await
    }

    /// Signs the draft, sends it and reads the answer with `parse`. What fails before `fetch` is
    /// called never left this process; the transport says what may have happened after.
    async fn exchange<T>(
        &self,
        draft: Result<Draft>,
        parse: impl FnOnce(&Client, &RawResponse) -> Result<T>,
    ) -> Result<T> {
        let signed = draft
            .and_then(|draft| self.client.sign_draft(&draft))
            .map_err(|e| into_error(transport::not_sent(e)))?;
        transport::send_and_read(
            &self.client,
            self.fetch.as_ref(),
            self.timeout_ms,
            &signed,
            parse,
        )
        .await
        .map_err(into_error)
    }
}

/// A transport failure as the crate's one error type. The JavaScript value it may carry as its
/// cause stays behind: the message already quotes what `fetch` threw.
fn into_error(failure: Failure) -> Error {
    failure.error
}

/// `Date.now()`: wasm32 has no system clock of its own.
fn host_now_ms() -> u64 {
    js_sys::Date::now() as u64
}
