//! The unified model every gateway maps to and from: what a caller asks for (RefundInput,
//! RefundQuery) and what a gateway answers (RefundResult, RefundNotification).

use crate::json::{Object, ObjectWriter, ToJson, Value};
use crate::money::{Amount, Currency};
use crate::wire::{check_no_control_chars, longer_than_chars};
use crate::{Error, ErrorCode, Result};

/// Longest id, reason or URL the library accepts before any gateway's own (stricter) limit; it keeps
/// absurd inputs from travelling further than the first check.
const MAX_TEXT_LEN: usize = 2048;

/// A refund to make. `refund_id` is the merchant's refund number and the idempotency key: a retry
/// must reuse it.
#[derive(Clone, Debug, PartialEq)]
pub struct RefundInput {
    pub refund_id: String,
    pub original_order_id: Option<String>,
    pub original_transaction_id: Option<String>,
    /// The amount exactly as the caller wrote it, for gateways with their own digit rules.
    pub amount_text: String,
    /// The amount checked against the currency's ISO 4217 digits.
    pub amount: Amount,
    pub currency: Currency,
    pub reason: Option<String>,
    pub notify_url: Option<String>,
    /// Further gateway fields, passed through to the gateway module that knows them.
    pub extra: Object,
}

impl RefundInput {
    /// Reads a RefundInput from its JSON form (the JavaScript object). Unknown keys, wrong types and
    /// control characters are refused with the field named.
    pub fn from_json(value: &Value) -> Result<RefundInput> {
        let obj = as_object(value, "input", "the refund input")?;
        reject_unknown_keys(
            obj,
            &[
                "refundId",
                "originalOrderId",
                "originalTransactionId",
                "amount",
                "currency",
                "reason",
                "notifyUrl",
                "extra",
            ],
        )?;
        let refund_id = required_text(obj, "refundId")?;
        let original_order_id = optional_text(obj, "originalOrderId")?;
        let original_transaction_id = optional_text(obj, "originalTransactionId")?;
        let currency_text = match obj.get("currency") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::String(_)) | None | Some(Value::Null) => {
                return Err(Error::new(
                    ErrorCode::AmountInvalid,
                    "currency is required: an ISO 4217 code such as USD",
                )
                .with_field("currency"))
            }
            Some(_) => {
                return Err(Error::new(
                    ErrorCode::AmountInvalid,
                    "currency must be a string such as \"USD\"",
                )
                .with_field("currency"))
            }
        };
        let currency = Currency::from_code(&currency_text)?;
        let amount_text = match obj.get("amount") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(_)) => {
                return Err(Error::amount(
                    "amount must be a decimal string such as \"10.50\", not a number: \
                     JavaScript numbers cannot hold every amount exactly",
                ))
            }
            None | Some(Value::Null) => return Err(Error::amount("amount is required")),
            Some(_) => {
                return Err(Error::amount(
                    "amount must be a decimal string such as \"10.50\"",
                ))
            }
        };
        let amount = Amount::parse(&amount_text, currency)?;
        let extra = match obj.get("extra") {
            None | Some(Value::Null) => Object::new(),
            Some(Value::Object(map)) => map.clone(),
            Some(_) => return Err(Error::input("extra", "extra must be an object")),
        };
        Ok(RefundInput {
            refund_id,
            original_order_id,
            original_transaction_id,
            amount_text,
            amount,
            currency,
            reason: optional_text(obj, "reason")?,
            notify_url: optional_text(obj, "notifyUrl")?,
            extra,
        })
    }
}

/// Which refund to look up: by the merchant's refund number, the gateway's refund id, or the paid
/// order's gateway id (gateways that list refunds per payment).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefundQuery {
    pub refund_id: Option<String>,
    pub gateway_refund_id: Option<String>,
    pub original_transaction_id: Option<String>,
}

impl RefundQuery {
    pub fn from_json(value: &Value) -> Result<RefundQuery> {
        let obj = as_object(value, "query", "the refund query")?;
        reject_unknown_keys(
            obj,
            &["refundId", "gatewayRefundId", "originalTransactionId"],
        )?;
        let query = RefundQuery {
            refund_id: optional_text(obj, "refundId")?,
            gateway_refund_id: optional_text(obj, "gatewayRefundId")?,
            original_transaction_id: optional_text(obj, "originalTransactionId")?,
        };
        if query.refund_id.is_none()
            && query.gateway_refund_id.is_none()
            && query.original_transaction_id.is_none()
        {
            return Err(Error::input(
                "refundId",
                "a refund query needs one of refundId, gatewayRefundId or originalTransactionId",
            ));
        }
        Ok(query)
    }
}

/// Where a refund stands, in the same words for every gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefundStatus {
    Pending,
    Succeeded,
    Failed,
    Cancelled,
    /// A gateway word this library does not know; `gatewayStatus` keeps it.
    Unknown,
}

impl RefundStatus {
    /// The word the JavaScript face writes: `"pending"`, `"succeeded"`, `"failed"`,
    /// `"cancelled"` or `"unknown"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RefundStatus::Pending => "pending",
            RefundStatus::Succeeded => "succeeded",
            RefundStatus::Failed => "failed",
            RefundStatus::Cancelled => "cancelled",
            RefundStatus::Unknown => "unknown",
        }
    }
}

