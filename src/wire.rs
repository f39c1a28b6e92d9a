//! Small helpers for reading and writing gateway wire data. They know JSON and text, no gateway.

// The JavaScript face builds its config object under this name.
pub use crate::json::Object;
use crate::json::{Number, Value};
use crate::{Error, Result};
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;

/// A received signature in standard base64, padded or not; whitespace is tolerated only around
/// it. Anything else is `SIGNATURE_INVALID`: a signature that cannot be read is a bad signature.
pub fn signature_from_base64(text: &str) -> Result<Vec<u8>> {
    let trimmed = text.trim();
    let decoded = if trimmed.ends_with('=') {
        STANDARD.decode(trimmed)
    } else {
        STANDARD_NO_PAD.decode(trimmed)
    };
    decoded.map_err(|_| Error::signature_invalid("the signature is not valid base64"))
}

/// Refuses control characters (including CR and LF) in a value that goes on the wire.
pub fn check_no_control_chars(field: &str, value: &str) -> Result<()> {
    if has_control_char(value) {
        return Err(Error::input(
            field,
            format!("{field} must not contain control characters such as CR, LF or TAB"),
        ));
    }
    Ok(())
}

/// Whether `value` holds a control character (`char::is_control`: U+0000-U+001F and
/// U+007F-U+009F), read from its UTF-8 bytes rather than decoded char by char: every value a request
/// carries goes through this. C0 controls and DEL are single bytes; C1 controls are 0xC2 followed by
/// 0x80-0x9F, and 0xC2 is never a continuation byte.
fn has_control_char(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.iter().enumerate().any(|(i, &byte)| {
        byte < 0x20
            || byte == 0x7f
            || (byte == 0xc2 && matches!(bytes.get(i + 1), Some(0x80..=0x9f)))
    })
}

/// Whether `value` has more than `max` characters. A string never has more characters than bytes,
/// so most values need no count.
pub fn longer_than_chars(value: &str, max: usize) -> bool {
    value.len() > max && value.chars().count() > max
}

/// Checks a length limit in characters, as the gateways count them.
pub fn check_max_chars(field: &str, value: &str, max: usize) -> Result<()> {
    check_length(field, value, max, |field, message| {
        Error::input(field, message)
    })
}

/// Checks a config setting's length limit in characters.
pub fn check_config_max_chars(key: &str, value: &str, max: usize) -> Result<()> {
    check_length(key, value, max, |key, message| {
        Error::config_field(key, message)
    })
}

fn check_length(
    field: &str,
    value: &str,
    max: usize,
    error: fn(&str, String) -> Error,
) -> Result<()> {
    if longer_than_chars(value, max) {
        return Err(error(
            field,
            format!("{field} must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// A key fit to quote in an error message (and to name as its `field`): short and printable, or a
/// placeholder. The empty key gets a placeholder of its own: an empty `field` names nothing.
pub fn printable_key(key: &str) -> String {
    if key.is_empty() {
        "(empty key)".to_string()
    } else if key.len() <= 64 && !key.chars().any(char::is_control) {
        key.to_string()
    } else {
        "(unprintable key)".to_string()
    }
}

pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses received bytes as a JSON object; anything else is `RESPONSE_MALFORMED`.
pub fn parse_json_object(bytes: &[u8], what: &str) -> Result<Object> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::malformed(format!("the {what} is not valid UTF-8")))?;
    match crate::json::parse(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::malformed(format!("the {what} is not a JSON object"))),
        Err(_) => Err(Error::malformed(format!("the {what} is not valid JSON"))),
    }
}

/// A scalar field as text: strings as they are, numbers as their exact JSON text, booleans as
/// `true`/`false`. Null, absent, objects and arrays give `None`.
pub fn field_text(obj: &Object, key: &str) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.as_str().to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Like [`field_text`], but an empty string is `None` too.
pub fn non_empty_text(obj: &Object, key: &str) -> Option<String> {
    field_text(obj, key).filter(|s| !s.is_empty())
}

/// Whether `object` names, under `key`, someone other than `ours`: the addressee check of a
/// gateway that signs every merchant's messages with one key. Absent, null and empty name no one
/// (a canonical string drops empty values, so they were never signed); a number is compared by its
/// exact text; any other value (a boolean, an object, an array) names no one we know, so it counts
/// as someone else.
pub fn names_someone_else(object: &Object, key: &str, ours: &str) -> bool {
    match object.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) if s.is_empty() => false,
        Some(_) => field_text(object, key).as_deref() != Some(ours),
    }
}

