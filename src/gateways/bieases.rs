//! BIEASES: the business body travels AES-CBC encrypted inside a JSON envelope that carries an RSA
//! signature.
//!
//! The public documentation confirms the envelope, the endpoints, the `method` values, the field
//! names and the reply to notifications, but not the cipher mode, how the issued key and IV strings
//! become bytes, or what exactly the signature covers. Those inferred choices form a crypto profile
//! (`signTarget`, `hash`, `keyEncoding`) with the most likely choice as the default, so a merchant can
//! switch them from configuration once the sandbox has told which one is right.

use crate::config::Config;
use crate::crypto::aes_cbc::AesCbc;
use crate::crypto::{HashAlg, Verifier};
use crate::gateway::{
    endpoint, Draft, Gateway, GatewayInfo, Preset, QueryId, RawResponse, Setting,
};
use crate::json::{Object, ObjectWriter, ToJson, Value};
use crate::money::{
    iso_amount_text, received_currency, received_decimal, Amount, Currency, NumberForm,
};
use crate::refund::{
    Ack, RefundInput, RefundNotification, RefundQuery, RefundResult, RefundStatus,
};
use crate::time::{iso_from_epoch_ms_text, UtcTime};
use crate::wire::{
    check_config_max_chars, check_max_chars, check_no_control_chars, check_url, decode_hex,
    field_text, json_number, json_type_name, names_someone_else, non_empty_text, parse_json_object,
    printable_key, signature_from_base64, signature_member, unreadable_response,
};
use crate::{Error, ErrorCode, Result};
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use zeroize::Zeroizing;

const ID: &str = "bieases";
/// The name used in messages.
const NAME: &str = "BIEASES";

const PRESETS: &[Preset] = &[
    Preset {
        name: "sandbox",
        base_url: "https://app-sandbox.bieases.com",
    },
    Preset {
        name: "production",
        base_url: "https://app.bieases.com",
    },
];

const REFUND_PATH: &str = "/cgi/payment/api/v1/payment-order/refund";
const QUERY_PATH: &str = "/cgi/payment/api/v1/payment-order/refund/query";
const REFUND_METHOD: &str = "bieases.trade.refund";
/// The refund query shares its method name with the payment query; the documentation says so.
const QUERY_METHOD: &str = "bieases.trade.query";

pub(crate) static INFO: GatewayInfo = GatewayInfo {
    id: ID,
    name: NAME,
    presets: PRESETS,
    settings: &[
        Setting::text("merchantId", "Merchant id"),
        Setting::secret("aesKey", "AES key"),
        Setting::secret("aesIv", "AES IV"),
        Setting::choice(
            "keyEncoding",
            "AES key encoding",
            &["utf8", "base64", "hex"],
        ),
        Setting::choice(
            "signTarget",
            "Signature covers",
            &["ciphertext", "plaintext"],
        ),
        Setting::choice("hash", "Signature digest", &["sha256", "sha1"]),
    ],
    paths: &[REFUND_PATH, QUERY_PATH],
    query_by: &[QueryId::GatewayRefundId],
    no_such_refund_codes: &["44006"],
    refund_number_used_codes: &["44009"],
    notification_window_ms: Some(FRESHNESS_WINDOW_MS),
    signatures: "requests, notifications and enveloped response data: RSA over the encrypted \
                 body (or its plaintext, by profile), in the sign field; the envelope around the \
                 body is not signed",
};

/// The `code` of an accepted response, sent as a number or a numeric string.
const SUCCESS_CODE: &str = "20000";
/// The reply BIEASES expects to a notification: unsigned, unencrypted, `code` a JSON number.
const NOTIFICATION_ACK: &str = r#"{"code":20000,"msg":""}"#;
/// BIEASES rejects requests whose timestamp is more than five minutes off; notifications are held
/// to the same window so a stale delivery cannot be replayed later.
const FRESHNESS_WINDOW_MS: u64 = 5 * 60 * 1000;

const MAX_MERCHANT_ID: usize = 18;
const MAX_PAYMENT_ID: usize = 32;
const MAX_REFER_REFUND_NO: usize = 64;
const MAX_REFUND_ID: usize = 32;
/// A bound on caller-supplied refund lines, far above any real order, so absurd input stops early.
const MAX_REFUND_INFOS: usize = 100;

/// The configured BIEASES merchant.
struct Bieases {
    base_url: String,
    merchant_id: String,
    sign_target: SignTarget,
    hash: HashAlg,
    cipher: BodyCipher,
}

