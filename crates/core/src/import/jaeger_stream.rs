//! Jaeger's query API answer (`{"data": [trace...]}`, what Jaeger UI downloads) read a span at a
//! time: each span's JSON becomes a small document, is made a span at once by the Jaeger
//! importer's own `read_span`, and is dropped, instead of the whole file's document being built
//! first (the memory one span took is reused for the next, and spans are counted as they are read
//! for the progress bar). It reads what the document path reads, the same way (a test holds the
//! two together on every Jaeger fixture). Anything outside that shape (another key at the top or
//! in a trace, a span carrying its own `process`, a first trace the Jaeger detection would not
//! claim, JSON the parser refuses) makes it step aside: `None`, and the file is read as a document.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::fields::text;
use super::jaeger::{is_span, normalise_id, read_span, resource};
use super::pipeline::RawImport;
use crate::json::{Value, ValueReader};
use crate::model::{ImportWarning, OptionalIndex, Span};

/// Whether the text opens like the query API's answer, worth trying this path on.
pub fn looks_like(text: &str) -> bool {
    let start = text.trim_start();
    start.strip_prefix('{').is_some_and(|rest| rest.trim_start().starts_with("\"data\""))
}

/// Reads the query API's answer; `None` means "read the file as a document".
pub fn import(text: &str) -> Option<RawImport> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let import = Answer.deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    (!import.traces.is_empty()).then_some(import)
}

/// Steps aside (the error only ends this path; the document path reads the file).
fn step_aside<E: de::Error>(why: &str) -> E {
    E::custom(why)
}

/// The answer object: `data` read trace by trace; `total`, `limit`, `offset` and `errors` are
/// not read (neither does the document path).
struct Answer;

impl<'de> DeserializeSeed<'de> for Answer {
    type Value = RawImport;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawImport, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Answer {
    type Value = RawImport;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("Jaeger's query API answer")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<RawImport, M::Error> {
        let mut import = RawImport::new("jaeger");
        let mut index = HashMap::new();
        let mut read_data = false;
        while let Some(key) = map.next_key::<&'de str>()? {
            match key {
                "data" if !read_data => {
                    read_data = true;
                    map.next_value_seed(Traces { import: &mut import, index: &mut index })?;
                }
                "total" | "limit" | "offset" | "errors" => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => return Err(step_aside("not the query API's answer")),
            }
        }
        if !read_data {
            return Err(step_aside("no data"));
        }
        Ok(import)
    }
}

/// The `data` list, each trace read and added to the import as soon as it closes.
struct Traces<'i> {
    import: &'i mut RawImport,
    index: &'i mut HashMap<String, usize>,
}

impl<'de> DeserializeSeed<'de> for Traces<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Traces<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a list of Jaeger traces")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut sequence: S) -> Result<(), S::Error> {
        let mut first = true;
        while let Some(trace) = sequence.next_element_seed(TraceSeed { first })? {
            trace.add_to(self.import, self.index);
            first = false;
        }
        Ok(())
    }
}

/// A span read before its trace's processes (which Jaeger writes after the spans).
struct ReadSpan {
    span: Span,
    trace_id: String,
    process_id: Option<String>,
}

/// One trace object, its spans already made spans.
#[derive(Default)]
struct TraceRead<'de> {
    trace_id: Option<Value<'de>>,
    spans: Vec<ReadSpan>,
    processes: Option<Value<'de>>,
    warnings: Option<Value<'de>>,
}

impl TraceRead<'_> {
    /// Adds the trace as the document path's `read_trace` does: its processes become resources
    /// (in file order), its warnings are said, and a span naming another trace is kept here with
    /// a warning.
    fn add_to(self, import: &mut RawImport, index: &mut HashMap<String, usize>) {
        let trace_id = normalise_id(&self.trace_id.as_ref().and_then(text).unwrap_or_default());
        let raw = import.trace_mut(index, &trace_id);
        let mut resource_of: HashMap<&str, usize> = HashMap::new();
        if let Some(Value::Object(processes)) = &self.processes {
            for (process_id, process) in processes {
                if let Some(process) = process.as_object() {
                    raw.trace.resources.push(resource(process));
                    resource_of.insert(process_id, raw.trace.resources.len() - 1);
                }
            }
        }
        if let Some(Value::Array(warnings)) = &self.warnings {
            for warning in warnings.iter().filter_map(Value::as_str) {
                raw.trace.warnings.push(ImportWarning::general(format!("Jaeger says: {warning}")));
            }
        }
        raw.spans.reserve(self.spans.len());
        for ReadSpan { mut span, trace_id: span_trace_id, process_id } in self.spans {
            let resource = process_id.and_then(|id| resource_of.get(id.as_str()).copied());
            span.resource = OptionalIndex::from(resource);
            if span_trace_id != trace_id {
                raw.trace.warnings.push(ImportWarning::for_span(
                    &span.span_id,
                    format!("listed in trace {trace_id} but says trace {span_trace_id}; kept here"),
                ));
            }
            raw.spans.push(span);
        }
    }
}

/// Reads one trace object; the first of the file must be one the Jaeger detection claims.
struct TraceSeed {
    first: bool,
}

