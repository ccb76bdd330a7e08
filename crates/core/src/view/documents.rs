//! Retrieved documents as the detail panel shows them, read when a span is opened from wherever
//! the span has them: the documents the importers read (OpenInference's
//! `retrieval.documents.N.document.*` and `reranker.output_documents.N.*`, LangSmith's retriever
//! `outputs.documents`); a whole list in one attribute (`gen_ai.retrieval.documents`, OTel GenAI,
//! as JSON text or structured; `retrieval.documents`); or a retrieval span's output in a
//! documents shape: LangChain `{documents: [{page_content, metadata}]}` (Langfuse, LangSmith),
//! LangChain JS `pageContent`, LangChain serialised `{lc, kwargs}`, LlamaIndex `{node: {id_, text},
//! score}`, OpenInference `{document: {id, content}}`, Datadog LLM Observability `{documents:
//! [{text, id, name, score}]}`, Haystack `{content, meta, score}`, MLflow `{page_content, id}`.
//! The model stays as imported: nothing here is read at import.

use crate::json::{Map, Value};
use crate::model::json_text::decode_json_text;
use crate::model::{AiDetails, Attribute, AttributeValue, SpanKind};

/// One retrieved document, in one shape whatever the source.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RetrievedDocument {
    pub id: Option<String>,
    /// A title, name or source, when the document has one.
    pub title: Option<String>,
    pub content: Option<String>,
    pub score: Option<f64>,
    /// Metadata (and any field not read above) as JSON text.
    pub metadata: Option<String>,
}

/// A span's documents, and whether its generic output is those documents (then the panel need
/// not show the output again as JSON).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RetrievedDocuments {
    pub documents: Vec<RetrievedDocument>,
    pub output_is_documents: bool,
}

/// Attributes that hold a whole document list.
const LIST_ATTRIBUTES: [&str; 2] = ["gen_ai.retrieval.documents", "retrieval.documents"];

const ID_KEYS: [&str; 5] = ["id", "id_", "doc_id", "document_id", "document.id"];
const CONTENT_KEYS: [&str; 5] = ["content", "page_content", "pageContent", "text", "document.content"];
const SCORE_KEYS: [&str; 5] = ["score", "relevance_score", "similarity", "similarity_score", "document.score"];
const METADATA_KEYS: [&str; 3] = ["metadata", "meta", "document.metadata"];
const TITLE_KEYS: [&str; 5] = ["title", "name", "source", "url", "file_name"];

/// The documents a span retrieved (`details` its AI details, if any; `attributes` its own).
pub fn retrieved_documents(
    details: Option<&AiDetails>,
    attributes: &[Attribute],
    kind: SpanKind,
) -> RetrievedDocuments {
    let output_documents = details
        .and_then(|details| details.output.as_deref())
        .and_then(|output| documents_in_text(output, kind == SpanKind::Retrieval));
    let output_is_documents = output_documents.is_some();
    if let Some(details) = details.filter(|details| !details.documents.is_empty()) {
        let documents = details
            .documents
            .iter()
            .map(|document| {
                let metadata = document.metadata.as_deref().and_then(decode_json_text);
                RetrievedDocument {
                    id: document.id.clone(),
                    title: metadata.as_ref().and_then(|metadata| first_text(metadata.as_object()?, &TITLE_KEYS)),
                    content: document.content.clone(),
                    score: document.score,
                    metadata: document.metadata.clone(),
                }
            })
            .collect();
        return RetrievedDocuments { documents, output_is_documents };
    }
    let in_attribute = LIST_ATTRIBUTES.iter().find_map(|key| {
        let value = crate::model::attribute::find(attributes, key)?;
        match value {
            AttributeValue::String(text) => documents_in_text(text, true),
            AttributeValue::Array(_) | AttributeValue::Map(_) => documents_in(&value.to_document(), true),
            _ => None,
        }
    });
    match in_attribute {
        Some(documents) => RetrievedDocuments { documents, output_is_documents: false },
        None => RetrievedDocuments { documents: output_documents.unwrap_or_default(), output_is_documents },
    }
}

/// Documents in JSON text (see [`documents_in`]).
pub fn documents_in_text(text: &str, bare_list: bool) -> Option<Vec<RetrievedDocument>> {
    documents_in(&decode_json_text(text)?, bare_list)
}

/// The documents of a JSON value: an object's `documents` list, or (when `bare_list`: the value
/// is known to hold documents) a list itself. Every item must read as a document (an object with
/// at least one document field, or a string), else the value is not documents.
pub fn documents_in(value: &Value, bare_list: bool) -> Option<Vec<RetrievedDocument>> {
    let items = match value {
        Value::Object(object) => object.get("documents")?.as_array()?,
        Value::Array(items) if bare_list => items,
        _ => return None,
    };
    if items.is_empty() {
        return None;
    }
    let mut documents = Vec::with_capacity(items.len());
    for item in items {
        documents.push(document(item)?);
    }
    Some(documents)
}

