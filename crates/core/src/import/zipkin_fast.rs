//! A fast path for Zipkin v2 JSON (a list of spans, what Zipkin's API and every OpenTelemetry
//! Zipkin exporter write): each span read straight into the model while the text is parsed, with
//! no JSON document in between. It reads exactly what the `zipkin` importer reads, the same way (a
//! test holds the two together on every Zipkin fixture), and only what it fully understands: any
//! other key, a value of another type, a key written twice, Zipkin v1 or a single span makes it
//! step aside (`None`), and the file is read as a document with the tolerant importer's warnings.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::fields::{lowercase, micros_to_ns};
use super::flat_json::{step_aside, Entries, Scalar, TextOrInteger};
use super::otlp_fast::Text;
use super::pipeline::{RawImport, MISSING_START};
use super::zipkin::status;
use crate::model::{
    protocol_kind_name, Attribute, AttributeValue, ImportWarning, OptionalIndex, Resource, Span, SpanEvent,
};

/// Whether the text opens like a list of Zipkin v2 spans, worth trying this path on.
pub fn looks_like(text: &str) -> bool {
    let start = text.trim_start();
    let head = &start.as_bytes()[..start.len().min(256)];
    start.strip_prefix('[').is_some_and(|rest| rest.trim_start().starts_with('{'))
        && head.windows(9).any(|window| window == b"\"traceId\"")
}

/// Reads a list of Zipkin v2 spans; `None` means "read the file as a document".
pub fn import(text: &str) -> Option<RawImport> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut placed = Placed {
        import: RawImport::new("zipkin"),
        index: HashMap::new(),
        resource_of: HashMap::new(),
        shared: Vec::new(),
    };
    SpanList { placed: &mut placed }.deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(placed.with_server_halves_placed())
}

/// One span as read: the model's span (its id and parent as written, before the shared halves
/// are placed) and what the file says around it.
struct ReadSpan<'de> {
    span: Span,
    trace_id: Cow<'de, str>,
    shared: bool,
    /// The local endpoint's service name and its other entries (the resource's other fields).
    service: Option<(Cow<'de, str>, Vec<Attribute>)>,
}

/// The spans placed in their traces as they are read, as the `zipkin` importer places them: in
/// file order, each trace with one resource per service.
struct Placed<'de> {
    import: RawImport,
    index: HashMap<String, usize>,
    resource_of: HashMap<(usize, Cow<'de, str>), usize>,
    /// Where each span marked `shared` was placed (trace position, span position).
    shared: Vec<(usize, usize)>,
}

impl<'de> Placed<'de> {
    fn place(&mut self, read: ReadSpan<'de>) {
        let ReadSpan { mut span, trace_id, shared, service } = read;
        let position = self.import.trace_position(&mut self.index, &trace_id);
        let raw = &mut self.import.traces[position];
        if let Some((service, other_fields)) = service {
            let slot = *self.resource_of.entry((position, service)).or_insert_with_key(|(_, service)| {
                raw.trace.resources.push(Resource {
                    attributes: vec![Attribute::new("service.name", AttributeValue::String(service.to_string()))],
                    other_fields,
                });
                raw.trace.resources.len() - 1
            });
            span.resource = OptionalIndex::from(slot);
        }
        if shared {
            self.shared.push((position, raw.spans.len()));
        }
        raw.spans.push(span);
    }

    /// The import, the server half of an RPC (`shared`) whose client half (not shared) has the
    /// same trace id and span id made that half's child (`<id>:server`), as the `zipkin`
    /// importer does.
    fn with_server_halves_placed(self) -> RawImport {
        let Placed { mut import, shared, .. } = self;
        if shared.is_empty() {
            return import;
        }
        // A trace's position stands for its id: one trace per id in the import.
        let shared_set: HashSet<(usize, usize)> = shared.iter().copied().collect();
        let unshared_ids: HashSet<(usize, &str)> = import
            .traces
            .iter()
            .enumerate()
            .flat_map(|(position, raw)| raw.spans.iter().enumerate().map(move |(at, span)| (position, at, span)))
            .filter(|(position, at, _)| !shared_set.contains(&(*position, *at)))
            .map(|(position, _, span)| (position, span.span_id.as_str()))
            .collect();
        let servers: Vec<(usize, usize)> = shared
            .into_iter()
            .filter(|&(position, at)| {
                unshared_ids.contains(&(position, import.traces[position].spans[at].span_id.as_str()))
            })
            .collect();
        drop(unshared_ids);
        for (position, at) in servers {
            let span = &mut import.traces[position].spans[at];
            let id = std::mem::take(&mut span.span_id);
            span.span_id = format!("{id}:server");
            span.parent_span_id = Some(id);
            for warning in span.warnings.iter_mut() {
                warning.span_id = Some(span.span_id.clone());
            }
        }
        import
    }
}