pub(crate) fn from_config(config: &mut Config) -> Result<Box<dyn Gateway>> {
    let merchant_id = config.required("merchantId")?;
    check_config_max_chars("merchantId", &merchant_id, MAX_MERCHANT_ID)?;
    let base_url = config.base_url(PRESETS)?;
    let sign_target = match config.choice("signTarget", &["ciphertext", "plaintext"])? {
        "plaintext" => SignTarget::Plaintext,
        _ => SignTarget::Ciphertext,
    };
    let hash = match config.choice("hash", &["sha256", "sha1"])? {
        "sha1" => HashAlg::Sha1,
        _ => HashAlg::Sha256,
    };
    let encoding = match config.choice("keyEncoding", &["utf8", "base64", "hex"])? {
        "base64" => KeyEncoding::Base64,
        "hex" => KeyEncoding::Hex,
        _ => KeyEncoding::Utf8,
    };
    let cipher = BodyCipher::from_config(config, encoding)?;
    Ok(Box::new(Bieases {
        base_url,
        merchant_id,
        sign_target,
        hash,
        cipher,
    }))
}

/// What the RSA signature covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SignTarget {
    /// The `body` string as sent: the base64 ciphertext (default: it lets the receiver verify
    /// before it decrypts, which matches the documented order "verify, then decrypt").
    Ciphertext,
    /// The compact JSON before encryption.
    Plaintext,
}

/// How the issued `aesKey` and `aesIv` strings become bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyEncoding {
    Utf8,
    Base64,
    Hex,
}

impl KeyEncoding {
    fn name(self) -> &'static str {
        match self {
            KeyEncoding::Utf8 => "utf8",
            KeyEncoding::Base64 => "base64",
            KeyEncoding::Hex => "hex",
        }
    }
}

/// The merchant's AES key and IV, decoded once, behind the body's base64. Both are confidential:
/// they are wiped on drop and never appear in a message.
struct BodyCipher(AesCbc);

impl BodyCipher {
    fn from_config(config: &mut Config, encoding: KeyEncoding) -> Result<BodyCipher> {
        let key_text = Zeroizing::new(config.required("aesKey")?);
        let iv_text = Zeroizing::new(config.required("aesIv")?);
        let key = decode_secret(&key_text, encoding, "aesKey")?;
        if !matches!(key.len(), 16 | 24 | 32) {
            return Err(Error::config_field(
                "aesKey",
                format!(
                    "aesKey must be 16, 24 or 32 bytes after {} decoding (AES-128, -192 or -256); \
                     it is {} bytes. Check keyEncoding",
                    encoding.name(),
                    key.len()
                ),
            ));
        }
        let iv = decode_secret(&iv_text, encoding, "aesIv")?;
        let iv_len = iv.len();
        AesCbc::new(key, iv).map(BodyCipher).ok_or_else(|| {
            Error::config_field(
                "aesIv",
                format!(
                    "aesIv must be 16 bytes after {} decoding; it is {iv_len} bytes. Check \
                     keyEncoding",
                    encoding.name(),
                ),
            )
        })
    }

    /// AES-CBC with PKCS#7 padding, as standard base64.
    fn encrypt_to_base64(&self, plaintext: &[u8]) -> String {
        STANDARD.encode(self.0.encrypt(plaintext))
    }

    fn ciphertext(body: &str) -> Result<Vec<u8>> {
        STANDARD
            .decode(body.trim())
            .map_err(|_| Error::decrypt_failed("the encrypted body is not valid standard base64"))
    }

    /// Reverses [`BodyCipher::encrypt_to_base64`]. Every failure, including a wrong key that happens
    /// to leave valid padding, is `DECRYPT_FAILED`; nothing here can panic on received data.
    fn decrypt_base64(&self, body: &str) -> Result<Vec<u8>> {
        self.0.decrypt(BodyCipher::ciphertext(body)?)
    }
}

/// Decodes a configured secret into bytes. Messages name the setting, never its value.
fn decode_secret(text: &str, encoding: KeyEncoding, field: &str) -> Result<Zeroizing<Vec<u8>>> {
    let decoded = match encoding {
        KeyEncoding::Utf8 => Some(text.as_bytes().to_vec()),
        // Issued keys are sometimes copied without their trailing '=' padding.
        KeyEncoding::Base64 => STANDARD
            .decode(text.trim())
            .or_else(|_| STANDARD_NO_PAD.decode(text.trim()))
            .ok(),
        KeyEncoding::Hex => decode_hex(text.trim()),
    };
    decoded.map(Zeroizing::new).ok_or_else(|| {
        Error::config_field(
            field,
            format!(
                "{field} is not valid {} (keyEncoding is {})",
                encoding.name(),
                encoding.name()
            ),
        )
    })
}

