//! WisePay Cloud (Wiseasy) and its Japanese reseller N-age: one platform, one wire format.
//!
//! Requests are flat sets of string fields. The signature is RSA-SHA256 over a canonical string
//! built from the sent fields (see `canonical_string`) and travels in the body as the field `sign`.
//! The fields go as a JSON object to the per-operation paths the documents print (`wireFormat:
//! "json"`, the default) or form-encoded to `/api/entry`, as the vendor's Java SDK sends them
//! (`wireFormat: "form"`); the canonical string, and so the signature, is the same in both. Responses `{code, msg, psn, data, sign}` and notifications are signed by the
//! gateway over the same kind of canonical string, built from what was received.
//!
//! What was received is believed only when it is addressed to this client's `app_id` and
//! `merchant_no` (`check_addressed_to_us`) and comes in one shape: flat, or with its refund fields
//! in `data` (`nested_data`).

use crate::config::Config;
use crate::crypto::{HashAlg, Verifier};
use crate::gateway::{
    endpoint, Draft, Gateway, GatewayInfo, Method, Preset, QueryId, RawResponse, Setting,
    SignaturePlace,
};
use crate::json::{push_decimal, Object, ObjectWriter, Value};
use crate::money::{iso_amount_text, received_currency, received_decimal, NumberForm};
use crate::refund::{
    Ack, RefundInput, RefundNotification, RefundQuery, RefundResult, RefundStatus,
};
use crate::time::{iso_from_utc_datetime, UtcTime};
use crate::wire::{
    check_max_chars, check_no_control_chars, check_url, fields_object, form_fields, is_id_token,
    json_fields, longer_than_chars, names_someone_else, non_empty_text, parse_json_object,
    printable_key, signature_from_base64, unreadable_response, ReceivedField,
};
use crate::{Error, Result};

const ID: &str = "wisepay";
/// The name used in messages.
const NAME: &str = "WisePay";

const PRESETS: &[Preset] = &[
    Preset {
        name: "sg-sandbox",
        base_url: "https://wiseasy-open.sg.wisepaycloud.com",
    },
    Preset {
        name: "sg-production",
        base_url: "https://wiseasy-open.sg.paycloud.world",
    },
    Preset {
        name: "n-age",
        base_url: "https://open.n-age.co.jp",
    },
];

const REFUND_PATH: &str = "/api/entry/refund";
const QUERY_PATH: &str = "/api/entry/refundquery";
/// Where the Java SDK posts every call, `method` choosing the operation (research/wisepay.md §3.4).
const ENTRY_PATH: &str = "/api/entry";
const REFUND_METHOD: &str = "order.refund.submit";
const QUERY_METHOD: &str = "order.refund.query";

pub(crate) static INFO: GatewayInfo = GatewayInfo {
    id: ID,
    name: "WisePay Cloud / N-age",
    presets: PRESETS,
    settings: &[
        Setting::text("appId", "App id"),
        Setting::text("merchantNo", "Merchant number"),
        Setting::choice("wireFormat", "Request encoding", WIRE_FORMATS),
    ],
    paths: &[REFUND_PATH, QUERY_PATH, ENTRY_PATH],
    query_by: &[QueryId::RefundId, QueryId::GatewayRefundId],
    no_such_refund_codes: &["E04111"],
    refund_number_used_codes: &["E04131"],
    notification_window_ms: None,
    signatures: "requests, accepted responses and notifications: RSA-SHA256 over the canonical \
                 string of the fields, in the sign field; refusals are unsigned",
};

/// `wireFormat`: JSON to the per-operation paths, or the Java SDK's form to `/api/entry`.
/// research/wisepay.md §3.5 finds both in vendor code: JSON in the C#, PHP and Postman demos, the
/// 2024-08 to 2025-03 SDK releases and the CodePay docs; the form in the current Java SDK, which is
/// the client seeds 000 and 002 show. JSON stays the default: the documents print JSON and the
/// per-operation paths, and the requests already sent this way keep their bytes.
const WIRE_FORMATS: &[&str] = &["json", "form"];
/// The request id header the Java SDK sends with every call; it is not signed (research §3.5).
const PSN_HEADER: &str = "Http-Request-Psn";
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=UTF-8";

