//! A fast path for Datadog APM trace payloads (a list of traces, each a list of spans, or a list
//! of spans, as the agent receives them): each span read straight into the model while the text
//! is parsed, with no JSON document in between. It reads exactly what the `datadog` importer
//! reads, the same way (a test holds the two together on every Datadog APM fixture), and only what
//! it fully understands: another key, a value of another type, a key written twice or a list
//! mixing traces and spans makes it step aside (`None`), and the file is read as a document.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::flat_json::{step_aside, Entries, TextOrInteger};
use super::pipeline::{set_times, RawImport};
use crate::model::{protocol_kind_name, Attribute, AttributeValue, OptionalIndex, Resource, Span, SpanStatus};

/// Whether the text opens like a Datadog payload, worth trying this path on.
pub fn looks_like(text: &str) -> bool {
    let start = text.trim_start();
    let head = &start.as_bytes()[..start.len().min(1024)];
    let has = |key: &[u8]| head.windows(key.len()).any(|window| window == key);
    start.starts_with('[') && has(b"\"trace_id\"") && has(b"\"span_id\"")
}

/// Reads a Datadog APM payload; `None` means "read the file as a document".
pub fn import(text: &str) -> Option<RawImport> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut placed =
        Placed { import: RawImport::new("datadog"), index: HashMap::new(), services: HashMap::new(), shape: None };
    Payload { placed: &mut placed }.deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    (!placed.import.traces.is_empty()).then_some(placed.import)
}

/// The payload's shape, set by its first item.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Traces,
    Spans,
}

/// The spans placed in their traces as they are read, as the `datadog` importer places them: in
/// file order, each trace with one resource per service.
struct Placed<'de> {
    import: RawImport,
    index: HashMap<String, usize>,
    services: HashMap<(usize, Cow<'de, str>), usize>,
    shape: Option<Shape>,
}

impl<'de> Placed<'de> {
    /// Places a span; the first of the payload must be one the Datadog detection claims.
    fn place<E: serde::de::Error>(&mut self, read: ReadSpan<'de>) -> Result<(), E> {
        if self.import.traces.is_empty() && !read.claimed {
            return Err(step_aside("the first span is not one the detection claims"));
        }
        let ReadSpan { mut span, trace_id, service, .. } = read;
        let position = self.import.trace_position(&mut self.index, &trace_id);
        let raw = &mut self.import.traces[position];
        if let Some(service) = service {
            let slot = *self.services.entry((position, service)).or_insert_with_key(|(_, service)| {
                raw.trace.resources.push(Resource {
                    attributes: vec![Attribute::new("service.name", AttributeValue::String(service.to_string()))],
                    other_fields: Vec::new(),
                });
                raw.trace.resources.len() - 1
            });
            span.resource = OptionalIndex::from(slot);
        }
        raw.spans.push(span);
        super::progress::span_read();
        Ok(())
    }

    /// The payload is of `shape`: its first item says which, and the others must agree.
    fn expect<E: serde::de::Error>(&mut self, shape: Shape) -> Result<(), E> {
        match self.shape {
            None => self.shape = Some(shape),
            Some(known) if known != shape => return Err(step_aside("traces and spans mixed")),
            Some(_) => {}
        }
        Ok(())
    }
}

/// The payload: a list of traces or of spans.
struct Payload<'p, 'de> {
    placed: &'p mut Placed<'de>,
}

impl<'de> DeserializeSeed<'de> for Payload<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Payload<'_, 'de> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a Datadog payload")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut sequence: S) -> Result<(), S::Error> {
        while sequence.next_element_seed(Item { placed: self.placed })?.is_some() {
            // The detection reads a list of traces only when its first trace has a span.
            if self.placed.import.traces.is_empty() {
                return Err(step_aside("the first trace has no span"));
            }
        }
        Ok(())
    }
}

/// One item of the payload: a trace (a list of spans) or a span.
struct Item<'p, 'de> {
    placed: &'p mut Placed<'de>,
}

impl<'de> DeserializeSeed<'de> for Item<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Item<'_, 'de> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a Datadog trace or span")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut sequence: S) -> Result<(), S::Error> {
        self.placed.expect(Shape::Traces)?;
        while let Some(read) = sequence.next_element_seed(SpanSeed)? {
            self.placed.place(read)?;
        }
        Ok(())
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<(), M::Error> {
        self.placed.expect(Shape::Spans)?;
        let read = read_span(map)?;
        self.placed.place(read)
    }
}

/// One span as read, with its trace id (Datadog's decimal number), its service, and whether it
/// has what the detection asks of a first span.
struct ReadSpan<'de> {
    span: Span,
    trace_id: String,
    service: Option<Cow<'de, str>>,
    claimed: bool,
}

struct SpanSeed;

impl<'de> DeserializeSeed<'de> for SpanSeed {
    type Value = ReadSpan<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ReadSpan<'de>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SpanSeed {
    type Value = ReadSpan<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a Datadog span")
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<ReadSpan<'de>, M::Error> {
        read_span(map)
    }
}

