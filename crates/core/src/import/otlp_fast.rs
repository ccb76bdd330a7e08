//! A fast path for canonical OTLP/JSON trace requests: typed, borrowing deserialisation straight
//! into the model, with no intermediate `serde_json::Value` tree. It accepts only what it fully
//! understands (`deny_unknown_fields` everywhere); anything else — an unknown field, logs beside
//! spans, a string where a number belongs — makes it step aside, and the tolerant `otlp` importer
//! reads the document instead, with its warnings. Both produce the same model (tested).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::fields::short_decimal;
use super::otlp::{kind_from_name, kind_from_number, status_code_from_name, status_from_code};
use super::pipeline::{set_times, RawImport, ResourcePlacement};
use crate::model::encoding;
use crate::model::{Attribute, AttributeValue, OptionalIndex, Resource, Scope, Span, SpanEvent, SpanLink, SpanStatus};

/// A 64-bit integer written as a JSON number or a decimal string.
#[derive(Clone, Copy)]
struct Integer(i128);

impl<'de> Deserialize<'de> for Integer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntegerVisitor;
        impl Visitor<'_> for IntegerVisitor {
            type Value = Integer;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an integer or a decimal string")
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Integer, E> {
                Ok(Integer(i128::from(value)))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Integer, E> {
                Ok(Integer(i128::from(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Integer, E> {
                let value = value.trim();
                // Nanosecond times fit in 64 bits; 128-bit parsing is slow in wasm, so it is the fallback.
                if let Some(small) = short_decimal(value) {
                    return Ok(Integer(i128::from(small)));
                }
                value.parse().map(Integer).map_err(|_| E::custom("not an integer"))
            }
        }
        deserializer.deserialize_any(IntegerVisitor)
    }
}

/// A string borrowed from the document where it has no escapes. serde borrows a bare
/// `Cow<str>` field marked `borrow`, but copies inside an `Option`; this type borrows in both.
pub(super) struct Text<'a>(pub(super) Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(value.to_string())))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// An enum written as its number or its name (`2` or `"SPAN_KIND_SERVER"`).
enum NumberOrName<'a> {
    Number(u64),
    Name(Cow<'a, str>),
}

impl<'de: 'a, 'a> Deserialize<'de> for NumberOrName<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnumVisitor;
        impl<'de> Visitor<'de> for EnumVisitor {
            type Value = NumberOrName<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an enum number or name")
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
                Ok(NumberOrName::Number(value))
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
                Ok(NumberOrName::Name(Cow::Borrowed(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(NumberOrName::Name(Cow::Owned(value.to_string())))
            }
        }
        deserializer.deserialize_any(EnumVisitor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Request<'a> {
    #[serde(borrow, alias = "resource_spans")]
    resource_spans: Vec<ResourceSpans<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ResourceSpans<'a> {
    #[serde(default)]
    resource: Option<ResourceJson>,
    #[serde(borrow, default, alias = "scope_spans")]
    scope_spans: Vec<ScopeSpans<'a>>,
    #[serde(borrow, default, alias = "schema_url")]
    schema_url: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ResourceJson {
    #[serde(default)]
    attributes: AttributeList,
    #[serde(default, alias = "dropped_attributes_count")]
    dropped_attributes_count: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ScopeSpans<'a> {
    #[serde(borrow, default)]
    scope: Option<ScopeJson<'a>>,
    #[serde(default)]
    spans: SpanList,
    #[serde(borrow, default, alias = "schema_url")]
    schema_url: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ScopeJson<'a> {
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default)]
    version: Option<Text<'a>>,
    #[serde(default)]
    attributes: AttributeList,
    #[serde(default, alias = "dropped_attributes_count")]
    dropped_attributes_count: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SpanJson<'a> {
    #[serde(borrow, alias = "trace_id")]
    trace_id: Cow<'a, str>,
    #[serde(borrow, alias = "span_id")]
    span_id: Cow<'a, str>,
    #[serde(borrow, default, alias = "parent_span_id")]
    parent_span_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(borrow, default)]
    kind: Option<NumberOrName<'a>>,
    #[serde(alias = "start_time_unix_nano")]
    start_time_unix_nano: Integer,
    #[serde(alias = "end_time_unix_nano")]
    end_time_unix_nano: Integer,
    #[serde(default)]
    attributes: AttributeList,
    #[serde(borrow, default)]
    events: Vec<EventJson<'a>>,
    #[serde(borrow, default)]
    links: Vec<LinkJson<'a>>,
    #[serde(borrow, default)]
    status: Option<StatusJson<'a>>,
    #[serde(borrow, default, alias = "trace_state")]
    trace_state: Option<Text<'a>>,
    #[serde(default)]
    flags: Option<u64>,
    #[serde(default, alias = "dropped_attributes_count")]
    dropped_attributes_count: Option<u64>,
    #[serde(default, alias = "dropped_events_count")]
    dropped_events_count: Option<u64>,
    #[serde(default, alias = "dropped_links_count")]
    dropped_links_count: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EventJson<'a> {
    #[serde(default, alias = "time_unix_nano")]
    time_unix_nano: Option<Integer>,
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(default)]
    attributes: AttributeList,
    #[serde(default, alias = "dropped_attributes_count")]
    dropped_attributes_count: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct LinkJson<'a> {
    #[serde(borrow, alias = "trace_id")]
    trace_id: Cow<'a, str>,
    #[serde(borrow, alias = "span_id")]
    span_id: Cow<'a, str>,
    #[serde(borrow, default, alias = "trace_state")]
    trace_state: Option<Text<'a>>,
    #[serde(default)]
    attributes: AttributeList,
    #[serde(default, alias = "dropped_attributes_count")]
    dropped_attributes_count: Option<u64>,
    #[serde(default)]
    flags: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusJson<'a> {
    #[serde(borrow, default)]
    code: Option<NumberOrName<'a>>,
    #[serde(borrow, default)]
    message: Option<Text<'a>>,
}

/// A string deserialised straight into an owned `String` (one allocation, no `Cow` detour).
struct OwnedString(String);

impl<'de> Deserialize<'de> for OwnedString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StringVisitor;
        impl Visitor<'_> for StringVisitor {
            type Value = OwnedString;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<OwnedString, E> {
                Ok(OwnedString(value.to_owned()))
            }
            fn visit_string<E: de::Error>(self, value: String) -> Result<OwnedString, E> {
                Ok(OwnedString(value))
            }
        }
        deserializer.deserialize_str(StringVisitor)
    }
}

