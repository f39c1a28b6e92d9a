//! Exact money: `Decimal::parse`, `Amount::parse_with_digits`, `format_received_amount` and
//! `format_received_minor`. Besides never panicking, every result must keep the exact value it was
//! given: what is parsed and printed again is the same number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use refundkit::hazmat::{format_received_amount, format_received_minor, Decimal};
use refundkit::ErrorCode;
use refundkit::{Amount, Currency};

const CURRENCIES: [&str; 6] = ["USD", "JPY", "KWD", "THB", "IDR", "CLF"];

/// The value of a decimal written with its trailing fraction zeros and leading integer zeros gone.
fn value_text(d: Decimal) -> String {
    d.to_shortest_text()
}

/// A decimal text reduced to its value: no leading integer zeros, no trailing fraction zeros.
fn normalized(text: &str) -> String {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    match (int.is_empty(), frac.is_empty()) {
        (true, true) => "0".to_string(),
        (_, true) => int.to_string(),
        (true, false) => format!("0.{frac}"),
        (false, false) => format!("{int}.{frac}"),
    }
}

fn check_decimal(text: &str) {
    let Some(d) = Decimal::parse(text) else {
        return;
    };
    let again = Decimal::parse(&d.to_text()).expect("printed decimals parse again");
    assert_eq!(again, d, "{text:?} does not survive printing");
    let shortest = Decimal::parse(&d.to_shortest_text()).expect("shortest text parses");
    assert_eq!(value_text(shortest), value_text(d));
    for digits in [0, 1, 2, 3, 4, 8, 18, 38, 39, 40, u32::MAX] {
        if let Some(r) = d.rescale(digits) {
            assert_eq!(r.scale, digits);
            assert_eq!(
                value_text(r),
                value_text(d),
                "rescale({digits}) changed {text:?}"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    check_decimal(&text);

    let Ok(currency) = Currency::from_code(CURRENCIES[selector as usize % CURRENCIES.len()]) else {
        return;
    };
    let max_digits = u32::from(selector >> 4);
    match Amount::parse_with_digits(&text, currency, max_digits) {
        Ok(amount) => {
            assert!(amount.minor_units() > 0);
            let parsed = Decimal::parse(&text).expect("an accepted amount is a decimal");
            assert!(parsed.scale <= max_digits);
            assert_eq!(value_text(amount.as_decimal()), value_text(parsed));
            assert_eq!(amount.to_major_text(), amount.as_decimal().to_text());
        }
        Err(e) => {
            assert_eq!(e.code, ErrorCode::AmountInvalid);
            assert_eq!(e.field.as_deref(), Some("amount"));
        }
    }

    // Formatted amounts may hold more digits than the caller-side parser takes (a received
    // 28-digit amount shown with 7 decimals), so they are compared as text, not parsed again.
    let digits = u32::from(selector % 8);
    if let Some(formatted) = format_received_amount(&text, digits) {
        assert!(
            Decimal::parse(text.trim()).is_some(),
            "only decimals are formatted"
        );
        assert_eq!(
            normalized(&formatted),
            normalized(text.trim()),
            "{text:?} was rounded"
        );
        if let Some((_, fraction)) = formatted.split_once('.') {
            assert!(fraction.len() >= digits as usize || digits == 0);
        }
    }
    if let Some(formatted) = format_received_minor(&text, currency) {
        let minor = Decimal::parse(text.trim()).expect("only integers are formatted");
        assert_eq!(minor.scale, 0);
        let fraction = formatted.split_once('.').map_or(0, |(_, f)| f.len());
        assert_eq!(fraction as u32, currency.exponent, "{formatted}");
        assert_eq!(
            formatted.replace('.', "").trim_start_matches('0'),
            text.trim().trim_start_matches('0'),
            "{text:?} shown as {formatted}"
        );
    }
});
