//! BluePay (Thailand), the PayCools Open API.
//!
//! Every request is `{"appId","param","sign"}`: `param` is the business JSON as a string and `sign` is
//! RSASSA-PKCS1-v1_5 / SHA-256 over the UTF-8 bytes of that string, exactly as sent. BluePay signs
//! its notifications the same way (`{"param","sign"}`) with its own key; its synchronous responses are
//! not signed, so results parsed from them carry `verified: false`.
//!
//! BluePay signs every merchant's notifications with its one platform key, so a notification is
//! believed only where nothing in it names another app (`check_addressed_to_us`).
//!
//! Amounts travel as integers in minor units (satang for THB). BluePay takes no currency field: the
//! merchant account has one currency, which the config names (`THB` unless told otherwise).

use crate::config::Config;
use crate::crypto::{HashAlg, Verifier};
use crate::gateway::{endpoint, Draft, Gateway, GatewayInfo, QueryId, RawResponse, Setting};
use crate::json::{push_decimal_u128, Number, Object, ObjectWriter, Value};
use crate::money::{received_decimal, Currency, NumberForm};
use crate::refund::{
    Ack, RefundInput, RefundNotification, RefundQuery, RefundResult, RefundStatus,
};
use crate::wire::{
    check_max_chars, check_url, is_id_token, json_number, json_type_name, names_someone_else,
    non_empty_text, parse_json_object, printable_key, signature_from_base64, signature_member,
    unreadable_response,
};
use crate::{Error, Result};

const ID: &str = "bluepay";
/// The name used in messages, as BluePay writes it.
const NAME: &str = "BluePay";

// BluePay issues each merchant its own host, so it has no presets.

const REFUND_PATH: &str = "/open-api/payment/refund";
/// 5.2 Get Refund Payments: BluePay's refund query.
const QUERY_PATH: &str = "/open-api/refund/payments";

pub(crate) static INFO: GatewayInfo = GatewayInfo {
    id: ID,
    name: NAME,
    presets: &[],
    settings: &[
        Setting::text("appId", "App id"),
        Setting {
            required: false,
            default: Some("THB"),
            ..Setting::text("currency", "Account currency")
        },
        Setting::choice(
            "timestampUnit",
            "Timestamp unit",
            &["seconds", "milliseconds"],
        ),
    ],
    paths: &[REFUND_PATH, QUERY_PATH],
    query_by: &[QueryId::GatewayRefundId, QueryId::OriginalTransactionId],
    no_such_refund_codes: &["21006"],
    refund_number_used_codes: &["21407"],
    notification_window_ms: None,
    signatures: "requests and notifications: RSA-SHA256 over the param string; responses are \
                 not signed",
};

/// The `code` of every successful response.
const SUCCESS_CODE: &str = "10000";
/// The reply BluePay expects once a notification has been handled (fixed values in its docs).
const NOTIFICATION_ACK: &str = r#"{"code":10000,"message":"Success"}"#;

/// BluePay's documented limits, in characters.
const MAX_ID_CHARS: usize = 32;
const MAX_REASON_CHARS: usize = 200;
const MAX_CALLBACK_URL_CHARS: usize = 256;

/// The keys this module writes into a refund `param`; `extra` may not replace them.
const REFUND_PARAM_KEYS: &[&str] = &[
    "originalTransactionId",
    "mchRefundOrderId",
    "refundAmount",
    "refundReason",
    "refundCallbackUrl",
    "timestamp",
];

struct BluePay {
    app_id: String,
    base_url: String,
    /// The merchant account's currency: every amount sent and received is in it.
    currency: Currency,
    timestamp_unit: TimestampUnit,
}

pub(crate) fn from_config(config: &mut Config) -> Result<Box<dyn Gateway>> {
    let app_id = issued_app_id(config)?;
    let base_url = issued_base_url(config)?;
    let currency = configured_currency(config)?;
    let timestamp_unit = TimestampUnit::from_config(config)?;
    Ok(Box::new(BluePay {
        app_id,
        base_url,
        currency,
        timestamp_unit,
    }))
}

/// `appId` as BluePay issues it (32 hex digits in its examples): letters, digits, `_` and `-`, at most
/// 64, so a pasted key or a stray line never travels in every signed body.
fn issued_app_id(config: &mut Config) -> Result<String> {
    let app_id = config.required("appId")?;
    if app_id.len() > 64 || !is_id_token(&app_id) {
        return Err(Error::config_field(
            "appId",
            "appId must be the id BluePay issued: at most 64 letters, digits, '_' or '-'",
        ));
    }
    Ok(app_id)
}