/// One `{"key": ..., "value": {...}}` pair, read directly into the model's `Attribute`.
struct AttributeJson(Attribute);

impl<'de> Deserialize<'de> for AttributeJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairVisitor;
        impl<'de> Visitor<'de> for PairVisitor {
            type Value = AttributeJson;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an OTLP key/value pair")
            }
            fn visit_map<M: de::MapAccess<'de>>(self, mut map: M) -> Result<AttributeJson, M::Error> {
                let mut key = None;
                let mut value = AttributeValue::Empty;
                while let Some(field) = map.next_key::<&'de str>()? {
                    match field {
                        "key" => key = Some(map.next_value::<OwnedString>()?.0),
                        "value" => value = map.next_value::<AnyValueJson>()?.0,
                        other => return Err(de::Error::unknown_field(other, &["key", "value"])),
                    }
                }
                let key = key.ok_or_else(|| de::Error::missing_field("key"))?;
                Ok(AttributeJson(Attribute { key, value }))
            }
        }
        deserializer.deserialize_map(PairVisitor)
    }
}

/// `{"values": [...]}`, the wrapper of OTLP arrays and key/value lists.
struct Values<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Values<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValuesVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ValuesVisitor<T> {
            type Value = Values<T>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an object with values")
            }
            fn visit_map<M: de::MapAccess<'de>>(self, mut map: M) -> Result<Values<T>, M::Error> {
                let mut values = Vec::new();
                while let Some(field) = map.next_key::<&'de str>()? {
                    match field {
                        "values" => values = map.next_value()?,
                        other => return Err(de::Error::unknown_field(other, &["values"])),
                    }
                }
                Ok(Values(values))
            }
        }
        deserializer.deserialize_map(ValuesVisitor(std::marker::PhantomData))
    }
}

/// An OTLP `AnyValue` (`{"stringValue": ...}` and its siblings), read directly into an
/// `AttributeValue`. It has one key; `{}` is an empty value.
struct AnyValueJson(AttributeValue);

