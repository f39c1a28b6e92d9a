//! refundkit's JSON (`refundkit::json`) against serde_json, the implementation it replaced and an
//! independent one: on edge cases and on random documents, valid and broken, both accept the same
//! texts, read the same values, and write the same bytes. serde_json runs with `preserve_order`
//! and `arbitrary_precision`, as the library used it.
//!
//! The one difference is deliberate (src/json/mod.rs): a number keeps the text it arrived with,
//! where serde_json wrote its exponent as `e+`/`e-`. Documents whose numbers are written that way
//! must give the same bytes; the others the same values.

#![cfg(not(target_arch = "wasm32"))]

use refundkit::json::{self, ToJson};

/// What each implementation makes of `text`: `None` where it refuses it, else the written text.
fn both(text: &str) -> (Option<String>, Option<String>) {
    let ours = json::parse(text).ok().map(|value| value.to_json());
    let theirs = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .map(|value| serde_json::to_string(&value).unwrap());
    (ours, theirs)
}

/// Both accept `text` or both refuse it; where they accept it, our text read by serde_json is
/// the value serde_json read, and with `same_bytes` it is the very text serde_json writes.
fn agree(text: &str, same_bytes: bool) {
    let (ours, theirs) = both(text);
    assert_eq!(ours.is_some(), theirs.is_some(), "acceptance of {text:?}");
    let (Some(ours), Some(theirs)) = (ours, theirs) else {
        return;
    };
    if same_bytes {
        assert_eq!(ours, theirs, "written from {text:?}");
    }
    let reread: serde_json::Value = serde_json::from_str(&ours).unwrap();
    let read: serde_json::Value = serde_json::from_str(&theirs).unwrap();
    assert_eq!(reread, read, "value of {text:?}");
}

/// Values and the whitespace around them.
const VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-0",
    "1",
    "-1",
    "\"\"",
    "[]",
    "{}",
    " \t\r\n[ 1 , 2 ]\n ",
    "[[],{},[{}]]",
    "{\"a\":{\"b\":[null,true,false]}}",
];

/// Numbers: what RFC 8259 allows and what it does not.
const NUMBERS: &[&str] = &[
    "1.5",
    "-0.0",
    "1e+3",
    "1e-3",
    "-1.25e-10",
    "123456789012345678901234567890",
    "0.1000000000000000055511151231257827",
    "18446744073709551616",
    "-9223372036854775809",
    "01",
    "-01",
    "00",
    "1.",
    ".5",
    "+1",
    "1e",
    "1e+",
    "1e-",
    "-",
    "--1",
    "0x10",
    "1.2.3",
    "NaN",
    "Infinity",
    "-Infinity",
    "1_000",
];

/// Strings: every escape, surrogate pairs and their halves, raw control characters.
const STRINGS: &[&str] = &[
    r#""\"\\\/\b\f\n\r\t""#,
    r#""\u0000\u001f\u007f\u0080\u00e9\u00E9\uFFFF""#,
    r#""\ud83d\ude00""#,
    r#""\uD834\uDD1E""#,
    "\"é😀\u{7f}\u{2028}\u{2029}\"",
    r#""\ud800""#,
    r#""\udc00""#,
    r#""\ude00\ud83d""#,
    r#""\ud800\u0041""#,
    r#""\ud800\ud800""#,
    r#""\u12""#,
    r#""\u12g4""#,
    r#""\x""#,
    r#""\'""#,
    "\"\\\n\"",
    "\"a\tb\"",
    "\"a\nb\"",
    "\"\u{0}\"",
    "\"unterminated",
    "'single'",
];

/// Structure: commas, colons, brackets, and what is not JSON around a value.
const STRUCTURE: &[&str] = &[
    "[1,]",
    "{\"a\":1,}",
    "[,1]",
    "[1,,2]",
    "[1 2]",
    "{\"a\" 1}",
    "{\"a\":}",
    "{a:1}",
    "{1:2}",
    "{\"a\"}",
    "[",
    "]",
    "{",
    "}",
    "[1]]",
    "{}}",
    "1 2",
    "",
    " ",
    "\u{feff}1",
    "[1]\u{0}",
    "/*c*/1",
    "[1]//c",
    "\u{b}1",
    "\u{c}1",
    "\u{a0}1",
    "tru",
    "nul",
    "falsey",
    "nulll",
];

/// Names given twice: the first place and the last value are kept.
const REPEATED_NAMES: &[&str] = &[
    r#"{"b":1,"a":2,"b":3}"#,
    r#"{"a":1,"a":{"a":2},"a":[3]}"#,
    r#"{"":1,"":2}"#,
];

#[test]
fn edge_cases_are_accepted_refused_and_written_alike() {
    for text in [VALUES, NUMBERS, STRINGS, STRUCTURE, REPEATED_NAMES].concat() {
        agree(text, true);
    }
}

#[test]
fn nesting_is_refused_alike_from_the_128th_level() {
    let nested = |open: &str, close: &str, depth: usize| open.repeat(depth) + &close.repeat(depth);
    for depth in [126, 127, 128, 129] {
        agree(&nested("[", "]", depth), true);
        agree(&format!("{{\"a\":{}}}", nested("[", "]", depth - 1)), true);
        let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        agree(&objects, true);
    }
}

/// A small deterministic generator (xorshift64*): the same documents on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Random JSON text: every value type, nesting, whitespace where RFC 8259 allows it, escapes of
/// every kind, repeated member names, and numbers in every form; exponents only as `e+`/`e-`
/// unless `any_exponent`.
struct Writer {
    random: Random,
    any_exponent: bool,
}