/// The signature string member `key` of a received object. Absent, null or blank is
/// `SIGNATURE_MISSING`, reported before anything else about the message is believed; a value that
/// is not a string is `SIGNATURE_INVALID`.
pub fn signature_member<'a>(object: &'a Object, key: &str, what: &str) -> Result<&'a str> {
    match object.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.as_str()),
        None | Some(Value::Null) | Some(Value::String(_)) => Err(Error::signature_missing(
            format!("the {what} carries no {key}"),
        )),
        Some(other) => Err(Error::signature_invalid(format!(
            "the {what}'s {key} is {}, not a string",
            json_type_name(other)
        ))),
    }
}

/// The error for a response body that cannot be read. Where the HTTP status already says the
/// request failed (a proxy's HTML page, an empty 502), that is the news, and the status is named.
pub fn unreadable_response(error: Error, http_status: Option<u16>, sender: &str) -> Error {
    match http_status {
        Some(status) if !(200..300).contains(&status) => Error::malformed(format!(
            "{sender} answered HTTP {status} without a readable JSON body"
        )),
        _ => error,
    }
}

/// Whether `value` is an issued identifier: ASCII letters, digits, `_` and `-` only. Anything else
/// is a pasting mistake, and a separator in it could blur a signed string.
pub fn is_id_token(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Pairs of hex digits only: `from_str_radix` alone would also take a sign such as "+1".
pub fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

/// A JSON number written from an exact decimal text (no float conversion on the way).
pub fn json_number(decimal_text: &str) -> Result<Number> {
    decimal_text
        .parse()
        .map_err(|_| Error::amount("amount could not be written as a JSON number"))
}

/// Validates a notify/callback URL: absolute http(s), no whitespace or control characters.
pub fn check_url(field: &str, url: &str) -> Result<()> {
    check_no_control_chars(field, url)?;
    match after_http_scheme(url) {
        Some(host) if !host.is_empty() && !url.contains(char::is_whitespace) => Ok(()),
        _ => Err(Error::input(
            field,
            format!("{field} must be an absolute http:// or https:// URL without spaces"),
        )),
    }
}

/// What follows `https://` or `http://` at the start of `url`, the scheme in any case; compared in
/// place, without a lowercased copy of the URL.
pub fn after_http_scheme(url: &str) -> Option<&str> {
    after_scheme(url, "https://").or_else(|| after_scheme(url, "http://"))
}

/// What follows `scheme` (lowercase) at the start of `url`, in any case.
fn after_scheme<'a>(url: &'a str, scheme: &str) -> Option<&'a str> {
    let head = url.get(..scheme.len())?;
    head.eq_ignore_ascii_case(scheme)
        .then(|| &url[scheme.len()..])
}

/// `application/x-www-form-urlencoded` decoding; `None` where the text is not valid form data.
pub fn parse_form(text: &str) -> Option<Vec<(String, String)>> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((percent_decode(k)?, percent_decode(v)?))
        })
        .collect()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// One received top-level field: its name, the text a signature over it covers (`None` for null,
/// which a canonical string drops like an empty value) and its parsed value.
#[derive(Debug)]
pub struct ReceivedField {
    pub key: String,
    pub text: Option<String>,
    pub value: Value,
}

/// The top-level fields of a JSON body, each with the text the sender signed: a string's decoded
/// value; a number's or boolean's exact received text; an object's or array's exact received text,
/// sliced from the body and never re-serialized (a re-serialization could reorder keys or rewrite
/// numbers and so verify something other than what arrived). Duplicate names are refused: a
/// signature could not say which of the two it covered.
///
/// The body is unauthenticated until verified, so reading it stays linear-ish in its length: one
/// parse, and the names checked for duplicates by sorting them.
pub fn json_fields(body: &[u8], what: &str) -> Result<Vec<ReceivedField>> {
    let text = std::str::from_utf8(body)
        .map_err(|_| Error::malformed(format!("the {what} is not valid UTF-8")))?;
    let members = crate::json::parse_members(text).map_err(|_| {
        Error::malformed(format!("the {what} is not valid JSON holding one object"))
    })?;
    let fields: Vec<ReceivedField> = members
        .into_iter()
        .map(|member| ReceivedField {
            text: match &member.value {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                _ => Some(member.text.to_string()),
            },
            key: member.name,
            value: member.value,
        })
        .collect();
    refuse_repeated_names(&fields, what)?;
    Ok(fields)
}