impl<'de> Deserialize<'de> for AnyValueJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnyValueVisitor;
        impl<'de> Visitor<'de> for AnyValueVisitor {
            type Value = AnyValueJson;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an OTLP AnyValue")
            }
            fn visit_map<M: de::MapAccess<'de>>(self, mut map: M) -> Result<AnyValueJson, M::Error> {
                let Some(kind) = map.next_key::<&'de str>()? else { return Ok(AnyValueJson(AttributeValue::Empty)) };
                let value = match kind {
                    "stringValue" | "string_value" => AttributeValue::String(map.next_value::<OwnedString>()?.0),
                    "boolValue" | "bool_value" => AttributeValue::Bool(map.next_value()?),
                    "intValue" | "int_value" => {
                        let Integer(integer) = map.next_value()?;
                        i64::try_from(integer)
                            .map(AttributeValue::Int)
                            .unwrap_or_else(|_| AttributeValue::String(integer.to_string()))
                    }
                    "doubleValue" | "double_value" => AttributeValue::Double(map.next_value()?),
                    "bytesValue" | "bytes_value" => {
                        let OwnedString(text) = map.next_value()?;
                        encoding::base64_decode(&text)
                            .map(AttributeValue::Bytes)
                            .unwrap_or(AttributeValue::String(text))
                    }
                    "arrayValue" | "array_value" => {
                        let Values(items) = map.next_value::<Values<AnyValueJson>>()?;
                        AttributeValue::Array(items.into_iter().map(|item| item.0).collect())
                    }
                    "kvlistValue" | "kvlist_value" => {
                        let Values(pairs) = map.next_value::<Values<AttributeJson>>()?;
                        AttributeValue::Map(pairs.into_iter().map(|pair| pair.0).collect())
                    }
                    other => return Err(de::Error::unknown_field(other, &["stringValue", "boolValue", "intValue"])),
                };
                // Protobuf's JSON mapping writes one field of the oneof; more means something unusual.
                if map.next_key::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom("more than one value kind"));
                }
                Ok(AnyValueJson(value))
            }
        }
        deserializer.deserialize_map(AnyValueVisitor)
    }
}

/// A list of attributes in the model's own type, allocated at its exact length. (Collected the
/// usual way a list of one attribute takes room for four: for a million spans, 170 MB of memory
/// that must be fetched and touched and is never used.)
#[derive(Default)]
struct AttributeList(Vec<Attribute>);

thread_local! {
    /// Reused while a list is read; a list inside a list finds it taken and uses one of its own.
    static ATTRIBUTE_SCRATCH: std::cell::Cell<Vec<Attribute>> = const { std::cell::Cell::new(Vec::new()) };
}

impl<'de> Deserialize<'de> for AttributeList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = AttributeList;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a list of attributes")
            }
            fn visit_seq<S: de::SeqAccess<'de>>(self, mut seq: S) -> Result<AttributeList, S::Error> {
                let mut scratch = ATTRIBUTE_SCRATCH.take();
                scratch.clear();
                while let Some(AttributeJson(attribute)) = seq.next_element()? {
                    scratch.push(attribute);
                }
                // Not `mem::take`: that would keep the scratch list's spare room and lose the scratch.
                #[allow(clippy::drain_collect)]
                let list: Vec<Attribute> = scratch.drain(..).collect();
                ATTRIBUTE_SCRATCH.set(scratch);
                Ok(AttributeList(list))
            }
        }
        deserializer.deserialize_seq(ListVisitor)
    }
}

fn count(key: &str, value: Option<u64>) -> Option<Attribute> {
    Some(Attribute::new(key, AttributeValue::Int(i64::try_from(value?).ok()?)))
}

fn protocol_kind(kind: &Option<NumberOrName>) -> Option<Cow<'static, str>> {
    Some(match kind.as_ref()? {
        NumberOrName::Number(number) => kind_from_number(*number),
        NumberOrName::Name(name) => kind_from_name(name),
    })
}

fn status(status: &Option<StatusJson>) -> SpanStatus {
    let Some(status) = status else { return SpanStatus::Unset };
    let message = status.message.as_ref().filter(|message| !message.is_empty()).map(|message| message.to_string());
    let code = match &status.code {
        Some(NumberOrName::Number(number)) => *number,
        Some(NumberOrName::Name(name)) => status_code_from_name(name),
        None => 0,
    };
    status_from_code(code, message)
}

