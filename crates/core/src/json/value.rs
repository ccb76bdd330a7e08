//! The document tree: [`Value`] and the objects' [`Map`], with `serde_json`-like accessors.

use std::borrow::Cow;

pub use serde_json::Number;

/// A JSON value whose strings borrow from the text it was read from (`'a`), or own their text
/// (`Value<'static>`, see [`Value::into_owned`]).
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value<'a> {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Map<'a>),
}

/// A JSON object: its entries in file order, each key once.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Map<'a> {
    entries: Vec<(Cow<'a, str>, Value<'a>)>,
}

static NULL: Value<'static> = Value::Null;

impl<'a> Value<'a> {
    /// The value of `key` when this is an object holding it.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.as_object()?.get(key)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map<'a>> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    pub fn as_object_mut(&mut self) -> Option<&mut Map<'a>> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value<'a>>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(number) => number.as_u64(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(number) => number.as_i64(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(number) => number.as_f64(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(flag) => Some(*flag),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    pub fn is_u64(&self) -> bool {
        matches!(self, Value::Number(number) if number.is_u64())
    }

    /// An object of the given entries, in their order.
    pub fn object<const N: usize>(entries: [(&'a str, Value<'a>); N]) -> Value<'a> {
        Value::Object(entries.into_iter().collect())
    }

    /// The same value owning all its text, free of the text it was read from.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Bool(flag) => Value::Bool(flag),
            Value::Number(number) => Value::Number(number),
            Value::String(text) => Value::String(Cow::Owned(text.into_owned())),
            Value::Array(items) => Value::Array(items.into_iter().map(Value::into_owned).collect()),
            Value::Object(map) => Value::Object(Map {
                entries: map
                    .entries
                    .into_iter()
                    .map(|(key, item)| (Cow::Owned(key.into_owned()), item.into_owned()))
                    .collect(),
            }),
        }
    }

    /// This value as a `serde_json::Value` (for code that keeps one, such as tests).
    pub fn to_serde(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(flag) => serde_json::Value::Bool(*flag),
            Value::Number(number) => serde_json::Value::Number(number.clone()),
            Value::String(text) => serde_json::Value::String(text.to_string()),
            Value::Array(items) => serde_json::Value::Array(items.iter().map(Value::to_serde).collect()),
            Value::Object(map) => {
                serde_json::Value::Object(map.iter().map(|(key, item)| (key.to_string(), item.to_serde())).collect())
            }
        }
    }
}

impl From<&serde_json::Value> for Value<'static> {
    fn from(value: &serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(flag) => Value::Bool(*flag),
            serde_json::Value::Number(number) => Value::Number(number.clone()),
            serde_json::Value::String(text) => Value::String(Cow::Owned(text.clone())),
            serde_json::Value::Array(items) => Value::Array(items.iter().map(Value::from).collect()),
            serde_json::Value::Object(map) => Value::Object(Map {
                entries: map.iter().map(|(key, item)| (Cow::Owned(key.clone()), Value::from(item))).collect(),
            }),
        }
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(text: &'a str) -> Self {
        Value::String(Cow::Borrowed(text))
    }
}

impl From<String> for Value<'_> {
    fn from(text: String) -> Self {
        Value::String(Cow::Owned(text))
    }
}

impl From<u64> for Value<'_> {
    fn from(number: u64) -> Self {
        Value::Number(number.into())
    }
}

impl<'a> std::ops::Index<&str> for Value<'a> {
    type Output = Value<'a>;
    /// The value of `key`, or null when this is not an object holding it (as `serde_json`).
    fn index(&self, key: &str) -> &Value<'a> {
        self.get(key).unwrap_or(&NULL)
    }
}

impl<'a> Map<'a> {
    pub fn new() -> Self {
        Map { entries: Vec::new() }
    }

