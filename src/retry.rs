//! Safe retries of a refund whose outcome is unknown, as decisions over answers: no I/O here. The
//! caller (the JavaScript face, a native async client) sends what [`RefundRetry`] asks for and
//! reports what came back; the decisions are the same whoever drives them.
//!
//! The rules, which keep a refund from ever being paid twice:
//! - only an outcome that may have reached the gateway ([`Delivery::Unknown`]) is retried; a refusal
//!   and a failure before sending are handed back as they are;
//! - an unknown outcome is first looked up at the gateway under the same refund; the refund is sent
//!   again only when the gateway answers that it holds no such refund, and always with the same
//!   refund number;
//! - where the gateway cannot look the refund up from what the caller sent, nothing is resent: the
//!   error says the outcome is unknown and where to learn it.

use crate::gateway::{GatewayInfo, QueryId};
use crate::json::Value;
use crate::refund::{RefundInput, RefundQuery, RefundResult};
use crate::{Delivery, Error, ErrorCode, Result};

/// How many times a refund is sent, the first included, when the caller does not say.
pub const DEFAULT_ATTEMPTS: u32 = 3;
/// The most attempts a policy accepts: past that, waiting for the notification is the better road.
pub const MAX_ATTEMPTS: u32 = 10;
/// The first wait before a lookup or a resend, when the caller does not say: long enough for a
/// gateway to commit what it was handling when the answer was lost.
pub const DEFAULT_BACKOFF_MS: u32 = 500;
/// The longest single wait; the doubling stops there.
pub const MAX_BACKOFF_MS: u32 = 60_000;

/// How hard to try: `attempts` bounds the refund requests (the first included) and, separately,
/// the lookups of each reconciliation; `backoff_ms` is the first wait, doubled after every failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    attempts: u32,
    backoff_ms: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: DEFAULT_ATTEMPTS,
            backoff_ms: DEFAULT_BACKOFF_MS,
        }
    }
}

impl RetryPolicy {
    /// `attempts` from 1 to [`MAX_ATTEMPTS`], `backoff_ms` from 0 to [`MAX_BACKOFF_MS`].
    pub fn new(attempts: u32, backoff_ms: u32) -> Result<RetryPolicy> {
        if !(1..=MAX_ATTEMPTS).contains(&attempts) {
            return Err(Error::input(
                "retry.attempts",
                format!("retry.attempts must be a whole number from 1 to {MAX_ATTEMPTS}"),
            ));
        }
        if backoff_ms > MAX_BACKOFF_MS {
            return Err(Error::input(
                "retry.backoffMs",
                format!("retry.backoffMs must be a whole number from 0 to {MAX_BACKOFF_MS}"),
            ));
        }
        Ok(RetryPolicy {
            attempts,
            backoff_ms,
        })
    }