/// A refund as the gateway reported it. A refund the gateway reports as failed is a result with
/// status `failed`, not an error.
#[derive(Clone, Debug, PartialEq)]
pub struct RefundResult {
    pub gateway: &'static str,
    pub status: RefundStatus,
    pub gateway_status: String,
    pub refund_id: Option<String>,
    pub gateway_refund_id: Option<String>,
    pub original_order_id: Option<String>,
    pub original_transaction_id: Option<String>,
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub created_at: Option<String>,
    pub completed_at: Option<String>,
    pub failure_reason: Option<String>,
    /// Whether a gateway signature was checked (false only where the gateway does not sign).
    pub verified: bool,
    /// The gateway's business data as parsed.
    pub raw: Value,
}

impl RefundResult {
    /// A result with only the required parts set; gateway modules fill in the rest.
    pub fn new(
        gateway: &'static str,
        status: RefundStatus,
        gateway_status: impl Into<String>,
        verified: bool,
        raw: Value,
    ) -> RefundResult {
        RefundResult {
            gateway,
            status,
            gateway_status: gateway_status.into(),
            refund_id: None,
            gateway_refund_id: None,
            original_order_id: None,
            original_transaction_id: None,
            amount: None,
            currency: None,
            created_at: None,
            completed_at: None,
            failure_reason: None,
            verified,
            raw,
        }
    }
}

/// The result as the JavaScript face returns it: names in camelCase, absent fields left out.
impl ToJson for RefundResult {
    fn write_json(&self, out: &mut String) {
        let mut result = ObjectWriter::new(out);
        result.member("gateway", self.gateway);
        result.member("status", self.status.as_str());
        result.member("gatewayStatus", &self.gateway_status);
        result.optional("refundId", &self.refund_id);
        result.optional("gatewayRefundId", &self.gateway_refund_id);
        result.optional("originalOrderId", &self.original_order_id);
        result.optional("originalTransactionId", &self.original_transaction_id);
        result.optional("amount", &self.amount);
        result.optional("currency", &self.currency);
        result.optional("createdAt", &self.created_at);
        result.optional("completedAt", &self.completed_at);
        result.optional("failureReason", &self.failure_reason);
        result.member("verified", &self.verified);
        result.member("raw", &self.raw);
        result.finish();
    }
}

/// The exact HTTP reply a gateway expects once its notification has been handled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ack {
    pub status: u16,
    pub headers: std::collections::BTreeMap<String, String>,
    pub body: String,
}

impl Ack {
    pub fn json(body: &str) -> Ack {
        Ack::with_type("application/json", body)
    }

    pub fn text(body: &str) -> Ack {
        Ack::with_type("text/plain; charset=utf-8", body)
    }

    fn with_type(content_type: &str, body: &str) -> Ack {
        Ack {
            status: 200,
            headers: [("content-type".to_string(), content_type.to_string())].into(),
            body: body.to_string(),
        }
    }
}

/// `{ status, headers, body }`, the headers an object in name order.
impl ToJson for Ack {
    fn write_json(&self, out: &mut String) {
        let mut ack = ObjectWriter::new(out);
        ack.member("status", &self.status);
        ack.object("headers", |headers| {
            for (name, value) in &self.headers {
                headers.member(name, value);
            }
        });
        ack.member("body", &self.body);
        ack.finish();
    }
}

/// A verified notification: the refund it reports and the reply to send.
#[derive(Clone, Debug, PartialEq)]
pub struct RefundNotification {
    pub gateway: &'static str,
    pub event: Option<String>,
    pub refund: RefundResult,
    pub ack: Ack,
}

/// `{ gateway, event?, refund, ack }`, as the JavaScript face returns it.
impl ToJson for RefundNotification {
    fn write_json(&self, out: &mut String) {
        let mut notification = ObjectWriter::new(out);
        notification.member("gateway", self.gateway);
        notification.optional("event", &self.event);
        notification.member("refund", &self.refund);
        notification.member("ack", &self.ack);
        notification.finish();
    }
}

fn as_object<'a>(value: &'a Value, field: &str, what: &str) -> Result<&'a Object> {
    value
        .as_object()
        .ok_or_else(|| Error::input(field, format!("{what} must be an object")))
}

fn reject_unknown_keys(obj: &Object, known: &[&str]) -> Result<()> {
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        Some(key) => Err(Error::input(
            &crate::wire::printable_key(key),
            format!(
                "unknown field {}; expected one of {}",
                crate::wire::printable_key(key),
                known.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

fn required_text(obj: &Object, field: &str) -> Result<String> {
    optional_text(obj, field)?.ok_or_else(|| Error::input(field, format!("{field} is required")))
}

/// A string field: absent, null and "" all mean absent. Other types, control characters and
/// absurd lengths are refused.
fn optional_text(obj: &Object, field: &str) -> Result<Option<String>> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => {
            if longer_than_chars(s, MAX_TEXT_LEN) {
                return Err(Error::input(
                    field,
                    format!("{field} is longer than {MAX_TEXT_LEN} characters"),
                ));
            }
            check_no_control_chars(field, s)?;
            Ok(Some(s.clone()))
        }
        Some(other) => Err(Error::input(
            field,
            format!(
                "{field} must be a string, not {}",
                crate::wire::json_type_name(other)
            ),
        )),
    }
}
