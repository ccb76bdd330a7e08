//! Attribute values as the source file gave them, with their order kept.

use serde_json::Value;

/// One key/value pair from a span, resource, scope, event or link.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub key: String,
    pub value: AttributeValue,
}

impl Attribute {
    pub fn new(key: impl Into<String>, value: AttributeValue) -> Self {
        Attribute { key: key.into(), value }
    }
}

/// Every value kind OpenTelemetry knows, plus `Empty` for a value the file left out.
#[derive(Clone, Debug, PartialEq)]
pub enum AttributeValue {
    String(String),
    Bool(bool),
    Int(i64),
    Double(f64),
    /// Raw bytes; shown as base64, as OTLP/JSON writes them.
    Bytes(Vec<u8>),
    Array(Vec<AttributeValue>),
    /// A nested map with its order kept (OTLP `kvlistValue`, a JSON object).
    Map(Vec<Attribute>),
    Empty,
}

impl AttributeValue {
    /// Converts any JSON value, keeping object key order and integer precision.
    pub fn from_json(value: &crate::json::Value) -> AttributeValue {
        use crate::json::Value;
        match value {
            Value::Null => AttributeValue::Empty,
            Value::Bool(flag) => AttributeValue::Bool(*flag),
            Value::Number(number) => match number.as_i64() {
                Some(integer) => AttributeValue::Int(integer),
                // u64 above i64::MAX or a float: keep the digits as text rather than round them.
                None if number.is_u64() => AttributeValue::String(number.to_string()),
                None => AttributeValue::Double(number.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(text) => AttributeValue::String(text.to_string()),
            Value::Array(items) => AttributeValue::Array(items.iter().map(Self::from_json).collect()),
            Value::Object(map) => {
                AttributeValue::Map(map.iter().map(|(key, item)| Attribute::new(key, Self::from_json(item))).collect())
            }
        }
    }

    /// The value as text, borrowed when it is a string (else as [`AttributeValue::display`]).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            AttributeValue::String(text) => std::borrow::Cow::Borrowed(text),
            other => std::borrow::Cow::Owned(other.display()),
        }
    }

    /// The value as a short one-line string for tables and search.
    pub fn display(&self) -> String {
        match self {
            AttributeValue::String(text) => text.clone(),
            AttributeValue::Empty => String::new(),
            other => other.to_document().to_string(),
        }
    }

    /// The value as JSON (bytes become base64 text), for pretty display and export.
    pub fn to_json(&self) -> Value {
        self.to_document().to_serde()
    }

    /// The value as a JSON document borrowing this value's text (bytes become base64 text; NaN and
    /// the infinities, which JSON has no number for, text as protobuf's JSON mapping writes them).
    pub fn to_document(&self) -> crate::json::Value<'_> {
        use crate::json::{Number, Value};
        match self {
            AttributeValue::String(text) => Value::String(text.as_str().into()),
            AttributeValue::Bool(flag) => Value::Bool(*flag),
            AttributeValue::Int(integer) => Value::Number((*integer).into()),
            AttributeValue::Double(float) => Number::from_f64(*float).map(Value::Number).unwrap_or_else(|| {
                Value::from(if float.is_nan() {
                    "NaN"
                } else if *float > 0.0 {
                    "Infinity"
                } else {
                    "-Infinity"
                })
            }),
            AttributeValue::Bytes(bytes) => Value::from(super::encoding::base64_encode(bytes)),
            AttributeValue::Array(items) => Value::Array(items.iter().map(Self::to_document).collect()),
            AttributeValue::Map(entries) => {
                Value::Object(entries.iter().map(|entry| (entry.key.as_str(), entry.value.to_document())).collect())
            }
            AttributeValue::Empty => Value::Null,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttributeValue::String(text) => Some(text),
            _ => None,
        }
    }

    /// A short name for the value's kind, shown beside it in the detail panel.
    pub fn kind_name(&self) -> &'static str {
        match self {
            AttributeValue::String(_) => "string",
            AttributeValue::Bool(_) => "bool",
            AttributeValue::Int(_) => "int",
            AttributeValue::Double(_) => "double",
            AttributeValue::Bytes(_) => "bytes",
            AttributeValue::Array(_) => "array",
            AttributeValue::Map(_) => "map",
            AttributeValue::Empty => "empty",
        }
    }
}

/// Looks a key up in an attribute list (first match, as OpenTelemetry does).
pub fn find<'a>(attributes: &'a [Attribute], key: &str) -> Option<&'a AttributeValue> {
    attributes.iter().find(|attribute| attribute.key == key).map(|attribute| &attribute.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_objects_keep_key_order_and_big_integers_keep_digits() {
        let value = crate::json::from_str(r#"{"z":1,"a":18446744073709551615,"m":[true,null,1.5]}"#).unwrap();
        let converted = AttributeValue::from_json(&value);
        let AttributeValue::Map(entries) = &converted else { panic!("expected a map") };
        let keys: Vec<&str> = entries.iter().map(|entry| entry.key.as_str()).collect();
        assert_eq!(keys, ["z", "a", "m"]);
        assert_eq!(entries[1].value, AttributeValue::String("18446744073709551615".into()));
        assert_eq!(converted.display(), r#"{"z":1,"a":"18446744073709551615","m":[true,null,1.5]}"#);
    }
}