    /// The `retry` option as JSON: `{ attempts?, backoffMs? }` (`true` for the defaults), or `null`
    /// or `false` for no retries. Unknown keys and values of the wrong type are refused with the
    /// field named.
    pub fn from_json(value: &Value) -> Result<Option<RetryPolicy>> {
        let options = match value {
            Value::Null | Value::Bool(false) => return Ok(None),
            Value::Bool(true) => return Ok(Some(RetryPolicy::default())),
            Value::Object(options) => options,
            _ => return Err(Error::input(
                "retry",
                "retry must be an object such as { attempts: 3, backoffMs: 500 }, true or false",
            )),
        };
        if let Some(key) = options
            .keys()
            .find(|k| !["attempts", "backoffMs"].contains(&k.as_str()))
        {
            let field = crate::wire::printable_key(key);
            return Err(Error::input(
                "retry",
                format!("retry takes attempts and backoffMs, not {field}"),
            ));
        }
        let whole = |key: &str, default: u32| match options.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Number(n)) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| not_whole(key)),
            Some(_) => Err(not_whole(key)),
        };
        RetryPolicy::new(
            whole("attempts", DEFAULT_ATTEMPTS)?,
            whole("backoffMs", DEFAULT_BACKOFF_MS)?,
        )
        .map(Some)
    }

    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    pub fn backoff_ms(&self) -> u32 {
        self.backoff_ms
    }

    /// The wait before the `nth` retry (1 for the first): the backoff doubled each time, capped at
    /// [`MAX_BACKOFF_MS`]. No jitter: the caller's own clock and load already spread the retries
    /// of separate refunds, and a fixed schedule keeps runs reproducible.
    pub fn delay_ms(&self, nth: u32) -> u32 {
        let doublings = nth.saturating_sub(1).min(16);
        self.backoff_ms
            .saturating_mul(1 << doublings)
            .min(MAX_BACKOFF_MS)
    }

    /// After a refund query failed: the wait before sending it again, or `None` to stop. A query
    /// changes nothing at the gateway, so any unknown outcome may be retried plainly; a refusal or
    /// a failure before sending may not, since it would only be refused again.
    pub fn query_retry_after(&self, sent: u32, failure: &Error) -> Option<u32> {
        (failure.delivery == Some(Delivery::Unknown) && sent < self.attempts)
            .then(|| self.delay_ms(sent))
    }
}

fn not_whole(key: &str) -> Error {
    Error::input(
        &format!("retry.{key}"),
        format!("retry.{key} must be a whole number"),
    )
}

/// How a gateway can find a refund whose answer was lost, from what the refund request carried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// By the merchant's refund number: the gateway answers with that refund or says it has none.
    ByRefundId(RefundQuery),
    /// By the paid order: the gateway lists the order's refunds, and ours carries our number.
    ByPayment(RefundQuery),
    /// Not at all: the gateway finds a refund only by ids the lost answer would have given.
    Impossible,
}

impl Lookup {
    /// The first road the gateway's description allows (`GatewayInfo::query_by`).
    pub fn for_refund(gateway: &GatewayInfo, input: &RefundInput) -> Lookup {
        if gateway.query_by.contains(&QueryId::RefundId) {
            return Lookup::ByRefundId(RefundQuery {
                refund_id: Some(input.refund_id.clone()),
                ..RefundQuery::default()
            });
        }
        match &input.original_transaction_id {
            Some(payment) if gateway.query_by.contains(&QueryId::OriginalTransactionId) => {
                Lookup::ByPayment(RefundQuery {
                    original_transaction_id: Some(payment.clone()),
                    ..RefundQuery::default()
                })
            }
            _ => Lookup::Impossible,
        }
    }

    fn query(&self) -> Option<&RefundQuery> {
        match self {
            Lookup::ByRefundId(query) | Lookup::ByPayment(query) => Some(query),
            Lookup::Impossible => None,
        }
    }
}

/// Whether the gateway refused with one of the codes `pick` takes from its description
/// (`GatewayInfo::no_such_refund_codes`, `refund_number_used_codes`). A code missing there only
/// makes a retry stop early and hand the answer back, never send anything twice.
fn gateway_said(
    gateway: &GatewayInfo,
    error: &Error,
    pick: fn(&GatewayInfo) -> &'static [&'static str],
) -> bool {
    let Some(code) = error.gateway_code.as_deref() else {
        return false;
    };
    error.code == ErrorCode::GatewayError && pick(gateway).contains(&code)
}

/// What a lookup's results say of our refund.
enum Found {
    Ours(Box<RefundResult>),
    Absent,
    Other,
}

/// What to do next.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// Send the refund, after waiting `after_ms`: the same input, so the same refund number (built
    /// afresh, since signed requests carry a time).
    SendRefund { after_ms: u32 },
    /// Send this refund query after waiting `after_ms`, and report its answer.
    Lookup { query: RefundQuery, after_ms: u32 },
    /// The refund's status is known.
    Done(Box<Settled>),
    /// Stop with a failure.
    Fail(Failed),
}

/// A refund whose status is known, and how it was learned.
#[derive(Clone, Debug, PartialEq)]
pub struct Settled {
    pub result: RefundResult,
    pub report: RetryReport,
}

