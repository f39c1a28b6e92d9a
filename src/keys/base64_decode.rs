//! Standard base64 (RFC 4648 §4) decoding of key text, with the padding and trailing bits held to
//! their canonical form: the rules of the base64 crate's `STANDARD` engine, which reads signatures
//! elsewhere in the crate. Keys have a decoder of their own for two reasons: the key text is
//! secret, so its characters are mapped by arithmetic rather than looked up in a table or branched
//! on; and the generic engine is several times the code, which a fresh process would compile on
//! its first client only to read two keys (docs/performance.md, the fresh-process figure).

use zeroize::Zeroizing;

/// The bytes of canonical, padded standard base64, or `None`: a length that is not a multiple of
/// four, a character outside the alphabet, `=` anywhere but the last one or two places, or unused
/// bits in the last symbol that are not zero. Empty text is empty data. The output never grows
/// past its first allocation and is wiped when refused, so no copy of a secret is freed unwiped.
pub(super) fn decode(text: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let padding = text
        .iter()
        .rev()
        .take(2)
        .take_while(|&&b| b == b'=')
        .count();
    let symbols = &text[..text.len() - padding];
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() / 4 * 3));
    // Negative once any symbol was outside the alphabet; checked once, at the end.
    let mut invalid = 0i16;
    let mut bits = 0u32;
    for (i, &symbol) in symbols.iter().enumerate() {
        let value = symbol_value(symbol);
        invalid |= value;
        bits = bits << 6 | (value as u32 & 0x3f);
        if i % 4 == 3 {
            out.extend_from_slice(&bits.to_be_bytes()[1..]);
            bits = 0;
        }
    }
    // The last quad's symbols before its padding: two carry one byte (and four unused bits),
    // three carry two bytes (and two unused bits).
    let unused = match padding {
        1 => {
            out.extend_from_slice(&(bits >> 2).to_be_bytes()[2..]);
            bits & 0b11
        }
        2 => {
            out.push((bits >> 4) as u8);
            bits & 0b1111
        }
        _ => 0,
    };
    (invalid >= 0 && unused == 0).then_some(out)
}

/// The 6-bit value of a base64 symbol, or -1, without a branch or a table indexed by the symbol:
/// each range test is a sign bit turned into a mask (the method of the base64ct crate).
fn symbol_value(symbol: u8) -> i16 {
    let s = i16::from(symbol);
    let within = |low: i16, high: i16| ((low - 1 - s) & (s - high - 1)) >> 8;
    -1 + (within(b'A'.into(), b'Z'.into()) & (s - 64))
        + (within(b'a'.into(), b'z'.into()) & (s - 70))
        + (within(b'0'.into(), b'9'.into()) & (s + 5))
        + (within(b'+'.into(), b'+'.into()) & 63)
        + (within(b'/'.into(), b'/'.into()) & 64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;

    /// Calls `check` with every text of `len` characters from `chars`.
    fn every_text(chars: &[u8], len: usize, mut check: impl FnMut(&[u8])) {
        let mut digits = vec![0usize; len];
        let mut text = Vec::with_capacity(len);
        loop {
            text.clear();
            text.extend(digits.iter().map(|&d| chars[d]));
            check(&text);
            // The next text, counting in base `chars.len()`.
            let Some(at) = digits.iter().rposition(|&d| d + 1 < chars.len()) else {
                return;
            };
            digits[at] += 1;
            digits[at + 1..].iter_mut().for_each(|d| *d = 0);
        }
    }

    /// Every short text over alphabets that reach each rule: symbols whose unused low bits are
    /// zero (`A`, `w`) or not (`B`, `/`, `+`), padding, and characters outside the alphabet (the
    /// URL-safe ones among them); two quads where padding could sit in the first. The crate's
    /// engine is the oracle.
    #[test]
    fn accepts_and_refuses_exactly_what_the_standard_engine_does() {
        let same = |text: &[u8]| {
            assert_eq!(
                decode(text).map(|d| d.to_vec()),
                STANDARD.decode(text).ok(),
                "{:?}",
                String::from_utf8_lossy(text)
            );
        };
        for len in 0..=6 {
            every_text(b"AB/+w=-_* ", len, same);
        }
        for len in 7..=8 {
            every_text(b"ABw=-", len, same);
        }
    }

    #[test]
    fn every_byte_is_a_symbol_or_refused_as_the_standard_engine_says() {
        for byte in 0..=255u8 {
            let text = [b'A', b'A', b'A', byte];
            assert_eq!(
                decode(&text).map(|d| d.to_vec()),
                STANDARD.decode(text).ok(),
                "{byte:#04x}"
            );
            let text = [byte, b'A', b'=', b'='];
            assert_eq!(
                decode(&text).map(|d| d.to_vec()),
                STANDARD.decode(text).ok(),
                "{byte:#04x}"
            );
        }
    }

    #[test]
    fn round_trips_every_length_of_data() {
        let data: Vec<u8> = (0..=255u8).rev().chain(0..=255).collect();
        for len in 0..data.len() {
            let text = STANDARD.encode(&data[..len]);
            assert_eq!(decode(text.as_bytes()).unwrap()[..], data[..len]);
        }
    }
}