/// The fields of a form-encoded body, every value a string. Duplicate names are refused, as in
/// [`json_fields`]; so is an empty body.
pub fn form_fields(text: &str, what: &str) -> Result<Vec<ReceivedField>> {
    let pairs = parse_form(text.trim())
        .ok_or_else(|| Error::malformed(format!("the {what} is not valid form data")))?;
    let fields: Vec<ReceivedField> = pairs
        .into_iter()
        .map(|(key, value)| ReceivedField {
            key,
            text: Some(value.clone()),
            value: Value::String(value),
        })
        .collect();
    if fields.is_empty() {
        return Err(Error::malformed(format!("the {what} body is empty")));
    }
    refuse_repeated_names(&fields, what)?;
    Ok(fields)
}

/// Refuses fields where a name comes twice, naming the first such name in byte order. Sorting
/// keeps the check O(n log n) however many fields a hostile body holds.
fn refuse_repeated_names(fields: &[ReceivedField], what: &str) -> Result<()> {
    let name = |p: usize| fields[p].key.as_str();
    let order = crate::json::order_by_name(fields.len(), &name);
    match order
        .windows(2)
        .find(|pair| name(pair[0] as usize) == name(pair[1] as usize))
    {
        Some(pair) => Err(Error::malformed(format!(
            "the {what} carries the field {} twice",
            printable_key(name(pair[0] as usize))
        ))),
        None => Ok(()),
    }
}

