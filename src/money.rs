//! Exact decimal amounts. No floating point anywhere: an amount is an integer count of minor units
//! (or, for amounts read back from a gateway, an integer with a decimal scale), and every conversion
//! is integer arithmetic on digit strings.

use crate::json::{push_decimal_u128, Object, Value};
use crate::wire::json_type_name;
use crate::{Error, Result};

/// The most significant digits an amount may have; far above any real refund, far below u128's limit.
const MAX_DIGITS: usize = 30;

/// The largest exponent a received number may carry. Moving the point further than a mantissa's
/// own digits plus MAX_DIGITS can never leave an amount within MAX_DIGITS, so a longer exponent is
/// refused before it is read: `1e999999999` costs nothing.
const MAX_EXPONENT: u32 = 2 * MAX_DIGITS as u32;

/// ISO 4217 exponents (digits after the decimal point) of the currencies the gateways serve.
const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("BDT", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EGP", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("GHS", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KHR", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KZT", 2),
    ("LAK", 2),
    ("LKR", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MMK", 2),
    ("MOP", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("NGN", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PEN", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYU", 2),
    ("VND", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("ZAR", 2),
];

/// A currency known to this library, with its ISO 4217 exponent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Currency {
    pub code: &'static str,
    pub exponent: u32,
}

impl Currency {
    /// Looks up an ISO 4217 code (upper case, as gateways send it). Unknown codes are
    /// `AMOUNT_INVALID` on the `currency` field: without the exponent no amount can be checked.
    pub fn from_code(code: &str) -> Result<Currency> {
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|&(code, exponent)| Currency { code, exponent })
            .ok_or_else(|| {
                let shown = if code.len() <= 8 && code.chars().all(|c| c.is_ascii_alphanumeric()) {
                    format!("'{code}'")
                } else {
                    "the given value".to_string()
                };
                Error::new(
                    crate::ErrorCode::AmountInvalid,
                    format!("unknown currency {shown}: expected an ISO 4217 code such as USD, THB or JPY"),
                )
                .with_field("currency")
            })
    }
}

/// An exact non-negative decimal: `units / 10^scale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal {
    pub units: u128,
    pub scale: u32,
}

impl Decimal {
    /// Parses `digits[.digits]`: no sign, exponent, whitespace or grouping. Returns `None` otherwise.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (int_part, frac_part) = match text.split_once('.') {
            Some((i, f)) => (i, f),
            None => (text, ""),
        };
        let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int_part.is_empty()
            || !is_digits(int_part)
            || !is_digits(frac_part)
            || (text.contains('.') && frac_part.is_empty())
        {
            return None;
        }
        let significant = int_part.trim_start_matches('0').len() + frac_part.len();
        if significant > MAX_DIGITS {
            return None;
        }
        let mut units: u128 = 0;
        for b in int_part.bytes().chain(frac_part.bytes()) {
            units = units.checked_mul(10)?.checked_add(u128::from(b - b'0'))?;
        }
        Some(Decimal {
            units,
            scale: frac_part.len() as u32,
        })
    }

    /// Parses the text of a received JSON number exactly: `digits[.digits]`, optionally followed by
    /// an exponent (`e` or `E`, an optional sign, digits), as Jackson and fastjson write a
    /// BigDecimal of negative scale (`1E+3`); the JSON parser keeps that text as it arrived. The value obeys the
    /// limit of [`Decimal::parse`] once the exponent is applied. No sign on the number itself.
    pub fn parse_json_number(text: &str) -> Option<Decimal> {
        match text.split_once(['e', 'E']) {
            None => Decimal::parse(text),
            Some((mantissa, exponent)) => {
                Decimal::parse(mantissa)?.times_power_of_ten(parse_exponent(exponent)?)
            }
        }
    }

    /// `self × 10^power` exactly, if the result stays within MAX_DIGITS significant digits.
    fn times_power_of_ten(self, power: i64) -> Option<Decimal> {
        let scale = i64::from(self.scale) - power;
        let shifted = if scale >= 0 {
            Decimal {
                units: self.units,
                scale: u32::try_from(scale).ok()?,
            }
        } else {
            let factor = 10u128.checked_pow(u32::try_from(-scale).ok()?)?;
            Decimal {
                units: self.units.checked_mul(factor)?,
                scale: 0,
            }
        };
        (shifted.significant_digits() <= MAX_DIGITS).then_some(shifted)
    }

    /// Digits from the first non-zero one to the last fraction digit, as [`Decimal::parse`] counts.
    fn significant_digits(self) -> usize {
        let unit_digits = self
            .units
            .checked_ilog10()
            .map_or(0, |log| log as usize + 1);
        unit_digits.max(self.scale as usize)
    }

    /// The same value with exactly `digits` fraction digits, if that needs no rounding.
    pub fn rescale(self, digits: u32) -> Option<Decimal> {
        if digits >= self.scale {
            let factor = 10u128.checked_pow(digits - self.scale)?;
            Some(Decimal {
                units: self.units.checked_mul(factor)?,
                scale: digits,
            })
        } else {
            let factor = 10u128.checked_pow(self.scale - digits)?;
            self.units.is_multiple_of(factor).then_some(Decimal {
                units: self.units / factor,
                scale: digits,
            })
        }
    }

    /// Decimal text with exactly `scale` fraction digits (`"12.30"`, `"1"`).
    pub fn to_text(self) -> String {
        let scale = self.scale as usize;
        let mut text = String::new();
        push_decimal_u128(&mut text, self.units, scale + 1);
        if scale > 0 {
            text.insert(text.len() - scale, '.');
        }
        text
    }

    /// Decimal text with trailing fraction zeros removed (`"4.9"`, `"10000"`): the shortest exact form,
    /// as JSON numbers are usually written.
    pub fn to_shortest_text(self) -> String {
        let mut d = self;
        while d.scale > 0 && d.units.is_multiple_of(10) {
            d.units /= 10;
            d.scale -= 1;
        }
        d.to_text()
    }
}