/// The keys of a span, one bit each, to refuse a key written twice.
const KEYS: [&str; 12] = [
    "trace_id",
    "span_id",
    "parent_id",
    "name",
    "resource",
    "service",
    "type",
    "start",
    "duration",
    "error",
    "meta",
    "metrics",
];

/// A span's key, as its bit in [`KEYS`]; any other key steps aside.
struct SpanKey(usize);

impl<'de> serde::Deserialize<'de> for SpanKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = SpanKey;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a Datadog span's key")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<SpanKey, E> {
                KEYS.iter().position(|known| *known == key).map(SpanKey).ok_or_else(|| step_aside("another key"))
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Reads one span as the `datadog` importer's `read_span` does.
fn read_span<'de, M: MapAccess<'de>>(mut map: M) -> Result<ReadSpan<'de>, M::Error> {
    let mut seen = 0u16;
    let (mut trace_id, mut span_id, mut parent_id) = (None::<u64>, None::<u64>, None::<u64>);
    let (mut name, mut resource, mut service, mut kind) = (None, None, None, None);
    let (mut start, mut duration, mut error) = (None::<u64>, None::<u64>, None::<u64>);
    let (mut meta, mut metrics) = (None::<Vec<Attribute>>, None::<Vec<Attribute>>);
    // The detection asks for a meta, service or resource key, null or not.
    let mut described = false;
    while let Some(SpanKey(bit)) = map.next_key()? {
        if seen & (1 << bit) != 0 {
            return Err(step_aside("a key written twice"));
        }
        seen |= 1 << bit;
        let text = |value: Option<TextOrInteger<'de>>| value.map(|text| text.0);
        match bit {
            0 => trace_id = map.next_value()?,
            1 => span_id = map.next_value()?,
            2 => parent_id = map.next_value()?,
            3 => name = text(map.next_value()?),
            4 => resource = text(map.next_value()?),
            5 => service = text(map.next_value()?),
            6 => kind = text(map.next_value()?),
            7 => start = map.next_value()?,
            8 => duration = map.next_value()?,
            9 => error = map.next_value::<Option<ErrorFlag>>()?.and_then(|flag| flag.0),
            10 => meta = map.next_value::<Option<Entries>>()?.map(Entries::without_duplicates).transpose()?,
            _ => metrics = map.next_value::<Option<Entries>>()?.map(Entries::without_duplicates).transpose()?,
        }
        described |= matches!(bit, 4 | 5 | 10);
    }
    let claimed = trace_id.is_some() && span_id.is_some() && start.is_some() && duration.is_some() && described;
    let id_text = |id: Option<u64>| id.map(|id| id.to_string());
    let parent = id_text(parent_id).filter(|parent| parent != "0");
    let name = name.unwrap_or_default();
    // Datadog's pages label a span by its resource (the endpoint, the query, the model call).
    let resource = resource.filter(|resource| !resource.is_empty() && *resource != name);
    let mut span =
        Span::new(id_text(span_id).unwrap_or_default(), parent, resource.unwrap_or_else(|| name.clone()).into_owned());
    let end = start.zip(duration).map(|(start, duration)| start.saturating_add(duration));
    set_times(&mut span, start, end, ("start", "duration"), false);
    let tags = meta.as_ref().map_or(0, Vec::len) + metrics.as_ref().map_or(0, Vec::len);
    span.attributes.reserve_exact(2 + tags);
    span.attributes.push(Attribute::new("datadog.name", AttributeValue::String(name.into_owned())));
    if let Some(kind) = kind.filter(|kind| !kind.is_empty()) {
        span.attributes.push(Attribute::new("datadog.type", AttributeValue::String(kind.into_owned())));
    }
    if let Some(meta) = &meta {
        let protocol_kind = meta.iter().rev().find(|tag| tag.key == "span.kind" && tag.value != AttributeValue::Empty);
        span.protocol_kind = match protocol_kind.map(|tag| &tag.value) {
            Some(AttributeValue::String(kind)) => Some(protocol_kind_name(&kind.to_ascii_uppercase())),
            Some(AttributeValue::Int(kind)) => Some(protocol_kind_name(&kind.to_string())),
            None | Some(AttributeValue::Bool(_)) => None,
            Some(_) => return Err(step_aside("a span kind of another type")),
        };
    }
    if error.is_some_and(|error| error != 0) {
        span.status = SpanStatus::Error { message: error_message(meta.as_deref())? };
    }
    span.attributes.extend(meta.into_iter().flatten());
    span.attributes.extend(metrics.into_iter().flatten());
    Ok(ReadSpan { span, trace_id: id_text(trace_id).unwrap_or_default(), service, claimed })
}

