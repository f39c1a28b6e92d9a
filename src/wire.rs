//! Small helpers for reading and writing gateway wire data. They know JSON and text, no gateway.

use crate::{Error, Result};
use serde_json::Value;

/// A JSON object whose keys keep their insertion order (serde_json's `preserve_order`), so a body is
/// written with its keys in exactly the order a gateway module inserts them.
pub type Object = serde_json::Map<String, Value>;

/// Refuses control characters (including CR and LF) in a value that goes on the wire.
pub fn check_no_control_chars(field: &str, value: &str) -> Result<()> {
    if value.chars().any(char::is_control) {
        return Err(Error::input(
            field,
            format!("{field} must not contain control characters such as CR, LF or TAB"),
        ));
    }
    Ok(())
}

/// Checks a length limit in characters, as the gateways count them.
pub fn check_max_chars(field: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(Error::input(
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
    match serde_json::from_str::<Value>(text) {
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
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Like [`field_text`], but an empty string is `None` too.
pub fn non_empty_text(obj: &Object, key: &str) -> Option<String> {
    field_text(obj, key).filter(|s| !s.is_empty())
}

/// Serializes compactly, with keys in insertion order and numbers exactly as held.
pub fn compact_json(value: &Value) -> String {
    // Serializing a Value built from strings, exact numbers and maps cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// A JSON number written from an exact decimal text (no float conversion on the way).
pub fn json_number(decimal_text: &str) -> Result<Value> {
    serde_json::from_str::<serde_json::Number>(decimal_text)
        .map(Value::Number)
        .map_err(|_| Error::amount("amount could not be written as a JSON number"))
}

/// Validates a notify/callback URL: absolute http(s), no whitespace or control characters.
pub fn check_url(field: &str, url: &str) -> Result<()> {
    check_no_control_chars(field, url)?;
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !url.contains(char::is_whitespace) => Ok(()),
        _ => Err(Error::input(
            field,
            format!("{field} must be an absolute http:// or https:// URL without spaces"),
        )),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let v = json_number("10000.50").unwrap();
        assert_eq!(compact_json(&v), "10000.50");
        let obj =
            parse_json_object(br#"{"a":0.1000000000000000055511151231257827}"#, "body").unwrap();
        assert_eq!(
            field_text(&obj, "a").unwrap(),
            "0.1000000000000000055511151231257827"
        );
    }

    #[test]
    fn urls_must_be_absolute_http() {
        check_url("notifyUrl", "https://shop.example/hook?a=1").unwrap();
        for bad in [
            "ftp://x",
            "https://",
            "//x",
            "https://a b",
            "https://x\r\nHost: y",
        ] {
            assert!(check_url("notifyUrl", bad).is_err(), "{bad}");
        }
    }
}