/// An exponent's text: an optional sign and digits, at most MAX_EXPONENT in size. Leading zeros
/// are skipped before the length is judged, so no exponent text is ever parsed past four digits.
fn parse_exponent(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() > 4 {
        return None;
    }
    let size: u32 = if significant.is_empty() {
        0
    } else {
        significant.parse().ok()?
    };
    if size > MAX_EXPONENT {
        return None;
    }
    Some(if negative {
        -i64::from(size)
    } else {
        i64::from(size)
    })
}

/// A refund amount: a positive count of minor units of a known currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount {
    minor: u128,
    currency: Currency,
}

impl Amount {
    /// Parses a caller's amount in major units (`"10.50"`) for `currency`, allowing at most the
    /// currency's ISO digits.
    pub fn parse(text: &str, currency: Currency) -> Result<Amount> {
        Amount::parse_with_digits(text, currency, currency.exponent)
    }

    /// Like [`Amount::parse`] but with a gateway's own, stricter limit on fraction digits.
    pub fn parse_with_digits(text: &str, currency: Currency, max_digits: u32) -> Result<Amount> {
        let decimal = Decimal::parse(text).ok_or_else(|| {
            Error::amount(
                "amount must be a decimal string of digits with an optional '.' and fraction, \
                 such as \"10.50\" (no sign, exponent, spaces or separators)",
            )
        })?;
        if decimal.scale > max_digits {
            return Err(Error::amount(format!(
                "{} amounts take at most {} decimal place{} here; got {}",
                currency.code,
                max_digits,
                if max_digits == 1 { "" } else { "s" },
                decimal.scale
            )));
        }
        let minor = decimal
            .rescale(currency.exponent)
            .ok_or_else(|| Error::amount("amount is too large"))?
            .units;
        if minor == 0 {
            return Err(Error::amount("amount must be greater than zero"));
        }
        Ok(Amount { minor, currency })
    }

    /// An amount given in minor units (satang, cents).
    pub fn from_minor(minor: u128, currency: Currency) -> Amount {
        Amount { minor, currency }
    }

    pub fn minor_units(&self) -> u128 {
        self.minor
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn as_decimal(&self) -> Decimal {
        Decimal {
            units: self.minor,
            scale: self.currency.exponent,
        }
    }

    /// Major units with exactly the currency's digits: `"12.30"` USD, `"1"` JPY, `"1.234"` KWD.
    pub fn to_major_text(&self) -> String {
        self.as_decimal().to_text()
    }
}

/// How a gateway may write an amount as a JSON number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumberForm {
    /// `digits[.digits]` only, as every sample and SDK of the gateway writes one.
    Plain,
    /// Also with an exponent (`1E+3`): a Java side that holds the amount as a BigDecimal writes one
    /// of negative scale that way (Jackson, fastjson), and the gateway's own SDKs read it back.
    WithExponent,
}

