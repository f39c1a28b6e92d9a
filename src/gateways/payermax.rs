//! PayerMax: refund, refund query, their responses and the refund notification.
//!
//! Every request is one compact JSON envelope (`version`, `keyVersion`, `requestTime`, `appId`,
//! `merchantNo`, `data`, in that order) signed whole with RSASSA-PKCS1-v1_5 / SHA-256; the signature
//! travels in the `sign` header. PayerMax canonicalizes nothing: it verifies the bytes it receives, so
//! the body is serialized once and those very bytes are signed and sent. The same holds the other
//! way: responses and notifications are verified over the raw bytes that arrived.

use crate::config::Config;
use crate::crypto::{HashAlg, Verifier};
use crate::gateway::{
    endpoint, Draft, Gateway, GatewayInfo, Method, Preset, QueryId, RawResponse, Setting,
    SignaturePlace,
};
use crate::json::{Number, Object, ObjectWriter, Value};
use crate::money::{received_currency, received_decimal, Amount, Currency, Decimal, NumberForm};
use crate::refund::{
    Ack, RefundInput, RefundNotification, RefundQuery, RefundResult, RefundStatus,
};
use crate::time::UtcTime;
use crate::wire::{
    check_config_max_chars, check_max_chars, check_url, field_text, json_number,
    names_someone_else, non_empty_text, parse_json_object, printable_key, signature_from_base64,
    unreadable_response,
};
use crate::{Error, Result};

const ID: &str = "payermax";
/// The name used in messages.
const NAME: &str = "PayerMax";

const PRESETS: &[Preset] = &[
    Preset {
        name: "sandbox",
        base_url: "https://pay-gate-uat.payermax.com",
    },
    Preset {
        name: "production",
        base_url: "https://pay-gate.payermax.com",
    },
];

const REFUND_PATH: &str = "/aggregate-pay/api/gateway/refund";
const QUERY_PATH: &str = "/aggregate-pay/api/gateway/refundQuery";

pub(crate) static INFO: GatewayInfo = GatewayInfo {
    id: ID,
    name: NAME,
    presets: PRESETS,
    settings: &[
        Setting::text("appId", "App id"),
        Setting::text("merchantNo", "Merchant number"),
    ],
    paths: &[REFUND_PATH, QUERY_PATH],
    query_by: &[QueryId::RefundId, QueryId::GatewayRefundId],
    no_such_refund_codes: &["ORDER_NOT_EXIST"],
    refund_number_used_codes: &["REFUND_NO_INVALID"],
    notification_window_ms: None,
    signatures: "requests, accepted responses and notifications: RSA-SHA256 over the exact body, \
                 in the sign header; refusals are unsigned",
};

/// The API version the current refund and refundQuery pages name.
const API_VERSION: &str = "1.5";
const KEY_VERSION: &str = "1";
const SIGN_HEADER: &str = "sign";

/// The only code that means the request was accepted (not that the refund succeeded).
const SUCCESS_CODE: &str = "APPLY_SUCCESS";
const REFUND_NOTIFY_TYPE: &str = "REFUND";
/// Anything but this reply makes PayerMax send the notification again.
const NOTIFICATION_ACK: &str = r#"{"code":"SUCCESS","msg":"Success"}"#;

// Length limits from PayerMax's field tables, in characters.
const MAX_APP_ID: usize = 64;
const MAX_MERCHANT_NO: usize = 32;
const MAX_ID: usize = 64;
const MAX_COMMENTS: usize = 512;
const MAX_NOTIFY_URL: usize = 256;

/// A configured PayerMax merchant app.
struct PayerMax {
    base_url: String,
    app_id: String,
    merchant_no: String,
}

pub(crate) fn from_config(config: &mut Config) -> Result<Box<dyn Gateway>> {
    let app_id = config.required("appId")?;
    check_config_max_chars("appId", &app_id, MAX_APP_ID)?;
    let merchant_no = config.required("merchantNo")?;
    check_config_max_chars("merchantNo", &merchant_no, MAX_MERCHANT_NO)?;
    let base_url = config.base_url(PRESETS)?;
    Ok(Box::new(PayerMax {
        base_url,
        app_id,
        merchant_no,
    }))
}