/// The fields as one object, in their received order.
pub fn fields_object(fields: &[ReceivedField]) -> Object {
    fields
        .iter()
        .map(|f| (f.key.clone(), f.value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_found_in_the_bytes_as_char_is_control_finds_them() {
        for code in (0..=0x10ffffu32).filter_map(char::from_u32) {
            let value = format!("a{code}b");
            assert_eq!(
                has_control_char(&value),
                code.is_control(),
                "U+{:04X}",
                code as u32
            );
        }
    }

    use super::*;
    use crate::json::ToJson;

    #[test]
    fn fields_keep_the_exact_received_text() {
        let text =
            r#" { "a" : "x\"}" , "b":{"z":1, "y":[1,{"q":"]"}]} ,"c":1.50,"d":null,"e":true } "#;
        let fields = json_fields(text.as_bytes(), "body").unwrap();
        let got: Vec<(&str, Option<&str>)> = fields
            .iter()
            .map(|f| (f.key.as_str(), f.text.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a", Some("x\"}")),
                ("b", Some(r#"{"z":1, "y":[1,{"q":"]"}]}"#)),
                ("c", Some("1.50")),
                ("d", None),
                ("e", Some("true")),
            ]
        );
        assert_eq!(json_fields(b"{}", "body").unwrap().len(), 0);
    }

    #[test]
    fn form_decoding_handles_plus_percent_and_utf8() {
        let pairs = parse_form("a=1&b=x+y&c=%E3%81%82%26&d=").unwrap();
        assert_eq!(
            pairs,
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("c".into(), "あ&".into()),
                ("d".into(), "".into())
            ]
        );
        assert!(parse_form("a=%zz").is_none());
        assert!(parse_form("a=%E3").is_none());
        assert!(parse_form("a=%").is_none());
    }

    #[test]
    fn exact_numbers_survive_a_round_trip() {
        let n = json_number("10000.50").unwrap();
        assert_eq!(Value::Number(n).to_json(), "10000.50");
        let obj =
            parse_json_object(br#"{"a":0.1000000000000000055511151231257827}"#, "body").unwrap();
        assert_eq!(
            field_text(&obj, "a").unwrap(),
            "0.1000000000000000055511151231257827"
        );
    }

    #[test]
    fn urls_must_be_absolute_http() {
        for good in [
            "https://shop.example/hook?a=1",
            "HTTP://shop.example",
            "hTtPs://ß.example/ü",
        ] {
            check_url("notifyUrl", good).unwrap();
        }
        for bad in [
            "ftp://x",
            "https://",
            "HTTPS://",
            "http:/",
            "ß://x",
            "https:/ß/x",
            "//x",
            "https://a b",
            "https://a\u{3000}b",
            "https://x\r\nHost: y",
        ] {
            assert!(check_url("notifyUrl", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_body_is_exactly_one_valid_object() {
        for bad in [
            "{\"a\":1} x",
            "{} {}",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{\"a\":}",
            "{\"a\":tru}",
            "{\"a\":[1,}",
            "{\"a\":\"x}",
            "{\"a\":\"\\u00zz\"}",
            "{\"a\\q\":1}",
            "{\"a\":\"\n\"}",
            "{\"a\":1 2}",
            "[1]",
            "",
        ] {
            let e = json_fields(bad.as_bytes(), "body").err();
            assert_eq!(
                e.map(|e| e.code),
                Some(crate::ErrorCode::ResponseMalformed),
                "{bad}"
            );
        }
        let fields = json_fields(b" {\"a\" : [1, {\"b\":\"}\"}] ,\"c\":\"x\"}\n", "body").unwrap();
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].text.as_deref(), Some("[1, {\"b\":\"}\"}]"));
    }

    #[test]
    fn escaped_keys_are_decoded() {
        let fields = json_fields(br#"{"tr\u0061ns_no":"1"}"#, "body").unwrap();
        assert_eq!(fields[0].key, "trans_no");
    }

    #[test]
    fn hex_decoding_is_strict() {
        assert_eq!(decode_hex("00ffAb").unwrap(), vec![0, 255, 0xab]);
        for bad in ["0", "0g", "+1", "-1", "é0", "éé"] {
            assert!(decode_hex(bad).is_none(), "{bad}");
        }
    }

    fn object(json: &str) -> Object {
        parse_json_object(json.as_bytes(), "test object").unwrap()
    }

    #[test]
    fn only_a_value_other_than_ours_names_someone_else() {
        for (json, someone_else) in [
            (r#"{}"#, false),
            (r#"{"id":null}"#, false),
            (r#"{"id":""}"#, false),
            (r#"{"id":"302"}"#, false),
            (r#"{"id":302}"#, false),
            (r#"{"id":"303"}"#, true),
            (r#"{"id":"302 "}"#, true),
            (r#"{"id":302.0}"#, true),
            (r#"{"id":true}"#, true),
            (r#"{"id":["302"]}"#, true),
            (r#"{"id":{"id":"302"}}"#, true),
        ] {
            assert_eq!(
                names_someone_else(&object(json), "id", "302"),
                someone_else,
                "{json}"
            );
        }
    }

    #[test]
    fn a_signature_member_is_a_non_blank_string() {
        assert_eq!(
            signature_member(&object(r#"{"sign":"QUJD"}"#), "sign", "message").unwrap(),
            "QUJD"
        );
        for json in [r#"{}"#, r#"{"sign":null}"#, r#"{"sign":" "}"#] {
            let e = signature_member(&object(json), "sign", "message").unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::SignatureMissing, "{json}");
        }
        let e = signature_member(&object(r#"{"sign":1}"#), "sign", "message").unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::SignatureInvalid);
    }

    #[test]
    fn received_fields_are_refused_when_a_name_comes_twice() {
        for e in [
            json_fields(br#"{"a":"1","a":"2"}"#, "message").unwrap_err(),
            form_fields("a=1&b=2&a=3", "message").unwrap_err(),
            form_fields(" ", "message").unwrap_err(),
        ] {
            assert_eq!(e.code, crate::ErrorCode::ResponseMalformed, "{e}");
        }
        let fields = form_fields("a=1&b=x+y\n", "message").unwrap();
        assert_eq!(fields_object(&fields), object(r#"{"a":"1","b":"x y"}"#));
    }

    #[test]
    fn an_unreadable_body_names_a_failed_http_status() {
        let unreadable = || Error::malformed("the response is not valid JSON");
        let e = unreadable_response(unreadable(), Some(502), "Gateway");
        assert!(e.message.contains("HTTP 502"), "{e}");
        for status in [None, Some(200)] {
            let e = unreadable_response(unreadable(), status, "Gateway");
            assert_eq!(e.message, "the response is not valid JSON");
        }
    }
}