/// The amount `field` of a received object, read exactly and never through a float: a string
/// holding a plain decimal (surrounding whitespace tolerated), or a JSON number in `numbers` form.
/// Absent, null and the empty string are `None`: the gateway said nothing. Anything else is
/// `RESPONSE_MALFORMED`: an amount the gateway did report is never dropped or guessed at.
pub(crate) fn received_decimal(
    object: &Object,
    field: &str,
    sender: &str,
    numbers: NumberForm,
) -> Result<Option<Decimal>> {
    let decimal = match object.get(field) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) if text.is_empty() => return Ok(None),
        Some(Value::String(text)) => Decimal::parse(text.trim()),
        // A JSON number holds its text exactly as it arrived.
        Some(Value::Number(number)) => match numbers {
            NumberForm::Plain => Decimal::parse(number.as_str()),
            NumberForm::WithExponent => Decimal::parse_json_number(number.as_str()),
        },
        Some(other) => {
            return Err(Error::malformed(format!(
                "the {field} {sender} sent is {}, not a decimal amount",
                json_type_name(other)
            )))
        }
    };
    decimal.map(Some).ok_or_else(|| {
        Error::malformed(format!(
            "the {field} {sender} sent is not a non-negative decimal amount"
        ))
    })
}

/// A received currency code this library knows, with its ISO digits; `None` for an absent or
/// unlisted one, whose amounts are then kept as received.
pub(crate) fn received_currency(code: Option<&str>) -> Option<Currency> {
    code.and_then(|code| Currency::from_code(code).ok())
}

/// A received major-unit amount with its currency's ISO digits where that is exact, else every
/// digit it has; with no known currency, exactly as received.
pub(crate) fn iso_amount_text(decimal: Decimal, currency: Option<Currency>) -> String {
    match currency {
        Some(currency) => decimal.with_received_digits(currency.exponent),
        None => decimal.to_text(),
    }
}

impl Decimal {
    /// The value with `digits` fraction digits where that is exact, or else every digit it has:
    /// what a gateway reported is never rounded away.
    pub fn with_received_digits(self, digits: u32) -> String {
        match self.rescale(digits) {
            Some(d) => d.to_text(),
            None => self.to_shortest_text(),
        }
    }

    /// A whole count of minor units (BluePay's satang) as major units with the currency's digits;
    /// `None` where the value has a fraction.
    pub fn minor_units_as_major_text(self, currency: Currency) -> Option<String> {
        (self.scale == 0).then(|| Amount::from_minor(self.units, currency).to_major_text())
    }
}

/// Formats an amount read from a gateway (text of a JSON number or string) in major units with the
/// given number of digits. Never rounds: a value that does not fit those digits is returned as the
/// exact decimal it is; text that is not a decimal at all is `None`.
#[cfg(any(test, feature = "hazmat"))]
pub fn format_received_amount(text: &str, digits: u32) -> Option<String> {
    Decimal::parse(text.trim()).map(|decimal| decimal.with_received_digits(digits))
}

/// Like [`format_received_amount`], for the text of a received JSON number, which may carry an
/// exponent ([`Decimal::parse_json_number`]): `1E+3` with 0 digits is `"1000"`, `1.5E-1` with 2 is
/// `"0.15"`. Never rounds either.
#[cfg(any(test, feature = "hazmat"))]
pub fn format_received_number(text: &str, digits: u32) -> Option<String> {
    Decimal::parse_json_number(text).map(|decimal| decimal.with_received_digits(digits))
}

