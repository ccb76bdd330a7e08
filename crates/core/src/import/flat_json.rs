//! Flat JSON read straight into the model's types, for the typed fast paths (`zipkin_fast`,
//! `datadog_fast`): scalars as `AttributeValue::from_json` makes them, objects of scalars as
//! attributes in file order, text as the document path's `text` reads it. Anything else (a list
//! or an object where a scalar belongs) is an error: the fast path steps aside.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::otlp_fast::Text;
use crate::model::{Attribute, AttributeValue};

/// Steps aside (the error only ends a fast path; the document path reads the file).
pub fn step_aside<E: de::Error>(why: &str) -> E {
    E::custom(why)
}

/// A field as the document path's `text` reads it: a string (borrowed where it has no escape),
/// or an integer's digits.
pub struct TextOrInteger<'de>(pub Cow<'de, str>);

impl<'de> de::Deserialize<'de> for TextOrInteger<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = TextOrInteger<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("text or an integer")
            }
            fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<TextOrInteger<'de>, E> {
                Ok(TextOrInteger(Cow::Borrowed(name)))
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<TextOrInteger<'de>, E> {
                Ok(TextOrInteger(Cow::Owned(name.to_string())))
            }
            fn visit_u64<E: de::Error>(self, integer: u64) -> Result<TextOrInteger<'de>, E> {
                Ok(TextOrInteger(Cow::Owned(integer.to_string())))
            }
            fn visit_i64<E: de::Error>(self, integer: i64) -> Result<TextOrInteger<'de>, E> {
                Ok(TextOrInteger(Cow::Owned(integer.to_string())))
            }
        }
        deserializer.deserialize_any(NameVisitor)
    }
}

/// An object of scalar values, its entries in file order, each as the document path's
/// `AttributeValue::from_json` makes it (null as empty).
pub struct Entries(pub Vec<Attribute>);

impl Entries {
    /// The entries, refusing a key written twice (the document keeps one of them).
    pub fn without_duplicates<E: de::Error>(self) -> Result<Vec<Attribute>, E> {
        let entries = self.0;
        let twice = if entries.len() <= 32 {
            entries.iter().enumerate().any(|(at, entry)| entries[..at].iter().any(|other| other.key == entry.key))
        } else {
            let mut keys: Vec<&str> = entries.iter().map(|entry| entry.key.as_str()).collect();
            keys.sort_unstable();
            keys.windows(2).any(|pair| pair[0] == pair[1])
        };
        if twice {
            return Err(step_aside("a tag written twice"));
        }
        Ok(entries)
    }
}

impl<'de> de::Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an object of scalar values")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Entries, M::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    let Scalar(value) = map.next_value()?;
                    entries.push(Attribute::new(&*key.0, value));
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// A scalar as `AttributeValue::from_json` makes it; a list or an object steps aside.
pub struct Scalar(pub AttributeValue);

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a string, number, boolean or null")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Scalar, E> {
                Ok(Scalar(AttributeValue::String(text.to_string())))
            }
            fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Scalar, E> {
                Ok(Scalar(AttributeValue::Bool(flag)))
            }
            fn visit_i64<E: de::Error>(self, integer: i64) -> Result<Scalar, E> {
                Ok(Scalar(AttributeValue::Int(integer)))
            }
            fn visit_u64<E: de::Error>(self, integer: u64) -> Result<Scalar, E> {
                // Above i64::MAX the digits are kept as text rather than rounded.
                Ok(Scalar(
                    i64::try_from(integer)
                        .map_or_else(|_| AttributeValue::String(integer.to_string()), AttributeValue::Int),
                ))
            }
            fn visit_f64<E: de::Error>(self, float: f64) -> Result<Scalar, E> {
                Ok(Scalar(AttributeValue::Double(float)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar(AttributeValue::Empty))
            }
        }
        deserializer.deserialize_any(ScalarVisitor)
    }
}