    pub fn with_capacity(capacity: usize) -> Self {
        Map { entries: Vec::with_capacity(capacity) }
    }

    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.entries.iter().find(|(name, _)| name == key).map(|(_, value)| value)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value<'a>> {
        self.entries.iter_mut().find(|(name, _)| name == key).map(|(_, value)| value)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`: in its place when the key is there, else at the end.
    pub fn insert(&mut self, key: impl Into<Cow<'a, str>>, value: Value<'a>) {
        let key = key.into();
        match self.get_mut(&key) {
            Some(slot) => *slot = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Adds each entry whose key the map does not hold yet, in order (an entry already there, or
    /// an earlier one of `entries`, keeps its value); no scan of the map per entry.
    pub fn extend_missing<K: Into<Cow<'a, str>>>(&mut self, entries: impl IntoIterator<Item = (K, Value<'a>)>) {
        self.entries.extend(entries.into_iter().map(|(key, value)| (key.into(), value)));
        if has_duplicate_keys(&self.entries) {
            self.entries = first_place_first_value(std::mem::take(&mut self.entries));
        }
    }

    /// Takes `key`'s value out, keeping the other entries in order.
    pub fn remove(&mut self, key: &str) -> Option<Value<'a>> {
        let index = self.entries.iter().position(|(name, _)| name == key)?;
        Some(self.entries.remove(index).1)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in file order, keys as `&str`.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value<'a>)> + DoubleEndedIterator {
        self.entries.iter().map(|(key, value)| (key.as_ref(), value))
    }

    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + DoubleEndedIterator {
        self.entries.iter().map(|(key, _)| key.as_ref())
    }

    pub fn values(&self) -> impl ExactSizeIterator<Item = &Value<'a>> + DoubleEndedIterator {
        self.entries.iter().map(|(_, value)| value)
    }

    /// Entries as read, before duplicate keys are settled by [`Map::from_entries`].
    pub(super) fn from_entries(mut entries: Vec<(Cow<'a, str>, Value<'a>)>) -> Self {
        if has_duplicate_keys(&entries) {
            entries = first_place_last_value(entries);
        }
        Map { entries }
    }
}

impl<'a> IntoIterator for Map<'a> {
    type Item = (Cow<'a, str>, Value<'a>);
    type IntoIter = std::vec::IntoIter<(Cow<'a, str>, Value<'a>)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, 'm> IntoIterator for &'m Map<'a> {
    type Item = (&'m str, &'m Value<'a>);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'m, (Cow<'a, str>, Value<'a>)>,
        fn(&'m (Cow<'a, str>, Value<'a>)) -> (&'m str, &'m Value<'a>),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(key, value)| (key.as_ref(), value))
    }
}

/// Sets each entry as [`Map::insert`] would, one after another (a key already there keeps its
/// place and takes the new value), without a scan of the map per entry.
impl<'a, K: Into<Cow<'a, str>>> Extend<(K, Value<'a>)> for Map<'a> {
    fn extend<I: IntoIterator<Item = (K, Value<'a>)>>(&mut self, entries: I) {
        self.entries.extend(entries.into_iter().map(|(key, value)| (key.into(), value)));
        if has_duplicate_keys(&self.entries) {
            self.entries = first_place_last_value(std::mem::take(&mut self.entries));
        }
    }
}

impl<'a, K: Into<Cow<'a, str>>> FromIterator<(K, Value<'a>)> for Map<'a> {
    fn from_iter<I: IntoIterator<Item = (K, Value<'a>)>>(entries: I) -> Self {
        Map::from_entries(entries.into_iter().map(|(key, value)| (key.into(), value)).collect())
    }
}

/// Objects larger than this are checked through a sorted copy of their keys.
const MASKED_LIMIT: usize = 64;

/// Whether two entries share a key. Each key is summed up in one bit of a 64-bit mask (from its
/// length and its first and last bytes); a key is compared only with the earlier keys of its
/// bit, so an object of different keys (nearly every object) costs few string comparisons.
fn has_duplicate_keys(entries: &[(Cow<'_, str>, Value<'_>)]) -> bool {
    if entries.len() > MASKED_LIMIT {
        let mut keys: Vec<&str> = entries.iter().map(|(key, _)| key.as_ref()).collect();
        keys.sort_unstable();
        return keys.windows(2).any(|pair| pair[0] == pair[1]);
    }
    let mut seen = 0u64;
    for (index, (key, _)) in entries.iter().enumerate() {
        let bit = key_bit(key);
        if seen & (1 << bit) != 0 && entries[..index].iter().any(|(other, _)| key_bit(other) == bit && other == key) {
            return true;
        }
        seen |= 1 << bit;
    }
    false
}

/// A key's bit in [`has_duplicate_keys`]'s mask.
fn key_bit(key: &str) -> u32 {
    let bytes = key.as_bytes();
    let (first, last) = (bytes.first().copied().unwrap_or(0), bytes.last().copied().unwrap_or(0));
    (bytes.len() as u32).wrapping_mul(7).wrapping_add(u32::from(first) * 3 + u32::from(last)) % 64
}

/// A key written twice keeps its first place and takes its last value.
fn first_place_last_value<'a>(entries: Vec<(Cow<'a, str>, Value<'a>)>) -> Vec<(Cow<'a, str>, Value<'a>)> {
    one_entry_per_key(entries, true)
}

/// A key written twice keeps its first place and its first value.
fn first_place_first_value<'a>(entries: Vec<(Cow<'a, str>, Value<'a>)>) -> Vec<(Cow<'a, str>, Value<'a>)> {
    one_entry_per_key(entries, false)
}

/// Each key once, at its first place, with its last value or its first: the entries' positions
/// sorted by key find each key's first and last place (no hash map: the page links this too).
fn one_entry_per_key<'a>(entries: Vec<(Cow<'a, str>, Value<'a>)>, last_value: bool) -> Vec<(Cow<'a, str>, Value<'a>)> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|a, b| entries[*a].0.cmp(&entries[*b].0).then(a.cmp(b)));
    // For each entry kept (a key's first place), the entry whose value it takes.
    let mut value_from: Vec<Option<usize>> = vec![None; entries.len()];
    for group in order.chunk_by(|a, b| entries[*a].0 == entries[*b].0) {
        value_from[group[0]] = Some(if last_value { group[group.len() - 1] } else { group[0] });
    }
    let mut slots: Vec<Option<(Cow<'a, str>, Value<'a>)>> = entries.into_iter().map(Some).collect();
    let mut kept = Vec::with_capacity(slots.len());
    for (place, source) in value_from.into_iter().enumerate() {
        let Some(source) = source else { continue };
        let value = slots[source].as_mut().map(|(_, value)| std::mem::take(value)).unwrap_or_default();
        if let Some((key, _)) = slots[place].take() {
            kept.push((key, value));
        }
    }
    kept
}

impl<'a> std::ops::Index<&str> for Map<'a> {
    type Output = Value<'a>;
    /// The value of `key`, or null when the object does not hold it.
    fn index(&self, key: &str) -> &Value<'a> {
        self.get(key).unwrap_or(&NULL)
    }
}

impl Map<'_> {
    /// The same object owning all its text.
    pub fn into_owned(self) -> Map<'static> {
        match Value::Object(self).into_owned() {
            Value::Object(map) => map,
            _ => unreachable!("an object stays an object"),
        }
    }
}

impl From<serde_json::Value> for Value<'static> {
    fn from(value: serde_json::Value) -> Self {
        Value::from(&value)
    }
}

impl<'a> std::ops::Index<usize> for Value<'a> {
    type Output = Value<'a>;
    /// The array's item at `index`, or null when this is not an array that long (as `serde_json`).
    fn index(&self, index: usize) -> &Value<'a> {
        self.as_array().and_then(|items| items.get(index)).unwrap_or(&NULL)
    }
}

impl PartialEq<str> for Value<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}