impl Gateway for Bieases {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    fn draft_refund(&self, input: &RefundInput, now_ms: u64) -> Result<Draft> {
        let body = refund_body(input)?;
        self.draft(REFUND_PATH, REFUND_METHOD, body, now_ms)
    }

    fn draft_refund_query(&self, query: &RefundQuery, now_ms: u64) -> Result<Draft> {
        let body = query_body(query)?;
        self.draft(QUERY_PATH, QUERY_METHOD, body, now_ms)
    }

    fn parse_refund_response(
        &self,
        response: &RawResponse,
        verifier: &dyn Verifier,
    ) -> Result<RefundResult> {
        self.response_result(accepted_response(response)?, verifier)
    }

    fn parse_refund_query_response(
        &self,
        response: &RawResponse,
        verifier: &dyn Verifier,
    ) -> Result<Vec<RefundResult>> {
        Ok(vec![
            self.response_result(accepted_response(response)?, verifier)?
        ])
    }

    fn verify_notification(
        &self,
        request: &RawResponse,
        now_ms: u64,
        verifier: &dyn Verifier,
    ) -> Result<RefundNotification> {
        let envelope = parse_json_object(&request.body, "BIEASES notification")?;
        let body = self.open_envelope(&envelope, "notification", verifier)?;
        check_freshness(&body, &envelope, now_ms)?;
        self.check_addressed_to_us(&body, &envelope, "notification")?;
        let event = notification_event(&body);
        let unsigned_event = non_empty_text(&envelope, "event");
        check_is_refund_notification(&body, [event.as_deref(), unsigned_event.as_deref()])?;
        // With neither a signed status nor a signed event the word is empty: `unknown`.
        let word = status_word(&body)
            .or_else(|| event.clone())
            .unwrap_or_default();
        let mut refund = refund_result(&body, Some(word), true)?;
        report_unverified_envelope(&mut refund, &envelope);
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

impl Bieases {
    /// Encrypts the business body once and returns a draft that signs the profile's target and
    /// sends exactly that ciphertext.
    fn draft(&self, path: &str, method: &str, plaintext: String, now_ms: u64) -> Result<Draft> {
        let ciphertext = self.cipher.encrypt_to_base64(plaintext.as_bytes());
        let mut body = String::new();
        let mut envelope = ObjectWriter::new(&mut body);
        envelope
            .member("merchantId", &self.merchant_id)
            .member("method", method)
            .member("format", "json")
            .member("charset", "utf-8")
            .member("encryptType", "AES")
            .member("signType", "RSA");
        let offset = envelope.empty_string_slot("sign");
        envelope
            .member("timestamp", &now_ms)
            .member("body", &ciphertext);
        envelope.finish();
        let message = match self.sign_target {
            SignTarget::Ciphertext => ciphertext.into_bytes(),
            SignTarget::Plaintext => plaintext.into_bytes(),
        };
        Ok(Draft::with_json_body(
            endpoint(&self.base_url, path),
            vec![("Content-Type".into(), "application/json".into())],
            body,
            offset,
            message,
            self.hash,
        ))
    }
}

/// The refund body, fields in the documented order.
fn refund_body(input: &RefundInput) -> Result<String> {
    let payment_id = input.original_transaction_id.clone().ok_or_else(|| {
        Error::input(
            "originalTransactionId",
            "originalTransactionId is required: BIEASES refunds name the paid order by its \
             BIEASES paymentId",
        )
    })?;
    check_max_chars("originalTransactionId", &payment_id, MAX_PAYMENT_ID)?;
    check_max_chars("refundId", &input.refund_id, MAX_REFER_REFUND_NO)?;
    let amount_text = input.amount.to_major_text();
    let refund_infos = refund_infos(input, &amount_text)?;
    let amount = json_number(&amount_text)?;
    if let Some(url) = &input.notify_url {
        check_url("notifyUrl", url)?;
    }

    let mut body = String::new();
    let mut fields = ObjectWriter::new(&mut body);
    fields
        .member("paymentId", &payment_id)
        .member("referRefundNo", &input.refund_id)
        .member("refundAmount", &amount)
        .member("currency", input.currency.code)
        .member("refundInfos", &refund_infos)
        .optional("reason", &input.reason)
        .optional("callbackUrl", &input.notify_url);
    fields.finish();
    Ok(body)
}

/// One line of `refundInfos`: what is refunded, and its amount as a decimal string.
struct RefundInfo {
    goods_desc: String,
    amount: String,
}

impl ToJson for RefundInfo {
    fn write_json(&self, out: &mut String) {
        let mut line = ObjectWriter::new(out);
        line.member("goodsDesc", &self.goods_desc)
            .member("refundGoodAmount", &self.amount);
        line.finish();
    }
}

/// `refundInfos` from `extra.refundInfos` when given (checked line by line and against the total),
/// else one line for the whole amount. `extra` takes nothing else: a misspelt key must not vanish.
fn refund_infos(input: &RefundInput, amount_text: &str) -> Result<Vec<RefundInfo>> {
    if let Some(key) = input.extra.keys().find(|k| k.as_str() != "refundInfos") {
        let key = printable_key(key);
        return Err(Error::input(
            &format!("extra.{key}"),
            format!("unknown field extra.{key}; BIEASES takes only extra.refundInfos"),
        ));
    }
    match input.extra.get("refundInfos") {
        None | Some(Value::Null) => {
            let goods_desc = input.reason.clone().unwrap_or(input.refund_id.clone());
            Ok(vec![RefundInfo {
                goods_desc,
                amount: amount_text.to_string(),
            }])
        }
        Some(given) => caller_refund_infos(given, input.amount),
    }
}

fn caller_refund_infos(given: &Value, total: Amount) -> Result<Vec<RefundInfo>> {
    const FIELD: &str = "extra.refundInfos";
    let lines = match given {
        Value::Array(lines) if !lines.is_empty() && lines.len() <= MAX_REFUND_INFOS => lines,
        _ => {
            return Err(Error::input(
                FIELD,
                format!(
                    "extra.refundInfos must be an array of 1 to {MAX_REFUND_INFOS} objects \
                     {{goodsDesc, refundGoodAmount}}"
                ),
            ))
        }
    };
    let mut sum: u128 = 0;
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let (goods_desc, amount) = refund_info_entry(line, i, total.currency())?;
        sum = sum.checked_add(amount.minor_units()).ok_or_else(|| {
            Error::amount("the refundInfos amounts are too large").with_field(FIELD)
        })?;
        out.push(RefundInfo {
            goods_desc,
            amount: amount.to_major_text(),
        });
    }
    if sum != total.minor_units() {
        let sum_text = Amount::from_minor(sum, total.currency()).to_major_text();
        return Err(Error::amount(format!(
            "the refundGoodAmount values of extra.refundInfos add up to {sum_text}, not to the \
             refund amount {}",
            total.to_major_text()
        ))
        .with_field(FIELD));
    }
    Ok(out)
}

/// One caller line: exactly `goodsDesc` (text) and `refundGoodAmount` (a decimal string in the
/// refund's currency, like `amount`).
fn refund_info_entry(line: &Value, index: usize, currency: Currency) -> Result<(String, Amount)> {
    let at = format!("extra.refundInfos[{index}]");
    let obj = line
        .as_object()
        .ok_or_else(|| Error::input(&at, format!("{at} must be an object")))?;
    if let Some(key) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "goodsDesc" | "refundGoodAmount"))
    {
        let key = printable_key(key);
        return Err(Error::input(
            &format!("{at}.{key}"),
            format!("unknown field {at}.{key}; expected goodsDesc and refundGoodAmount"),
        ));
    }
    let desc_field = format!("{at}.goodsDesc");
    let goods_desc = match obj.get("goodsDesc") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => {
            return Err(Error::input(
                &desc_field,
                format!("{desc_field} must be a non-empty string"),
            ))
        }
    };
    check_no_control_chars(&desc_field, &goods_desc)?;
    check_max_chars(&desc_field, &goods_desc, 2048)?;
    let amount_field = format!("{at}.refundGoodAmount");
    let amount = match obj.get("refundGoodAmount") {
        Some(Value::String(s)) => Amount::parse(s, currency).map_err(|e| {
            Error::amount(format!("{amount_field}: {}", e.message)).with_field(&amount_field)
        })?,
        _ => {
            return Err(Error::amount(format!(
                "{amount_field} must be a decimal string such as \"10.50\""
            ))
            .with_field(&amount_field))
        }
    };
    Ok((goods_desc, amount))
}

