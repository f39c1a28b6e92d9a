//! The one error type of the library. Every failure carries a stable [`ErrorCode`] that callers can
//! branch on; the message is for people. Messages are written by this crate only, from fixed text and
//! field names, so they never carry key material or echo a caller's secret back.

use std::fmt;

/// Stable error codes, the same strings in Rust and in JavaScript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// A failure with a stable code, an optional input field at fault, and for `GATEWAY_ERROR` the
/// gateway's own code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    pub gateway_code: Option<String>,
    pub gateway_message: Option<String>,
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
        }
    }

    /// Names the one input or config field at fault.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
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
            code: ErrorCode::GatewayError,
            message: format!(
                "{gateway} refused the request: {} {}",
                excerpt(&code),
                excerpt(&message)
            )
            .trim_end()
            .to_string(),
            field: None,
            gateway_code: Some(code),
            gateway_message: Some(message),
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
