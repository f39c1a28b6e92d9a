//! The compact writer: the text serde_json::to_string wrote, byte for byte.

use super::{Number, Object, Value};

/// A value written as compact JSON text: what a request body holds, and what the JavaScript face
/// hands over for `JSON.parse`.
pub trait ToJson {
    /// Appends the JSON text to `out`.
    fn write_json(&self, out: &mut String);

    /// The JSON text.
    fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

impl ToJson for Value {
    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(value) => value.write_json(out),
            Value::Number(number) => number.write_json(out),
            Value::String(text) => text.write_json(out),
            Value::Array(items) => items.write_json(out),
            Value::Object(object) => object.write_json(out),
        }
    }
}

impl ToJson for Number {
    fn write_json(&self, out: &mut String) {
        out.push_str(&self.0);
    }
}

impl ToJson for Object {
    fn write_json(&self, out: &mut String) {
        let mut writer = ObjectWriter::new(out);
        for (name, value) in self {
            writer.member(name, value);
        }
        writer.finish();
    }
}

/// A string in quotes, escaped as serde_json escaped it: `"` and `\`, the control characters as
/// `\b` `\f` `\n` `\r` `\t` or else `\u00XX` in lower-case hex, everything else as it is (`/`
/// and non-ASCII included).
impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.push('"');
        let bytes = self.as_bytes();
        let (mut run, mut i) = (0, 0);
        while i < bytes.len() {
            // Eight bytes at a time past the long stretches that need no escape (a base64
            // ciphertext, a URL), one at a time where one does.
            if let Some(word) = bytes[i..].first_chunk::<8>() {
                if !needs_escape(u64::from_le_bytes(*word)) {
                    i += 8;
                    continue;
                }
            }
            let byte = bytes[i];
            i += 1;
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..=0x1f => "\\u00",
                _ => continue,
            };
            out.push_str(&self[run..i - 1]);
            out.push_str(escape);
            if escape == "\\u00" {
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xf)]));
            }
            run = i;
        }
        out.push_str(&self[run..]);
        out.push('"');
    }
}

/// Whether any of the eight bytes of `word` needs escaping in a JSON string: a control character
/// (below 0x20), `"` or `\`. `x - 0x01..01 & !x & 0x80..80` is nonzero exactly where some byte of
/// `x` is zero (a borrow only starts at a zero byte), so the test is exact; bytes from 0x80 (UTF-8
/// sequences) never count.
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH_BITS != 0;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH_BITS != 0;
    below_space
        || has_zero(word ^ (ONES * u64::from(b'"')))
        || has_zero(word ^ (ONES * u64::from(b'\\')))
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        self.as_str().write_json(out);
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

macro_rules! integers_to_json {
    ($($int:ty),*) => {$(
        impl ToJson for $int {
            fn write_json(&self, out: &mut String) {
                push_decimal(out, u64::from(*self), 1);
            }
        }
    )*};
}

integers_to_json!(u16, u64);

/// [`push_decimal`] for amounts, held in `u128`: wasm divides those in software, so only the
/// digits past `u64` take a `u128` division.
pub(crate) fn push_decimal_u128(out: &mut String, value: u128, min_digits: usize) {
    const TEN_POW_19: u128 = 10_000_000_000_000_000_000;
    match u64::try_from(value) {
        Ok(small) => push_decimal(out, small, min_digits),
        Err(_) => {
            push_decimal_u128(out, value / TEN_POW_19, min_digits.saturating_sub(19));
            push_decimal(out, (value % TEN_POW_19) as u64, 19);
        }
    }
}

/// `value` in decimal, zero-padded on the left to at least `min_digits` digits. Every request
/// writes a few numbers (a timestamp, a date); `Display` would bring the formatting machinery in
/// for them.
pub(crate) fn push_decimal(out: &mut String, mut value: u64, min_digits: usize) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    while value > 0 || start == digits.len() {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
    }
    for _ in digits.len() - start..min_digits {
        out.push('0');
    }
    // ASCII digits: always text, written in one piece.
    if let Ok(text) = std::str::from_utf8(&digits[start..]) {
        out.push_str(text);
    }
}

/// `null` where there is no value.
impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(value) => value.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }
}

