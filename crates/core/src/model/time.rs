//! RFC 3339 timestamps to and from integer nanoseconds since the Unix epoch, without floats.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn digits(text: &[u8], from: usize, count: usize) -> Option<i64> {
    let slice = text.get(from..from + count)?;
    slice.iter().try_fold(0i64, |total, byte| byte.is_ascii_digit().then(|| total * 10 + i64::from(byte - b'0')))
}

/// Parses `2024-05-01T12:00:00.123456789Z`, `...+02:00`, a space instead of `T`, or a date
/// without an offset (read as UTC). Returns `None` for anything else or a time before 1970.
pub fn parse_rfc3339_ns(text: &str) -> Option<u64> {
    let bytes = text.trim().as_bytes();
    let year = digits(bytes, 0, 4)?;
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let month = digits(bytes, 5, 2)?;
    let day = digits(bytes, 8, 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    let mut position = 10;
    let mut fraction_ns = 0i64;
    if matches!(bytes.get(10), Some(b'T' | b't' | b' ')) {
        let hour = digits(bytes, 11, 2)?;
        let minute = digits(bytes, 14, 2)?;
        if bytes.get(13) != Some(&b':') || bytes.get(16) != Some(&b':') {
            return None;
        }
        let second = digits(bytes, 17, 2)?;
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        seconds += hour * 3600 + minute * 60 + second;
        position = 19;
        if matches!(bytes.get(position), Some(b'.' | b',')) {
            position += 1;
            let mut scale = 100_000_000i64;
            while let Some(byte) = bytes.get(position).filter(|byte| byte.is_ascii_digit()) {
                fraction_ns += i64::from(byte - b'0') * scale;
                scale /= 10;
                position += 1;
            }
        }
    }
    match bytes.get(position) {
        None => {}
        Some(b'Z' | b'z') if position + 1 == bytes.len() => {}
        Some(sign @ (b'+' | b'-')) => {
            let hours = digits(bytes, position + 1, 2)?;
            let minutes_at = if bytes.get(position + 3) == Some(&b':') { position + 4 } else { position + 3 };
            let minutes = digits(bytes, minutes_at, 2)?;
            if minutes_at + 2 != bytes.len() {
                return None;
            }
            let offset = hours * 3600 + minutes * 60;
            seconds += if *sign == b'+' { -offset } else { offset };
        }
        Some(_) => return None,
    }
    let total = i128::from(seconds) * 1_000_000_000 + i128::from(fraction_ns);
    u64::try_from(total).ok()
}

/// Formats nanoseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.fffffffffZ` (fraction trimmed
/// to milliseconds, microseconds or nanoseconds, whichever keeps every digit).
pub fn format_rfc3339_ns(nanos: u64) -> String {
    let seconds = (nanos / 1_000_000_000) as i64;
    let fraction = nanos % 1_000_000_000;
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let second_of_day = seconds.rem_euclid(86_400);
    let clock = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    );
    if fraction.is_multiple_of(1_000_000) {
        format!("{clock}.{:03}Z", fraction / 1_000_000)
    } else if fraction.is_multiple_of(1000) {
        format!("{clock}.{:06}Z", fraction / 1000)
    } else {
        format!("{clock}.{fraction:09}Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_utc_offsets_and_fractions_exactly() {
        assert_eq!(parse_rfc3339_ns("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_ns("2018-12-13T14:51:00Z"), Some(1_544_712_660_000_000_000));
        assert_eq!(parse_rfc3339_ns("2018-12-13T16:51:00.000000001+02:00"), Some(1_544_712_660_000_000_001));
        assert_eq!(parse_rfc3339_ns("2018-12-13 14:51:00.5"), Some(1_544_712_660_500_000_000));
        assert_eq!(parse_rfc3339_ns("2018-12-13"), Some(1_544_659_200_000_000_000));
        assert_eq!(parse_rfc3339_ns("2018-12-13T14:51:00-0130"), Some(1_544_718_060_000_000_000));
    }

    #[test]
    fn rejects_garbage_and_times_before_the_epoch() {
        for text in [
            "",
            "yesterday",
            "2018-13-01T00:00:00Z",
            "2018-12-13T25:00:00Z",
            "1969-12-31T23:59:59Z",
            "2018-12-13T14:51:00Zjunk",
        ] {
            assert_eq!(parse_rfc3339_ns(text), None, "{text}");
        }
    }

    #[test]
    fn formatting_round_trips() {
        for nanos in [0, 1_544_712_660_000_000_000, 1_544_712_660_123_456_000, 1_700_000_000_000_000_007] {
            assert_eq!(parse_rfc3339_ns(&format_rfc3339_ns(nanos)), Some(nanos));
        }
        assert_eq!(format_rfc3339_ns(1_544_712_660_123_000_000), "2018-12-13T14:51:00.123Z");
    }
}
