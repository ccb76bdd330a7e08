//! Zipkin JSON, v2 and v1 (read in the v2 shape it converts to, see `zipkin_v1`). v2: an array of spans (`traceId`, `id`, `parentId`, `timestamp` and `duration` in
//! microseconds, `localEndpoint`, `tags`, `annotations`). The client and server halves of one RPC
//! share a span id; the server half (`shared: true`) is shown as a child of the client half.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::json::{Map, Value};

use super::fields::{lowercase, micros_to_ns, object_fields, other_fields, string_field, text, unsigned};
use super::pipeline::{RawImport, MISSING_START};
use super::zipkin_v1;
use super::ImportError;
use crate::model::{Attribute, AttributeValue, ImportWarning, OptionalIndex, Resource, Span, SpanEvent, SpanStatus};

/// A Zipkin v2 span: its `timestamp`, when present, is a number of microseconds (a Langfuse score,
/// also with `traceId`, `id` and `name`, has an ISO text there and a `dataType`).
fn is_span(value: &Value) -> bool {
    value.get("timestamp").is_none_or(Value::is_number)
        && value.get("dataType").is_none()
        && value.get("traceId").is_some_and(Value::is_string)
        && value.get("id").is_some_and(Value::is_string)
        && (value.get("localEndpoint").is_some()
            || value.get("timestamp").is_some()
            || value.get("annotations").is_some())
        && value.get("spanId").is_none()
}

pub fn sniff(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.first().is_some_and(|first| is_span(first) || zipkin_v1::is_v1_span(first)),
        // One v1 span on its own (what a v1 client logs).
        other => zipkin_v1::is_v1_span(other),
    }
}

object_fields!(
    /// A v2 span's fields with a meaning of their own, read in one pass; the others are kept.
    SpanFields {
        trace_id: "traceId", id: "id", parent_id: "parentId", name: "name", kind: "kind", timestamp: "timestamp",
        duration: "duration", local_endpoint: "localEndpoint", tags: "tags", annotations: "annotations",
        shared: "shared",
    }
);

impl<'v, 'j> SpanFields<'v, 'j> {
    /// The server half of an RPC whose client half shares its id.
    fn is_shared(&self) -> bool {
        matches!(self.shared, Some(Value::Bool(true)))
    }

    /// The trace id and span id in lower case (Zipkin ids are hex; some writers use upper case),
    /// empty when not written.
    fn ids(&self) -> (Cow<'v, str>, Cow<'v, str>) {
        let (trace_id, id) = self.written_ids();
        (trace_id.unwrap_or_default(), id.unwrap_or_default())
    }

    /// The trace id and span id, each when written as text (or a number).
    fn written_ids(&self) -> (Option<Cow<'v, str>>, Option<Cow<'v, str>>) {
        let id = |value: Option<&'v Value<'j>>| value.and_then(text).map(lowercase);
        (id(self.trace_id), id(self.id))
    }

    /// Both ids, only when both are written: what a shared half is matched by.
    fn both_ids(&self) -> Option<(Cow<'v, str>, Cow<'v, str>)> {
        match self.written_ids() {
            (Some(trace_id), Some(id)) => Some((trace_id, id)),
            _ => None,
        }
    }
}

