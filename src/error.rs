//! The one error type of the library. Every failure carries a stable [`ErrorCode`] that callers can
//! branch on; the message is for people. Messages are written by this crate only, from fixed text and
//! field names, so they never carry key material or echo a caller's secret back.

use std::fmt;

/// Stable error codes, the same strings in Rust and in JavaScript. New codes may be added, so a
/// `match` needs a `_` arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    ConfigInvalid,
    KeyInvalid,
    InputInvalid,
    AmountInvalid,
    SignatureMissing,
    SignatureInvalid,
    ResponseMalformed,
    TimestampOutOfWindow,
    DecryptFailed,
    GatewayError,
    Transport,
    /// A correctly signed message that names another merchant or app than this client's.
    MerchantMismatch,
    /// A received body over the client's `maxBodyBytes` limit, refused before it is parsed.
    BodyTooLarge,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::ConfigInvalid,
        ErrorCode::KeyInvalid,
        ErrorCode::InputInvalid,
        ErrorCode::AmountInvalid,
        ErrorCode::SignatureMissing,
        ErrorCode::SignatureInvalid,
        ErrorCode::ResponseMalformed,
        ErrorCode::TimestampOutOfWindow,
        ErrorCode::DecryptFailed,
        ErrorCode::GatewayError,
        ErrorCode::Transport,
        ErrorCode::MerchantMismatch,
        ErrorCode::BodyTooLarge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ConfigInvalid => "CONFIG_INVALID",
            ErrorCode::KeyInvalid => "KEY_INVALID",
            ErrorCode::InputInvalid => "INPUT_INVALID",
            ErrorCode::AmountInvalid => "AMOUNT_INVALID",
            ErrorCode::SignatureMissing => "SIGNATURE_MISSING",
            ErrorCode::SignatureInvalid => "SIGNATURE_INVALID",
            ErrorCode::ResponseMalformed => "RESPONSE_MALFORMED",
            ErrorCode::TimestampOutOfWindow => "TIMESTAMP_OUT_OF_WINDOW",
            ErrorCode::DecryptFailed => "DECRYPT_FAILED",
            ErrorCode::GatewayError => "GATEWAY_ERROR",
            ErrorCode::Transport => "TRANSPORT",
            ErrorCode::MerchantMismatch => "MERCHANT_MISMATCH",
            ErrorCode::BodyTooLarge => "BODY_TOO_LARGE",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a request may have reached the gateway, told with every failure of a call that sends
/// one (`refund()` and `queryRefund()` in JavaScript). Retrying hinges on it: only `NotSent` and
/// `Refused` prove that the gateway did nothing with this request.
///
/// | failure | code | delivery |
/// |---|---|---|
/// | the config, the input or the amount is refused before anything is built | `CONFIG_INVALID`, `INPUT_INVALID`, `AMOUNT_INVALID`, ... | `NotSent` |
/// | the request cannot be signed (the key, WebCrypto) | `KEY_INVALID`, `CONFIG_INVALID` | `NotSent` |
/// | there is no `fetch` or no `AbortController` to send with | `CONFIG_INVALID`, `TRANSPORT` | `NotSent` |
/// | `fetch` threw or rejected, the timeout aborted it | `TRANSPORT` | `Unknown`: `fetch` does not tell a refused connection from one cut after the body went out |
/// | `fetch` resolved to something that is not a readable `Response` | `TRANSPORT` | `Unknown` |
/// | the answer is longer than `maxBodyBytes` | `BODY_TOO_LARGE` | `Unknown` |
/// | an HTTP error status without the gateway's own body (a proxy's 502 page) | `TRANSPORT` | `Unknown` |
/// | the answer cannot be parsed, verified, decrypted or is for another merchant | `RESPONSE_MALFORMED`, `SIGNATURE_*`, `DECRYPT_FAILED`, `MERCHANT_MISMATCH`, ... | `Unknown` |
/// | the gateway answered that it refused the request | `GATEWAY_ERROR` | `Refused` |
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Nothing left this process.
    NotSent,
    /// The gateway answered, and its answer says it did nothing with the request.
    Refused,
    /// The request may have reached the gateway and may have been acted on.
    Unknown,
}

impl Delivery {
    /// The JavaScript spelling: `not-sent`, `refused`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::NotSent => "not-sent",
            Delivery::Refused => "refused",
            Delivery::Unknown => "unknown",
        }
    }
}