/// The `code` of an accepted response; any other is the gateway refusing the request.
const SUCCESS_CODE: &str = "0";
/// The reply that stops the gateway from sending a notification again.
const NOTIFICATION_ACK: &str = "success";

/// Fields every request carries; the library sets them, so `extra` may not.
const COMMON_FIELDS: &[&str] = &[
    "app_id",
    "method",
    "format",
    "charset",
    "sign_type",
    "version",
    "timestamp",
    "sign",
];

/// Fields the library fills from the refund input or the config; `extra` may not set them either.
const MAPPED_FIELDS: &[&str] = &[
    "merchant_no",
    "merchant_order_no",
    "orig_merchant_order_no",
    "orig_trans_no",
    "trans_no",
    "price_currency",
    "order_amount",
    "description",
    "notify_url",
];

/// Top-level names that describe a received message rather than the refund: the response envelope
/// `{code, msg, psn, data, sign}` (research/wisepay.md §6.1), the common parameters of every call
/// (§3.1), and `merchant_no`, the account a message is for. Any other name is a business field.
const ENVELOPE_FIELDS: &[&str] = &[
    "code",
    "msg",
    "psn",
    "data",
    "sign",
    "sign_type",
    "app_id",
    "merchant_no",
    "method",
    "format",
    "charset",
    "version",
    "timestamp",
];

/// The gateway's limit for `merchant_order_no`, `app_id` and `merchant_no`.
const MAX_ID_CHARS: usize = 32;
/// Gateway transaction numbers have no published limit; this keeps absurd values out.
const MAX_TRANS_NO_CHARS: usize = 64;
const MAX_EXTRA_KEY_CHARS: usize = 64;

#[derive(Clone, Copy, PartialEq, Eq)]
enum WireFormat {
    Json,
    Form,
}

struct WisePay {
    app_id: String,
    merchant_no: String,
    base_url: String,
    wire_format: WireFormat,
}

pub(crate) fn from_config(config: &mut Config) -> Result<Box<dyn Gateway>> {
    let app_id = config.required("appId")?;
    check_credential("appId", &app_id)?;
    let merchant_no = config.required("merchantNo")?;
    check_credential("merchantNo", &merchant_no)?;
    let base_url = config.base_url(PRESETS)?;
    let wire_format = match config.choice("wireFormat", WIRE_FORMATS)? {
        "form" => WireFormat::Form,
        _ => WireFormat::Json,
    };
    Ok(Box::new(WisePay {
        app_id,
        merchant_no,
        base_url,
        wire_format,
    }))
}

/// `app_id` and `merchant_no` are short ASCII identifiers; anything else is a pasting mistake, and
/// a `&` or `=` in them would blur the canonical string.
fn check_credential(key: &str, value: &str) -> Result<()> {
    if !is_id_token(value) || longer_than_chars(value, MAX_ID_CHARS) {
        return Err(Error::config_field(
            key,
            format!("{key} must be 1 to {MAX_ID_CHARS} letters, digits, '_' or '-'"),
        ));
    }
    Ok(())
}

impl Gateway for WisePay {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    fn draft_refund(&self, input: &RefundInput, now_ms: u64) -> Result<Draft> {
        let fields = self.refund_fields(input, now_ms)?;
        Ok(self.draft(REFUND_PATH, fields, now_ms))
    }

    fn draft_refund_query(&self, query: &RefundQuery, now_ms: u64) -> Result<Draft> {
        let fields = self.query_fields(query, now_ms)?;
        Ok(self.draft(QUERY_PATH, fields, now_ms))
    }

    fn parse_refund_response(
        &self,
        response: &RawResponse,
        verifier: &dyn Verifier,
    ) -> Result<RefundResult> {
        let (data, raw) = self.accepted_response(response, verifier)?;
        refund_result(&data, raw, RefundStatus::Pending)
    }

    fn parse_refund_query_response(
        &self,
        response: &RawResponse,
        verifier: &dyn Verifier,
    ) -> Result<Vec<RefundResult>> {
        let (data, raw) = self.accepted_response(response, verifier)?;
        Ok(vec![refund_result(&data, raw, RefundStatus::Unknown)?])
    }

