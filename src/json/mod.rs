//! JSON as this library needs it: a strict RFC 8259 parser, values whose numbers keep their exact
//! text (an amount is read from its digits, never through a float), objects that keep their
//! members in order, and a compact writer.
//!
//! It accepts what serde_json (with `preserve_order` and `arbitrary_precision`) accepted, and
//! writes what it wrote, byte for byte (`tests/json.rs` compares the two). One difference is kept
//! on purpose: a number holds the text it arrived with, where serde_json rewrote an exponent as
//! `e+`/`e-` (`1E3` became `1e+3`). No request changes with it: the library writes its own numbers
//! without exponents, and JavaScript's `JSON.stringify`, through which callers' values come, writes
//! exponents as `e+`/`e-` already.

mod parse;
mod write;

pub use parse::parse;
pub(crate) use parse::parse_members;
pub(crate) use write::ObjectWriter;
pub use write::ToJson;
pub(crate) use write::{push_decimal, push_decimal_u128};

use std::fmt;
use std::ops::Index;
use std::str::FromStr;

/// A JSON value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, exactly as written.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, its members in order.
    Object(Object),
}

/// A JSON number as its exact text: any number of digits, never rounded through a float.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number(String);

/// A JSON object: members in the order they were written or inserted, looked up by name in
/// O(log n) through an index of the members sorted by name.
#[derive(Clone, Default)]
pub struct Object {
    members: Vec<(String, Value)>,
    /// Positions in `members`, in the byte order of their names.
    by_name: Vec<u32>,
}

/// Why a text is not JSON, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    offset: usize,
    reason: &'static str,
}

impl Value {
    /// The string, where the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The object, where the value is one.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(object) => Some(object),
            _ => None,
        }
    }

    /// The items, where the value is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Whether the value is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

static NULL: Value = Value::Null;

/// `value["name"]`: the member's value, or `null` where the value is not an object or has no
/// such member.
impl Index<&str> for Value {
    type Output = Value;

    fn index(&self, name: &str) -> &Value {
        self.as_object()
            .and_then(|object| object.get(name))
            .unwrap_or(&NULL)
    }
}

impl FromStr for Value {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Value, ParseError> {
        parse(text)
    }
}

/// The compact text, as [`ToJson::to_json`] writes it.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Value {
        Value::String(text.to_string())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Value {
        Value::String(text)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Value {
        Value::Bool(value)
    }
}

impl From<Number> for Value {
    fn from(number: Number) -> Value {
        Value::Number(number)
    }
}

impl From<Object> for Value {
    fn from(object: Object) -> Value {
        Value::Object(object)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Value {
        Value::Array(items)
    }
}

macro_rules! integers {
    ($($int:ty),*) => {$(
        impl From<$int> for Number {
            fn from(n: $int) -> Number {
                Number(n.to_string())
            }
        }

        impl From<$int> for Value {
            fn from(n: $int) -> Value {
                Value::Number(n.into())
            }
        }
    )*};
}

integers!(i32, i64, u32, u64);

impl Number {
    /// The exact text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as a `u64`, where the text is a whole number in its range written without a
    /// fraction or exponent (`5`, not `5.0` or `5e0`), as serde_json read one.
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }
}