/// Formats a received amount in minor units (BluePay's satang) as major units with the currency's
/// digits.
#[cfg(any(test, feature = "hazmat"))]
pub fn format_received_minor(text: &str, currency: Currency) -> Option<String> {
    Decimal::parse(text.trim())?.minor_units_as_major_text(currency)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd() -> Currency {
        Currency::from_code("USD").unwrap()
    }

    #[test]
    fn decimal_text_is_the_units_with_the_point_scale_digits_from_the_right() {
        for (units, scale, text) in [
            (0, 0, "0"),
            (0, 2, "0.00"),
            (5, 3, "0.005"),
            (1230, 2, "12.30"),
            (1, 0, "1"),
            (u128::MAX, 0, "340282366920938463463374607431768211455"),
            (u128::MAX, 38, "3.40282366920938463463374607431768211455"),
            (u128::MAX, 40, "0.0340282366920938463463374607431768211455"),
        ] {
            assert_eq!(Decimal { units, scale }.to_text(), text);
        }
    }

    #[test]
    fn parses_and_formats_exactly() {
        let a = Amount::parse("12.3", usd()).unwrap();
        assert_eq!(a.minor_units(), 1230);
        assert_eq!(a.to_major_text(), "12.30");
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(Amount::parse("1", jpy).unwrap().to_major_text(), "1");
        let kwd = Currency::from_code("KWD").unwrap();
        assert_eq!(
            Amount::parse("1.234", kwd).unwrap().to_major_text(),
            "1.234"
        );
        assert_eq!(Amount::parse("0.01", usd()).unwrap().minor_units(), 1);
        // 0.1 + 0.2 style values stay exact.
        assert_eq!(
            Amount::parse("1234567890123456789.99", usd())
                .unwrap()
                .minor_units(),
            123456789012345678999
        );
    }

    #[test]
    fn refuses_what_is_not_a_plain_positive_decimal() {
        for bad in [
            "", "0", "0.00", "-1", "+1", "1e3", "1E3", " 1", "1 ", "1,000", "1.", ".5", "0x10",
            "NaN", "Infinity", "1..2", "１", "1.2.3",
        ] {
            let e = Amount::parse(bad, usd()).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::AmountInvalid, "{bad:?}");
            assert_eq!(e.field.as_deref(), Some("amount"));
        }
    }

    #[test]
    fn refuses_more_digits_than_the_currency_has() {
        assert!(Amount::parse("4.999", usd()).is_err());
        assert!(Amount::parse("1.5", Currency::from_code("JPY").unwrap()).is_err());
        assert!(Amount::parse("1.2345", Currency::from_code("KWD").unwrap()).is_err());
        assert!(
            Amount::parse_with_digits("1.234", Currency::from_code("KWD").unwrap(), 2).is_err()
        );
    }

    #[test]
    fn refuses_absurdly_long_amounts_without_overflow() {
        let long = "9".repeat(200);
        assert!(Amount::parse(&long, usd()).is_err());
        let many_zeros = format!("{}1", "0".repeat(10_000));
        assert_eq!(
            Amount::parse(&many_zeros, usd()).unwrap().to_major_text(),
            "1.00"
        );
    }

    #[test]
    fn unknown_currency_is_an_amount_error_on_currency() {
        let e = Currency::from_code("XYZ").unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::AmountInvalid);
        assert_eq!(e.field.as_deref(), Some("currency"));
        assert!(Currency::from_code("usd").is_err());
    }

    #[test]
    fn every_listed_currency_is_known() {
        for code in [
            "THB", "JPY", "KRW", "VND", "IDR", "PHP", "MYR", "SGD", "HKD", "TWD", "CNY", "INR",
            "PKR", "USD", "EUR", "GBP", "AUD", "ZAR", "NGN", "KES", "EGP", "AED", "SAR", "QAR",
            "KWD", "BHD", "OMR", "JOD", "IQD", "LYD", "TND", "BRL", "MXN", "COP", "CLP", "PEN",
            "TRY",
        ] {
            Currency::from_code(code).unwrap();
        }
        for w in CURRENCIES.windows(2) {
            assert!(w[0].0 < w[1].0, "table not sorted at {}", w[1].0);
        }
    }

    #[test]
    fn received_amounts_are_formatted_without_rounding() {
        assert_eq!(format_received_amount("9.9", 2).as_deref(), Some("9.90"));
        assert_eq!(format_received_amount("10000", 0).as_deref(), Some("10000"));
        assert_eq!(format_received_amount("9.900", 2).as_deref(), Some("9.90"));
        assert_eq!(format_received_amount("9.901", 2).as_deref(), Some("9.901"));
        assert_eq!(format_received_amount("-1", 2), None);
        let thb = Currency::from_code("THB").unwrap();
        assert_eq!(
            format_received_minor("10000", thb).as_deref(),
            Some("100.00")
        );
        assert_eq!(format_received_minor("1.5", thb), None);
    }

    #[test]
    fn received_numbers_with_an_exponent_are_read_exactly() {
        let parsed = |text: &str| Decimal::parse_json_number(text).map(Decimal::to_text);
        for (text, exact) in [
            ("1e3", "1000"),
            ("1E3", "1000"),
            ("1e+3", "1000"),
            ("10E+3", "10000"),
            ("1.5E-1", "0.15"),
            ("1.50e-1", "0.150"),
            ("4905e-3", "4.905"),
            ("12.5e0", "12.5"),
            ("12.5E-0", "12.5"),
            ("1e+0003", "1000"),
            ("0e5", "0"),
            ("9007199254740993.01", "9007199254740993.01"),
            ("1e29", "100000000000000000000000000000"),
            ("1e-30", "0.000000000000000000000000000001"),
        ] {
            assert_eq!(parsed(text).as_deref(), Some(exact), "{text}");
        }
        for bad in [
            "1e30",
            "1e-31",
            "1e61",
            "1e999999999",
            "1e-999999999",
            "1e",
            "1e+",
            "1e-",
            "e3",
            ".5e1",
            "1.e3",
            "1e3e4",
            "1e3.5",
            "1e 3",
            "-1e3",
            "+1e3",
            "1e--3",
            "1e+-3",
            " 1e3",
            "NaN",
        ] {
            assert_eq!(parsed(bad), None, "{bad}");
        }
        let long_exponent = format!("1e{}", "9".repeat(100_000));
        assert_eq!(parsed(&long_exponent), None);
        let zero_padded = format!("1e{}3", "0".repeat(100_000));
        assert_eq!(parsed(&zero_padded).as_deref(), Some("1000"));
    }

    #[test]
    fn received_numbers_take_the_digits_they_fit_and_keep_those_they_do_not() {
        assert_eq!(format_received_number("1e3", 0).as_deref(), Some("1000"));
        assert_eq!(format_received_number("1.5E-1", 2).as_deref(), Some("0.15"));
        assert_eq!(format_received_number("49E-1", 2).as_deref(), Some("4.90"));
        assert_eq!(format_received_number("4.9", 2).as_deref(), Some("4.90"));
        assert_eq!(format_received_number("0.1", 0).as_deref(), Some("0.1"));
        assert_eq!(
            format_received_number("4905e-3", 2).as_deref(),
            Some("4.905")
        );
        assert_eq!(format_received_number("-1", 2), None);
        // The caller-side and string parsers keep refusing exponents.
        assert_eq!(format_received_amount("1e3", 0), None);
        assert!(Amount::parse("1e3", usd()).is_err());
    }

    #[test]
    fn a_received_amount_is_a_string_or_an_exact_number_and_anything_else_is_refused() {
        let object = |json: &str| -> Object {
            crate::wire::parse_json_object(format!(r#"{{"amount":{json}}}"#).as_bytes(), "test")
                .unwrap()
        };
        let read = |json: &str, numbers| {
            received_decimal(&object(json), "amount", "Gateway", numbers)
                .map(|d| d.map(Decimal::to_text))
        };
        for (json, exact) in [
            (r#""12.30""#, Some("12.30")),
            (r#"" 7 ""#, Some("7")),
            ("12.30", Some("12.30")),
            ("9007199254740993.01", Some("9007199254740993.01")),
            (r#""""#, None),
            ("null", None),
        ] {
            for numbers in [NumberForm::Plain, NumberForm::WithExponent] {
                assert_eq!(read(json, numbers).unwrap().as_deref(), exact, "{json}");
            }
        }
        assert_eq!(
            received_decimal(&Object::new(), "amount", "Gateway", NumberForm::Plain).unwrap(),
            None
        );
        assert_eq!(
            read("1E+3", NumberForm::WithExponent).unwrap().as_deref(),
            Some("1000")
        );
        for (json, numbers) in [
            ("1E+3", NumberForm::Plain),
            (r#""1e3""#, NumberForm::WithExponent),
            (r#"" ""#, NumberForm::Plain),
            (r#""-1""#, NumberForm::Plain),
            ("-1", NumberForm::WithExponent),
            ("true", NumberForm::Plain),
            ("[1]", NumberForm::Plain),
            (r#"{"value":1}"#, NumberForm::WithExponent),
        ] {
            let e = read(json, numbers).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::ResponseMalformed, "{json}");
            assert!(
                e.message.contains("amount") && e.message.contains("Gateway"),
                "{e}"
            );
        }
    }

    #[test]
    fn received_amounts_take_their_digits_only_where_exact() {
        let usd = Some(usd());
        let decimal = |text: &str| Decimal::parse(text).unwrap();
        assert_eq!(iso_amount_text(decimal("9.9"), usd), "9.90");
        assert_eq!(iso_amount_text(decimal("9.901"), usd), "9.901");
        assert_eq!(iso_amount_text(decimal("9.900"), None), "9.900");
        assert_eq!(received_currency(Some("USD")), usd);
        assert_eq!(received_currency(Some("XYZ")), None);
        let thb = Currency::from_code("THB").unwrap();
        assert_eq!(
            decimal("5050").minor_units_as_major_text(thb).as_deref(),
            Some("50.50")
        );
        assert_eq!(decimal("50.50").minor_units_as_major_text(thb), None);
    }
}