/// BIEASES looks refunds up only by its own refund id.
fn query_body(query: &RefundQuery) -> Result<String> {
    let refund_id = query.gateway_refund_id.clone().ok_or_else(|| {
        Error::input(
            "gatewayRefundId",
            "gatewayRefundId is required: BIEASES looks a refund up only by its own refundId \
             (the gatewayRefundId of the refund response or notification), not by the \
             merchant's refundId or the payment",
        )
    })?;
    check_max_chars("gatewayRefundId", &refund_id, MAX_REFUND_ID)?;
    let mut body = String::new();
    let mut fields = ObjectWriter::new(&mut body);
    fields.member("refundId", &refund_id);
    fields.finish();
    Ok(body)
}

// ---------------------------------------------------------------------------------------------
// What is verified

impl Bieases {
    /// Checks the signature of an envelope BIEASES sent (a notification, or a response whose `data`
    /// is an envelope) and returns its decrypted business body: the only part of the envelope that
    /// the signature covers, under either profile. Under the default profile the signature is
    /// checked before anything is decrypted; under `plaintext` it can only be checked on the
    /// decrypted bytes, which are still not parsed until it holds.
    fn open_envelope(
        &self,
        envelope: &Object,
        what: &str,
        verifier: &dyn Verifier,
    ) -> Result<Object> {
        let sign = signature_member(envelope, "sign", what)?;
        let body = match envelope.get("body") {
            Some(Value::String(s)) if !s.is_empty() => s.as_str(),
            _ => {
                return Err(Error::malformed(format!(
                    "the {what} has no encrypted body string"
                )))
            }
        };
        let plaintext = match self.sign_target {
            SignTarget::Ciphertext => {
                verifier.verify(body.as_bytes(), &signature_from_base64(sign)?, self.hash)?;
                self.cipher.decrypt_base64(body)?
            }
            // Decrypt before verify: this profile signs the plaintext, so nothing can be
            // authenticated before the body is decrypted, and a receiver that answered bad padding
            // differently from a bad signature, in its reply or in its time, would be a padding
            // oracle on the AES key (CBC, Vaudenay 2002). Both checks therefore always run, the
            // padding is read in constant time, and one error stands for both, chosen after both.
            // That takes the signal out of this function only: the JSON parse after a good
            // signature and what the caller does with the error lie outside it, so this profile
            // stays weaker than the default, which verifies the ciphertext before decrypting.
            SignTarget::Plaintext => {
                // An unreadable signature is refused like any other bad one, after the same work.
                let signature = signature_from_base64(sign).unwrap_or_default();
                self.cipher
                    .0
                    .decrypt_signed_plaintext(
                        BodyCipher::ciphertext(body)?,
                        &signature,
                        self.hash,
                        verifier,
                    )?
                    .ok_or_else(plaintext_refused)?
            }
        };
        // A wrong key leaves valid padding about once in 256 tries; the garbage it yields is
        // still a decryption failure, not a malformed message from BIEASES.
        parse_json_object(&plaintext, "decrypted body").map_err(|_| {
            Error::decrypt_failed(
                "the decrypted body is not a JSON object: the aesKey, aesIv or keyEncoding \
                 is probably wrong",
            )
        })
    }