/// The first of `error.message`, `error.msg` and `error.type` that is not null, as text (a
/// string, or an integer's digits; anything else is none, as in the document path).
fn error_message<E: serde::de::Error>(meta: Option<&[Attribute]>) -> Result<Option<String>, E> {
    let Some(meta) = meta else { return Ok(None) };
    let value = ["error.message", "error.msg", "error.type"].iter().find_map(|key| {
        meta.iter().find(|tag| tag.key == *key).map(|tag| &tag.value).filter(|value| **value != AttributeValue::Empty)
    });
    Ok(match value {
        Some(AttributeValue::String(text)) => Some(text.clone()),
        Some(AttributeValue::Int(number)) => Some(number.to_string()),
        // A fraction's digits as the document path writes them are not worth matching here.
        Some(AttributeValue::Double(_)) => return Err(step_aside("an error message that is a fraction")),
        _ => None,
    })
}

/// `error` as the document path's `as_u64` reads it: a non-negative integer, else none.
struct ErrorFlag(Option<u64>);

impl<'de> serde::Deserialize<'de> for ErrorFlag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlagVisitor;
        impl Visitor<'_> for FlagVisitor {
            type Value = ErrorFlag;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an error flag")
            }
            fn visit_u64<E: serde::de::Error>(self, flag: u64) -> Result<ErrorFlag, E> {
                Ok(ErrorFlag(Some(flag)))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<ErrorFlag, E> {
                Ok(ErrorFlag(None))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<ErrorFlag, E> {
                Ok(ErrorFlag(None))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<ErrorFlag, E> {
                Ok(ErrorFlag(None))
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<ErrorFlag, E> {
                Ok(ErrorFlag(None))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<ErrorFlag, E> {
                Ok(ErrorFlag(None))
            }
        }
        deserializer.deserialize_any(FlagVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::fast_path_check::FastPath;

    const PATH: FastPath =
        FastPath { format: "datadog", looks_like, fast: import, tolerant: super::super::datadog::import };

    fn both_ways(text: &str) -> Option<(crate::model::TraceSet, crate::model::TraceSet)> {
        PATH.both_ways(text)
    }

    #[test]
    fn reads_every_datadog_apm_fixture_exactly_like_the_document_path() {
        let fast = PATH.fixtures_read_alike("datadog");
        assert!(fast >= 3, "{fast} fixtures read on the fast path: the test lost its fixtures");
    }

    #[test]
    fn errors_kinds_services_and_odd_values_read_the_same() {
        let text = r#"[[
          {"trace_id": 7, "span_id": 1, "parent_id": 0, "name": "web.request", "resource": "GET /", "service": "web",
           "type": "web", "start": 100, "duration": 50, "error": 1,
           "meta": {"span.kind": "server", "error.message": null, "error.msg": "boom", "n": null},
           "metrics": {"_sampling_priority_v1": 1, "ratio": 0.25, "big": 18446744073709551615}},
          {"trace_id": 7, "span_id": 2, "parent_id": 1, "name": "db.query", "resource": "db.query", "service": 5,
           "start": 120, "duration": 10, "error": -1, "meta": null, "metrics": null},
          {"trace_id": 7, "span_id": 3, "parent_id": 2, "name": 12, "resource": "", "service": "web", "type": "",
           "error": 2, "meta": {"error.type": 404}}
        ], [], [
          {"trace_id": 8, "span_id": 4, "name": "lone", "start": 5, "duration": 18446744073709551615, "service": null}
        ]]"#;
        let (fast, tolerant) = both_ways(text).unwrap();
        assert_eq!(fast, tolerant);
        assert_eq!(fast.traces.len(), 2);
        let spans = r#"[{"trace_id": 1, "span_id": 1, "start": 1, "duration": 1, "resource": "r", "name": "n"},
                        {"trace_id": 1, "span_id": 2, "parent_id": 1, "start": 1, "duration": 1, "name": "m"}]"#;
        let (fast, tolerant) = both_ways(spans).unwrap();
        assert_eq!(fast, tolerant);
    }

    #[test]
    fn fixtures_with_a_key_taken_away_or_changed_read_alike_or_step_aside() {
        let read = PATH.variants_read_alike("datadog");
        assert!(read > 50, "{read} variants read on the fast path: the test lost its fixtures");
    }

    #[test]
    fn anything_else_is_left_to_the_document_path() {
        let span = r#""trace_id": 1, "span_id": 1, "start": 1, "duration": 1, "service": "s""#;
        for text in [
            format!(r#"[[{{{span}, "extra": 1}}]]"#),
            format!(r#"[[{{{span}, "name": "a", "name": "b"}}]]"#),
            format!(r#"[[{{{span}, "meta": {{"a": "1", "a": "2"}}}}]]"#),
            format!(r#"[[{{{span}, "meta": {{"a": [1]}}}}]]"#),
            format!(r#"[[{{{span}}}], {{{span}}}]"#),
            format!(r#"[[], [{{{span}}}]]"#),
            format!(r#"[[{{{span}, "start": 1.5}}]]"#),
            format!(r#"[[{{{span}, "trace_id": "1"}}]]"#),
            r#"[[{"trace_id": 1, "span_id": 1, "start": 1, "duration": 1}]]"#.to_string(),
            r#"[]"#.to_string(),
            format!(r#"[[{{{span}}}]] trailing"#),
        ] {
            assert!(import(&text).is_none(), "{text}");
        }
    }
}
