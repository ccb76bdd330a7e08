//! Durations and shares for people: `850 µs`, `12.3 ms`, `4.56 s`, `2 m 05 s`, `12.5%`.
//! Integer arithmetic only: no float formatting code in the wasm.

/// `value / unit` with three significant digits (at least the units), rounded half up.
fn scaled_three_digits(value: u64, unit: u64) -> String {
    let value = u128::from(value);
    let unit = u128::from(unit);
    if value >= 100 * unit {
        format!("{}", (value + unit / 2) / unit)
    } else if value >= 10 * unit {
        let tenths = (value * 10 + unit / 2) / unit;
        format!("{}.{}", tenths / 10, tenths % 10)
    } else {
        let hundredths = (value * 100 + unit / 2) / unit;
        format!("{}.{:02}", hundredths / 100, hundredths % 100)
    }
}

/// `part / whole` as a percentage with `decimals` decimals (0 to 4), e.g. `12.5%`.
pub fn format_percent(part: u64, whole: u64, decimals: u32) -> String {
    if whole == 0 {
        return "100%".into();
    }
    let scale = 10u128.pow(decimals.min(4));
    let scaled = (u128::from(part) * 100 * scale + u128::from(whole) / 2) / u128::from(whole);
    if decimals == 0 {
        format!("{scaled}%")
    } else {
        format!("{}.{:0width$}%", scaled / scale, scaled % scale, width = decimals.min(4) as usize)
    }
}

/// A count with thousands separators: `1,245`.
pub fn format_count(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A count and its noun, singular for one: `1 span`, `2 spans`, `1,245 tokens`.
pub fn count_of(count: u64, noun: &str) -> String {
    let plural = if count == 1 { "" } else { "s" };
    format!("{} {noun}{plural}", format_count(count))
}

pub fn format_duration_ns(nanos: u64) -> String {
    const MICRO: u64 = 1_000;
    const MILLI: u64 = 1_000_000;
    const SECOND: u64 = 1_000_000_000;
    let scaled = |unit: u64, name: &str| format!("{} {name}", scaled_three_digits(nanos, unit));
    match nanos {
        0..MICRO => format!("{nanos} ns"),
        MICRO..MILLI => scaled(MICRO, "µs"),
        MILLI..SECOND => scaled(MILLI, "ms"),
        _ if nanos < 60 * SECOND => scaled(SECOND, "s"),
        _ if nanos < 3600 * SECOND => {
            format!("{} m {:02} s", nanos / (60 * SECOND), nanos / SECOND % 60)
        }
        _ => format!("{} h {:02} m", nanos / (3600 * SECOND), nanos / (60 * SECOND) % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::{format_count, format_duration_ns, format_percent};

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1_245), "1,245");
        assert_eq!(format_count(12_345_678), "12,345,678");
    }

    #[test]
    fn picks_a_unit_and_three_significant_digits() {
        assert_eq!(format_duration_ns(0), "0 ns");
        assert_eq!(format_duration_ns(850_000), "850 µs");
        assert_eq!(format_duration_ns(12_345_678), "12.3 ms");
        assert_eq!(format_duration_ns(4_561_000_000), "4.56 s");
        assert_eq!(format_duration_ns(125_000_000_000), "2 m 05 s");
        assert_eq!(format_duration_ns(7_380_000_000_000), "2 h 03 m");
    }

    #[test]
    fn percentages_round_half_up_with_fixed_decimals() {
        assert_eq!(format_percent(1, 8, 1), "12.5%");
        assert_eq!(format_percent(1, 3, 4), "33.3333%");
        assert_eq!(format_percent(2, 3, 0), "67%");
        assert_eq!(format_percent(5, 0, 1), "100%");
    }
}
