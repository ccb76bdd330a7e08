//! Langfuse scores on their own: a list of score objects (`[{id, traceId, observationId?, name,
//! value, dataType, ...}]`, what the SDK posts and what `GET /api/public/scores` returns in its
//! `data`). Each becomes feedback on its trace (and span, by `observationId`); the spans come
//! from the trace's own file, opened together with this one.

use std::collections::HashMap;

use crate::json::Value;

use super::langfuse::score_feedback;
use super::pipeline::RawImport;
use super::ImportError;

/// The data types only Langfuse scores carry.
const DATA_TYPES: &[&str] = &["NUMERIC", "CATEGORICAL", "BOOLEAN"];

fn is_score(value: &Value) -> bool {
    let Some(object) = value.as_object() else { return false };
    object.get("traceId").is_some_and(Value::is_string)
        && object.get("name").is_some_and(Value::is_string)
        && (object.contains_key("value") || object.contains_key("stringValue"))
        && object.get("dataType").and_then(Value::as_str).is_some_and(|kind| DATA_TYPES.contains(&kind))
}

/// The scores of a list, or of the public API's `{data: [...], meta}` answer.
fn scores<'a>(value: &'a Value<'a>) -> Option<&'a Vec<Value<'a>>> {
    match value {
        Value::Array(items) => Some(items),
        Value::Object(object) => object.get("data").and_then(Value::as_array),
        _ => None,
    }
}

pub fn sniff(value: &Value) -> bool {
    scores(value).is_some_and(|items| items.first().is_some_and(is_score))
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let Some(items) = scores(value) else {
        return Err(ImportError::Invalid { path: "$".into(), reason: "expected a list of Langfuse scores".into() });
    };
    let mut import = RawImport::new("langfuse");
    let mut index = HashMap::new();
    for score in
        items.iter().filter_map(Value::as_object).filter(|score| score.get("traceId").is_some_and(Value::is_string))
    {
        let trace_id = score.get("traceId").and_then(Value::as_str).unwrap_or_default();
        import.trace_mut(&mut index, trace_id).trace.feedback.push(score_feedback(score));
    }
    Ok(import)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;

    #[test]
    fn a_score_list_is_feedback_on_its_traces_and_spans() {
        let list = json!([
            {"id": "s1", "traceId": "t1", "name": "user-feedback", "value": 0, "dataType": "NUMERIC", "timestamp": "2025-01-02T03:04:05.000Z", "comment": "wrong order"},
            {"id": "s2", "traceId": "t1", "observationId": "o7", "name": "correctness", "value": 0.4, "dataType": "NUMERIC", "timestamp": "2025-01-02T03:04:06.000Z"},
            {"id": "s3", "traceId": "t2", "name": "tone", "stringValue": "polite", "value": null, "dataType": "CATEGORICAL", "timestamp": "2025-01-02T03:04:07.000Z"}
        ]);
        assert!(sniff(&list) && sniff(&json!({"data": list.clone(), "meta": {"page": 1}})));
        let import = import(&list).unwrap();
        assert_eq!(import.traces.len(), 2);
        assert_eq!(import.traces.iter().map(|raw| raw.trace.feedback.len()).sum::<usize>(), 3);
        let first = &import.traces[0].trace.feedback;
        assert_eq!(first[1].span_id.as_deref(), Some("o7"));
        assert_eq!(first[0].comment.as_deref(), Some("wrong order"));
        assert!(import.traces.iter().all(|raw| raw.spans.is_empty()), "no span is made up");
    }

    #[test]
    fn other_lists_with_trace_ids_are_not_scores() {
        let zipkin = json!([{"traceId": "a", "id": "b", "name": "get", "timestamp": 1, "duration": 2}]);
        assert!(!sniff(&zipkin));
        assert!(!sniff(&json!([{"traceId": "a", "name": "x", "value": 1}])), "no dataType: not Langfuse's");
    }
}