    /// BIEASES signs every merchant's messages with one gateway key, so a valid signature does not
    /// say for whom a message is meant: a message for another merchant (a shared callback URL, a
    /// misrouted delivery) must not update this merchant's refunds.
    ///
    /// Only the signed body can let a message through. The documentation does not promise a
    /// `merchantId` in the body, so a body without one passes: the signature still shows that
    /// BIEASES sent it. The envelope's `merchantId` is not signed and never lets a message through,
    /// but one that names another merchant refuses it, since a refusal cannot let a forgery in.
    fn check_addressed_to_us(&self, body: &Object, envelope: &Object, what: &str) -> Result<()> {
        self.check_merchant_id(body, what, "")?;
        self.check_merchant_id(envelope, what, " (unsigned envelope)")
    }

    fn check_merchant_id(&self, object: &Object, what: &str, place: &str) -> Result<()> {
        if !names_someone_else(object, "merchantId", &self.merchant_id) {
            return Ok(());
        }
        let named = match object.get("merchantId") {
            Some(Value::String(named)) => printable_key(named),
            Some(Value::Number(named)) => named.as_str().to_string(),
            other => {
                return Err(Error::merchant_mismatch(
                    "merchantId",
                    format!(
                        "the {what} names its merchantId{place} as {}, not as text",
                        other.map_or("nothing", json_type_name)
                    ),
                ))
            }
        };
        Err(Error::merchant_mismatch(
            "merchantId",
            format!(
                "the {what} is for merchantId {named}{place}, not for the merchantId this client \
                 is configured with"
            ),
        ))
    }
}