/// `baseUrl`, always: BluePay issues each merchant its own host and has no public presets.
fn issued_base_url(config: &mut Config) -> Result<String> {
    if config.optional("environment")?.is_some() && config.optional("baseUrl")?.is_none() {
        return Err(Error::config_field(
            "baseUrl",
            "BluePay has no environment presets: set baseUrl to the host BluePay issued to you",
        ));
    }
    config.base_url(&[])
}

/// `currency`, THB by default. An unknown code is a config error here, not an amount error: no
/// amount is involved yet.
fn configured_currency(config: &mut Config) -> Result<Currency> {
    let code = config
        .optional("currency")?
        .unwrap_or_else(|| "THB".to_string());
    Currency::from_code(&code).map_err(|_| {
        Error::config_field(
            "currency",
            "currency must be the ISO 4217 code of the BluePay account, such as THB",
        )
    })
}

/// The unit of `param.timestamp`. BluePay's refund examples use seconds, other pages milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TimestampUnit {
    Seconds,
    Milliseconds,
}

impl TimestampUnit {
    fn from_config(config: &mut Config) -> Result<TimestampUnit> {
        match config.choice("timestampUnit", &["seconds", "milliseconds"])? {
            "milliseconds" => Ok(TimestampUnit::Milliseconds),
            _ => Ok(TimestampUnit::Seconds),
        }
    }

    fn stamp(self, now_ms: u64) -> u64 {
        match self {
            TimestampUnit::Seconds => now_ms / 1000,
            TimestampUnit::Milliseconds => now_ms,
        }
    }
}

impl Gateway for BluePay {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    fn draft_refund(&self, input: &RefundInput, now_ms: u64) -> Result<Draft> {
        let param = self.refund_param(input, now_ms)?;
        Ok(self.draft(REFUND_PATH, param))
    }

    fn draft_refund_query(&self, query: &RefundQuery, now_ms: u64) -> Result<Draft> {
        let param = self.query_param(query, now_ms)?;
        Ok(self.draft(QUERY_PATH, param))
    }

    /// BluePay does not sign its responses: nothing is verified, and the result says so.
    fn parse_refund_response(
        &self,
        response: &RawResponse,
        _verifier: &dyn Verifier,
    ) -> Result<RefundResult> {
        match self.accepted_response(response)? {
            Value::Object(data) => self.refund_result(data, false),
            other => Err(Error::malformed(format!(
                "the BluePay refund response's data is {}, not an object",
                json_type_name(&other)
            ))),
        }
    }

    fn parse_refund_query_response(
        &self,
        response: &RawResponse,
        _verifier: &dyn Verifier,
    ) -> Result<Vec<RefundResult>> {
        let list = match self.accepted_response(response)? {
            Value::Array(list) => list,
            // A Java server writes an empty list as null as readily as [].
            Value::Null => Vec::new(),
            other => {
                return Err(Error::malformed(format!(
                    "the BluePay refund payments data is {}, not a list",
                    json_type_name(&other)
                )))
            }
        };
        list.into_iter()
            .map(|element| match element {
                Value::Object(data) => self.refund_result(data, false),
                other => Err(Error::malformed(format!(
                    "a BluePay refund payments entry is {}, not an object",
                    json_type_name(&other)
                ))),
            })
            .collect()
    }

