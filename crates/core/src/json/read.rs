//! Reading text into a [`Value`] through `serde_json`'s parser (its errors, line and column, and
//! recursion limit), borrowing every string and key that has no escape.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::value::{Map, Number, Value};

/// One JSON document (surrounding whitespace allowed).
pub fn from_str(text: &str) -> Result<Value<'_>, serde_json::Error> {
    serde_json::from_str(text)
}

/// Every document of a text holding several in a row, or the first error.
pub fn all_documents(text: &str) -> Result<Vec<Value<'_>>, serde_json::Error> {
    serde_json::Deserializer::from_str(text).into_iter::<Value>().collect()
}

impl<'de: 'a, 'a> Deserialize<'de> for Value<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ValueSeed { scratch: &mut Scratch::default() }.deserialize(deserializer)
    }
}

/// Where the items of the arrays and the entries of the objects being read wait until their
/// container closes: then they move into a list of exactly their number. One growing list per
/// document instead of one per container, grown a few times as each fills (a span object of a
/// dozen fields was three allocations and two copies; now it is one).
#[derive(Default)]
struct Scratch<'de> {
    items: Vec<Value<'de>>,
    entries: Vec<(Cow<'de, str>, Value<'de>)>,
}

/// Reads many values one after another (the elements of a list read one at a time) with one
/// [`Scratch`] for all of them, as one document's values share one.
#[derive(Default)]
pub struct ValueReader<'de> {
    scratch: Scratch<'de>,
}

impl<'de> ValueReader<'de> {
    /// The seed that reads the next value (`next_element_seed(reader.seed())`).
    pub fn seed(&mut self) -> impl DeserializeSeed<'de, Value = Value<'de>> + '_ {
        ValueSeed { scratch: &mut self.scratch }
    }
}

/// Reads one value, its containers' contents gathered in `scratch` (see [`Scratch`]).
struct ValueSeed<'s, 'de> {
    scratch: &'s mut Scratch<'de>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, 'de> {
    type Value = Value<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, 'de> {
    type Value = Value<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Value<'de>, E> {
        Ok(Value::Bool(flag))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<Value<'de>, E> {
        Ok(Value::Number(number.into()))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<Value<'de>, E> {
        Ok(Value::Number(number.into()))
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<Value<'de>, E> {
        Ok(Number::from_f64(number).map_or(Value::Null, Value::Number))
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Borrowed(text)))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Owned(text.to_string())))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Owned(text)))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut sequence: S) -> Result<Value<'de>, S::Error> {
        let first = self.scratch.items.len();
        while let Some(item) = sequence.next_element_seed(ValueSeed { scratch: &mut *self.scratch })? {
            self.scratch.items.push(item);
        }
        Ok(Value::Array(self.scratch.items.drain(first..).collect()))
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Value<'de>, M::Error> {
        let first = self.scratch.entries.len();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = map.next_value_seed(ValueSeed { scratch: &mut *self.scratch })?;
            self.scratch.entries.push((key, value));
        }
        Ok(Value::Object(Map::from_entries(self.scratch.entries.drain(first..).collect())))
    }
}

/// Reads an object's key, borrowed from the text where it has no escape.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(text))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text.to_string()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Map<'_> {
        fn to_string_for_test(&self) -> String {
            serde_json::to_string(self).unwrap()
        }
    }

    #[test]
    fn strings_without_escapes_borrow_from_the_text() {
        let text = r#"{"name": "plain", "quoted": "say \"hi\"", "list": [1, -2, 2.5, true, null]}"#;
        let value = from_str(text).unwrap();
        assert!(matches!(value.get("name"), Some(Value::String(Cow::Borrowed("plain")))));
        assert!(matches!(value.get("quoted"), Some(Value::String(Cow::Owned(text))) if text == "say \"hi\""));
        let list = value["list"].as_array().unwrap();
        assert_eq!((list[0].as_u64(), list[1].as_i64(), list[2].as_f64()), (Some(1), Some(-2), Some(2.5)));
        assert_eq!((list[3].as_bool(), list[4].is_null()), (Some(true), true));
        assert!(value["missing"]["deeper"].is_null());
    }

    #[test]
    fn reads_what_serde_json_reads_and_writes_it_back_the_same() {
        let text = r#"{"b": 1, "a": {"x": [1e300, -0.5, 18446744073709551615, "\u00e9\n"]}, "b": 2, "c": {}}"#;
        let ours = from_str(text).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours.to_serde(), theirs);
        assert_eq!(ours.to_string(), theirs.to_string());
        // A repeated key keeps its first place and its last value.
        assert_eq!(ours.as_object().unwrap().keys().collect::<Vec<_>>(), ["b", "a", "c"]);
        assert_eq!(ours["b"].as_u64(), Some(2));
    }

    #[test]
    fn objects_of_any_size_with_repeated_keys_keep_one_entry_each() {
        for (count, distinct) in [(40, 20), (200, 150), (64, 64), (65, 64)] {
            let entries: Vec<String> = (0..count).map(|index| format!("\"k{}\": {index}", index % distinct)).collect();
            let text = format!("{{{}}}", entries.join(","));
            let ours = from_str(&text).unwrap();
            let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(ours.to_serde(), theirs);
            assert_eq!(ours.as_object().unwrap().len(), distinct);
        }
    }

    #[test]
    fn extending_a_map_sets_keys_as_insert_would_and_extend_missing_keeps_what_is_there() {
        let mut map = from_str(r#"{"a": 1, "b": 2}"#).unwrap().as_object().unwrap().clone();
        let mut by_insert = map.clone();
        let entries = [("b", Value::from(20)), ("c", Value::from(3)), ("c", Value::from(30))];
        for (key, value) in entries.clone() {
            by_insert.insert(key, value);
        }
        map.extend(entries.clone());
        assert_eq!(map, by_insert);
        assert_eq!(map.to_string_for_test(), r#"{"a":1,"b":20,"c":30}"#);
        let mut kept = from_str(r#"{"a": 1, "b": 2}"#).unwrap().as_object().unwrap().clone();
        kept.extend_missing(entries);
        assert_eq!(kept.to_string_for_test(), r#"{"a":1,"b":2,"c":3}"#);
    }

    #[test]
    fn errors_and_depth_limit_are_serde_json_s() {
        let cut = from_str("{\"a\": [1, 2").unwrap_err();
        assert!(cut.is_eof());
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(from_str(&deep).unwrap_err().to_string().starts_with("recursion limit exceeded"));
        let several = all_documents("{\"a\": 1}\n{\"a\": 2} [3]").unwrap();
        assert_eq!(several.len(), 3);
    }
}