/// The one refusal of the `plaintext` profile for bad padding and for a bad signature alike: which
/// of the two it was must not be told, to the caller or to whoever the caller answers.
fn plaintext_refused() -> Error {
    Error::signature_invalid(
        "the signature does not verify over the decrypted body (signTarget 'plaintext'): either \
         BIEASES did not sign this message, or it does not decrypt with the configured aesKey, \
         aesIv and keyEncoding. The two causes are deliberately reported alike",
    )
}

/// The notification's `timestamp` must lie within five minutes of the caller's clock. The
/// envelope's `timestamp` is covered by neither profile's signature: anyone can set it to now, so
/// it can only refuse a stale delivery, never vouch for a fresh one. Where the signed body carries
/// a `timestamp` of its own, that one decides instead.
fn check_freshness(body: &Object, envelope: &Object, now_ms: u64) -> Result<()> {
    let (sent, what) = match body.get("timestamp") {
        None | Some(Value::Null) => (envelope, "timestamp"),
        Some(_) => (body, "signed timestamp"),
    };
    let sent_ms: u64 = field_text(sent, "timestamp")
        .and_then(|t| t.trim().parse().ok())
        .ok_or_else(|| {
            Error::malformed(format!(
                "the notification has no {what} in epoch milliseconds"
            ))
        })?;
    if sent_ms.abs_diff(now_ms) > FRESHNESS_WINDOW_MS {
        return Err(Error::new(
            ErrorCode::TimestampOutOfWindow,
            format!(
                "the notification {what} {sent_ms} ({}) is more than 5 minutes from now \
                 {now_ms} ({})",
                UtcTime::from_epoch_ms(sent_ms).iso8601(),
                UtcTime::from_epoch_ms(now_ms).iso8601()
            ),
        ));
    }
    Ok(())
}

/// Where the event name sits is not documented. Only the decrypted body is signed, so only its
/// event name counts; one that stands in the envelope alone is reported in `raw.unverifiedEnvelope`
/// and decides nothing.
fn notification_event(body: &Object) -> Option<String> {
    ["event", "eventName", "eventType"]
        .iter()
        .find_map(|k| non_empty_text(body, k))
}