/// A failure with a stable code, an optional input field at fault, for `GATEWAY_ERROR` the
/// gateway's own code and message, and for a call that sends a request the HTTP status that came
/// back and whether the request may have reached the gateway. Fields may be added.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    pub gateway_code: Option<String>,
    pub gateway_message: Option<String>,
    /// The HTTP status of the answer that failed, where an answer arrived.
    pub http_status: Option<u16>,
    /// Set on the failures of calls that send a request; `None` on pure build, parse and verify
    /// calls.
    pub delivery: Option<Delivery>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            field: None,
            gateway_code: None,
            gateway_message: None,
            http_status: None,
            delivery: None,
        }
    }

    /// Names the one input or config field at fault.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Records the HTTP status of the answer this failure came from.
    pub fn with_http_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// Records whether the request may have reached the gateway, unless that is already known.
    pub fn with_delivery(mut self, delivery: Delivery) -> Self {
        self.delivery.get_or_insert(delivery);
        self
    }

    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::ConfigInvalid, message)
    }

    pub fn config_field(field: &str, message: impl Into<String>) -> Self {
        Error::new(ErrorCode::ConfigInvalid, message).with_field(field)
    }

    pub fn key(field: &str, message: impl Into<String>) -> Self {
        Error::new(ErrorCode::KeyInvalid, message).with_field(field)
    }

    pub fn input(field: &str, message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InputInvalid, message).with_field(field)
    }

    pub fn amount(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::AmountInvalid, message).with_field("amount")
    }

    pub fn malformed(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::ResponseMalformed, message)
    }

    pub fn signature_missing(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::SignatureMissing, message)
    }

    pub fn signature_invalid(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::SignatureInvalid, message)
    }

    pub fn transport(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Transport, message)
    }

    /// An encrypted body that does not decrypt with the configured key.
    pub fn decrypt_failed(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::DecryptFailed, message)
    }

    /// A received body longer than the client's limit, refused before a byte of it is parsed.
    pub fn body_too_large(what: &str, limit: usize) -> Self {
        Error::new(
            ErrorCode::BodyTooLarge,
            format!(
                "the {what} body is larger than {limit} bytes (maxBodyBytes); no gateway sends \
                 refund messages this large, so it was refused before parsing"
            ),
        )
    }

    /// A signed message addressed to another merchant or app: the signature holds, but a gateway
    /// that signs every merchant's messages with one key makes a valid signature no proof that
    /// the message is ours. `field` names the credential that differs.
    pub fn merchant_mismatch(field: &str, message: impl Into<String>) -> Self {
        Error::new(ErrorCode::MerchantMismatch, message).with_field(field)
    }

    /// The gateway refused the request: its own code and message travel with the error, verbatim in
    /// `gateway_code` and `gateway_message`. The human message quotes them only as short printable
    /// excerpts: refusals are unsigned, so their text is whatever the network delivered, and a
    /// megabyte or a CR/LF in it must not reach logs through the message.
    pub fn gateway(gateway: &str, code: impl Into<String>, message: impl Into<String>) -> Self {
        let code = code.into();
        let message = message.into();
        Error {
            message: format!(
                "{gateway} refused the request: {} {}",
                excerpt(&code),
                excerpt(&message)
            )
            .trim_end()
            .to_string(),
            gateway_code: Some(code),
            gateway_message: Some(message),
            ..Error::new(ErrorCode::GatewayError, String::new())
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// The longest piece of received text quoted in an error message, in characters.
const EXCERPT_CHARS: usize = 200;

/// Received text fit to quote in a message: control characters as spaces, cut at
/// [`EXCERPT_CHARS`] with an ellipsis.
fn excerpt(text: &str) -> String {
    let mut shown: String = text
        .chars()
        .take(EXCERPT_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_screaming_snake_case() {
        let names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        for (i, n) in names.iter().enumerate() {
            assert!(n.chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{n}");
            assert!(!names[i + 1..].contains(n), "duplicate {n}");
        }
    }

    #[test]
    fn delivery_is_spelled_for_javascript_and_the_first_one_recorded_stands() {
        let spelled: Vec<&str> = [Delivery::NotSent, Delivery::Refused, Delivery::Unknown]
            .iter()
            .map(|d| d.as_str())
            .collect();
        assert_eq!(spelled, ["not-sent", "refused", "unknown"]);
        let e = Error::transport("x")
            .with_delivery(Delivery::NotSent)
            .with_delivery(Delivery::Unknown)
            .with_http_status(502);
        assert_eq!(e.delivery, Some(Delivery::NotSent));
        assert_eq!(e.http_status, Some(502));
        assert_eq!(Error::gateway("PayerMax", "E", "m").delivery, None);
    }

    #[test]
    fn gateway_error_keeps_gateway_code_and_message() {
        let e = Error::gateway("PayerMax", "ORDER_NOT_EXIST", "order not found");
        assert_eq!(e.code, ErrorCode::GatewayError);
        assert_eq!(e.gateway_code.as_deref(), Some("ORDER_NOT_EXIST"));
        assert_eq!(e.gateway_message.as_deref(), Some("order not found"));
        assert_eq!(
            e.to_string(),
            "GATEWAY_ERROR: PayerMax refused the request: ORDER_NOT_EXIST order not found"
        );
    }

    #[test]
    fn gateway_error_messages_quote_only_short_printable_excerpts() {
        let long_code = "1".repeat(10_000);
        let e = Error::gateway("WisePay", long_code.clone(), "line\r\nSet-Cookie: x");
        assert_eq!(e.gateway_code.as_deref(), Some(long_code.as_str()));
        assert_eq!(e.gateway_message.as_deref(), Some("line\r\nSet-Cookie: x"));
        assert!(e.message.chars().count() < 300, "{}", e.message.len());
        assert!(e.message.contains(&format!("{}…", "1".repeat(200))));
        assert!(e.message.ends_with("line  Set-Cookie: x"), "{}", e.message);
        assert!(!e.message.chars().any(char::is_control));
    }
}
