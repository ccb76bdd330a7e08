//! Reading loosely typed JSON fields the way trace files write them: camelCase or snake_case
//! keys, integers as numbers or strings, times in several units.

use std::borrow::Cow;

use crate::json::{Map, Value};

use crate::model::{parse_rfc3339_ns, Attribute, AttributeValue};

/// The first of `keys` present in `object` and not null.
pub fn field<'a, 'j>(object: &'a Map<'j>, keys: &[&str]) -> Option<&'a Value<'j>> {
    keys.iter().find_map(|key| object.get(key).filter(|value| !value.is_null()))
}

pub fn string_field(object: &Map, keys: &[&str]) -> Option<String> {
    match field(object, keys)? {
        Value::String(text) => Some(text.to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Up to 19 decimal digits (nanosecond times have 19), read without the overflow checks of
/// `str::parse`, which 19 digits cannot overflow: two of these per span of a large file.
/// Anything else (a sign, more digits, other characters) is `None`, for the general parser.
pub fn short_decimal(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 19 {
        return None;
    }
    text.bytes().try_fold(0u64, |value, byte| byte.is_ascii_digit().then(|| value * 10 + u64::from(byte - b'0')))
}

/// `value × factor`, or `None` past 64 bits, without the 128-bit multiplication `checked_mul`
/// becomes in wasm (a library call, made for every time of every span of a file).
pub fn times(value: u64, factor: u64) -> Option<u64> {
    (value <= u64::MAX / factor).then(|| value * factor)
}

/// Microseconds as nanoseconds, the largest time past 64 bits (as `saturating_mul`, see [`times`]).
pub fn micros_to_ns(micros: u64) -> u64 {
    times(micros, 1000).unwrap_or(u64::MAX)
}

/// A value as [`string_field`] reads it (a string, or a number's digits), borrowed when a string.
pub fn text<'v>(value: &'v Value<'_>) -> Option<Cow<'v, str>> {
    match value {
        Value::String(text) => Some(Cow::Borrowed(text)),
        Value::Number(number) => Some(Cow::Owned(number.to_string())),
        _ => None,
    }
}

/// The text in ASCII lower case, copied only when it has an upper-case letter.
pub fn lowercase(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.bytes().any(|byte| byte.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        text
    }
}

/// An unsigned integer written as a JSON number or a decimal string (OTLP writes 64-bit values
/// as strings). Never through a float for integers; a float beyond 64 bits (`1e30`) is not read
/// (`None`: the caller warns), rather than silently becoming the largest integer.
pub fn unsigned(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64().or_else(|| {
            number
                .as_f64()
                .filter(|float| float.is_finite() && *float >= 0.0 && *float < u64::MAX as f64)
                .map(|float| float as u64)
        }),
        Value::String(text) => {
            let text = text.trim();
            short_decimal(text).or_else(|| text.parse().ok())
        }
        Value::Object(object) => long_bits(object),
        _ => None,
    }
}

pub fn signed(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        // The 64 bits as written; `unsigned: true` above 2^63 does not fit an i64.
        Value::Object(object) => long_bits(object).and_then(|bits| match object.get("unsigned") {
            Some(Value::Bool(true)) => i64::try_from(bits).ok(),
            _ => Some(bits as i64),
        }),
        _ => None,
    }
}

/// A 64-bit integer as protobufjs's `Long` writes itself to JSON (`{"low": -1, "high": 5,
/// "unsigned": true}`, each half a 32-bit integer): what `JSON.stringify` of a decoded OTLP
/// request holds for times and integer attributes. `None` unless both halves are 32-bit integers.
fn long_bits(object: &Map) -> Option<u64> {
    let half = |key: &str| {
        let number = object.get(key)?.as_i64()?;
        (i64::from(i32::MIN)..=i64::from(u32::MAX)).contains(&number).then_some(number as u32)
    };
    let (low, high) = (half("low")?, half("high")?);
    Some((u64::from(high) << 32) | u64::from(low))
}

/// Bytes as Node's `Buffer` writes itself to JSON (`{"type": "Buffer", "data": [75, 191, ...]}`):
/// how ids appear in `JSON.stringify` of a decoded OTLP request. `None` for any other shape.
pub fn node_buffer_bytes(value: &Value) -> Option<Vec<u8>> {
    let object = value.as_object()?;
    if object.get("type").and_then(Value::as_str) != Some("Buffer") {
        return None;
    }
    object.get("data")?.as_array()?.iter().map(|byte| byte.as_u64().and_then(|byte| u8::try_from(byte).ok())).collect()
}

/// A timestamp in nanoseconds: an integer (number or string) of nanoseconds, or an RFC 3339 string.
pub fn time_ns(value: &Value) -> Option<u64> {
    unsigned(value).or_else(|| value.as_str().and_then(parse_rfc3339_ns))
}

/// A timestamp where a bare number means epoch milliseconds (what people and JavaScript write).
pub fn time_ms_or_rfc3339(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => match number.as_u64() {
            Some(millis) => times(millis, 1_000_000),
            None => millis_float_to_ns(number.as_f64()?),
        },
        Value::String(text) => parse_rfc3339_ns(text),
        _ => None,
    }
}