    fn verify_notification(
        &self,
        request: &RawResponse,
        _now_ms: u64,
        verifier: &dyn Verifier,
    ) -> Result<RefundNotification> {
        // The notification carries no timestamp to check freshness against; a replay carries the
        // same refund state, so handlers must be idempotent on refundId (the gateway retries anyway).
        let fields = notification_fields(request)?;
        self.verify_signature(&fields, "notification", verifier)?;
        let mut object = fields_object(&fields);
        let nested = nested_data(&object, "notification")?;
        match &nested {
            Some(data) => self.check_addressed_to_us(&[&object, data], "notification")?,
            None => self.check_addressed_to_us(&[&object], "notification")?,
        }
        object.remove("sign");
        let refund = refund_result(
            nested.as_ref().unwrap_or(&object),
            Value::Object(object.clone()),
            RefundStatus::Unknown,
        )?;
        Ok(RefundNotification {
            gateway: ID,
            event: None,
            refund,
            ack: Ack::text(NOTIFICATION_ACK),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Building

/// The string the signature covers: every field except `sign`, empty values dropped, sorted by key
/// in byte order, written `key=value` and joined with `&`, values raw (no escaping, UTF-8).
///
/// The values are not escaped, so the string is ambiguous: `{"a":"1&b=2"}` and `{"a":"1","b":"2"}`
/// both give `a=1&b=2`, and one signature covers both. The gateway defines the string this way and
/// escaping would break its check, so requests are signed as they are (the caller chose the values).
/// On what the gateway sends, the ambiguity lets someone re-cut a genuinely signed message: merge
/// fields into one value, or split a value holding `&name=` into fields. `check_unambiguous`
/// refuses the merged form. The split form cannot be told apart from an honest message and needs
/// the gateway to have signed a value holding `&name=`, such as a refund reason it echoes: this
/// library never sends one (`check_sendable`), and a split that puts business fields beside a
/// signed `data` is refused (`nested_data`), so it cannot change what is read from `data`.
pub fn canonical_string(fields: &[(&str, &str)]) -> String {
    let mut kept: Vec<&(&str, &str)> = fields
        .iter()
        .filter(|(key, value)| *key != "sign" && !value.is_empty())
        .collect();
    kept.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut text = String::new();
    for (i, (key, value)) in kept.into_iter().enumerate() {
        if i > 0 {
            text.push('&');
        }
        text.push_str(key);
        text.push('=');
        text.push_str(value);
    }
    text
}

/// Request fields in the order they are written into the body.
type Fields = Vec<(String, String)>;

fn push(fields: &mut Fields, key: &str, value: Option<&str>) {
    if let Some(value) = value.filter(|v| !v.is_empty()) {
        fields.push((key.to_string(), value.to_string()));
    }
}

impl WisePay {
    fn common_fields(&self, method: &str, now_ms: u64) -> Fields {
        let mut fields = Fields::new();
        push(&mut fields, "app_id", Some(&self.app_id));
        push(&mut fields, "method", Some(method));
        push(&mut fields, "format", Some("JSON"));
        push(&mut fields, "charset", Some("UTF-8"));
        push(&mut fields, "sign_type", Some("RSA2"));
        push(&mut fields, "version", Some("1.0"));
        let mut timestamp = String::new();
        push_decimal(&mut timestamp, now_ms, 1);
        push(&mut fields, "timestamp", Some(&timestamp));
        push(&mut fields, "merchant_no", Some(&self.merchant_no));
        fields
    }

    /// Fixes the canonical string of `fields` as the bytes to sign; the signature is then appended
    /// to the same fields as `sign` and the body written once, as JSON to `path` or as the SDK's
    /// form to `/api/entry`.
    fn draft(&self, path: &str, fields: Fields, now_ms: u64) -> Draft {
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let message = canonical_string(&pairs).into_bytes();
        if self.wire_format == WireFormat::Form {
            return form_draft(
                endpoint(&self.base_url, ENTRY_PATH),
                &fields,
                message,
                now_ms,
            );
        }
        let mut body = String::new();
        let mut object = ObjectWriter::new(&mut body);
        for (key, value) in &fields {
            object.member(key, value);
        }
        let offset = object.empty_string_slot("sign");
        object.finish();
        Draft::with_json_body(
            endpoint(&self.base_url, path),
            vec![(
                "Content-Type".to_string(),
                "application/json; charset=UTF-8".to_string(),
            )],
            body,
            offset,
            message,
            HashAlg::Sha256,
        )
    }

    /// The refund's fields, checked, in the order they are written.
    fn refund_fields(&self, input: &RefundInput, now_ms: u64) -> Result<Fields> {
        check_merchant_order_no("refundId", &input.refund_id)?;
        if input.original_order_id.is_none() && input.original_transaction_id.is_none() {
            return Err(Error::input(
                "originalOrderId",
                "a WisePay refund needs originalOrderId (the paid order's merchant_order_no) \
                 or originalTransactionId (its trans_no)",
            ));
        }
        if let Some(id) = &input.original_order_id {
            check_merchant_order_no("originalOrderId", id)?;
        }
        if let Some(id) = &input.original_transaction_id {
            check_trans_no("originalTransactionId", id)?;
        }
        if let Some(url) = &input.notify_url {
            check_notify_url(url)?;
        }
        if let Some(reason) = &input.reason {
            check_sendable("reason", reason)?;
        }
        let extra = extra_fields(&input.extra)?;

        let mut fields = self.common_fields(REFUND_METHOD, now_ms);
        push(&mut fields, "merchant_order_no", Some(&input.refund_id));
        push(
            &mut fields,
            "orig_merchant_order_no",
            input.original_order_id.as_deref(),
        );
        push(
            &mut fields,
            "orig_trans_no",
            input.original_transaction_id.as_deref(),
        );
        push(&mut fields, "price_currency", Some(input.currency.code));
        push(
            &mut fields,
            "order_amount",
            Some(&input.amount.to_major_text()),
        );
        push(&mut fields, "description", input.reason.as_deref());
        push(&mut fields, "notify_url", input.notify_url.as_deref());
        fields.extend(extra);
        Ok(fields)
    }

    /// The query's fields: WisePay finds a refund by its own or the merchant's refund number.
    fn query_fields(&self, query: &RefundQuery, now_ms: u64) -> Result<Fields> {
        if query.refund_id.is_none() && query.gateway_refund_id.is_none() {
            return Err(Error::input(
                "refundId",
                "WisePay finds a refund by refundId (its merchant_order_no) or gatewayRefundId \
                 (its trans_no), not by the paid order",
            ));
        }
        if let Some(id) = &query.refund_id {
            check_merchant_order_no("refundId", id)?;
        }
        if let Some(id) = &query.gateway_refund_id {
            check_trans_no("gatewayRefundId", id)?;
        }
        let mut fields = self.common_fields(QUERY_METHOD, now_ms);
        push(&mut fields, "merchant_order_no", query.refund_id.as_deref());
        push(&mut fields, "trans_no", query.gateway_refund_id.as_deref());
        Ok(fields)
    }
}

/// The Java SDK's request (research/wisepay.md §3.5): the fields form-encoded in the order they are
/// written, then `sign`, under `application/x-www-form-urlencoded; charset=UTF-8`, with its
/// `Http-Request-Psn` header. The values are the signed strings; the encoding exists on the wire
/// only. The signature goes at the end of the body, after `sign=`, and must be percent-encoded
/// there like every value (`+`, `/` and `=` are not literal in a form value; §10.3 shows the
/// SDK's `%2B`, `%2F`, `%3D`), which `SignaturePlace::FormValue` does.
fn form_draft(url: String, fields: &Fields, message: Vec<u8>, now_ms: u64) -> Draft {
    let mut body = String::new();
    for (key, value) in fields {
        body.push_str(&form_escape(key));
        body.push('=');
        body.push_str(&form_escape(value));
        body.push('&');
    }
    body.push_str("sign=");
    let headers = vec![
        ("Content-Type".to_string(), FORM_CONTENT_TYPE.to_string()),
        (PSN_HEADER.to_string(), request_psn(now_ms, &message)),
    ];
    Draft {
        url,
        method: Method::Post,
        headers,
        signature_place: SignaturePlace::FormValue { offset: body.len() },
        body,
        message,
        hash: HashAlg::Sha256,
    }
}

/// application/x-www-form-urlencoded as Apache's `UrlEncodedFormEntity` (the SDK's) and the WHATWG
/// URL standard write it: ASCII letters, digits and `*-._` stay, a space becomes `+`, every other
/// UTF-8 byte becomes `%XX` in upper-case hex.
fn form_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The SDK's request id: the time as `MMddHHmmss`, then a number, the whole padded on the right
/// with zeros to 20 characters. The SDK reads its local clock and draws the number at random; the
/// library has neither a time zone nor randomness, so it writes UTC and a 31-bit FNV-1a hash of
/// the signed string: distinct requests get distinct ids, and a request rebuilt from the same
/// input gets the same one. The gateway logs the id; nothing signs or checks it.
fn request_psn(now_ms: u64, message: &[u8]) -> String {
    let t = UtcTime::from_epoch_ms(now_ms);
    let hash = message.iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    });
    let mut psn = String::with_capacity(20);
    for two_digits in [t.month, t.day, t.hour, t.minute, t.second] {
        push_decimal(&mut psn, two_digits.into(), 2);
    }
    push_decimal(&mut psn, (hash & 0x7fff_ffff).into(), 1);
    while psn.len() < 20 {
        psn.push('0');
    }
    psn
}

/// `merchant_order_no`: 1 to 32 characters of `[0-9A-Za-z_-|*@]`, as the gateway documents it.
fn check_merchant_order_no(field: &str, value: &str) -> Result<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_-|*@".contains(c);
    check_no_control_chars(field, value)?;
    if value.is_empty() || longer_than_chars(value, MAX_ID_CHARS) || !value.chars().all(allowed) {
        return Err(Error::input(
            field,
            format!(
                "{field} must be 1 to {MAX_ID_CHARS} characters of 0-9, A-Z, a-z and _ - | * @ \
                 (it becomes a WisePay merchant_order_no)"
            ),
        ));
    }
    Ok(())
}

/// A gateway transaction number: short printable ASCII without spaces or separators.
fn check_trans_no(field: &str, value: &str) -> Result<()> {
    check_no_control_chars(field, value)?;
    check_max_chars(field, value, MAX_TRANS_NO_CHARS)?;
    if !value
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'&' && b != b'=')
    {
        return Err(Error::input(
            field,
            format!("{field} must be printable ASCII without spaces, '&' or '='"),
        ));
    }
    Ok(())
}