impl Gateway for PayerMax {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    fn draft_refund(&self, input: &RefundInput, now_ms: u64) -> Result<Draft> {
        let amount = check_refund(input)?;
        Ok(self.draft(REFUND_PATH, now_ms, |data| {
            write_refund_data(data, input, &amount)
        }))
    }

    fn draft_refund_query(&self, query: &RefundQuery, now_ms: u64) -> Result<Draft> {
        let (key, id) = query_id(query)?;
        Ok(self.draft(QUERY_PATH, now_ms, |data| {
            data.member(key, id);
        }))
    }

    fn parse_refund_response(
        &self,
        response: &RawResponse,
        verifier: &dyn Verifier,
    ) -> Result<RefundResult> {
        let body = self.accepted_response(response, verifier)?;
        refund_result(data_object(&body, "PayerMax response")?, &body)
    }

    fn parse_refund_query_response(
        &self,
        response: &RawResponse,
        verifier: &dyn Verifier,
    ) -> Result<Vec<RefundResult>> {
        let body = self.accepted_response(response, verifier)?;
        Ok(vec![refund_result(
            data_object(&body, "PayerMax response")?,
            &body,
        )?])
    }

    /// PayerMax resends for hours and does not say whether `notifyTime` is renewed on each attempt,
    /// so no freshness window is applied; `outRefundNo` makes handling idempotent.
    fn verify_notification(
        &self,
        request: &RawResponse,
        _now_ms: u64,
        verifier: &dyn Verifier,
    ) -> Result<RefundNotification> {
        let what = "PayerMax notification";
        self.verify_signature(request, what, verifier)?;
        let body = parse_json_object(&request.body, what)?;
        let event = non_empty_text(&body, "notifyType");
        check_is_refund_notification(event.as_deref())?;
        require_merchant_no(&body)?;
        self.check_addressed_to_us(&body, what)?;
        let mut refund = refund_result(data_object(&body, what)?, &body)?;
        // A failed refund's reason comes in the envelope (code PAYMENT_FAILED, ...), not in data.
        let code = non_empty_text(&body, "code").unwrap_or_default();
        if refund.failure_reason.is_none() && !code.is_empty() && code != SUCCESS_CODE {
            let message = non_empty_text(&body, "msg").unwrap_or_default();
            refund.failure_reason = Some(format!("{code} {message}").trim_end().to_string());
        }
        Ok(RefundNotification {
            gateway: ID,
            event,
            refund,
            ack: Ack::json(NOTIFICATION_ACK),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Building

/// Fraction digits PayerMax accepts for a currency. Its rules are stricter than ISO 4217 in two
/// places: some currencies are whole-only, and the three-digit dinars and rials take at most two.
pub fn payermax_digits(currency: Currency) -> u32 {
    match currency.code {
        "IDR" | "TWD" | "PKR" | "COP" => 0,
        "BHD" | "KWD" | "IQD" | "JOD" | "TND" | "LYD" | "OMR" => currency.exponent.min(2),
        _ => currency.exponent.min(4),
    }
}

/// `refundAmount` as PayerMax wants it: a JSON number in major units with the currency's PayerMax
/// digits, written from the caller's exact decimal text.
fn refund_amount(input: &RefundInput) -> Result<Number> {
    let digits = payermax_digits(input.currency);
    let amount = Amount::parse_with_digits(&input.amount_text, input.currency, digits)?;
    let text = amount
        .as_decimal()
        .rescale(digits)
        .map(Decimal::to_text)
        .ok_or_else(|| Error::amount("amount could not be written with PayerMax's digits"))?;
    json_number(&text)
}

/// An id field: at most 64 characters, as every PayerMax order and refund number.
fn check_id(field: &str, value: &str) -> Result<()> {
    check_max_chars(field, value, MAX_ID)
}

/// Checks every field of the refund `data`, in the order of PayerMax's field table, and returns
/// the amount as it is written.
fn check_refund(input: &RefundInput) -> Result<Number> {
    if let Some(key) = input.extra.keys().next() {
        return Err(Error::input(
            "extra",
            format!(
                "PayerMax takes no extra refund fields; got {}",
                printable_key(key)
            ),
        ));
    }
    if input.original_order_id.is_none() && input.original_transaction_id.is_none() {
        return Err(Error::input(
            "originalOrderId",
            "PayerMax needs the paid order: originalOrderId (outTradeNo) or \
             originalTransactionId (tradeToken)",
        ));
    }
    check_id("refundId", &input.refund_id)?;
    let amount = refund_amount(input)?;
    if let Some(order) = &input.original_order_id {
        check_id("originalOrderId", order)?;
    }
    if let Some(token) = &input.original_transaction_id {
        check_id("originalTransactionId", token)?;
    }
    if let Some(reason) = &input.reason {
        check_max_chars("reason", reason, MAX_COMMENTS)?;
    }
    if let Some(url) = &input.notify_url {
        check_url("notifyUrl", url)?;
        check_max_chars("notifyUrl", url, MAX_NOTIFY_URL)?;
    }
    Ok(amount)
}

/// PayerMax's refund `data`, keys in the order of its field table.
fn write_refund_data(data: &mut ObjectWriter<'_>, input: &RefundInput, amount: &Number) {
    data.member("outRefundNo", &input.refund_id)
        .member("refundAmount", amount)
        .member("refundCurrency", input.currency.code)
        .optional("outTradeNo", &input.original_order_id)
        .optional("tradeToken", &input.original_transaction_id)
        .optional("comments", &input.reason)
        .optional("refundNotifyUrl", &input.notify_url);
}

/// The one member of PayerMax's refund query `data`: the merchant's refund number or PayerMax's.
fn query_id(query: &RefundQuery) -> Result<(&'static str, &str)> {
    let (key, field, id) = match (&query.refund_id, &query.gateway_refund_id) {
        (Some(_), Some(_)) => {
            return Err(Error::input(
                "gatewayRefundId",
                "PayerMax looks a refund up by refundId or by gatewayRefundId, not both",
            ))
        }
        (Some(id), None) => ("outRefundNo", "refundId", id),
        (None, Some(id)) => ("refundTradeNo", "gatewayRefundId", id),
        (None, None) => {
            return Err(Error::input(
                "originalTransactionId",
                "PayerMax cannot list refunds by payment: give refundId or gatewayRefundId",
            ))
        }
    };
    check_id(field, id)?;
    Ok((key, id))
}

impl PayerMax {
    /// The request body, written once: these bytes are signed and these bytes are sent.
    fn envelope(&self, now_ms: u64, data: impl FnOnce(&mut ObjectWriter<'_>)) -> String {
        let request_time = UtcTime::from_epoch_ms(now_ms).rfc3339_millis_offset();
        let mut body = String::new();
        let mut envelope = ObjectWriter::new(&mut body);
        envelope
            .member("version", API_VERSION)
            .member("keyVersion", KEY_VERSION)
            .member("requestTime", &request_time)
            .member("appId", &self.app_id)
            .member("merchantNo", &self.merchant_no)
            .object("data", data);
        envelope.finish();
        body
    }

    /// The body is what is signed, whole; the signature goes in the `sign` header.
    fn draft(&self, path: &str, now_ms: u64, data: impl FnOnce(&mut ObjectWriter<'_>)) -> Draft {
        let body = self.envelope(now_ms, data);
        Draft {
            url: endpoint(&self.base_url, path),
            method: Method::Post,
            headers: vec![("Content-Type".to_string(), "application/json".to_string())],
            message: body.clone().into_bytes(),
            body,
            hash: HashAlg::Sha256,
            signature_place: SignaturePlace::Header {
                name: SIGN_HEADER.to_string(),
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What is verified

impl PayerMax {
    /// The `sign` header must hold over exactly the bytes received.
    fn verify_signature(
        &self,
        message: &RawResponse,
        what: &str,
        verifier: &dyn Verifier,
    ) -> Result<()> {
        let sign = message
            .header(SIGN_HEADER)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::signature_missing(format!("the {what} has no `sign` header")))?;
        verifier.verify(
            &message.body,
            &signature_from_base64(sign)?,
            HashAlg::Sha256,
        )
    }

    /// Every merchant or app a signed body names must be this client's: PayerMax signs every
    /// merchant's messages with the same key, so a valid signature alone does not make one ours.
    /// PayerMax documents its refund and refundQuery responses as `{code, msg, data}` without
    /// `merchantNo` or `appId`, so a response naming no one is accepted (it answers a request this
    /// client signed); one that names another merchant or app is refused. `merchantAppId` is the
    /// v1.0 name of `appId`.
    fn check_addressed_to_us(&self, body: &Object, what: &str) -> Result<()> {
        for (key, credential, ours) in [
            ("merchantNo", "merchantNo", &self.merchant_no),
            ("appId", "appId", &self.app_id),
            ("merchantAppId", "appId", &self.app_id),
        ] {
            if names_someone_else(body, key, ours) {
                return Err(Error::merchant_mismatch(
                    credential,
                    format!(
                        "the {what} is signed by PayerMax but its {key} is not this client's \
                         {credential}; PayerMax signs every merchant's messages with one key, so \
                         it is refused: check that the config's {credential} is the one of this \
                         PayerMax account"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A notification must name its merchant: `merchantNo` is required in notifications
/// (RefundResultNotifyUrl field table), so one without it is malformed and cannot be shown to be
/// for this merchant. `appId` is optional there and checked where present.
fn require_merchant_no(body: &Object) -> Result<()> {
    if non_empty_text(body, "merchantNo").is_none() {
        return Err(Error::malformed(
            "the PayerMax notification has no merchantNo, so it cannot be shown to be for \
             this merchant",
        ));
    }
    Ok(())
}

/// PayerMax posts every kind of notification to the URLs a merchant gives; only `REFUND` is a
/// refund's.
fn check_is_refund_notification(event: Option<&str>) -> Result<()> {
    if event != Some(REFUND_NOTIFY_TYPE) {
        return Err(Error::malformed(
            "the PayerMax notification is not a refund notification (notifyType REFUND)",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Parsing and mapping

impl PayerMax {
    /// The accepted response's parsed body, after its signature has been checked. A refusal is
    /// `GATEWAY_ERROR` whether or not it is signed: PayerMax signs only accepted responses, and a
    /// refusal changes no state.
    fn accepted_response(&self, response: &RawResponse, verifier: &dyn Verifier) -> Result<Object> {
        let what = "PayerMax response";
        let body = parse_json_object(&response.body, what)
            .map_err(|e| unreadable_response(e, response.status, NAME))?;
        let code = non_empty_text(&body, "code")
            .ok_or_else(|| Error::malformed("the PayerMax response has no code"))?;
        if code != SUCCESS_CODE {
            let message = field_text(&body, "msg").unwrap_or_default();
            return Err(Error::gateway(NAME, code, message));
        }
        if let Some(status) = response.status.filter(|s| !(200..300).contains(s)) {
            return Err(Error::malformed(format!(
                "PayerMax answered HTTP {status} with a success code"
            )));
        }
        self.verify_signature(response, what, verifier)?;
        self.check_addressed_to_us(&body, what)?;
        Ok(body)
    }
}

/// The `data` object of a verified body.
fn data_object<'a>(body: &'a Object, what: &str) -> Result<&'a Object> {
    match body.get("data") {
        Some(Value::Object(data)) => Ok(data),
        _ => Err(Error::malformed(format!("the {what} has no data object"))),
    }
}

/// PayerMax's refund status words, matched exactly: its documentation and SDKs write them in
/// upper case, so another spelling is not one of them. Anything else is `unknown`, with the word
/// kept as `gatewayStatus`.
fn refund_status(word: &str) -> RefundStatus {
    match word {
        "REFUND_SUCCESS" => RefundStatus::Succeeded,
        "REFUND_PENDING" => RefundStatus::Pending,
        "REFUND_FAILED" => RefundStatus::Failed,
        _ => RefundStatus::Unknown,
    }
}

/// Maps PayerMax's refund `data` to a RefundResult; `raw` is the whole parsed body.
fn refund_result(data: &Object, raw: &Object) -> Result<RefundResult> {
    let gateway_status = non_empty_text(data, "status").unwrap_or_default();
    let currency = non_empty_text(data, "refundCurrency");
    let mut result = RefundResult::new(
        ID,
        refund_status(&gateway_status),
        gateway_status,
        true,
        Value::Object(raw.clone()),
    );
    result.amount = received_amount(data, currency.as_deref())?;
    result.currency = currency;
    result.refund_id = non_empty_text(data, "outRefundNo");
    result.gateway_refund_id = non_empty_text(data, "refundTradeNo");
    result.original_order_id = non_empty_text(data, "outTradeNo");
    result.original_transaction_id = non_empty_text(data, "tradeOrderNo");
    result.completed_at = non_empty_text(data, "refundFinishTime");
    result.failure_reason = non_empty_text(data, "resultMsg");
    Ok(result)
}

/// A received `refundAmount` with PayerMax's digits for the currency, read exactly. A JSON number
/// may carry an exponent (`1E+3`: PayerMax's Java side writes BigDecimal, and its SDKs read one
/// back); a string must be a plain decimal, as every sample and SDK writes one. A value with more
/// digits than the currency has keeps them all: it is never rounded, so reconciliation sees what
/// PayerMax reported. Anything else is refused rather than guessed at.
fn received_amount(data: &Object, currency: Option<&str>) -> Result<Option<String>> {
    let digits = received_currency(currency).map(payermax_digits);
    let amount = received_decimal(data, "refundAmount", NAME, NumberForm::WithExponent)?;
    Ok(amount.map(|amount| match digits {
        Some(digits) => amount.with_received_digits(digits),
        // Without a known currency there are no digits to pad to: the exact value, shortest.
        None => amount.to_shortest_text(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn currency(code: &str) -> Currency {
        Currency::from_code(code).unwrap()
    }

    #[test]
    fn digits_follow_payermax_not_iso_where_they_differ() {
        for (code, digits) in [
            ("USD", 2),
            ("JPY", 0),
            ("IDR", 0),
            ("TWD", 0),
            ("PKR", 0),
            ("COP", 0),
            ("KWD", 2),
            ("BHD", 2),
            ("OMR", 2),
            ("JOD", 2),
            ("IQD", 2),
            ("TND", 2),
            ("LYD", 2),
            ("THB", 2),
        ] {
            assert_eq!(payermax_digits(currency(code)), digits, "{code}");
        }
    }

    #[test]
    fn status_words_match_exactly_with_unknown_as_default() {
        assert_eq!(refund_status("REFUND_SUCCESS"), RefundStatus::Succeeded);
        assert_eq!(refund_status("REFUND_PENDING"), RefundStatus::Pending);
        assert_eq!(refund_status("REFUND_FAILED"), RefundStatus::Failed);
        assert_eq!(refund_status("REFUND_PENDING\t"), RefundStatus::Unknown);
        assert_eq!(refund_status("refund_success"), RefundStatus::Unknown);
        assert_eq!(refund_status(""), RefundStatus::Unknown);
    }

    #[test]
    fn received_amounts_use_payermax_digits_exactly() {
        let data = |v: Value| {
            let mut o = Object::new();
            o.insert("refundAmount".into(), v);
            o
        };
        let number = |t: &str| Value::Number(json_number(t).unwrap());
        let cases = [
            (number("10000"), "IDR", "10000"),
            (Value::String("10000".into()), "IDR", "10000"),
            (number("10000.00"), "IDR", "10000"),
            (number("4.9"), "USD", "4.90"),
            (Value::String("4.99".into()), "USD", "4.99"),
            (number("1.2"), "KWD", "1.20"),
            // Never rounded: a value beyond the digits stays exactly what was sent.
            (number("1.234"), "KWD", "1.234"),
            (
                number("0.1000000000000000055"),
                "USD",
                "0.1000000000000000055",
            ),
        ];
        for (value, code, expected) in cases {
            assert_eq!(
                received_amount(&data(value.clone()), Some(code))
                    .unwrap()
                    .as_deref(),
                Some(expected),
                "{value} {code}"
            );
        }
        assert_eq!(
            received_amount(&data(number("12.50")), Some("XYZ"))
                .unwrap()
                .as_deref(),
            Some("12.5")
        );
        assert_eq!(
            received_amount(&data(number("1e3")), Some("IDR"))
                .unwrap()
                .as_deref(),
            Some("1000")
        );
        for bad in [
            number("-1"),
            number("1e999999999"),
            Value::String("1e3".into()),
            Value::String("ten".into()),
            Value::Bool(true),
            Value::Array(vec![number("1")]),
            Value::Object(data(number("1"))),
        ] {
            let e = received_amount(&data(bad.clone()), Some("USD")).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::ResponseMalformed, "{bad}");
        }
        assert_eq!(received_amount(&Object::new(), Some("USD")).unwrap(), None);
    }
}