/// A number from its JSON text, which must be exactly one JSON number.
impl FromStr for Number {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Number, ParseError> {
        match parse::number_end(text.as_bytes(), 0) {
            Some(end) if end == text.len() => Ok(Number(text.to_string())),
            _ => Err(ParseError {
                offset: 0,
                reason: "not a JSON number",
            }),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Object {
    /// An empty object.
    pub fn new() -> Object {
        Object::default()
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether the object has no member.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The value of the member `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let slot = self.find(name).ok()?;
        Some(&self.members[self.by_name[slot] as usize].1)
    }

    /// Whether the object has a member `name`.
    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// Sets the member `name`: a new one goes last, an existing one keeps its place and gets the
    /// new value. Returns the value it replaced. Each insert shifts the index behind the new
    /// name; many members are faster `collect()`ed, which sorts the index once.
    pub fn insert(&mut self, name: String, value: Value) -> Option<Value> {
        match self.find(&name) {
            Ok(slot) => {
                let member = &mut self.members[self.by_name[slot] as usize];
                Some(std::mem::replace(&mut member.1, value))
            }
            Err(slot) => {
                self.by_name.insert(slot, self.members.len() as u32);
                self.members.push((name, value));
                None
            }
        }
    }

    /// Takes the member `name` out; the others keep their order.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let slot = self.find(name).ok()?;
        let position = self.by_name.remove(slot);
        for later in self.by_name.iter_mut().filter(|p| **p > position) {
            *later -= 1;
        }
        Some(self.members.remove(position as usize).1)
    }

    /// The members, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.into_iter()
    }

    /// The member names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.members.iter().map(|(name, _)| name)
    }

    /// The member values, in order, to change them in place.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.members.iter_mut().map(|(_, value)| value)
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.by_name
            .binary_search_by(|&p| self.members[p as usize].0.as_str().cmp(name))
    }

    /// The object of `members` in their order. A name given twice keeps its first place and its
    /// last value, as serde_json kept it. The index is sorted once, so a parse stays O(n log n)
    /// however many members a hostile text holds.
    fn from_members(members: Vec<(String, Value)>) -> Object {
        let by_name = order_by_name(members.len(), &|p| &members[p].0);
        let repeats = by_name
            .windows(2)
            .any(|pair| members[pair[0] as usize].0 == members[pair[1] as usize].0);
        if repeats {
            return Object::merge_repeated_names(members, &by_name);
        }
        Object { members, by_name }
    }

    /// `from_members` for members with repeated names. `by_name` orders equal names by position,
    /// so each run of one name starts at its first place and ends at its last value.
    fn merge_repeated_names(mut members: Vec<(String, Value)>, by_name: &[u32]) -> Object {
        let mut kept = vec![false; members.len()];
        let mut run = 0;
        while run < by_name.len() {
            let first = by_name[run] as usize;
            let mut next = run + 1;
            while next < by_name.len() && members[by_name[next] as usize].0 == members[first].0 {
                next += 1;
            }
            let last = by_name[next - 1] as usize;
            if last != first {
                members[first].1 = std::mem::take(&mut members[last].1);
            }
            kept[first] = true;
            run = next;
        }
        let mut position = 0;
        members.retain(|_| {
            position += 1;
            kept[position - 1]
        });
        Object::from_members(members)
    }
}

/// The positions `0..len` in the byte order of their names, equal names by position. Names are
/// compared by their first eight bytes, read as one integer, and as text only where those agree:
/// most comparisons never reach the names in memory, and the hundred thousand names of a hostile
/// megabyte sort in a fraction of its parse.
pub(crate) fn order_by_name<'a>(len: usize, name: &dyn Fn(usize) -> &'a str) -> Vec<u32> {
    let head = |text: &str| {
        let mut bytes = [0; 8];
        let length = text.len().min(8);
        bytes[..length].copy_from_slice(&text.as_bytes()[..length]);
        u64::from_be_bytes(bytes)
    };
    let mut order: Vec<(u64, u32)> = (0..len).map(|p| (head(name(p)), p as u32)).collect();
    order.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| name(a.1 as usize).cmp(name(b.1 as usize)))
            .then(a.1.cmp(&b.1))
    });
    order.into_iter().map(|(_, p)| p).collect()
}

/// Members in order; a name given twice keeps its first place and its last value.
impl FromIterator<(String, Value)> for Object {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(members: I) -> Object {
        Object::from_members(members.into_iter().collect())
    }
}

impl IntoIterator for Object {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.members.into_iter()
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a String, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.members.iter().map(|(name, value)| (name, value))
    }
}

/// Objects are equal when they have the same members, in any order: JSON objects are unordered
/// (RFC 8259 §4), and serde_json compared them so.
impl PartialEq for Object {
    fn eq(&self, other: &Object) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(name, value)| other.get(name) == Some(value))
    }
}

impl Eq for Object {}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl ParseError {
    /// The byte offset in the text where it stops being JSON.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.reason, self.offset)
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(text: &str) -> Object {
        match parse(text) {
            Ok(Value::Object(object)) => object,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn members_keep_their_order_and_a_repeated_name_its_first_place_and_last_value() {
        let object = object(r#"{"b":1,"a":2,"b":3,"c":4,"b":5}"#);
        let names: Vec<&str> = object.keys().map(String::as_str).collect();
        assert_eq!(names, ["b", "a", "c"]);
        assert_eq!(object.get("b"), Some(&Value::from(5)));
        assert_eq!(object.to_json(), r#"{"b":5,"a":2,"c":4}"#);
    }

    #[test]
    fn insert_and_remove_keep_the_order_of_the_other_members() {
        let mut object = object(r#"{"z":1,"y":2,"x":3}"#);
        assert_eq!(
            object.insert("y".into(), "two".into()),
            Some(Value::from(2))
        );
        assert_eq!(object.insert("a".into(), Value::Null), None);
        assert_eq!(object.remove("z"), Some(Value::from(1)));
        assert_eq!(object.remove("z"), None);
        assert_eq!(object.to_json(), r#"{"y":"two","x":3,"a":null}"#);
        assert_eq!(object.get("x"), Some(&Value::from(3)));
        assert!(object.contains_key("a") && !object.contains_key("z"));
    }

    #[test]
    fn objects_with_the_same_members_in_another_order_are_equal() {
        assert_eq!(object(r#"{"a":1,"b":[2]}"#), object(r#"{"b":[2],"a":1}"#));
        assert_ne!(object(r#"{"a":1}"#), object(r#"{"a":1,"b":2}"#));
        assert_ne!(object(r#"{"a":1.0}"#), object(r#"{"a":1}"#));
    }

    #[test]
    fn a_hundred_thousand_members_parse_and_are_found_in_linearithmic_time() {
        let mut text = String::from("{");
        for i in (0..100_000).rev() {
            text.push_str(&format!("\"k{i}\":{i},"));
        }
        text.push_str("\"k5\":\"last\"}");
        let started = std::time::Instant::now();
        let object = object(&text);
        assert_eq!(object.len(), 100_000);
        assert_eq!(object.get("k5"), Some(&Value::from("last")));
        assert_eq!(object.get("k99999"), Some(&Value::from(99_999)));
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    #[test]
    fn numbers_keep_their_exact_text() {
        for text in [
            "0",
            "-0",
            "1.50",
            "1E3",
            "1e+3",
            "-0.0e-0",
            "123456789012345678901234567890.5",
        ] {
            assert_eq!(parse(text).unwrap().to_json(), text);
            assert_eq!(text.parse::<Number>().unwrap().as_str(), text);
        }
        for bad in [
            "01", "1.", ".5", "+1", "1e", "1e+", "-", "--1", "0x10", "1 ", "NaN", "",
        ] {
            assert!(bad.parse::<Number>().is_err(), "{bad}");
        }
        assert_eq!(Number::from(5u64).as_u64(), Some(5));
        for not_u64 in ["5.0", "5e0", "-1", "-0", "18446744073709551616"] {
            assert_eq!(
                not_u64.parse::<Number>().unwrap().as_u64(),
                None,
                "{not_u64}"
            );
        }
    }

    #[test]
    fn indexing_reads_members_and_gives_null_where_there_is_none() {
        let value = parse(r#"{"data":{"status":"OK"},"list":[1]}"#).unwrap();
        assert_eq!(value["data"]["status"].as_str(), Some("OK"));
        assert!(value["missing"]["deeper"].is_null());
        assert!(value["list"]["0"].is_null());
        assert_eq!(value["list"].as_array().map(<[Value]>::len), Some(1));
    }
}