/// The gateway posts to `notify_url` as given and documents that it must carry no query string.
fn check_notify_url(url: &str) -> Result<()> {
    check_url("notifyUrl", url)?;
    check_sendable("notifyUrl", url)?;
    if url.contains(['?', '#']) {
        return Err(Error::input(
            "notifyUrl",
            "notifyUrl must not carry a query string or fragment: WisePay refuses them",
        ));
    }
    Ok(())
}

/// `extra` entries become further string fields. Names must be plain field names that the library
/// does not already set, in any letter case: the gateway drops `sign` case-blind from its canonical
/// string (research/wisepay.md §4), and `Order_amount` beside `order_amount` would leave a gateway
/// that reads names case-blind to choose. Values must be strings that `check_sendable` accepts.
/// Empty values are not sent, like every empty field.
fn extra_fields(extra: &Object) -> Result<Fields> {
    let mut fields = Fields::new();
    for (key, value) in extra {
        let field = format!("extra.{}", printable_key(key));
        if !is_field_name(key) || key.len() > MAX_EXTRA_KEY_CHARS {
            return Err(Error::input(
                "extra",
                format!(
                    "extra field names must be 1 to {MAX_EXTRA_KEY_CHARS} letters, digits or '_'; \
                     got {}",
                    printable_key(key)
                ),
            ));
        }
        let lower = key.to_ascii_lowercase();
        if COMMON_FIELDS.contains(&lower.as_str()) || MAPPED_FIELDS.contains(&lower.as_str()) {
            return Err(Error::input(
                &field,
                format!("{field} would overwrite a field this library sets itself"),
            ));
        }
        let text = match value {
            Value::String(s) => s,
            Value::Null => continue,
            _ => {
                return Err(Error::input(
                    &field,
                    format!(
                        "{field} must be a string: WisePay fields are strings (write structured \
                         values as JSON text yourself)"
                    ),
                ))
            }
        };
        check_no_control_chars(&field, text)?;
        check_max_chars(&field, text, 2048)?;
        check_sendable(&field, text)?;
        push(&mut fields, key, Some(text));
    }
    Ok(fields)
}