impl Writer {
    fn space(&mut self, out: &mut String) {
        while self.random.chance(15) {
            out.push_str(self.random.pick(&[" ", "\t", "\n", "\r"]));
        }
    }

    fn value(&mut self, out: &mut String, depth: usize) {
        self.space(out);
        let kinds = if depth > 6 { 4 } else { 6 };
        match self.random.below(kinds) {
            0 => out.push_str(self.random.pick(&["null", "true", "false"])),
            1 => self.number(out),
            2 | 3 => self.string(out),
            4 => self.array(out, depth),
            _ => self.object(out, depth),
        }
        self.space(out);
    }

    fn digits(&mut self, out: &mut String, at_least: u64) {
        for _ in 0..at_least + self.random.below(25) {
            out.push(char::from(b'0' + self.random.below(10) as u8));
        }
    }

    fn number(&mut self, out: &mut String) {
        if self.random.chance(30) {
            out.push('-');
        }
        if self.random.chance(20) {
            out.push('0');
        } else {
            out.push(char::from(b'1' + self.random.below(9) as u8));
            if self.random.chance(60) {
                self.digits(out, 0);
            }
        }
        if self.random.chance(40) {
            out.push('.');
            self.digits(out, 1);
        }
        if self.random.chance(25) {
            let exponents: &[&str] = if self.any_exponent {
                &["e", "E", "e+", "E+", "e-", "E-"]
            } else {
                &["e+", "e-"]
            };
            out.push_str(self.random.pick(exponents));
            self.digits(out, 1);
        }
    }

    fn string(&mut self, out: &mut String) {
        out.push('"');
        for _ in 0..self.random.below(12) {
            let piece = match self.random.below(10) {
                0 => self
                    .random
                    .pick(&[
                        r#"\""#, r#"\\"#, r#"\/"#, r#"\b"#, r#"\f"#, r#"\n"#, r#"\r"#, r#"\t"#,
                    ])
                    .to_string(),
                1 => format!("\\u{:04x}", self.random.below(0x20)),
                2 => {
                    let unit = self.random.below(0xd800) as u32;
                    if self.random.chance(50) {
                        format!("\\u{unit:04X}")
                    } else {
                        format!("\\u{unit:04x}")
                    }
                }
                3 => {
                    let high = 0xd800 + self.random.below(0x400);
                    let low = 0xdc00 + self.random.below(0x400);
                    format!("\\u{high:04x}\\u{low:04X}")
                }
                4 => self
                    .random
                    .pick(&[
                        "é", "😀", "\u{7f}", "\u{2028}", "あ", "/", "'", "{", "]", ",",
                    ])
                    .to_string(),
                _ => self
                    .random
                    .pick(&["a", "b", "sign", "amount", " ", "0", "data", "refundId"])
                    .to_string(),
            };
            out.push_str(&piece);
        }
        out.push('"');
    }

    fn array(&mut self, out: &mut String, depth: usize) {
        out.push('[');
        self.space(out);
        for i in 0..self.random.below(5) {
            if i > 0 {
                out.push(',');
            }
            self.value(out, depth + 1);
        }
        out.push(']');
    }

    fn object(&mut self, out: &mut String, depth: usize) {
        out.push('{');
        self.space(out);
        for i in 0..self.random.below(6) {
            if i > 0 {
                out.push(',');
            }
            self.space(out);
            // Few distinct names, so names repeat.
            if self.random.chance(70) {
                out.push_str(
                    self.random
                        .pick(&["\"a\"", "\"b\"", "\"a\\u0062\"", "\"\""]),
                );
            } else {
                self.string(out);
            }
            self.space(out);
            out.push(':');
            self.value(out, depth + 1);
        }
        out.push('}');
    }

    fn document(&mut self) -> String {
        let mut out = String::new();
        self.value(&mut out, 0);
        out
    }
}

/// `text` with one random change: a character dropped, one put in, or the end cut off.
fn broken(random: &mut Random, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = random.below(chars.len() as u64 + 1) as usize;
    let mut out: Vec<char> = chars.clone();
    match random.below(3) {
        0 if at < chars.len() => {
            out.remove(at);
        }
        1 => {
            let inserted = random.pick(&[
                ",", "]", "}", "[", "{", ":", "\"", "\\", "0", "-", ".", "e", " ", "\u{1}", "x",
            ]);
            out.insert(at, inserted.chars().next().unwrap());
        }
        _ => out.truncate(at),
    }
    out.into_iter().collect()
}

#[test]
fn random_documents_are_read_and_written_alike() {
    for (seed, any_exponent) in [(0x5eed_0001, false), (0x5eed_0002, true)] {
        let mut writer = Writer {
            random: Random(seed),
            any_exponent,
        };
        for _ in 0..3_000 {
            agree(&writer.document(), !any_exponent);
        }
    }
}

#[test]
fn random_broken_documents_are_refused_alike() {
    let mut writer = Writer {
        random: Random(0x5eed_0003),
        any_exponent: true,
    };
    let mut random = Random(0x5eed_0004);
    let mut refused = 0;
    for _ in 0..3_000 {
        let text = broken(&mut random, &writer.document());
        refused += usize::from(json::parse(&text).is_err());
        agree(&text, false);
    }
    // The changes do break most documents: the check above compared refusals, not only values.
    assert!(refused > 1_500, "{refused}");
}

#[test]
fn numbers_keep_the_text_they_arrived_with_where_serde_json_rewrote_the_exponent() {
    for (text, serde_json_wrote) in [("1E3", "1e+3"), ("1e3", "1e+3"), ("-2.5E-7", "-2.5e-7")] {
        assert_eq!(json::parse(text).unwrap().to_json(), text);
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&theirs).unwrap(), serde_json_wrote);
    }
}
