//! UTC time formatting from epoch milliseconds, without a date library: the gateways need only a few
//! fixed formats, and the clock always comes from the caller (`opts.now`).

use crate::json::push_decimal;

/// Broken-down UTC time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UtcTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
}

impl UtcTime {
    pub fn from_epoch_ms(ms: u64) -> UtcTime {
        let secs = ms / 1000;
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        UtcTime {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
            millis: (ms % 1000) as u32,
        }
    }

    /// `2024-01-17T07:01:23.737Z`
    pub fn iso8601(&self) -> String {
        self.with_zone("Z")
    }

    /// `2024-01-17T07:01:23.737+00:00`
    pub fn rfc3339_millis_offset(&self) -> String {
        self.with_zone("+00:00")
    }

    /// `2024-01-17T07:01:23.737` and then `zone`.
    fn with_zone(&self, zone: &str) -> String {
        let mut text = String::with_capacity(23 + zone.len());
        // The year is never negative: the clock counts from 1970.
        push_decimal(&mut text, self.year.unsigned_abs(), 4);
        for (separator, value, digits) in [
            ('-', self.month, 2),
            ('-', self.day, 2),
            ('T', self.hour, 2),
            (':', self.minute, 2),
            (':', self.second, 2),
            ('.', self.millis, 3),
        ] {
            text.push(separator);
            push_decimal(&mut text, value.into(), digits);
        }
        text.push_str(zone);
        text
    }
}

/// ISO 8601 UTC text for epoch milliseconds given as decimal text; `None` if it is not one.
pub fn iso_from_epoch_ms_text(text: &str) -> Option<String> {
    let ms: u64 = text.trim().parse().ok()?;
    Some(UtcTime::from_epoch_ms(ms).iso8601())
}

/// `YYYY-MM-DD HH:mm:ss` known to be UTC -> `YYYY-MM-DDTHH:mm:ssZ`; `None` if the shape differs.
pub fn iso_from_utc_datetime(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let shape_ok = b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        });
    shape_ok.then(|| format!("{}T{}Z", &text[..10], &text[11..]))
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(
            UtcTime::from_epoch_ms(0).iso8601(),
            "1970-01-01T00:00:00.000Z"
        );
        assert_eq!(
            UtcTime::from_epoch_ms(1_705_474_883_737).rfc3339_millis_offset(),
            "2024-01-17T07:01:23.737+00:00"
        );
        // 2024-02-29 (leap day) and 2100-03-01 (century, not leap).
        assert_eq!(
            UtcTime::from_epoch_ms(1_709_164_800_000).iso8601(),
            "2024-02-29T00:00:00.000Z"
        );
        assert_eq!(
            UtcTime::from_epoch_ms(4_107_542_400_000).iso8601(),
            "2100-03-01T00:00:00.000Z"
        );
        // The last instant a JavaScript Date holds: a six-digit year.
        assert_eq!(
            UtcTime::from_epoch_ms(8_640_000_000_000_000).iso8601(),
            "275760-09-13T00:00:00.000Z"
        );
    }

    #[test]
    fn every_field_is_padded_as_format_pads_it() {
        let mut ms = 1u64;
        while ms < 8_640_000_000_000_000 {
            let t = UtcTime::from_epoch_ms(ms);
            let fields = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}",
                t.year, t.month, t.day, t.hour, t.minute, t.second, t.millis
            );
            assert_eq!(t.iso8601(), format!("{fields}Z"));
            assert_eq!(t.rfc3339_millis_offset(), format!("{fields}+00:00"));
            ms = ms * 3 + 7;
        }
    }

    #[test]
    fn converts_gateway_datetimes() {
        assert_eq!(
            iso_from_utc_datetime("2024-08-07 06:36:36").as_deref(),
            Some("2024-08-07T06:36:36Z")
        );
        assert_eq!(iso_from_utc_datetime("2024-08-07T06:36:36"), None);
        assert_eq!(
            iso_from_epoch_ms_text("1722415059000").as_deref(),
            Some("2024-07-31T08:37:39.000Z")
        );
        assert_eq!(iso_from_epoch_ms_text("x"), None);
    }
}