/// Whether `text`, written raw into a canonical string, also reads as a value followed by a field
/// of its own: it holds `&` then a plain field name and `=` (`x&trans_status=2`). The one rule for
/// both directions: `check_sendable` refuses such a value before it is signed, `check_unambiguous`
/// after a received message is verified.
fn reads_as_another_field(text: &str) -> bool {
    text.split('&').skip(1).any(|piece| {
        piece
            .split_once('=')
            .is_some_and(|(name, _)| is_field_name(name))
    })
}

/// Refuses a value this library would sign that `reads_as_another_field`: the gateway may echo
/// it (a reason, an `extra` field) into a signed response or notification, and that signature
/// would then also cover a message in which the value is split into fields of their own.
fn check_sendable(field: &str, value: &str) -> Result<()> {
    if reads_as_another_field(value) {
        return Err(Error::input(
            field,
            format!(
                "{field} must not hold '&' followed by a field name and '=' (such as \
                 '&trans_status='): WisePay signs values unescaped, so the signed string would \
                 also read as a message with another field"
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// What is verified

impl WisePay {
    /// The gateway's signature must hold over the canonical string of the received top-level fields.
    fn verify_signature(
        &self,
        fields: &[ReceivedField],
        what: &str,
        verifier: &dyn Verifier,
    ) -> Result<()> {
        check_field_names(fields, what)?;
        let signature = fields
            .iter()
            .find(|f| f.key == "sign")
            .and_then(|f| f.text.as_deref())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::signature_missing(format!("the {what} carries no sign field")))?;
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .filter_map(|f| f.text.as_deref().map(|t| (f.key.as_str(), t)))
            .collect();
        let canonical = canonical_string(&pairs);
        verifier.verify(
            canonical.as_bytes(),
            &signature_from_base64(signature)?,
            HashAlg::Sha256,
        )?;
        check_unambiguous(fields, what)
    }

    /// Refuses a verified message addressed to another merchant or app. The SG sandbox and N-age
    /// sign with one gateway key (gateways/wisepay.md, Hosts), so a valid signature shows who sent
    /// a message, not whom it is for. `places` are signed objects only: the top level and the
    /// nested `data`. Neither the documented response (`{code, msg, psn, data, sign}` with the
    /// query fields of research/wisepay.md §5.2 in data) nor the notification, whose fields are
    /// unconfirmed (§7), is known to always carry `app_id` or `merchant_no`, so an absent or empty
    /// one is accepted; any other value that is not exactly this client's is refused.
    fn check_addressed_to_us(&self, places: &[&Object], what: &str) -> Result<()> {
        let ours = [
            ("merchant_no", "merchantNo", self.merchant_no.as_str()),
            ("app_id", "appId", self.app_id.as_str()),
        ];
        for (name, config_field, our_value) in ours {
            if places
                .iter()
                .any(|p| names_someone_else(p, name, our_value))
            {
                return Err(Error::merchant_mismatch(
                    config_field,
                    format!(
                        "the {NAME} {what} is addressed to another account: its {name} \
                         is not this client's {config_field}; refused although its signature holds, \
                         because the gateway signs for every merchant with one key"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A notification body: JSON when it says so or looks like an object, form-encoded otherwise.
fn notification_fields(request: &RawResponse) -> Result<Vec<ReceivedField>> {
    let content_type = request
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let looks_like_json = request
        .body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    if content_type.contains("json") || (!content_type.contains("form") && looks_like_json) {
        return json_fields(&request.body, "notification");
    }
    form_fields(request.body_text()?, "notification")
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The gateway's field names are letters, digits and `_`. A name with `&` or `=` would make the
/// canonical string say something else than the fields, so only plain names are accepted.
fn check_field_names(fields: &[ReceivedField], what: &str) -> Result<()> {
    match fields.iter().find(|f| !is_field_name(&f.key)) {
        Some(f) => Err(Error::malformed(format!(
            "the {what} carries a field name that is not letters, digits and '_': {}",
            printable_key(&f.key)
        ))),
        None => Ok(()),
    }
}

/// Refuses a verified message in which some value contains `&name=`: the same signed string also
/// reads as a message where `name` is a field of its own, so this may be a forgery that merged
/// genuinely signed fields into one value (see `canonical_string`). With plain field names
/// checked first, a value without `&name=` cannot hide another field.
fn check_unambiguous(fields: &[ReceivedField], what: &str) -> Result<()> {
    match fields
        .iter()
        .filter(|f| f.key != "sign")
        .find(|f| f.text.as_deref().is_some_and(reads_as_another_field))
    {
        Some(f) => Err(Error::signature_invalid(format!(
            "the {what}'s field {} contains '&name=', so its signed string also reads as a \
             message with other fields; refused",
            f.key
        ))),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing and mapping

impl WisePay {
    /// Verifies a `{code, msg, psn, data, sign}` response and returns its business data and the
    /// envelope to keep as `raw`.
    fn accepted_response(
        &self,
        response: &RawResponse,
        verifier: &dyn Verifier,
    ) -> Result<(Object, Value)> {
        let fields = json_fields(&response.body, "response")
            .map_err(|e| unreadable_response(e, response.status, NAME))?;
        let envelope = fields_object(&fields);
        let code = non_empty_text(&envelope, "code")
            .ok_or_else(|| Error::malformed(format!("the {NAME} response has no code")))?;
        if code != SUCCESS_CODE {
            return Err(gateway_error(&envelope, code));
        }
        self.verify_signature(&fields, "response", verifier)?;
        let data = nested_data(&envelope, "response")?
            .ok_or_else(|| Error::malformed("the response has code 0 but no data"))?;
        self.check_addressed_to_us(&[&envelope, &data], "response")?;
        let mut raw = envelope;
        raw.remove("sign");
        raw.insert("data".to_string(), Value::Object(data.clone()));
        Ok((data, Value::Object(raw)))
    }
}

/// The refund fields of a verified message when they come nested in `data`; `None` when there is
/// no `data` and the message is flat. A message is read in one shape only: beside a `data`, the
/// top level may hold envelope fields (`ENVELOPE_FIELDS`) and nothing else. A signed value holding
/// `&name=` can be re-cut into top-level fields (see `canonical_string`); refusing every business
/// field beside `data` means such a re-cut can never make the library read a status or amount
/// other than the one the gateway signed in `data`.
fn nested_data(top: &Object, what: &str) -> Result<Option<Object>> {
    let Some(data) = business_data(top)? else {
        return Ok(None);
    };
    match top.keys().find(|k| !ENVELOPE_FIELDS.contains(&k.as_str())) {
        Some(name) => Err(Error::malformed(format!(
            "the {what} carries {} at the top level beside data; a {NAME} message is \
             read either flat or from data, never both, so it is refused",
            printable_key(name)
        ))),
        None => Ok(Some(data)),
    }
}

/// `data` as a JSON string holding an object (the usual form) or as an object; `None` if absent.
fn business_data(envelope: &Object) -> Result<Option<Object>> {
    match envelope.get("data") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => parse_json_object(s.as_bytes(), "data field").map(Some),
        Some(Value::Object(map)) => Ok(Some(map.clone())),
        Some(_) => Err(Error::malformed(
            "the data field is neither an object nor JSON text",
        )),
    }
}

fn gateway_error(envelope: &Object, code: String) -> Error {
    let message = non_empty_text(envelope, "msg").unwrap_or_default();
    let mut error = Error::gateway(NAME, code, message);
    if let Some(psn) = non_empty_text(envelope, "psn")
        .filter(|p| p.len() <= 64 && !p.chars().any(char::is_control))
    {
        error.message.push_str(&format!(" (psn {psn})"));
    }
    error
}

/// `trans_status`, matched exactly: the gateway sends digits (gateways/wisepay.md, Response), which
/// have no case. 9 created and 0 in progress are pending, 1 closed is failed, 2 success,
/// 3 cancelled; any other word is unknown and kept as `gatewayStatus`.
fn refund_status(word: &str) -> RefundStatus {
    match word {
        "9" | "0" => RefundStatus::Pending,
        "1" => RefundStatus::Failed,
        "2" => RefundStatus::Succeeded,
        "3" => RefundStatus::Cancelled,
        _ => RefundStatus::Unknown,
    }
}

/// Maps the gateway's refund fields. `without_status` is the status when `trans_status` is absent
/// (then `gatewayStatus` is empty): pending for a submit response, which means the gateway accepted
/// the refund (code 0) and completes it later; unknown for a query answer or a notification.
fn refund_result(data: &Object, raw: Value, without_status: RefundStatus) -> Result<RefundResult> {
    let (status, word) = match non_empty_text(data, "trans_status") {
        Some(word) => (refund_status(&word), word),
        None => (without_status, String::new()),
    };
    let mut result = RefundResult::new(ID, status, word, true, raw);
    result.refund_id = non_empty_text(data, "merchant_order_no");
    result.gateway_refund_id = non_empty_text(data, "trans_no");
    result.original_order_id = non_empty_text(data, "orig_merchant_order_no");
    result.original_transaction_id = non_empty_text(data, "orig_trans_no");
    result.currency = non_empty_text(data, "price_currency");
    result.amount = received_amount(data, result.currency.as_deref())?;
    result.completed_at =
        non_empty_text(data, "trans_end_time").and_then(|t| iso_from_utc_datetime(&t));
    result.failure_reason = failure_reason(data);
    Ok(result)
}

/// The refund amount, `order_amount` or else `trans_amount`, with the currency's ISO digits when
/// it fits them, else exactly as received. WisePay writes every value as a string; a number is
/// read as a plain decimal.
fn received_amount(data: &Object, currency: Option<&str>) -> Result<Option<String>> {
    let amount = match received_decimal(data, "order_amount", NAME, NumberForm::Plain)? {
        Some(amount) => Some(amount),
        None => received_decimal(data, "trans_amount", NAME, NumberForm::Plain)?,
    };
    Ok(amount.map(|amount| iso_amount_text(amount, received_currency(currency))))
}

fn failure_reason(data: &Object) -> Option<String> {
    match (
        non_empty_text(data, "trans_error_code"),
        non_empty_text(data, "trans_error_msg"),
    ) {
        (Some(code), Some(msg)) => Some(format!("{code}: {msg}")),
        (code, msg) => code.or(msg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_string_sorts_by_bytes_drops_empty_and_sign_and_keeps_values_raw() {
        let fields = [
            ("version", "1.0"),
            ("sign", "xyz"),
            ("merchant_order_no", "A|B*C@D"),
            ("merchant_no", "302"),
            ("description", "a b&c=d 返金"),
            ("trans_no", ""),
            ("B_upper", "1"),
            ("method", "order.refund.query"),
        ];
        assert_eq!(
            canonical_string(&fields),
            "B_upper=1&description=a b&c=d 返金&merchant_no=302&merchant_order_no=A|B*C@D\
             &method=order.refund.query&version=1.0"
        );
        assert_eq!(canonical_string(&[]), "");
        // Whitespace-only values are not empty and stay in.
        assert_eq!(canonical_string(&[("a", " ")]), "a= ");
    }

    fn refund_data(json: &str) -> Object {
        parse_json_object(json.as_bytes(), "data").unwrap()
    }

    #[test]
    fn the_amount_is_order_amount_else_trans_amount_and_a_malformed_one_is_refused() {
        for (json, currency, expected) in [
            (
                r#"{"order_amount":"12.3","trans_amount":"99"}"#,
                Some("USD"),
                Some("12.30"),
            ),
            (
                r#"{"order_amount":"","trans_amount":"1000"}"#,
                Some("JPY"),
                Some("1000"),
            ),
            (r#"{"trans_amount":1.50}"#, Some("JPY"), Some("1.5")),
            (r#"{"order_amount":"1.50"}"#, None, Some("1.50")),
            (r#"{"order_amount":null}"#, Some("USD"), None),
        ] {
            let amount = received_amount(&refund_data(json), currency).unwrap();
            assert_eq!(amount.as_deref(), expected, "{json}");
        }
        // A present amount that is not a decimal is refused, never passed over for the other one.
        for json in [
            r#"{"order_amount":"-1","trans_amount":"1"}"#,
            r#"{"order_amount":{"value":"1"},"trans_amount":"1"}"#,
            r#"{"order_amount":["1"]}"#,
            r#"{"trans_amount":true}"#,
            r#"{"trans_amount":1e3}"#,
        ] {
            let e = received_amount(&refund_data(json), Some("USD")).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::ResponseMalformed, "{json}");
        }
    }
}