/// The list of spans, each placed as it is read; the first must be one the Zipkin detection
/// claims.
struct SpanList<'p, 'de> {
    placed: &'p mut Placed<'de>,
}

impl<'de> DeserializeSeed<'de> for SpanList<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SpanList<'_, 'de> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a list of Zipkin v2 spans")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut sequence: S) -> Result<(), S::Error> {
        let mut first = true;
        while let Some((read, claimed)) = sequence.next_element_seed(SpanSeed)? {
            // The detection asks a span for one of these (a Langfuse score has none of them).
            if first && !claimed {
                return Err(step_aside("the first span is not one the detection claims"));
            }
            first = false;
            self.placed.place(read);
            super::progress::span_read();
        }
        if first {
            return Err(step_aside("no spans"));
        }
        Ok(())
    }
}

/// The keys of a v2 span, one bit each, to refuse a key written twice.
const KEYS: [&str; 13] = [
    "traceId",
    "id",
    "parentId",
    "name",
    "kind",
    "timestamp",
    "duration",
    "localEndpoint",
    "remoteEndpoint",
    "tags",
    "annotations",
    "shared",
    "debug",
];

/// One span object, and whether it has what the detection asks of a first span (a local
/// endpoint, a timestamp or annotations).
struct SpanSeed;