/// Normalises an id, or gives up on the fast path when it is not hex or base64 of the right size.
fn id(text: &str, byte_length: usize) -> Option<String> {
    let (normalised, understood) = encoding::normalise_binary_id(text, byte_length);
    understood.then_some(normalised)
}

fn time(integer: Integer) -> Option<u64> {
    u64::try_from(integer.0).ok()
}

/// One span, converted to the model (all but its resource and scope); `None` when something in it
/// is not canonical OTLP, which sends the whole file to the tolerant importer.
fn convert(json: SpanJson) -> Option<Span> {
    if json.span_id.is_empty() {
        return None;
    }
    let span_id = id(&json.span_id, 8)?;
    let parent = match json.parent_span_id.as_deref() {
        None | Some("") => None,
        Some(parent) => Some(id(parent, 8)?),
    };
    let mut span = Span::new(span_id, parent, json.name.as_deref().unwrap_or_default());
    span.protocol_kind = protocol_kind(&json.kind);
    span.status = status(&json.status);
    span.attributes = json.attributes.0;
    // A time that does not read sends the file to the tolerant importer, which keeps it as text.
    let (start, end) = (Some(time(json.start_time_unix_nano)?), Some(time(json.end_time_unix_nano)?));
    set_times(&mut span, start, end, super::otlp::TIME_FIELDS, false);
    span.events = json
        .events
        .into_iter()
        .map(|event| {
            let mut attributes = event.attributes.0;
            attributes.extend(count("droppedAttributesCount", event.dropped_attributes_count));
            SpanEvent {
                name: event.name.as_deref().unwrap_or_default().to_string(),
                time_ns: event.time_unix_nano.and_then(time),
                attributes,
            }
        })
        .collect();
    let mut links = Vec::with_capacity(json.links.len());
    for link in json.links {
        let mut attributes = link.attributes.0;
        if let Some(state) = &link.trace_state {
            attributes.push(Attribute::new("traceState", AttributeValue::String(state.to_string())));
        }
        attributes.extend(count("droppedAttributesCount", link.dropped_attributes_count));
        attributes.extend(count("flags", link.flags));
        links.push(SpanLink { trace_id: id(&link.trace_id, 16)?, span_id: id(&link.span_id, 8)?, attributes });
    }
    span.links = links.into();
    let other_fields = [
        json.trace_state.as_ref().map(|state| Attribute::new("traceState", AttributeValue::String(state.to_string()))),
        count("flags", json.flags),
        count("droppedAttributesCount", json.dropped_attributes_count),
        count("droppedEventsCount", json.dropped_events_count),
        count("droppedLinksCount", json.dropped_links_count),
    ];
    // At its exact length, as the attributes: most spans have one of these (flags), not four.
    let mut fields = Vec::with_capacity(other_fields.iter().flatten().count());
    fields.extend(other_fields.into_iter().flatten());
    span.other_fields = fields.into();

    Some(span)
}

/// The spans of one scope list, converted to the model while they are read, so the typed
/// intermediate of a span lives only as long as its conversion. Consecutive spans of one trace
/// form a run: `runs` holds (first index, normalised trace id).
#[derive(Default)]
struct SpanList {
    spans: Vec<Span>,
    runs: Vec<(usize, String)>,
}

impl<'de> Deserialize<'de> for SpanList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = SpanList;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a list of OTLP spans")
            }
            fn visit_seq<S: de::SeqAccess<'de>>(self, mut sequence: S) -> Result<SpanList, S::Error> {
                let mut list = SpanList { spans: Vec::with_capacity(take_span_capacity_hint()), runs: Vec::new() };
                let mut last_raw_trace_id: Option<String> = None;
                while let Some(json) = sequence.next_element::<SpanJson<'de>>()? {
                    if last_raw_trace_id.as_deref() != Some(json.trace_id.as_ref()) {
                        let trace_id = if json.trace_id.is_empty() {
                            String::new()
                        } else {
                            id(&json.trace_id, 16).ok_or_else(|| de::Error::custom("trace id is not canonical"))?
                        };
                        list.runs.push((list.spans.len(), trace_id));
                        last_raw_trace_id = Some(json.trace_id.to_string());
                    }
                    list.spans.push(convert(json).ok_or_else(|| de::Error::custom("span is not canonical"))?);
                    super::progress::span_read();
                }
                // An estimate that was too high is given back (in place: the spans are not moved).
                if list.spans.capacity() > list.spans.len() + list.spans.len() / 4 {
                    list.spans.shrink_to_fit();
                }
                Ok(list)
            }
        }
        deserializer.deserialize_seq(ListVisitor)
    }
}