    fn verify_notification(
        &self,
        request: &RawResponse,
        _now_ms: u64,
        verifier: &dyn Verifier,
    ) -> Result<RefundNotification> {
        let envelope = parse_json_object(&request.body, "BluePay notification body")?;
        let param = verify_signature(&envelope, verifier)?;
        let data = parse_json_object(param.as_bytes(), "BluePay notification param")?;
        self.check_addressed_to_us(&envelope, "BluePay notification's unsigned envelope")?;
        let event = non_empty_text(&data, "eventName");
        Ok(RefundNotification {
            gateway: ID,
            event,
            refund: self.refund_result(data, true)?,
            ack: Ack::json(NOTIFICATION_ACK),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Building

impl BluePay {
    /// The 5.1 Refund `param`, with its keys in the order of BluePay's example.
    fn refund_param(&self, input: &RefundInput, now_ms: u64) -> Result<String> {
        let original_transaction_id = required_original_transaction_id(input)?;
        check_refund_order_id(&input.refund_id)?;
        let amount = self.refund_amount(input)?;
        let callback_url = required_callback_url(input)?;
        if let Some(reason) = &input.reason {
            check_max_chars("reason", reason, MAX_REASON_CHARS)?;
        }
        check_extra_fields(&input.extra)?;

        let mut param = String::new();
        let mut fields = ObjectWriter::new(&mut param);
        fields
            .member("originalTransactionId", &original_transaction_id)
            .member("mchRefundOrderId", &input.refund_id)
            .member("refundAmount", &amount)
            .optional("refundReason", &input.reason)
            .member("refundCallbackUrl", &callback_url);
        for (key, value) in &input.extra {
            fields.member(key, value);
        }
        fields.member("timestamp", &self.timestamp_unit.stamp(now_ms));
        fields.finish();
        Ok(param)
    }

    /// The amount in minor units as an exact JSON integer, in the account's currency only.
    fn refund_amount(&self, input: &RefundInput) -> Result<Number> {
        if input.currency.code != self.currency.code {
            return Err(Error::input(
                "currency",
                format!(
                    "this BluePay account refunds in {}; BluePay takes no currency per refund, \
                     so a {} amount cannot be sent",
                    self.currency.code, input.currency.code
                ),
            ));
        }
        let minor = input.amount.minor_units();
        // BluePay types refundAmount as a Java long.
        if minor > i64::MAX as u128 {
            return Err(Error::amount("amount is too large for BluePay"));
        }
        let mut digits = String::new();
        push_decimal_u128(&mut digits, minor, 1);
        json_number(&digits)
    }

    /// The 5.2 Get Refund Payments `param`: one BluePay id and the timestamp.
    fn query_param(&self, query: &RefundQuery, now_ms: u64) -> Result<String> {
        let (key, field, id) = query_lookup(query)?;
        check_gateway_id(field, id)?;
        let mut param = String::new();
        let mut fields = ObjectWriter::new(&mut param);
        fields
            .member(key, id)
            .member("timestamp", &self.timestamp_unit.stamp(now_ms));
        fields.finish();
        Ok(param)
    }

    /// Wraps a `param` string into the signed `{"appId","param","sign"}` request. The signature is
    /// computed over the very string that goes into the body.
    fn draft(&self, path: &str, param: String) -> Draft {
        let mut body = String::new();
        let mut request = ObjectWriter::new(&mut body);
        request
            .member("appId", &self.app_id)
            .member("param", &param);
        let offset = request.empty_string_slot("sign");
        request.finish();
        Draft::with_json_body(
            endpoint(&self.base_url, path),
            vec![("Content-Type".into(), "application/json".into())],
            body,
            offset,
            param.into_bytes(),
            HashAlg::Sha256,
        )
    }
}

/// BluePay refunds against its own id of the paid transaction; the merchant's order number will not do.
fn required_original_transaction_id(input: &RefundInput) -> Result<String> {
    let id = input.original_transaction_id.clone().ok_or_else(|| {
        Error::input(
            "originalTransactionId",
            "originalTransactionId is required: BluePay refunds by its own transaction id of \
             the payment (originalOrderId is not enough)",
        )
    })?;
    check_gateway_id("originalTransactionId", &id)?;
    Ok(id)
}

/// BluePay delivers the refund outcome only to the callback URL given with the refund.
fn required_callback_url(input: &RefundInput) -> Result<String> {
    let url = input.notify_url.clone().ok_or_else(|| {
        Error::input(
            "notifyUrl",
            "notifyUrl is required: BluePay needs refundCallbackUrl for every refund",
        )
    })?;
    check_url("notifyUrl", &url)?;
    check_max_chars("notifyUrl", &url, MAX_CALLBACK_URL_CHARS)?;
    Ok(url)
}

/// `mchRefundOrderId`: 1 to 32 ASCII letters and digits.
fn check_refund_order_id(refund_id: &str) -> Result<()> {
    let valid = !refund_id.is_empty()
        && refund_id.len() <= MAX_ID_CHARS
        && refund_id.chars().all(|c| c.is_ascii_alphanumeric());
    if valid {
        Ok(())
    } else {
        Err(Error::input(
            "refundId",
            format!("refundId must be 1 to {MAX_ID_CHARS} letters and digits for BluePay"),
        ))
    }
}

/// BluePay's ids are 1 to 32 characters.
fn check_gateway_id(field: &str, id: &str) -> Result<()> {
    check_max_chars(field, id, MAX_ID_CHARS)
}

/// Further `param` fields come from `input.extra`, placed before `timestamp`. They may not replace
/// a field this module writes: the amount and ids that are signed must be the ones checked above.
fn check_extra_fields(extra: &Object) -> Result<()> {
    for key in extra.keys() {
        if REFUND_PARAM_KEYS.contains(&key.as_str()) {
            return Err(Error::input(
                &format!("extra.{key}"),
                format!("extra.{key} is set from the refund input itself and cannot be overridden"),
            ));
        }
        if key.is_empty() || printable_key(key) != *key {
            return Err(Error::input(
                "extra",
                "extra keys must be short printable names",
            ));
        }
    }
    Ok(())
}

/// Which id a 5.2 query sends: (param key, input field, value). BluePay looks refunds up by its own
/// ids only; when both are given, the more precise refund id is used.
fn query_lookup(query: &RefundQuery) -> Result<(&'static str, &'static str, &str)> {
    if let Some(id) = &query.gateway_refund_id {
        return Ok(("refundTransactionId", "gatewayRefundId", id));
    }
    if let Some(id) = &query.original_transaction_id {
        return Ok(("originalTransactionId", "originalTransactionId", id));
    }
    Err(Error::input(
        "refundId",
        "BluePay cannot look up a refund by the merchant's refund number (refundId); query by \
         gatewayRefundId (BluePay's refundTransactionId) or originalTransactionId",
    ))
}

// ---------------------------------------------------------------------------------------------
// What is verified

/// The `param` string of a notification, once BluePay's signature over it holds: the signature
/// covers that string exactly as received, and it is parsed only afterwards. A missing signature is
/// reported as such, before anything else about the message is believed.
fn verify_signature<'a>(envelope: &'a Object, verifier: &dyn Verifier) -> Result<&'a str> {
    let sign = signature_member(envelope, "sign", "BluePay notification")?;
    let param = match envelope.get("param") {
        Some(Value::String(param)) => param.as_str(),
        _ => {
            return Err(Error::malformed(
                "the BluePay notification has no param string",
            ))
        }
    };
    verifier.verify(
        param.as_bytes(),
        &signature_from_base64(sign)?,
        HashAlg::Sha256,
    )?;
    Ok(param)
}

impl BluePay {
    /// Refuses a message whose `fields` name another app than this client's `appId`. BluePay's
    /// notification examples carry no `appId` at all (UnifiedAPIParam, RefundCallback), so where it
    /// is absent the message is accepted: the signature by BluePay's key is then all there is.
    /// Only a signed `param` can make a message ours; an `appId` in an unsigned part (the
    /// notification's envelope beside `param`, a synchronous response) can only refuse it.
    fn check_addressed_to_us(&self, fields: &Object, what: &str) -> Result<()> {
        if names_someone_else(fields, "appId", &self.app_id) {
            return Err(Error::merchant_mismatch(
                "appId",
                format!(
                    "the {what} names an appId that is not this client's; BluePay signs every \
                     merchant's messages with one key, so it is refused: check that the config's \
                     appId is the one BluePay issued for this account"
                ),
            ));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing and mapping

impl BluePay {
    /// The `data` of a successful response; any other `code` is the gateway refusing the request.
    fn accepted_response(&self, response: &RawResponse) -> Result<Value> {
        let mut body = parse_json_object(&response.body, "BluePay response body")
            .map_err(|e| unreadable_response(e, response.status, NAME))?;
        let code = non_empty_text(&body, "code")
            .ok_or_else(|| Error::malformed("the BluePay response has no code"))?;
        if code != SUCCESS_CODE {
            let message = non_empty_text(&body, "message").unwrap_or_default();
            return Err(Error::gateway(NAME, code, message));
        }
        self.check_addressed_to_us(&body, "BluePay response")?;
        body.remove("data")
            .ok_or_else(|| Error::malformed("the BluePay response has code 10000 but no data"))
    }

    /// Maps one refund record (5.1 data, a 5.2 list entry or a 5.3 notification param).
    fn refund_result(&self, data: Object, verified: bool) -> Result<RefundResult> {
        let what = if verified {
            "BluePay notification's signed param"
        } else {
            "BluePay response's refund record"
        };
        self.check_addressed_to_us(&data, what)?;
        let gateway_status = non_empty_text(&data, "refundStatus").unwrap_or_default();
        let mut result = RefundResult::new(
            ID,
            refund_status(&gateway_status),
            gateway_status,
            verified,
            Value::Null,
        );
        result.refund_id = non_empty_text(&data, "mchRefundOrderId");
        result.gateway_refund_id = non_empty_text(&data, "refundTransactionId");
        result.original_transaction_id = non_empty_text(&data, "originalTransactionId");
        result.amount = self.received_amount(&data)?;
        result.currency = Some(self.currency.code.to_string());
        // BluePay writes `yyyy-MM-dd HH:mm:ss` without a zone, so the text is kept as sent.
        result.created_at = non_empty_text(&data, "refundCreateTime");
        result.completed_at = non_empty_text(&data, "refundReturnTime");
        result.failure_reason = failure_reason(&data);
        result.raw = Value::Object(data);
        Ok(result)
    }

    /// `refundAmount`, a whole number of minor units (BluePay types it as a Java long), as major
    /// units. Anything else that is present is refused rather than guessed at.
    fn received_amount(&self, data: &Object) -> Result<Option<String>> {
        let Some(minor) = received_decimal(data, "refundAmount", NAME, NumberForm::Plain)? else {
            return Ok(None);
        };
        minor
            .minor_units_as_major_text(self.currency)
            .map(Some)
            .ok_or_else(|| {
                Error::malformed(
                    "the refundAmount BluePay sent is not a whole number of minor units",
                )
            })
    }
}

/// BluePay's refund status words, matched exactly: its documentation writes them in upper case
/// and no other spelling has been seen. Anything else is unknown, with the word kept in
/// gatewayStatus.
fn refund_status(word: &str) -> RefundStatus {
    match word {
        "PENDING" | "PROCESS" => RefundStatus::Pending,
        "COMPLETE" => RefundStatus::Succeeded,
        "FAILED" => RefundStatus::Failed,
        "CANCEL" => RefundStatus::Cancelled,
        _ => RefundStatus::Unknown,
    }
}

/// `failedCode` and `failedMessage`, whichever are present, as one text.
fn failure_reason(data: &Object) -> Option<String> {
    let parts: Vec<String> = ["failedCode", "failedMessage"]
        .iter()
        .filter_map(|key| non_empty_text(data, key))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway() -> BluePay {
        BluePay {
            app_id: "733b887a4a784708bb369524db5b6ded".into(),
            base_url: "https://openapi.bluepay.test".into(),
            currency: Currency::from_code("THB").unwrap(),
            timestamp_unit: TimestampUnit::Seconds,
        }
    }

    fn refund_record(amount_json: &str) -> Object {
        let text = format!(r#"{{"refundStatus":"COMPLETE","refundAmount":{amount_json}}}"#);
        parse_json_object(text.as_bytes(), "record").unwrap()
    }

    #[test]
    fn a_received_amount_that_is_not_whole_minor_units_is_refused_never_dropped() {
        for (amount, expected) in [
            ("10000", Some("100.00")),
            (r#""5050""#, Some("50.50")),
            (r#""""#, None),
            ("null", None),
        ] {
            let amount_read = gateway().received_amount(&refund_record(amount)).unwrap();
            assert_eq!(amount_read.as_deref(), expected, "{amount}");
        }
        for amount in [
            r#""100.00""#,
            "100.5",
            "-1",
            "1E+4",
            "true",
            "[10000]",
            r#"{"value":10000}"#,
        ] {
            let e = gateway()
                .received_amount(&refund_record(amount))
                .unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::ResponseMalformed, "{amount}");
            assert!(e.message.contains("refundAmount"), "{e}");
        }
    }

    #[test]
    fn status_words_match_exactly_with_unknown_as_default() {
        for (word, status) in [
            ("PENDING", RefundStatus::Pending),
            ("PROCESS", RefundStatus::Pending),
            ("COMPLETE", RefundStatus::Succeeded),
            ("FAILED", RefundStatus::Failed),
            ("CANCEL", RefundStatus::Cancelled),
            ("complete", RefundStatus::Unknown),
            ("SUCCESS", RefundStatus::Unknown),
            ("", RefundStatus::Unknown),
        ] {
            assert_eq!(refund_status(word), status, "{word}");
        }
    }
}