impl<'de> DeserializeSeed<'de> for SpanSeed {
    type Value = (ReadSpan<'de>, bool);
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(ReadSpan<'de>, bool), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SpanSeed {
    type Value = (ReadSpan<'de>, bool);

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a Zipkin v2 span")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(ReadSpan<'de>, bool), M::Error> {
        let mut seen = 0u16;
        let (mut trace_id, mut id, mut parent, mut name, mut kind) = (None, None, None, None, None);
        let (mut timestamp, mut duration, mut shared) = (None, None, false);
        let mut service = None;
        let mut tags: Option<Vec<Attribute>> = None;
        let mut remote: Option<AttributeValue> = None;
        let mut events: Option<Vec<SpanEvent>> = None;
        let mut others: Vec<Attribute> = Vec::new();
        let (mut claimed, mut timestamp_null) = (false, false);
        while let Some(SpanKey(bit)) = map.next_key()? {
            if seen & (1 << bit) != 0 {
                return Err(step_aside("a key written twice"));
            }
            seen |= 1 << bit;
            match bit {
                0 => trace_id = map.next_value::<Option<Text<'de>>>()?.map(|text| text.0),
                1 => id = map.next_value::<Option<Text<'de>>>()?.map(|text| text.0),
                2 => parent = map.next_value::<Option<Text<'de>>>()?.map(|text| text.0),
                3 => name = map.next_value::<Option<Text<'de>>>()?.map(|text| text.0),
                4 => kind = map.next_value::<Option<Text<'de>>>()?.map(|text| text.0),
                5 => {
                    timestamp = map.next_value::<Option<u64>>()?;
                    // The detection refuses a first span whose timestamp is null.
                    timestamp_null = timestamp.is_none();
                    claimed |= timestamp.is_some();
                }
                6 => duration = map.next_value::<Option<u64>>()?,
                7 => {
                    let endpoint = map.next_value::<Option<LocalEndpoint>>()?;
                    claimed |= endpoint.is_some();
                    service = endpoint.and_then(|endpoint| Some((endpoint.service?, endpoint.rest)));
                }
                8 => {
                    // An attribute as written (null too) and, when not null, an other field.
                    let endpoint = map.next_value::<Option<Entries>>()?;
                    let value = endpoint.map_or(AttributeValue::Empty, |entries| AttributeValue::Map(entries.0));
                    if value != AttributeValue::Empty {
                        others.push(Attribute::new("remoteEndpoint", value.clone()));
                    }
                    remote = Some(value);
                }
                9 => tags = map.next_value::<Option<Entries>>()?.map(Entries::without_duplicates).transpose()?,
                10 => {
                    events = map.next_value::<Option<Annotations>>()?.map(|annotations| annotations.0);
                    claimed |= events.is_some();
                }
                11 => shared = map.next_value::<Option<bool>>()?.unwrap_or(false),
                _ => {
                    if let Some(debug) = map.next_value::<Option<bool>>()? {
                        others.push(Attribute::new("debug", AttributeValue::Bool(debug)));
                    }
                }
            }
        }
        let (Some(trace_id), Some(id)) = (trace_id, id) else { return Err(step_aside("a span without its ids")) };
        let id = lowercase(id).into_owned();
        let parent = parent.map(|parent| lowercase(parent).into_owned());
        let mut span = Span::new(id, parent, name.map(Cow::into_owned).unwrap_or_default());
        span.protocol_kind = kind.map(|kind| protocol_kind_name(&kind));
        match timestamp {
            Some(micros) => span.start_ns = micros_to_ns(micros),
            None => {
                span.start_ns = MISSING_START;
                let warning = ImportWarning::for_span(&span.span_id, "no timestamp; placed at the start of the trace");
                span.warnings.push(warning);
            }
        }
        span.duration_ns = duration.map_or(0, micros_to_ns);
        span.attributes = tags.unwrap_or_default();
        if let Some(remote) = remote {
            span.attributes.push(Attribute::new("remoteEndpoint", remote));
        }
        span.status = status(&span.attributes);
        span.events = events.unwrap_or_default().into();
        span.other_fields = others.into();
        let trace_id = lowercase(trace_id);
        Ok((ReadSpan { span, trace_id, shared, service }, claimed && !timestamp_null))
    }
}

/// A span's key, as its bit in [`KEYS`]; any other key steps aside.
struct SpanKey(usize);

impl<'de> de::Deserialize<'de> for SpanKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = SpanKey;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a Zipkin v2 span's key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<SpanKey, E> {
                KEYS.iter().position(|known| *known == key).map(SpanKey).ok_or_else(|| step_aside("another key"))
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// A local endpoint: its service name (text, borrowed where it has no escape, or an integer's
/// digits; null as none) and its other non-null entries (a resource's other fields).
struct LocalEndpoint<'de> {
    service: Option<Cow<'de, str>>,
    rest: Vec<Attribute>,
}

impl<'de> de::Deserialize<'de> for LocalEndpoint<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EndpointVisitor;
        impl<'de> Visitor<'de> for EndpointVisitor {
            type Value = LocalEndpoint<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an endpoint")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<LocalEndpoint<'de>, M::Error> {
                let mut endpoint = LocalEndpoint { service: None, rest: Vec::new() };
                let mut named = false;
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    if key.0 == "serviceName" {
                        if named {
                            return Err(step_aside("a key written twice"));
                        }
                        named = true;
                        endpoint.service = map.next_value::<Option<TextOrInteger<'de>>>()?.map(|name| name.0);
                    } else {
                        let Scalar(value) = map.next_value()?;
                        if endpoint.rest.iter().any(|entry| entry.key == *key.0) {
                            return Err(step_aside("a key written twice"));
                        }
                        if value != AttributeValue::Empty {
                            endpoint.rest.push(Attribute::new(&*key.0, value));
                        }
                    }
                }
                Ok(endpoint)
            }
        }
        deserializer.deserialize_map(EndpointVisitor)
    }
}

/// A span's annotations as events: `{timestamp, value}` objects only (an `endpoint` is Zipkin v1).
struct Annotations(Vec<SpanEvent>);