/// Canonical OTLP spans take at least this many bytes of JSON (ids, name, times, a kind; the lean
/// benchmark spans take 294), so the file's size bounds how many it can hold.
const MIN_SPAN_JSON_BYTES: usize = 256;

thread_local! {
    /// Room for the spans of the file being read, taken by its first span list.
    static SPAN_CAPACITY_HINT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The span list of a large file is reserved once from its size: growing it by doubling moved a
/// million spans (~200 MB) again and again, a third of the import's time in wasm.
fn take_span_capacity_hint() -> usize {
    SPAN_CAPACITY_HINT.with(|hint| hint.replace(0))
}

/// Reads a canonical OTLP/JSON trace request; `None` means "use the tolerant importer".
/// Takes text already checked to be UTF-8, so serde_json does not check each string again.
pub fn import(text: &str) -> Option<RawImport> {
    SPAN_CAPACITY_HINT.with(|hint| hint.set(text.len() / MIN_SPAN_JSON_BYTES));
    let request: Option<Request> = serde_json::from_str(text).ok();
    SPAN_CAPACITY_HINT.with(|hint| hint.set(0));
    let request = request?;
    let mut import = RawImport::new("otlp-json");
    let mut trace_index: HashMap<String, usize> = HashMap::new();
    let mut placement = ResourcePlacement::default();
    let (mut batch_number, mut scope_number) = (0, 0);
    for batch in request.resource_spans {
        batch_number += 1;
        let mut resource = Resource::default();
        if let Some(json) = batch.resource {
            resource.attributes = json.attributes.0;
            resource.other_fields.extend(count("droppedAttributesCount", json.dropped_attributes_count));
        }
        if let Some(schema_url) = &batch.schema_url {
            resource.other_fields.push(Attribute::new("schemaUrl", AttributeValue::String(schema_url.to_string())));
        }
        for scope_list in batch.scope_spans {
            scope_number += 1;
            let mut scope = Scope::default();
            if let Some(json) = scope_list.scope {
                scope.name = json.name.as_deref().unwrap_or_default().to_string();
                scope.version =
                    json.version.as_ref().filter(|version| !version.is_empty()).map(|version| version.to_string());
                scope.attributes = json.attributes.0;
                scope.attributes.extend(count("droppedAttributesCount", json.dropped_attributes_count));
            }
            if let Some(schema_url) = &scope_list.schema_url {
                scope.attributes.push(Attribute::new("schemaUrl", AttributeValue::String(schema_url.to_string())));
            }
            let SpanList { mut spans, runs } = scope_list.spans;
            // Cut the runs off from the back (each `split_off` leaves earlier spans in place), then
            // handle them in file order so traces and spans keep the order the file gave.
            // (The run from the first span takes the whole list: `split_off(0)` would allocate an
            // empty list as large as the full one.)
            let mut cut: Vec<(String, Vec<Span>)> = runs
                .into_iter()
                .rev()
                .map(|(first, trace_id)| {
                    (trace_id, if first == 0 { std::mem::take(&mut spans) } else { spans.split_off(first) })
                })
                .collect();
            cut.reverse();
            for (trace_id, mut run) in cut {
                let position = import.trace_position(&mut trace_index, &trace_id);
                let raw = &mut import.traces[position];
                let (resource_index, scope_index) =
                    placement.place(position, &mut raw.trace, (batch_number, &resource), (scope_number, &scope));
                for span in &mut run {
                    span.resource = OptionalIndex::from(resource_index);
                    span.scope = OptionalIndex::from(scope_index);
                }
                // The common one-trace file moves its whole list without copying a span.
                if raw.spans.is_empty() {
                    raw.spans = run;
                } else {
                    raw.spans.append(&mut run);
                }
            }
        }
    }
    Some(import)
}

#[cfg(test)]
mod tests {
    use crate::import::pipeline::finish;
    use crate::model::TraceSet;

    /// Field order inside "other fields" follows the file in the tolerant path; compare sorted.
    fn normalised(mut set: TraceSet) -> TraceSet {
        for trace in &mut set.traces {
            for span in &mut trace.spans {
                span.other_fields.sort_by(|a, b| a.key.cmp(&b.key));
                for link in &mut span.links {
                    link.attributes.sort_by(|a, b| a.key.cmp(&b.key));
                }
            }
        }
        set
    }

    #[test]
    fn the_fast_path_reads_canonical_files_exactly_like_the_tolerant_importer() {
        let folder = format!("{}/../../tests/fixtures/otlp", env!("CARGO_MANIFEST_DIR"));
        let mut compared = 0;
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|extension| extension.to_str()) != Some("json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let Some(fast) = super::import(&text) else { continue };
            let value = crate::json::from_str(&text).unwrap();
            let tolerant = crate::import::otlp::import(&value).unwrap();
            assert_eq!(normalised(finish(vec![fast])), normalised(finish(vec![tolerant])), "{}", path.display());
            compared += 1;
        }
        assert!(compared >= 4, "the fast path took only {compared} fixtures");
    }

    #[test]
    fn interleaved_traces_in_one_span_list_keep_their_order() {
        let span = |trace: &str, id: &str, name: &str| {
            format!(
                r#"{{"traceId":"{trace}","spanId":"{id}","name":"{name}","startTimeUnixNano":"1","endTimeUnixNano":"2"}}"#
            )
        };
        let (a, b) = ("0102030405060708090a0b0c0d0e0f10", "1102030405060708090a0b0c0d0e0f10");
        let text = format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{},{},{}]}}]}}]}}"#,
            span(a, "0000000000000001", "a1"),
            span(b, "0000000000000002", "b1"),
            span(a, "0000000000000003", "a2")
        );
        let fast = finish(vec![super::import(&text).expect("canonical")]);
        let value = crate::json::from_str(&text).unwrap();
        let tolerant = finish(vec![crate::import::otlp::import(&value).unwrap()]);
        assert_eq!(fast, tolerant);
        let names: Vec<Vec<&str>> =
            fast.traces.iter().map(|trace| trace.spans.iter().map(|span| span.name.as_str()).collect()).collect();
        assert_eq!(names, [vec!["a1", "a2"], vec!["b1"]]);
    }

    #[test]
    fn short_decimals_read_like_the_standard_parser() {
        let cases = [
            "0",
            "7",
            "1717000000000000000",
            "9999999999999999999",
            "0000000000000000001",
            "",
            "-1",
            "+1",
            "1.5",
            "1e9",
        ];
        for text in cases {
            assert_eq!(
                super::super::fields::short_decimal(text),
                text.parse::<u64>().ok().filter(|_| !text.starts_with('+')),
                "{text}"
            );
        }
        // Twenty digits go to the general parser, which checks for overflow.
        assert_eq!(super::super::fields::short_decimal("18446744073709551615"), None);
    }

    #[test]
    fn the_warm_up_s_document_trace_is_left_to_the_document_path_and_reads_the_same() {
        let text = crate::generate::otlp_trace_read_as_document(50);
        assert!(super::import(&text).is_none(), "the typed reader steps aside");
        let through_document = crate::import::import_text(&text, None).unwrap();
        let typed = crate::import::import_text(&crate::generate::otlp_trace(50), None).unwrap();
        assert_eq!(through_document.span_count(), 50);
        assert_eq!(through_document.traces, typed.traces);
    }

    #[test]
    fn anything_unusual_is_left_to_the_tolerant_importer() {
        let unknown_field = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"x","startTimeUnixNano":"1","endTimeUnixNano":"2","vendorField":1}]}]}]}"#;
        assert!(super::import(unknown_field).is_none());
        let nan_double = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"x","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"d","value":{"doubleValue":"NaN"}}]}]}]}]}"#;
        assert!(super::import(nan_double).is_none());
        let missing_time = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"x","endTimeUnixNano":"2"}]}]}]}"#;
        assert!(super::import(missing_time).is_none());
    }
}