/// Writes one JSON object member by member, straight into text: request bodies and results are
/// written this way, with no map built in between. The caller writes each name once.
pub(crate) struct ObjectWriter<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> ObjectWriter<'a> {
    pub fn new(out: &'a mut String) -> ObjectWriter<'a> {
        out.push('{');
        ObjectWriter { out, empty: true }
    }

    pub fn member<T: ToJson + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        self.name(name);
        value.write_json(self.out);
        self
    }

    /// A member whose value is the object `write` writes.
    pub fn object(&mut self, name: &str, write: impl FnOnce(&mut ObjectWriter<'_>)) -> &mut Self {
        self.name(name);
        let mut inner = ObjectWriter::new(self.out);
        write(&mut inner);
        inner.finish();
        self
    }

    /// A member written only where there is a value.
    pub fn optional<T: ToJson>(&mut self, name: &str, value: &Option<T>) -> &mut Self {
        if let Some(value) = value {
            self.member(name, value);
        }
        self
    }

    /// The member `name` as an empty string, returning the byte offset between its quotes: the
    /// place a value that needs no escaping (a base64 signature) is later written into.
    pub fn empty_string_slot(&mut self, name: &str) -> usize {
        self.name(name);
        self.out.push('"');
        let offset = self.out.len();
        self.out.push('"');
        offset
    }

    pub fn finish(self) {
        self.out.push('}');
    }

    fn name(&mut self, name: &str) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        name.write_json(self.out);
        self.out.push(':');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_written_as_format_writes_them() {
        let mut values = vec![
            0,
            1,
            9,
            10,
            99,
            100,
            999,
            1000,
            65_535,
            u64::from(u32::MAX),
            u64::MAX,
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(x >> (x % 64));
        }
        for value in values {
            for width in [0, 1, 2, 3, 4, 20, 22] {
                let mut text = String::from("x");
                push_decimal(&mut text, value, width);
                assert_eq!(text, format!("x{value:0width$}"));
            }
            let wide = u128::from(value) * u128::from(value) + u128::from(value);
            for wide in [u128::from(value), wide, u128::MAX - wide] {
                for width in [0, 1, 19, 20, 38, 40] {
                    let mut text = String::from("x");
                    push_decimal_u128(&mut text, wide, width);
                    assert_eq!(text, format!("x{wide:0width$}"));
                }
            }
        }
    }

    #[test]
    fn strings_are_written_with_serde_jsons_escapes() {
        let text = "\u{0}\u{1f}\u{7f}\"\\/\u{8}\u{c}\n\r\t é\u{2028}😀";
        let written = "\"\\u0000\\u001f\u{7f}\\\"\\\\/\\b\\f\\n\\r\\t é\u{2028}😀\"";
        assert_eq!(text.to_json(), written);
    }

    /// The escape of each byte alone, as RFC 8259 and serde_json write it.
    fn escaped_one_by_one(text: &str) -> String {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                '\u{0}'..='\u{1f}' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                _ => out.push(c),
            }
        }
        out.push('"');
        out
    }

    #[test]
    fn strings_are_escaped_wherever_the_byte_falls_in_an_eight_byte_word() {
        // Every ASCII character and some beyond, at every offset of strings up to three words
        // long, among plain letters and among characters of one, two, three and four bytes.
        let specials: Vec<char> = (0u8..0x80)
            .map(char::from)
            .chain(['é', '€', '😀', '\u{7f}'])
            .collect();
        for filler in ['a', 'ÿ', '€', '😀'] {
            for len in 0..24 {
                for at in 0..=len {
                    for &special in &specials {
                        let text: String = (0..len)
                            .map(|i| if i == at { special } else { filler })
                            .collect();
                        assert_eq!(text.to_json(), escaped_one_by_one(&text), "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_writer_leaves_a_slot_between_the_quotes_of_an_empty_string() {
        let mut text = String::new();
        let mut writer = ObjectWriter::new(&mut text);
        writer.member("a", "x").optional::<u64>("none", &None);
        let offset = writer.empty_string_slot("sign");
        writer.member("n", &Number::from(7u32));
        writer.finish();
        text.insert_str(offset, "QUJD");
        assert_eq!(text, r#"{"a":"x","sign":"QUJD","n":7}"#);
    }
}