impl<'de> de::Deserialize<'de> for Annotations {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnnotationsVisitor;
        impl<'de> Visitor<'de> for AnnotationsVisitor {
            type Value = Annotations;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a list of annotations")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut sequence: S) -> Result<Annotations, S::Error> {
                let mut events = Vec::new();
                while let Some(annotation) = sequence.next_element::<Annotation>()? {
                    events.push(SpanEvent {
                        name: annotation.value.map(|text| text.0.into_owned()).unwrap_or_default(),
                        time_ns: annotation.timestamp.map(micros_to_ns),
                        attributes: Vec::new(),
                    });
                }
                Ok(Annotations(events))
            }
        }
        deserializer.deserialize_seq(AnnotationsVisitor)
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Annotation<'a> {
    #[serde(default)]
    timestamp: Option<u64>,
    #[serde(borrow, default)]
    value: Option<Text<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::fast_path_check::FastPath;

    const PATH: FastPath =
        FastPath { format: "zipkin", looks_like, fast: import, tolerant: super::super::zipkin::import };

    fn both_ways(text: &str) -> Option<(crate::model::TraceSet, crate::model::TraceSet)> {
        PATH.both_ways(text)
    }

    #[test]
    fn reads_every_zipkin_v2_fixture_exactly_like_the_document_path() {
        let fast = PATH.fixtures_read_alike("zipkin");
        assert!(fast >= 4, "{fast} fixtures read on the fast path: the test lost its fixtures");
    }

    #[test]
    fn shared_halves_endpoints_annotations_and_odd_values_read_the_same() {
        let text = r#"[
          {"traceId": "AB", "id": "01", "name": "client", "kind": "CLIENT", "timestamp": 10, "duration": 5,
           "localEndpoint": {"serviceName": "front", "ipv4": "10.0.0.1", "port": 80},
           "remoteEndpoint": {"serviceName": "back", "port": null},
           "tags": {"http.path": "/x", "error": "boom", "big": 18446744073709551615, "ratio": 0.5, "ok": true, "none": null},
           "annotations": [{"timestamp": 11, "value": "ws"}, {"value": "no time"}], "debug": true},
          {"traceId": "ab", "id": "01", "parentId": "ff", "name": "server", "kind": "SERVER", "timestamp": 11,
           "duration": 3, "shared": true, "localEndpoint": {"serviceName": "back"}, "remoteEndpoint": null,
           "tags": {"otel.status_code": "ERROR", "otel.status_description": "failed"}},
          {"traceId": "ab", "id": "02", "parentId": "01", "name": null, "localEndpoint": {"serviceName": "front", "ipv4": "other"}},
          {"traceId": "cd", "id": "03", "shared": true, "timestamp": 1, "localEndpoint": null, "tags": null,
           "annotations": null}
        ]"#;
        let (fast, tolerant) = both_ways(text).unwrap();
        assert_eq!(fast, tolerant);
        assert_eq!(fast.traces.len(), 2);
        assert!(fast.traces[0].spans.iter().any(|span| span.span_id == "01:server"));
    }

    #[test]
    fn fixtures_with_a_key_taken_away_or_changed_read_alike_or_step_aside() {
        let read = PATH.variants_read_alike("zipkin");
        assert!(read > 50, "{read} variants read on the fast path: the test lost its fixtures");
    }

    #[test]
    fn anything_else_is_left_to_the_document_path() {
        let span = r#""traceId": "ab", "id": "01", "timestamp": 1"#;
        for text in [
            format!(r#"[{{{span}, "extra": 1}}]"#),
            format!(r#"[{{{span}, "name": "a", "name": "b"}}]"#),
            format!(r#"[{{{span}, "tags": {{"a": "1", "a": "2"}}}}]"#),
            format!(r#"[{{{span}, "tags": {{"a": {{"nested": 1}}}}}}]"#),
            format!(r#"[{{{span}, "annotations": [{{"timestamp": 1, "value": "cs", "endpoint": {{}}}}]}}]"#),
            format!(r#"[{{{span}, "timestamp": 1.5}}]"#),
            r#"[{"traceId": "ab", "id": "01", "name": "no timestamp, endpoint or annotations"}]"#.to_string(),
            r#"[{"traceId": "ab", "id": 1, "timestamp": 1}]"#.to_string(),
            r#"[{"traceId": "ab", "id": "01", "timestamp": "2024-01-01T00:00:00Z", "dataType": "NUMERIC"}]"#
                .to_string(),
            r#"[]"#.to_string(),
            format!(r#"[{{{span}}}] trailing"#),
        ] {
            assert!(import(&text).is_none(), "{text}");
        }
    }
}