/// A span's status from its tags: the `error` tag (its text the message unless it is just
/// "true"), or the `otel.status_code` / `otel.status_description` tags every OpenTelemetry SDK
/// and the Collector write when they export to Zipkin.
pub(super) fn status(tags: &[Attribute]) -> SpanStatus {
    let tag = |key: &str| tags.iter().find(|tag| tag.key == key).map(|tag| tag.value.text());
    let meaningful = |text: Cow<str>| (!text.is_empty() && text != "true").then(|| text.into_owned());
    let description = || tag("otel.status_description").map(Cow::into_owned);
    let otel_code = tag("otel.status_code");
    match (tag("error"), otel_code.as_deref()) {
        (Some(error), _) => SpanStatus::Error { message: meaningful(error).or_else(description) },
        (None, Some(code)) if code.eq_ignore_ascii_case("ERROR") => {
            SpanStatus::Error { message: tag("otel.status_description").and_then(meaningful) }
        }
        (None, Some(code)) if code.eq_ignore_ascii_case("OK") => SpanStatus::Ok,
        _ => SpanStatus::Unset,
    }
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let mut import = RawImport::new("zipkin");
    let items = match value {
        Value::Array(items) => items.as_slice(),
        single if zipkin_v1::is_v1_span(single) => std::slice::from_ref(single),
        _ => return Err(ImportError::Invalid { path: "$".into(), reason: "expected an array of Zipkin spans".into() }),
    };
    // v1 spans are read in the v2 shape they convert to; v2 spans as they are.
    let converted: Vec<Map> = if items.iter().any(zipkin_v1::is_v1_span) {
        items
            .iter()
            .filter_map(Value::as_object)
            .flat_map(
                |object| {
                    if zipkin_v1::is_v1_object(object) {
                        zipkin_v1::to_v2(object)
                    } else {
                        vec![object.clone()]
                    }
                },
            )
            .collect()
    } else {
        Vec::new()
    };
    let objects: Vec<&Map> = if converted.is_empty() {
        items.iter().filter_map(Value::as_object).collect()
    } else {
        converted.iter().collect()
    };
    let spans: Vec<SpanFields> = objects.iter().map(|object| SpanFields::read(object)).collect();
    // Ids that a client (non-shared) half uses: a shared half with the same id becomes its child.
    let unshared_ids: HashSet<(Cow<str>, Cow<str>)> = if spans.iter().any(SpanFields::is_shared) {
        spans.iter().filter(|span| !span.is_shared()).filter_map(SpanFields::both_ids).collect()
    } else {
        HashSet::new()
    };
    let mut index = HashMap::new();
    let mut resource_of: HashMap<(usize, Cow<str>), usize> = HashMap::new();
    for (object, fields) in objects.iter().zip(&spans) {
        let (trace_id, id) = fields.ids();
        let (span_id, parent) = if fields.is_shared() && unshared_ids.contains(&(trace_id.clone(), id.clone())) {
            (format!("{id}:server"), Some(id.into_owned()))
        } else {
            let parent = fields.parent_id.and_then(text).map(|parent| lowercase(parent).into_owned());
            (id.into_owned(), parent)
        };
        let name = fields.name.and_then(text).map(Cow::into_owned).unwrap_or_default();
        let mut span = Span::new(span_id, parent, name);
        span.protocol_kind = fields.kind.and_then(text).map(|kind| crate::model::protocol_kind_name(&kind));
        match fields.timestamp.and_then(unsigned) {
            Some(micros) => span.start_ns = micros_to_ns(micros),
            None => {
                span.start_ns = MISSING_START;
                let warning = ImportWarning::for_span(&span.span_id, "no timestamp; placed at the start of the trace");
                span.warnings.push(warning);
            }
        }
        span.duration_ns = fields.duration.and_then(unsigned).map_or(0, micros_to_ns);
        if let Some(Value::Object(tags)) = fields.tags {
            span.attributes =
                tags.iter().map(|(key, value)| Attribute::new(key, AttributeValue::from_json(value))).collect();
        }
        // The remote endpoint is an attribute (a null one too, as written) and, having no field of
        // its own, an other field as well.
        if let Some(remote) = object.get("remoteEndpoint") {
            span.attributes.push(Attribute::new("remoteEndpoint", AttributeValue::from_json(remote)));
        }
        span.status = status(&span.attributes);
        if let Some(Value::Array(annotations)) = fields.annotations {
            span.events = annotations
                .iter()
                .filter_map(Value::as_object)
                .map(|annotation| SpanEvent {
                    name: string_field(annotation, &["value"]).unwrap_or_default(),
                    time_ns: annotation.get("timestamp").and_then(unsigned).map(micros_to_ns),
                    attributes: Vec::new(),
                })
                .collect();
        }
        span.other_fields = fields.other_fields().into();
        let position = import.trace_position(&mut index, &trace_id);
        let endpoint = fields.local_endpoint.and_then(Value::as_object);
        if let Some(service) = endpoint.and_then(|endpoint| endpoint.get("serviceName")).and_then(text) {
            let raw = &mut import.traces[position];
            let slot = *resource_of.entry((position, service.clone())).or_insert_with(|| {
                raw.trace.resources.push(Resource {
                    attributes: vec![Attribute::new("service.name", AttributeValue::String(service.into_owned()))],
                    other_fields: endpoint.map(|endpoint| other_fields(endpoint, &["serviceName"])).unwrap_or_default(),
                });
                raw.trace.resources.len() - 1
            });
            span.resource = OptionalIndex::from(slot);
        }
        import.traces[position].spans.push(span);
    }
    Ok(import)
}
