//! The strict RFC 8259 parser: linear in the text's length, with a nesting limit.

use super::{Number, Object, ParseError, Value};

/// The deepest nesting of arrays and objects a parse accepts: a limit keeps hostile input from
/// exhausting the stack (a stack overflow aborts a WebAssembly instance). It is serde_json's:
/// 127 levels parse, the 128th is refused.
const MAX_DEPTH: usize = 127;

/// Parses one JSON text: a value with nothing but whitespace around it.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let mut parser = Parser { text, pos: 0 };
    let value = parser.value(0)?;
    parser.end()?;
    Ok(value)
}

/// One member of a received object, with the exact text its value came from.
pub(crate) struct Member<'a> {
    pub name: String,
    pub text: &'a str,
    pub value: Value,
}

/// The members of a text that is one JSON object, in order, names given twice included: the
/// caller decides about them. The object around the values is not counted in their nesting, so
/// each may nest as deeply as a whole text.
pub(crate) fn parse_members(text: &str) -> Result<Vec<Member<'_>>, ParseError> {
    let mut parser = Parser { text, pos: 0 };
    let mut members = Vec::new();
    parser.skip_whitespace();
    if parser.peek() != Some(b'{') {
        return Err(parser.error("expected an object"));
    }
    parser.members(0, |name, text, value| {
        members.push(Member { name, text, value })
    })?;
    parser.end()?;
    Ok(members)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn error(&self, reason: &'static str) -> ParseError {
        ParseError {
            offset: self.pos,
            reason,
        }
    }

    /// RFC 8259 whitespace: space, tab, line feed and carriage return, nothing else.
    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn end(&mut self) -> Result<(), ParseError> {
        self.skip_whitespace();
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters after the JSON value")),
        }
    }

    /// The value at the current position, inside `depth` arrays and objects.
    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => {
                let mut members = Vec::new();
                self.members(depth + 1, |name, _, value| members.push((name, value)))?;
                Ok(Value::Object(Object::from_members(members)))
            }
            Some(b'[') => self.array(depth + 1).map(Value::Array),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            _ => Err(self.error("expected a JSON value")),
        }
    }

    /// Steps into the array or object at the current position, the `depth`th level of nesting.
    fn open(&mut self, depth: usize) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("arrays and objects nested more than 127 deep"));
        }
        self.pos += 1;
        self.skip_whitespace();
        Ok(())
    }

    /// After an item of an array or object: whether another follows (`,`) or the list ends
    /// (`close`). A comma before `close` is refused where the next item is read.
    fn next_item(&mut self, close: u8) -> Result<bool, ParseError> {
        self.skip_whitespace();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(byte) if byte == close => {
                self.pos += 1;
                Ok(false)
            }
            _ if close == b']' => Err(self.error("expected ',' or ']'")),
            _ => Err(self.error("expected ',' or '}'")),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Vec<Value>, ParseError> {
        self.open(depth)?;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(items);
        }
        loop {
            items.push(self.value(depth)?);
            if !self.next_item(b']')? {
                return Ok(items);
            }
        }
    }

    /// The object at the current position, the `depth`th level of nesting: each member goes to
    /// `each` with the exact text of its value.
    fn members(
        &mut self,
        depth: usize,
        mut each: impl FnMut(String, &'a str, Value),
    ) -> Result<(), ParseError> {
        self.open(depth)?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a member name in quotes"));
            }
            let name = self.string()?;
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':' after a member name"));
            }
            self.pos += 1;
            self.skip_whitespace();
            let start = self.pos;
            let value = self.value(depth)?;
            each(name, &self.text[start..self.pos], value);
            if !self.next_item(b'}')? {
                return Ok(());
            }
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        if !self.text.as_bytes()[self.pos..].starts_with(word.as_bytes()) {
            return Err(self.error("expected a JSON value"));
        }
        self.pos += word.len();
        Ok(value)
    }

    fn number(&mut self) -> Result<Number, ParseError> {
        let start = self.pos;
        let end =
            number_end(self.text.as_bytes(), start).ok_or_else(|| self.error("invalid number"))?;
        self.pos = end;
        Ok(Number(self.text[start..end].to_string()))
    }

    /// The string at the current position (its opening quote), decoded into one allocation of
    /// its escaped length, which decoding never exceeds: no buffer is outgrown and freed with a
    /// copy of the text in it (a config's private key arrives as such a string).
    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1;
        let (end, escaped) = self.string_end()?;
        if !escaped {
            let text = self.text[self.pos..end].to_string();
            self.pos = end + 1;
            return Ok(text);
        }
        let mut decoded = String::with_capacity(end - self.pos);
        let mut run = self.pos;
        while self.pos < end {
            if self.text.as_bytes()[self.pos] != b'\\' {
                self.pos += 1;
                continue;
            }
            // A backslash is ASCII, so the cut falls between characters.
            decoded.push_str(&self.text[run..self.pos]);
            self.pos += 1;
            self.escape(&mut decoded)?;
            run = self.pos;
        }
        decoded.push_str(&self.text[run..end]);
        self.pos = end + 1;
        Ok(decoded)
    }

    /// The position of the quote that closes the string starting at the current position, and
    /// whether the string holds escapes (each is checked where it is decoded).
    fn string_end(&self) -> Result<(usize, bool), ParseError> {
        let bytes = self.text.as_bytes();
        let (mut pos, mut escaped) = (self.pos, false);
        loop {
            match bytes.get(pos) {
                Some(b'"') => return Ok((pos, escaped)),
                Some(b'\\') => {
                    escaped = true;
                    pos += 2;
                }
                Some(0..=0x1f) => {
                    return Err(ParseError {
                        offset: pos,
                        reason: "control character in a string",
                    })
                }
                Some(_) => pos += 1,
                None => {
                    return Err(ParseError {
                        offset: bytes.len(),
                        reason: "unterminated string",
                    })
                }
            }
        }
    }

    /// The escape after a backslash.
    fn escape(&mut self, decoded: &mut String) -> Result<(), ParseError> {
        let unescaped = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                return self.unicode_escape(decoded);
            }
            _ => return Err(self.error("invalid escape")),
        };
        self.pos += 1;
        decoded.push(unescaped);
        Ok(())
    }

    /// `\uXXXX`, or two of them for a surrogate pair. A surrogate without its other half is
    /// refused: it is no character, and a Rust string cannot hold it.
    fn unicode_escape(&mut self, decoded: &mut String) -> Result<(), ParseError> {
        let start = self.pos;
        let unit = self.hex4()?;
        let code = match unit {
            0xD800..=0xDBFF => match self.low_surrogate() {
                Some(low) => 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00),
                None => unit,
            },
            _ => unit,
        };
        let character = char::from_u32(code).ok_or(ParseError {
            offset: start,
            reason: "a \\u escape of half a surrogate pair",
        })?;
        decoded.push(character);
        Ok(())
    }

    /// The `\uXXXX` of a low surrogate at the current position, consumed; `None`, consuming
    /// nothing, where there is none.
    fn low_surrogate(&mut self) -> Option<u32> {
        let start = self.pos;
        if !self.text[start..].starts_with("\\u") {
            return None;
        }
        self.pos += 2;
        match self.hex4() {
            Ok(low @ 0xDC00..=0xDFFF) => Some(low),
            _ => {
                self.pos = start;
                None
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let not_hex = || self.error("a \\u escape needs four hex digits");
        let digits = self
            .text
            .as_bytes()
            .get(self.pos..self.pos + 4)
            .ok_or_else(not_hex)?;
        let mut unit = 0;
        for &digit in digits {
            let value = match digit {
                b'0'..=b'9' => digit - b'0',
                b'a'..=b'f' => digit - b'a' + 10,
                b'A'..=b'F' => digit - b'A' + 10,
                _ => return Err(not_hex()),
            };
            unit = unit << 4 | u32::from(value);
        }
        self.pos += 4;
        Ok(unit)
    }
}

/// The end of the JSON number starting at `start`, `-? (0 | [1-9][0-9]*) (.[0-9]+)?
/// ([eE][+-]?[0-9]+)?`; `None` where none starts there. What follows it is the caller's to check
/// (`01` is the number `0` followed by a stray `1`).
pub(super) fn number_end(bytes: &[u8], start: usize) -> Option<usize> {
    let digits_from = |from: usize| {
        from + bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut pos = start + usize::from(bytes.get(start) == Some(&b'-'));
    match bytes.get(pos)? {
        b'0' => pos += 1,
        b'1'..=b'9' => pos = digits_from(pos),
        _ => return None,
    }
    if bytes.get(pos) == Some(&b'.') {
        let end = digits_from(pos + 1);
        if end == pos + 1 {
            return None;
        }
        pos = end;
    }
    if matches!(bytes.get(pos), Some(b'e' | b'E')) {
        pos += 1;
        if matches!(bytes.get(pos), Some(b'+' | b'-')) {
            pos += 1;
        }
        let end = digits_from(pos);
        if end == pos {
            return None;
        }
        pos = end;
    }
    Some(pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_up_to_127_levels_parses_and_deeper_is_an_error() {
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(parse(&nested(127)).is_ok());
        let error = parse(&nested(128)).unwrap_err();
        assert_eq!(error.offset(), 127);
        assert!(error.to_string().contains("nested"), "{error}");
        assert!(parse(&format!("{{\"a\":{}}}", nested(126))).is_ok());
        assert!(parse(&format!("{{\"a\":{}}}", nested(127))).is_err());
        // A million levels is an error, not a stack overflow.
        assert!(parse(&nested(1_000_000)).is_err());
        // A member's value may nest as deeply as a whole text.
        assert!(parse_members(&format!("{{\"a\":{}}}", nested(127))).is_ok());
        assert!(parse_members(&format!("{{\"a\":{}}}", nested(128))).is_err());
    }

    #[test]
    fn strings_decode_every_escape_and_refuse_half_surrogate_pairs() {
        let decoded = parse(r#""\"\\\/\b\f\n\r\t\u00e9\u00E9\ud83d\ude00""#).unwrap();
        assert_eq!(decoded.as_str(), Some("\"\\/\u{8}\u{c}\n\r\té\u{e9}😀"));
        for bad in [
            r#""\ud800""#,
            r#""\ud800\u0041""#,
            r#""\udc00""#,
            r#""\ud800\udbff""#,
            r#""\u12""#,
            r#""\u+123""#,
            r#""\x""#,
            "\"\t\"",
            "\"abc",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