/// Fractional milliseconds to nanoseconds, splitting whole and fractional parts so the whole
/// milliseconds stay exact (a plain `millis * 1e6` in f64 loses the last digits).
pub fn millis_float_to_ns(millis: f64) -> Option<u64> {
    if !millis.is_finite() || millis < 0.0 || millis >= u64::MAX as f64 / 1e6 {
        return None;
    }
    let whole = millis.trunc();
    let fraction_ns = ((millis - whole) * 1e6).round() as u64;
    times(whole as u64, 1_000_000)?.checked_add(fraction_ns)
}

/// A value as display text: strings decoded when they hold (possibly twice-encoded) JSON, which is
/// then written compactly; objects and arrays as JSON; null as `None`.
pub fn text_or_json(value: &Value) -> Option<String> {
    text_and_document(value).0
}

/// A value's display text (as [`text_or_json`]) and the document it shows: the JSON its string
/// held (`None` when a string held none), else the value itself. A caller that reads the document
/// further (messages in a JSON-text input) parses the text only once.
pub fn text_and_document<'v>(value: &'v Value<'_>) -> (Option<String>, Option<Cow<'v, Value<'v>>>) {
    match value {
        Value::Null => (None, Some(Cow::Borrowed(value))),
        Value::String(text) => match crate::model::json_text::decode_json_text(text) {
            Some(decoded) => (Some(decoded.to_string()), Some(Cow::Owned(decoded))),
            None => (Some(unquote_json_string(text).unwrap_or_else(|| text.to_string())), None),
        },
        other => (Some(other.to_string()), Some(Cow::Borrowed(other))),
    }
}

/// `"\"hello\""` (a JSON string encoded as text) → `hello`.
fn unquote_json_string(text: &str) -> Option<String> {
    let trimmed = text.trim();
    if !(trimmed.starts_with('"') && trimmed.ends_with('"') && trimmed.len() >= 2) {
        return None;
    }
    serde_json::from_str::<String>(trimmed).ok()
}

/// Nested objects flattened to dotted keys (`{"llm": {"model_name": "x"}}` → `llm.model_name`),
/// as OpenTelemetry attributes are written. Arrays stay values. Depth is bounded by the parser.
pub fn flatten_attributes(value: Option<&Value>) -> Vec<Attribute> {
    flatten_attributes_under("", value)
}

/// [`flatten_attributes`] with every key after `prefix` (`"metadata."` makes
/// `metadata.llm.model_name`), each key allocated once.
pub fn flatten_attributes_under(prefix: &str, value: Option<&Value>) -> Vec<Attribute> {
    let mut out = Vec::new();
    if let Some(value @ Value::Object(_)) = value {
        flatten_into(&mut String::from(prefix), prefix.len(), value, &mut out);
    }
    out
}

