//! Durations for people: `850 µs`, `12.3 ms`, `4.56 s`, `2 m 05 s`.

pub fn format_duration_ns(nanos: u64) -> String {
    const MICRO: u64 = 1_000;
    const MILLI: u64 = 1_000_000;
    const SECOND: u64 = 1_000_000_000;
    let scaled = |unit: u64, name: &str| {
        let value = nanos as f64 / unit as f64;
        let precision = if value >= 100.0 {
            0
        } else if value >= 10.0 {
            1
        } else {
            2
        };
        format!("{value:.precision$} {name}")
    };
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
    use super::format_duration_ns;

    #[test]
    fn picks_a_unit_and_three_significant_digits() {
        assert_eq!(format_duration_ns(0), "0 ns");
        assert_eq!(format_duration_ns(850_000), "850 µs");
        assert_eq!(format_duration_ns(12_345_678), "12.3 ms");
        assert_eq!(format_duration_ns(4_561_000_000), "4.56 s");
        assert_eq!(format_duration_ns(125_000_000_000), "2 m 05 s");
        assert_eq!(format_duration_ns(7_380_000_000_000), "2 h 03 m");
    }
}