/// A payment notification arrives at the same callback URL; its SUCCESS must never read as a
/// refund's. Any event name that is not a refund's refuses, the envelope's unsigned one included:
/// it can refuse a message, never let one through.
fn check_is_refund_notification(body: &Object, events: [Option<&str>; 2]) -> Result<()> {
    for event in events.into_iter().flatten() {
        if !event.starts_with("payment.refund.") {
            return Err(Error::malformed(format!(
                "this is not a refund notification (event {}); refundkit handles \
                 payment.refund.* events only",
                printable_key(event)
            )));
        }
    }
    if non_empty_text(body, "refundId").is_none() && non_empty_text(body, "referRefundNo").is_none()
    {
        return Err(Error::malformed(
            "the notification names no refund (neither refundId nor referRefundNo)",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Parsing and mapping

/// The `data` of an accepted `{code, msg, data}` wrapper; any code but 20000 is `GATEWAY_ERROR`.
/// The wrapper is never signed.
fn accepted_response(response: &RawResponse) -> Result<Option<Value>> {
    let mut wrapper = parse_json_object(&response.body, "BIEASES response")
        .map_err(|e| unreadable_response(e, response.status, NAME))?;
    let code = response_code(&wrapper)?;
    if code != SUCCESS_CODE {
        let msg = field_text(&wrapper, "msg").unwrap_or_default();
        return Err(Error::gateway(NAME, code, msg));
    }
    Ok(wrapper.remove("data"))
}

impl Bieases {
    /// Maps the data of an accepted response. Only an envelope in `data` can make the result
    /// `verified`, and then only its decrypted body feeds it.
    fn response_result(
        &self,
        data: Option<Value>,
        verifier: &dyn Verifier,
    ) -> Result<RefundResult> {
        match data {
            None | Some(Value::Null) => refund_result(&Object::new(), None, false),
            Some(Value::Object(envelope)) if is_envelope(&envelope) => {
                let body = self.open_envelope(&envelope, "response data", verifier)?;
                self.check_addressed_to_us(&body, &envelope, "response")?;
                let mut result = refund_result(&body, status_word(&body), true)?;
                report_unverified_envelope(&mut result, &envelope);
                Ok(result)
            }
            // Documented as plain JSON that "does not require signature verification".
            Some(Value::Object(data)) => refund_result(&data, status_word(&data), false),
            Some(other) => Err(Error::malformed(format!(
                "the BIEASES response data must be an object, not {}",
                json_type_name(&other)
            ))),
        }
    }
}

/// The response code, sent as a JSON number or as a numeric string depending on the endpoint.
fn response_code(wrapper: &Object) -> Result<String> {
    match wrapper.get("code") {
        Some(Value::Number(n)) => Ok(n.as_str().to_string()),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        _ => Err(Error::malformed(
            "the BIEASES response has no code (a number or a numeric string)",
        )),
    }
}

/// Where unsigned envelope fields are reported in `raw`.
const UNVERIFIED_ENVELOPE: &str = "unverifiedEnvelope";

/// Keeps the envelope's fields other than `sign` and `body` in `raw.unverifiedEnvelope`, for the
/// caller's records: none of them is covered by the signature, so none is read into the result.
/// A body that carries that key itself keeps its own, signed, value.
fn report_unverified_envelope(result: &mut RefundResult, envelope: &Object) {
    let unverified: Object = envelope
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "sign" | "body"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if unverified.is_empty() {
        return;
    }
    if let Value::Object(raw) = &mut result.raw {
        if !raw.contains_key(UNVERIFIED_ENVELOPE) {
            raw.insert(UNVERIFIED_ENVELOPE.into(), Value::Object(unverified));
        }
    }
}

/// `data` that carries a `sign` or a `body` is an envelope to verify and decrypt; treating half an
/// envelope as plain data would accept unsigned content.
fn is_envelope(data: &Object) -> bool {
    data.contains_key("sign") || data.contains_key("body")
}

fn status_word(data: &Object) -> Option<String> {
    non_empty_text(data, "status")
}

/// The status words, matched without regard to letter case: BIEASES publishes none
/// (gateways/bieases.md, Response), so these are the plausible ones, and a `success` is as likely
/// as a `SUCCESS`. The event names of notifications map the same way. Anything else is `unknown`,
/// with the word kept as `gatewayStatus`.
fn refund_status(word: &str) -> RefundStatus {
    match word.to_ascii_uppercase().as_str() {
        "SUCCESS" | "SUCCEEDED" | "FINISHED" | "COMPLETED" | "PAYMENT.REFUND.SUCCESS" => {
            RefundStatus::Succeeded
        }
        "FAILED" | "FAIL" | "PAYMENT.REFUND.FAILED" => RefundStatus::Failed,
        "CANCELLED" | "CANCELED" => RefundStatus::Cancelled,
        "CREATED" | "PENDING" | "PROCESSING" | "CONFIRMING" => RefundStatus::Pending,
        _ => RefundStatus::Unknown,
    }
}

fn refund_result(data: &Object, word: Option<String>, verified: bool) -> Result<RefundResult> {
    let word = word.unwrap_or_default();
    let status = refund_status(&word);
    let mut result = RefundResult::new(ID, status, word, verified, Value::Object(data.clone()));
    result.refund_id = non_empty_text(data, "referRefundNo");
    result.gateway_refund_id = non_empty_text(data, "refundId");
    result.original_transaction_id = non_empty_text(data, "paymentId");
    result.currency = non_empty_text(data, "currency");
    result.amount = received_amount(data, result.currency.as_deref())?;
    result.created_at = received_time(data, "refundTime");
    result.completed_at = received_time(data, "completeTime");
    if status == RefundStatus::Failed {
        result.failure_reason = non_empty_text(data, "msg");
    }
    Ok(result)
}

/// `refundAmount` in major units: with the currency's ISO digits where the currency is known (the
/// query answer does not carry one), else the exact decimal as received. The query answer writes
/// it as a string, the request as a number: either is read as a plain decimal, and anything else
/// that is present is refused.
fn received_amount(data: &Object, currency: Option<&str>) -> Result<Option<String>> {
    let amount = received_decimal(data, "refundAmount", NAME, NumberForm::Plain)?;
    Ok(amount.map(|amount| iso_amount_text(amount, received_currency(currency))))
}

/// Times arrive as epoch milliseconds; zero means "not yet".
fn received_time(data: &Object, key: &str) -> Option<String> {
    non_empty_text(data, key)
        .filter(|t| t.trim() != "0")
        .and_then(|t| iso_from_epoch_ms_text(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher(key: &str, iv: &str) -> BodyCipher {
        let bytes = |text: &str| Zeroizing::new(text.as_bytes().to_vec());
        BodyCipher(AesCbc::new(bytes(key), bytes(iv)).unwrap())
    }

    const VECTOR_PLAINTEXT: &str = r#"{"paymentId":"01J143NWJFNGBV2YB9ZRB9T7PS"}"#;

    #[test]
    fn reproduces_the_aes_cbc_vectors_of_the_spec() {
        let iv = "abcdef9876543210";
        for (key, expected) in [
            (
                "0123456789abcdef0123456789abcdef",
                "Xl2hVT5h4md2HafNhyOdzR59IPVpeGEWkpjooiKdRy4P6FH4SjrA2e4rS6q24ZRJ",
            ),
            (
                "0123456789abcdef",
                "Yf9HTNLC9SyLHVMSAM0Keq7CD3bzsimdkllf3fYbQ5UEU5a+j9zvwIVczKNJ1bFW",
            ),
        ] {
            let c = cipher(key, iv);
            let encrypted = c.encrypt_to_base64(VECTOR_PLAINTEXT.as_bytes());
            assert_eq!(encrypted, expected);
            assert_eq!(
                c.decrypt_base64(expected).unwrap(),
                VECTOR_PLAINTEXT.as_bytes()
            );
        }
    }

    #[test]
    fn decryption_failures_never_panic() {
        let c = cipher("0123456789abcdef", "abcdef9876543210");
        for bad in [
            "",
            "!!!!",
            "AAAA",
            "AAAAAAAAAAAAAAAAAAAAAA==",
            &"A".repeat(64),
        ] {
            let e = c.decrypt_base64(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::DecryptFailed, "{bad}");
        }
    }

    /// Refuses every signature: the plain-data answers it is handed to never ask it.
    #[derive(Debug)]
    struct RefusingVerifier;

    impl Verifier for RefusingVerifier {
        fn verify(&self, _: &[u8], _: &[u8], _: HashAlg) -> Result<()> {
            Err(Error::signature_invalid("no signature is expected here"))
        }
    }

    fn gateway() -> Box<dyn Gateway> {
        let settings = r#"{"environment": "sandbox", "merchantId": "B131567545069",
            "aesKey": "0123456789abcdef", "aesIv": "abcdef9876543210"}"#;
        let mut config = Config::from_json(&settings.parse().unwrap()).unwrap();
        from_config(&mut config).unwrap()
    }

    /// A plain query answer whose `data.refundAmount` is the given JSON text.
    fn query_answer(amount_json: &str, currency: &str) -> RawResponse {
        let body = format!(
            r#"{{"code":20000,"msg":"","data":{{"refundId":"G1","referRefundNo":"R1","refundAmount":{amount_json}{currency},"status":"SUCCESS"}}}}"#
        );
        RawResponse::new(Some(200), Vec::new(), body.into_bytes())
    }

    #[test]
    fn a_received_amount_that_is_not_a_decimal_is_refused_never_dropped() {
        for currency in [r#","currency":"USD""#, ""] {
            for amount in [
                r#""ten""#,
                r#"" ""#,
                r#""-1""#,
                r#""1e3""#,
                "-1",
                "1E+3",
                "true",
                "[1]",
                r#"{"value":"1"}"#,
            ] {
                let e = gateway()
                    .parse_refund_query_response(&query_answer(amount, currency), &RefusingVerifier)
                    .unwrap_err();
                assert_eq!(e.code, ErrorCode::ResponseMalformed, "{amount} {currency}");
                assert!(e.message.contains("refundAmount"), "{e}");
            }
        }
        for (amount, currency, expected) in [
            (r#""21.5""#, r#","currency":"USD""#, Some("21.50")),
            ("10.50", "", Some("10.50")),
            (r#""""#, r#","currency":"USD""#, None),
            ("null", r#","currency":"USD""#, None),
        ] {
            let results = gateway()
                .parse_refund_query_response(&query_answer(amount, currency), &RefusingVerifier)
                .unwrap();
            assert_eq!(
                results[0].amount.as_deref(),
                expected,
                "{amount} {currency}"
            );
        }
    }

    #[test]
    fn status_words_match_in_any_letter_case_with_unknown_as_default() {
        assert_eq!(refund_status("SUCCESS"), RefundStatus::Succeeded);
        assert_eq!(refund_status("finished"), RefundStatus::Succeeded);
        assert_eq!(refund_status("Payment.Refund.Failed"), RefundStatus::Failed);
        assert_eq!(refund_status("FAIL"), RefundStatus::Failed);
        assert_eq!(refund_status("CANCELED"), RefundStatus::Cancelled);
        assert_eq!(refund_status("CONFIRMING"), RefundStatus::Pending);
        assert_eq!(refund_status("TIMEOUT"), RefundStatus::Unknown);
        assert_eq!(refund_status(""), RefundStatus::Unknown);
    }
}