/// [`flatten_attributes_under`]'s walk: `path` is the prefix (its first `base` bytes) and the
/// dotted key so far, one buffer for the whole walk (each key allocated once, at its leaf).
fn flatten_into(path: &mut String, base: usize, value: &Value, out: &mut Vec<Attribute>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                let length = path.len();
                if length > base {
                    path.push('.');
                }
                path.push_str(key);
                flatten_into(path, base, item, out);
                path.truncate(length);
            }
        }
        other => out.push(Attribute::new(path.as_str(), AttributeValue::from_json(other))),
    }
}

/// A field whose value the reader cannot use (a time of "yesterday", a count of -5, a time past
/// what 64-bit nanoseconds hold): kept as an other field, as the file wrote it, and a problem
/// that says so. Nothing the file said is lost.
pub fn keep_unreadable(key: &str, value: &Value, what: &str, other_fields: &mut Vec<Attribute>) -> String {
    other_fields.push(Attribute::new(key, AttributeValue::from_json(value)));
    format!("{key} {value} is not {what} this viewer can hold; kept as an other field")
}

/// Keeps every key of `object` not in `known`, in file order: nothing the file said is dropped
/// (a null says nothing, so nulls are left out).
pub fn other_fields(object: &Map, known: &[&str]) -> Vec<Attribute> {
    object
        .iter()
        .filter(|(key, value)| !value.is_null() && !known.contains(key))
        .map(|(key, value)| Attribute::new(key, AttributeValue::from_json(value)))
        .collect()
}

/// A JSON object's entries as attributes, in file order.
pub fn object_attributes(value: Option<&Value>) -> Vec<Attribute> {
    match value {
        Some(Value::Object(map)) => {
            map.iter().map(|(key, item)| Attribute::new(key, AttributeValue::from_json(item))).collect()
        }
        _ => Vec::new(),
    }
}

/// Declares a struct of an object's values for the keys a format gives a meaning, read in one
/// pass over the object's entries (instead of a scan of them per key asked for, plus one more
/// for the rest): `object_fields!(SpanFields { id: "id", parent: "parent" })`, then
/// `SpanFields::read(object).id`. Nulls say nothing and are left out, as [`field`] and
/// [`other_fields`] leave them; `others` holds the remaining entries in file order.
macro_rules! object_fields {
    ($(#[$meta:meta])* $name:ident { $($field:ident: $key:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Default)]
        struct $name<'v, 'j> {
            $($field: Option<&'v $crate::json::Value<'j>>,)*
            /// The entries no field takes (nulls left out), in file order.
            others: Vec<(&'v str, &'v $crate::json::Value<'j>)>,
        }

        impl<'v, 'j> $name<'v, 'j> {
            /// The keys, in the order declared.
            #[allow(dead_code)]
            const KEYS: &'static [&'static str] = &[$($key),*];

            fn read(object: &'v $crate::json::Map<'j>) -> Self {
                let mut fields = Self::default();
                for (key, value) in object.iter().filter(|(_, value)| !value.is_null()) {
                    match key {
                        $($key => fields.$field = Some(value),)*
                        _ => fields.others.push((key, value)),
                    }
                }
                fields
            }

            /// The entries no field takes, as attributes (what [`other_fields`] gives).
            #[allow(dead_code)]
            fn other_fields(&self) -> Vec<$crate::model::Attribute> {
                self.others
                    .iter()
                    .map(|(key, value)| {
                        $crate::model::Attribute::new(*key, $crate::model::AttributeValue::from_json(value))
                    })
                    .collect()
            }
        }
    };
}
pub(crate) use object_fields;

#[cfg(test)]
mod tests {
    use super::*;

    fn json(value: impl Into<serde_json::Value>) -> Value<'static> {
        Value::from(&value.into())
    }

    #[test]
    fn milliseconds_become_exact_nanoseconds() {
        assert_eq!(time_ms_or_rfc3339(&json(1_715_678_490_001u64)), Some(1_715_678_490_001_000_000));
        assert_eq!(time_ms_or_rfc3339(&json(1_715_678_490_001.5)), Some(1_715_678_490_001_500_000));
        assert_eq!(time_ms_or_rfc3339(&json(-1)), None);
        assert_eq!(time_ms_or_rfc3339(&json("2024-05-14T09:21:30Z")), Some(1_715_678_490_000_000_000));
    }
}