/// A failure to hand back, and what was sent before it.
#[derive(Clone, Debug, PartialEq)]
pub struct Failed {
    /// `None`: the failure just reported, as it is (a refusal, a failure before sending). `Some`:
    /// this error instead, which tells what is known of the refund.
    pub error: Option<Error>,
    pub report: RetryReport,
}

/// How a refund's status was learned: what `result.attempts`, `result.lookups` and
/// `result.reconciled` say in JavaScript.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RetryReport {
    /// Refund requests sent, the first included; every one carried the same refund number.
    pub attempts: u32,
    /// Refund queries sent to learn what became of it.
    pub lookups: u32,
    /// The result came from a lookup rather than from the refund's own answer.
    pub reconciled: bool,
}

/// One refund's retries. Call [`RefundRetry::start`], do what each [`Next`] says, and report every
/// answer with [`RefundRetry::refund_answered`] or [`RefundRetry::lookup_answered`]. The failures
/// reported must carry their [`Delivery`], as the library's sending calls set it.
#[derive(Clone, Debug)]
pub struct RefundRetry {
    gateway: &'static GatewayInfo,
    refund_id: String,
    lookup: Lookup,
    policy: RetryPolicy,
    report: RetryReport,
    /// Lookups of the current reconciliation.
    round: u32,
    /// Failures so far, which set the next wait.
    failures: u32,
    /// The first unknown outcome: what a final error about the refund is built from.
    unknown: Option<Error>,
}

impl RefundRetry {
    pub fn new(gateway: &'static GatewayInfo, input: &RefundInput, policy: RetryPolicy) -> Self {
        RefundRetry {
            gateway,
            refund_id: input.refund_id.clone(),
            lookup: Lookup::for_refund(gateway, input),
            policy,
            report: RetryReport::default(),
            round: 0,
            failures: 0,
            unknown: None,
        }
    }

    /// How this refund would be looked up.
    pub fn lookup(&self) -> &Lookup {
        &self.lookup
    }

    /// What was sent so far.
    pub fn report(&self) -> RetryReport {
        self.report
    }

    pub fn start(&mut self) -> Next {
        self.report.attempts = 1;
        Next::SendRefund { after_ms: 0 }
    }

    /// What the refund request came back with.
    pub fn refund_answered(&mut self, outcome: std::result::Result<RefundResult, &Error>) -> Next {
        let error = match outcome {
            Ok(result) => return self.settled(result, false),
            Err(error) => error,
        };
        match error.delivery {
            Some(Delivery::Unknown) => {
                self.unknown.get_or_insert_with(|| error.clone());
                self.failures += 1;
                self.round = 0;
                self.reconcile()
            }
            // A resend refused as a used number: an earlier send did land after all.
            Some(Delivery::Refused)
                if self.report.attempts > 1
                    && gateway_said(self.gateway, error, |g| g.refund_number_used_codes) =>
            {
                self.round = 0;
                self.reconcile()
            }
            _ => self.fail(None),
        }
    }

    /// What a lookup came back with.
    pub fn lookup_answered(
        &mut self,
        outcome: std::result::Result<Vec<RefundResult>, &Error>,
    ) -> Next {
        match outcome {
            Ok(results) => match self.ours(results) {
                Found::Ours(result) => self.settled(*result, true),
                Found::Absent => self.resend(),
                Found::Other => {
                    let other = Error::malformed("the lookup answered with another refund");
                    self.failures += 1;
                    self.reconcile_or(&other)
                }
            },
            Err(error) if gateway_said(self.gateway, error, |g| g.no_such_refund_codes) => {
                self.resend()
            }
            Err(error) if error.delivery == Some(Delivery::NotSent) => {
                let why = "the lookup could not be sent";
                self.fail(Some(self.unknown_outcome(why, Some(error))))
            }
            Err(error) => {
                self.failures += 1;
                self.reconcile_or(error)
            }
        }
    }