impl<'de> DeserializeSeed<'de> for TraceSeed {
    type Value = TraceRead<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<TraceRead<'de>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TraceSeed {
    type Value = TraceRead<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a Jaeger trace")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<TraceRead<'de>, M::Error> {
        let mut trace = TraceRead::default();
        let mut read_spans = false;
        while let Some(key) = map.next_key::<&'de str>()? {
            match key {
                "traceID" if trace.trace_id.is_none() => trace.trace_id = Some(map.next_value()?),
                "spans" if !read_spans => {
                    read_spans = true;
                    trace.spans = map.next_value_seed(Spans { first_trace: self.first })?;
                }
                "processes" if trace.processes.is_none() => trace.processes = Some(map.next_value()?),
                "warnings" if trace.warnings.is_none() => trace.warnings = Some(map.next_value()?),
                _ => return Err(step_aside("not a Jaeger trace of the query API")),
            }
        }
        if self.first && (trace.trace_id.is_none() || !read_spans) {
            return Err(step_aside("the first trace is not one the detection claims"));
        }
        Ok(trace)
    }
}

/// A trace's span list, each span read into a small document, made a span, and dropped.
struct Spans {
    first_trace: bool,
}

impl<'de> DeserializeSeed<'de> for Spans {
    type Value = Vec<ReadSpan>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<ReadSpan>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Spans {
    type Value = Vec<ReadSpan>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a list of Jaeger spans")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut sequence: S) -> Result<Vec<ReadSpan>, S::Error> {
        let no_processes = HashMap::new();
        let mut spans = Vec::new();
        let mut reader = ValueReader::default();
        while let Some(value) = sequence.next_element_seed(reader.seed())? {
            if self.first_trace && spans.is_empty() && !is_span(&value) {
                return Err(step_aside("the first span is not one the detection claims"));
            }
            // The document path skips what is not an object.
            let Some(object) = value.as_object() else { continue };
            if object.get("process").is_some_and(Value::is_object) {
                return Err(step_aside("a span with its own process"));
            }
            let process_id = object.get("processID").and_then(text).map(|id| id.into_owned());
            let mut none = Vec::new();
            let (trace_id, span) = read_span(object, &no_processes, &mut none);
            spans.push(ReadSpan { span, trace_id, process_id });
            super::progress::span_read();
        }
        Ok(spans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::pipeline::finish;

    /// The file read both ways, through the shared steps.
    fn both_ways(text: &str) -> Option<(crate::model::TraceSet, crate::model::TraceSet)> {
        let streamed = import(text)?;
        let document = crate::json::from_str(text).unwrap();
        let tolerant = super::super::jaeger::import(&document).unwrap();
        Some((finish(vec![streamed]), finish(vec![tolerant])))
    }

    #[test]
    fn reads_every_jaeger_fixture_exactly_like_the_document_path() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/jaeger");
        let mut streamed = 0;
        for entry in std::fs::read_dir(folder).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            // A bare trace (Jaeger UI's test fixtures) as the query API answers it.
            let answer = match crate::json::from_str(&text) {
                Ok(document) if document.get("traceID").is_some() && document.get("spans").is_some() => {
                    format!("{{\"data\": [{text}]}}")
                }
                _ => text,
            };
            if !looks_like(&answer) {
                continue;
            }
            if let Some((fast, tolerant)) = both_ways(&answer) {
                assert_eq!(fast, tolerant);
                streamed += 1;
            }
        }
        assert!(streamed >= 4, "{streamed} fixtures streamed: the test lost its fixtures");
    }

    #[test]
    fn processes_after_spans_warnings_and_foreign_spans_read_the_same() {
        let text = r#"{"data": [{"traceID": "AB", "spans": [
              {"traceID": "ab", "spanID": "01", "operationName": "root", "references": [], "startTime": 10,
               "duration": 5, "tags": [{"key": "error", "type": "bool", "value": true}], "logs": [],
               "processID": "p2", "warnings": ["clock skew"], "flags": 1},
              {"traceID": "cd", "spanID": "02", "operationName": "child", "references": [{"refType": "CHILD_OF",
               "traceID": "ab", "spanID": "01"}], "startTime": 11, "duration": 1, "tags": [], "logs": [],
               "processID": "p1"},
              "not a span"
            ], "processes": {"p1": {"serviceName": "one", "tags": []}, "p2": {"serviceName": "two",
               "tags": [{"key": "host", "type": "string", "value": "h"}]}}, "warnings": ["truncated"]}],
            "total": 0, "limit": 0, "offset": 0, "errors": null}"#;
        let (fast, tolerant) = both_ways(text).unwrap();
        assert_eq!(fast, tolerant);
        assert_eq!(fast.traces[0].spans.len(), 2);
    }

    #[test]
    fn anything_else_is_left_to_the_document_path() {
        let span = r#"{"traceID": "ab", "spanID": "01", "operationName": "x", "startTime": 1, "duration": 1}"#;
        for text in [
            format!(r#"{{"data": [{{"traceID": "ab", "spans": [{span}]}}], "extra": 1}}"#),
            format!(r#"{{"data": [{{"traceID": "ab", "spans": [{span}], "other": 1}}]}}"#),
            r#"{"data": [{"traceID": "ab", "spans": [{"traceID": "ab", "spanID": "01", "operationName": "x", "process": {"serviceName": "s"}}]}]}"#.to_string(),
            r#"{"data": [{"traceID": "ab", "spans": [{"id": "01"}]}]}"#.to_string(),
            r#"{"data": []}"#.to_string(),
            r#"{"data": [{"spans": []}]}"#.to_string(),
        ] {
            assert!(import(&text).is_none(), "{text}");
        }
    }
}
