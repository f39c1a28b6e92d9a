//! The refund action of an admin app written in Rust and compiled to wasm32 (a Leptos or Yew
//! page, a Cloudflare worker): the operator picks a paid order, enters an amount and a reason, and
//! the app sends the refund through `fetch` and shows what happened in one line.
//!
//! What it shows of refundkit: a typed [`ClientConfig`], [`RefundInput::builder`], a
//! [`FetchClient`] (the global `fetch`, or one handed in for tests and proxies), and the one fact a
//! refund screen must get right after a failure: whether the refund may have reached the gateway,
//! in which case the operator looks it up before sending it again.
//!
//! Test it with `wasm-pack test --node examples/wasm-admin`, or in a browser with
//! `WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome examples/wasm-admin`.
#![cfg(target_arch = "wasm32")]

use js_sys::Function;
use refundkit::{
    ClientConfig, Delivery, Error, FetchClient, RefundInput, RefundQuery, RefundResult,
    RefundStatus,
};

/// A paid order as the admin app lists it.
#[derive(Clone, Debug)]
pub struct PaidOrder {
    /// The shop's order number, which the gateway knows the payment by.
    pub order_id: String,
    /// The ISO 4217 code the order was paid in.
    pub currency: String,
}

/// The refund action: one gateway account, its keys, and the `fetch` it sends with.
#[derive(Debug)]
pub struct RefundDesk {
    client: FetchClient,
}

impl RefundDesk {
    /// Checks the config and both keys at once: a mistake shows when the page loads, not at the
    /// first refund.
    pub fn new(config: ClientConfig) -> refundkit::Result<RefundDesk> {
        let client = refundkit::Client::new(config)?;
        Ok(RefundDesk {
            client: FetchClient::new(client),
        })
    }

    /// Sends through `fetch` rather than the global one (a proxy's, a test's).
    pub fn with_fetch(self, fetch: Function) -> RefundDesk {
        RefundDesk {
            client: self.client.with_fetch(fetch),
        }
    }

    /// Refunds `amount` (as the operator typed it, such as `"10.50"`) of `order` under the refund
    /// number `refund_id`, and says how it went.
    pub async fn refund(
        &self,
        order: &PaidOrder,
        refund_id: &str,
        amount: &str,
        reason: &str,
    ) -> String {
        let input = RefundInput::builder(refund_id, amount, order.currency.as_str())
            .original_order_id(order.order_id.as_str())
            .reason(reason)
            .build();
        let outcome = match input {
            Ok(input) => self.client.refund(&input).await,
            Err(e) => Err(e),
        };
        match outcome {
            Ok(result) => describe(&result),
            Err(e) => explain(refund_id, &e),
        }
    }

    /// Where the refund `refund_id` stands now, as the gateway reports it.
    pub async fn look_up(&self, refund_id: &str) -> String {
        let found = match RefundQuery::by_refund_id(refund_id) {
            Ok(query) => self.client.query_refund(&query).await,
            Err(e) => Err(e),
        };
        match found {
            Ok(results) if results.is_empty() => {
                format!("{refund_id}: the gateway has no such refund")
            }
            Ok(results) => results.iter().map(describe).collect::<Vec<_>>().join("; "),
            Err(e) => explain(refund_id, &e),
        }
    }
}

/// `R-1: pending at payermax (REFUND_PENDING)`.
fn describe(result: &RefundResult) -> String {
    format!(
        "{}: {} at {} ({})",
        result.refund_id.as_deref().unwrap_or("refund"),
        status_word(result.status),
        result.gateway,
        result.gateway_status
    )
}

/// The status in the words the JavaScript face and the docs use.
fn status_word(status: RefundStatus) -> &'static str {
    match status {
        RefundStatus::Pending => "pending",
        RefundStatus::Succeeded => "succeeded",
        RefundStatus::Failed => "failed",
        RefundStatus::Cancelled => "cancelled",
        RefundStatus::Unknown => "unknown",
    }
}

/// A failure, with what the operator may do next. Only a refund that cannot have reached the
/// gateway may simply be sent again; one that may have must be looked up first, or it could be
/// paid twice.
fn explain(refund_id: &str, e: &Error) -> String {
    let next = match e.delivery {
        // No delivery at all: the input failed its checks before there was anything to send.
        Some(Delivery::NotSent) | None => "nothing was sent; correct it and send again",
        Some(Delivery::Refused) => "the gateway refused it; nothing was refunded",
        _ => "it may have reached the gateway: look it up before sending it again",
    };
    format!("{refund_id}: {} ({}): {next}", e.message, e.code)
}