    fn settled(&self, result: RefundResult, reconciled: bool) -> Next {
        let report = RetryReport {
            reconciled,
            ..self.report
        };
        Next::Done(Box::new(Settled { result, report }))
    }

    fn fail(&self, error: Option<Error>) -> Next {
        Next::Fail(Failed {
            error,
            report: self.report,
        })
    }

    /// Our refund among a lookup's results: the one with our number. A lookup by our number may
    /// answer with a record that leaves the number out, which is ours by the question asked; one
    /// with another number proves nothing. A payment's list without ours says it has none.
    fn ours(&self, results: Vec<RefundResult>) -> Found {
        let by_number = matches!(self.lookup, Lookup::ByRefundId(_));
        let mut other = false;
        for result in results {
            match &result.refund_id {
                Some(id) if *id == self.refund_id => return Found::Ours(Box::new(result)),
                None if by_number => return Found::Ours(Box::new(result)),
                _ => other = true,
            }
        }
        if other && by_number {
            Found::Other
        } else {
            Found::Absent
        }
    }

    fn reconcile(&mut self) -> Next {
        match self.lookup.query().cloned() {
            None => {
                let why = format!(
                    "{} finds a refund only by its own refund id (gatewayRefundId), which the \
                     lost answer carried",
                    self.gateway.name
                );
                self.fail(Some(self.unknown_outcome(&why, None)))
            }
            Some(query) => self.look_up(query),
        }
    }

    fn look_up(&mut self, query: RefundQuery) -> Next {
        self.round += 1;
        self.report.lookups += 1;
        Next::Lookup {
            query,
            after_ms: self.policy.delay_ms(self.failures),
        }
    }

    fn reconcile_or(&mut self, lookup_failure: &Error) -> Next {
        match self.lookup.query().cloned() {
            Some(query) if self.round < self.policy.attempts => self.look_up(query),
            _ => {
                let why = format!("{} lookups did not settle it", self.round);
                self.fail(Some(self.unknown_outcome(&why, Some(lookup_failure))))
            }
        }
    }

    /// The gateway holds no refund under our number: send it again, or stop with the news that
    /// nothing was refunded.
    fn resend(&mut self) -> Next {
        if self.report.attempts < self.policy.attempts {
            self.report.attempts += 1;
            return Next::SendRefund {
                after_ms: self.policy.delay_ms(self.failures),
            };
        }
        let mut error = self.first_unknown();
        error.message = format!(
            "{} holds no refund {}: nothing was refunded after {} attempts ({}); sending it again \
             with the same refundId is safe",
            self.gateway.name, self.refund_id, self.report.attempts, error.message
        );
        // The gateway's answer says it did nothing with any of the requests.
        error.delivery = Some(Delivery::Refused);
        self.fail(Some(error))
    }

    fn first_unknown(&self) -> Error {
        self.unknown
            .clone()
            .unwrap_or_else(|| Error::transport("the refund's answer was lost"))
    }

    /// The refund's outcome stays unknown: the error says so, why, and how to find out, and keeps
    /// the first failure's code and status.
    fn unknown_outcome(&self, why: &str, last: Option<&Error>) -> Error {
        let mut error = self.first_unknown();
        let how = match &self.lookup {
            Lookup::Impossible => format!(
                "learn it from the refund's notification or the {} merchant portal",
                self.gateway.name
            ),
            Lookup::ByRefundId(_) => {
                "query it later by refundId, or wait for its notification".to_string()
            }
            Lookup::ByPayment(_) => {
                "query it later by originalTransactionId, or wait for its notification".to_string()
            }
        };
        let last = last
            .map(|e| format!(" ({})", e.message))
            .unwrap_or_default();
        error.message = format!(
            "the outcome of refund {} is unknown ({}); {why}{last}. It was not sent again: {how}, \
             and never send it under a new refund number",
            self.refund_id, error.message
        );
        error.delivery = Some(Delivery::Unknown);
        error
    }
}