/// A field's value as text: strings as they are, numbers and other JSON as JSON.
fn field_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.to_string()),
        other => Some(other.to_string()),
    }
}

fn first_text(object: &Map, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| object.get(key).and_then(field_text))
}

fn first_score(object: &Map) -> Option<f64> {
    // Numbers only: reading scores written as text would bring a second float parser (and its
    // tables, 16 KB) into the page.
    SCORE_KEYS.iter().find_map(|key| object.get(key)?.as_f64())
}

fn document(value: &Value) -> Option<RetrievedDocument> {
    let object = match value {
        Value::String(text) => {
            return Some(RetrievedDocument { content: Some(text.to_string()), ..Default::default() })
        }
        // A chat message is not a document.
        Value::Object(object) if !object.contains_key("role") => object,
        _ => return None,
    };
    // LangChain's serialised Document: the fields are its `kwargs`.
    let object = match object.get("kwargs").and_then(Value::as_object) {
        Some(kwargs) if object.contains_key("lc") => kwargs,
        _ => object,
    };
    // LlamaIndex's scored node and OpenInference's nested document: the fields are inside.
    let fields = ["node", "document"].iter().find_map(|key| object.get(key)?.as_object()).unwrap_or(object);
    let metadata_value = METADATA_KEYS.iter().find_map(|key| fields.get(key));
    let decoded_metadata = match metadata_value {
        Some(Value::String(text)) => decode_json_text(text),
        _ => None,
    };
    let metadata_object = decoded_metadata.as_ref().or(metadata_value).and_then(Value::as_object);
    let score = first_score(object).or_else(|| first_score(fields)).or_else(|| metadata_object.and_then(first_score));
    let id = first_text(fields, &ID_KEYS).or_else(|| first_text(object, &ID_KEYS));
    let content = first_text(fields, &CONTENT_KEYS);
    let title = first_text(fields, &TITLE_KEYS)
        .or_else(|| metadata_object.and_then(|metadata| first_text(metadata, &TITLE_KEYS)));
    if id.is_none() && content.is_none() && score.is_none() {
        return None;
    }
    // Fields read above are not repeated in the metadata; any other field is added to it.
    let read = |key: &str| {
        [
            &ID_KEYS[..],
            &CONTENT_KEYS,
            &SCORE_KEYS,
            &METADATA_KEYS,
            &TITLE_KEYS,
            &["node", "document", "type", "lc", "kwargs"],
        ]
        .iter()
        .any(|keys| keys.contains(&key))
    };
    let mut others = Map::new();
    let outer = (!std::ptr::eq(fields, object)).then_some(object);
    for (key, value) in fields.iter().chain(outer.into_iter().flat_map(Map::iter)) {
        if !read(key) {
            others.insert(key, value.clone());
        }
    }
    let metadata = match (metadata_value, others.is_empty()) {
        (None, true) => None,
        (Some(Value::String(text)), true) => Some(text.to_string()),
        (Some(value), true) => Some(value.to_string()),
        (_, false) => {
            let mut merged = metadata_object.cloned().unwrap_or_default();
            merged.extend_missing(others.iter().map(|(key, value)| (key, value.clone())));
            Some(Value::Object(merged).to_string())
        }
    };
    Some(RetrievedDocument { id, title, content, score, metadata })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    fn read(json: &str, bare_list: bool) -> Option<Vec<RetrievedDocument>> {
        documents_in_text(json, bare_list)
    }

    fn doc(
        id: Option<&str>,
        title: Option<&str>,
        content: Option<&str>,
        score: Option<f64>,
        metadata: Option<&str>,
    ) -> RetrievedDocument {
        RetrievedDocument {
            id: id.map(String::from),
            title: title.map(String::from),
            content: content.map(String::from),
            score,
            metadata: metadata.map(String::from),
        }
    }

    #[test]
    fn otel_genai_list_with_ids_scores_titles_and_content() {
        assert_eq!(
            read(r#"[{"id":"doc_123","score":0.95},{"id":"doc_456","score":0.87}]"#, true),
            Some(vec![
                doc(Some("doc_123"), None, None, Some(0.95), None),
                doc(Some("doc_456"), None, None, Some(0.87), None)
            ])
        );
        assert_eq!(
            read(r#"[{"title":"Jaeger Docs","content":"Jaeger v2 is *based* on OTel."}]"#, true),
            Some(vec![doc(None, Some("Jaeger Docs"), Some("Jaeger v2 is *based* on OTel."), None, None)])
        );
    }

    #[test]
    fn langchain_documents_python_js_and_serialised() {
        let python = r#"{"documents":[{"page_content":"Refunds take 5 days.","metadata":{"source":"faq.md","score":0.8},"type":"Document"}]}"#;
        assert_eq!(
            read(python, false),
            Some(vec![doc(
                None,
                Some("faq.md"),
                Some("Refunds take 5 days."),
                Some(0.8),
                Some(r#"{"source":"faq.md","score":0.8}"#)
            )])
        );
        let javascript = r#"[{"pageContent":"a","metadata":{"loc":{"lines":{"from":1}}},"id":"d1"}]"#;
        assert_eq!(
            read(javascript, true),
            Some(vec![doc(Some("d1"), None, Some("a"), None, Some(r#"{"loc":{"lines":{"from":1}}}"#))])
        );
        let serialised = r#"[{"lc":1,"type":"constructor","id":["langchain","schema","document","Document"],"kwargs":{"page_content":"b","metadata":{}}}]"#;
        assert_eq!(read(serialised, true), Some(vec![doc(None, None, Some("b"), None, Some("{}"))]));
    }

    #[test]
    fn llamaindex_openinference_datadog_and_haystack_shapes() {
        let llamaindex = r#"[{"node":{"id_":"n1","text":"chunk","metadata":{"file_name":"a.pdf"}},"score":0.5}]"#;
        assert_eq!(
            read(llamaindex, true),
            Some(vec![doc(Some("n1"), Some("a.pdf"), Some("chunk"), Some(0.5), Some(r#"{"file_name":"a.pdf"}"#))])
        );
        let openinference = r#"[{"document":{"id":"7","content":"c","score":0.25}}]"#;
        assert_eq!(read(openinference, true), Some(vec![doc(Some("7"), None, Some("c"), Some(0.25), None)]));
        let flat = r#"[{"document.id":8,"document.content":"d","document.score":1}]"#;
        assert_eq!(read(flat, true), Some(vec![doc(Some("8"), None, Some("d"), Some(1.0), None)]));
        let datadog = r#"{"documents":[{"text":"e","id":"x","name":"Doc X","score":0.9,"extra":true}]}"#;
        assert_eq!(
            read(datadog, false),
            Some(vec![doc(Some("x"), Some("Doc X"), Some("e"), Some(0.9), Some(r#"{"extra":true}"#))])
        );
        let haystack = r#"{"documents":[{"id":"h","content":"f","meta":{"url":"https://h.example"},"score":0.3}]}"#;
        assert_eq!(
            read(haystack, false),
            Some(vec![doc(
                Some("h"),
                Some("https://h.example"),
                Some("f"),
                Some(0.3),
                Some(r#"{"url":"https://h.example"}"#)
            )])
        );
    }

    #[test]
    fn values_that_are_not_documents_are_left_alone() {
        assert_eq!(read(r#"[{"role":"user","content_type":"x"}]"#, true), None);
        assert_eq!(read(r#"[{"role":"user","content":"hi"}]"#, true), None);
        assert_eq!(read(r#"[{"text":"a"}]"#, false), None, "a bare list only where documents are expected");
        assert_eq!(read(r#"{"documents":3}"#, false), None);
        assert_eq!(read(r#"{"documents":[]}"#, false), None);
        assert_eq!(read("plain text", true), None);
        assert_eq!(read(r#"[1, 2]"#, true), None);
    }

    #[test]
    fn a_span_documents_come_from_the_model_then_an_attribute_then_the_output() {
        let mut details = AiDetails {
            documents: vec![Document {
                id: Some("m".into()),
                content: Some("model".into()),
                score: Some(0.1),
                metadata: Some(r#"{"title":"T"}"#.into()),
            }],
            output: Some(r#"{"documents":[{"page_content":"model"}]}"#.into()),
            ..AiDetails::default()
        };
        let attributes = vec![Attribute::new(
            "gen_ai.retrieval.documents",
            AttributeValue::String(r#"[{"id":"a","score":0.2}]"#.into()),
        )];
        let from_model = retrieved_documents(Some(&details), &attributes, SpanKind::Retrieval);
        assert_eq!(
            from_model.documents,
            vec![doc(Some("m"), Some("T"), Some("model"), Some(0.1), Some(r#"{"title":"T"}"#))]
        );
        assert!(from_model.output_is_documents);
        details.documents.clear();
        let from_attribute = retrieved_documents(Some(&details), &attributes, SpanKind::Retrieval);
        assert_eq!(from_attribute.documents, vec![doc(Some("a"), None, None, Some(0.2), None)]);
        let from_output = retrieved_documents(Some(&details), &[], SpanKind::Chain);
        assert_eq!(from_output.documents, vec![doc(None, None, Some("model"), None, None)]);
        assert!(from_output.output_is_documents);
        let structured = vec![Attribute::new(
            "gen_ai.retrieval.documents",
            AttributeValue::Array(vec![AttributeValue::Map(vec![Attribute::new(
                "id",
                AttributeValue::String("s".into()),
            )])]),
        )];
        assert_eq!(
            retrieved_documents(None, &structured, SpanKind::Other).documents,
            vec![doc(Some("s"), None, None, None, None)]
        );
        assert_eq!(retrieved_documents(None, &[], SpanKind::Retrieval), RetrievedDocuments::default());
    }
}
