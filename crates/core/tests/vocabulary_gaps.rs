//! Attributes instrumentations write that the vocabularies once skipped (issue "formats, round
//! two", smaller gaps): each now reaches the span's AI details or the trace's facts.

use trace_viewer_core::import::import_text;
use trace_viewer_core::model::{SpanKind, TraceSet};

/// One OTLP span with string, int or JSON-text attributes.
fn span_with(attributes: &[(&str, &str)]) -> TraceSet {
    let attributes: Vec<String> = attributes
        .iter()
        .map(|(key, value)| match value.parse::<i64>() {
            Ok(number) => format!(r#"{{"key":"{key}","value":{{"intValue":"{number}"}}}}"#),
            Err(_) => {
                format!(r#"{{"key":"{key}","value":{{"stringValue":{}}}}}"#, serde_json::to_string(value).unwrap())
            }
        })
        .collect();
    let text = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"step","startTimeUnixNano":"1000","endTimeUnixNano":"2000","attributes":[{}]}}]}}]}}]}}"#,
        attributes.join(",")
    );
    import_text(&text, None).unwrap()
}

#[test]
fn openllmetry_association_properties_name_the_user_and_session() {
    let set = span_with(&[
        ("traceloop.association.properties.user_id", "user-7"),
        ("traceloop.association.properties.session_id", "chat-42"),
        ("traceloop.span.kind", "workflow"),
    ]);
    assert_eq!(set.traces[0].user_id.as_deref(), Some("user-7"));
    assert_eq!(set.traces[0].session_id.as_deref(), Some("chat-42"));
}

#[test]
fn an_openllmetry_tool_span_s_entity_input_and_output_are_its_arguments_and_result() {
    let set = span_with(&[
        ("traceloop.span.kind", "tool"),
        ("traceloop.entity.name", "lookup_order"),
        ("traceloop.entity.input", r#"{"order_id": "A-1042"}"#),
        ("traceloop.entity.output", r#"{"status": "shipped"}"#),
    ]);
    let span = &set.traces[0].spans[0];
    assert_eq!(span.kind, SpanKind::Tool);
    let tool = span.ai.as_ref().and_then(|ai| ai.tool.clone()).unwrap();
    assert_eq!(tool.name.as_deref(), Some("lookup_order"));
    assert!(tool.arguments.as_deref().is_some_and(|arguments| arguments.contains("A-1042")));
    assert!(tool.result.as_deref().is_some_and(|result| result.contains("shipped")));
}

#[test]
fn pydantic_ai_usage_details_give_reasoning_and_cached_tokens() {
    let set = span_with(&[
        ("gen_ai.operation.name", "chat"),
        ("gen_ai.request.model", "gpt-5"),
        ("gen_ai.usage.input_tokens", "900"),
        ("gen_ai.usage.details.reasoning_tokens", "320"),
        ("gen_ai.usage.details.cache_read_tokens", "512"),
    ]);
    let tokens = set.traces[0].spans[0].ai.as_ref().unwrap().tokens.clone();
    assert_eq!((tokens.reasoning, tokens.cached), (Some(320), Some(512)));
}

#[test]
fn a_failed_openinference_call_s_model_comes_from_its_invocation_parameters() {
    let set = span_with(&[
        ("openinference.span.kind", "LLM"),
        ("llm.invocation_parameters", r#"{"model": "gpt-4o-mini", "temperature": 0}"#),
    ]);
    assert_eq!(set.traces[0].spans[0].ai.as_ref().and_then(|ai| ai.model.as_deref()), Some("gpt-4o-mini"));
    // A stated model name wins.
    let set = span_with(&[
        ("openinference.span.kind", "LLM"),
        ("llm.invocation_parameters", r#"{"model": "alias"}"#),
        ("llm.model_name", "gpt-4o-mini-2024-07-18"),
    ]);
    assert_eq!(set.traces[0].spans[0].ai.as_ref().and_then(|ai| ai.model.as_deref()), Some("gpt-4o-mini-2024-07-18"));
}

#[test]
fn openai_agents_usage_details_and_the_metadata_user() {
    let text = r#"{"data": [
      {"object": "trace", "id": "trace_1", "workflow_name": "support", "group_id": "thread-9", "metadata": {"user_id": "user-3"}},
      {"object": "trace.span", "id": "span_1", "trace_id": "trace_1", "parent_id": null, "started_at": "2025-03-01T10:00:00.000Z", "ended_at": "2025-03-01T10:00:02.000Z",
       "span_data": {"type": "response", "model": "gpt-4.1", "usage": {"input_tokens": 1200, "output_tokens": 80, "total_tokens": 1280,
         "input_tokens_details": {"cached_tokens": 1024}, "output_tokens_details": {"reasoning_tokens": 40}}}}
    ]}"#;
    let set = import_text(text, None).unwrap();
    let trace = &set.traces[0];
    assert_eq!(trace.user_id.as_deref(), Some("user-3"));
    let tokens = trace.spans[0].ai.as_ref().unwrap().tokens.clone();
    assert_eq!(
        (tokens.input, tokens.output, tokens.total, tokens.cached, tokens.reasoning),
        (Some(1200), Some(80), Some(1280), Some(1024), Some(40))
    );
}

#[test]
fn langchain_run_trees_give_tokens_model_user_thread_and_the_tool_message_as_result() {
    let text = r#"[
      {"id": "root", "name": "agent", "run_type": "chain", "trace_id": "root", "start_time": "2025-05-01T10:00:00Z", "end_time": "2025-05-01T10:00:05Z",
       "extra": {"metadata": {"user_id": "user-5", "thread_id": "thread-12"}}, "inputs": {"messages": [["user", "refund please"]]}},
      {"id": "llm", "name": "ChatOpenAI", "run_type": "llm", "parent_run_id": "root", "trace_id": "root", "start_time": "2025-05-01T10:00:01Z", "end_time": "2025-05-01T10:00:02Z",
       "outputs": {"generations": [[{"text": "", "message": {"lc": 1, "type": "constructor", "id": ["langchain", "schema", "messages", "AIMessage"],
         "kwargs": {"content": "", "tool_calls": [{"name": "refund", "args": {"order": "A-1"}, "id": "call_9"}],
           "response_metadata": {"model_name": "gpt-4o-2024-08-06"}, "usage_metadata": {"input_tokens": 310, "output_tokens": 22, "total_tokens": 332}}}}]]}},
      {"id": "tool", "name": "refund", "run_type": "tool", "parent_run_id": "root", "trace_id": "root", "start_time": "2025-05-01T10:00:03Z", "end_time": "2025-05-01T10:00:04Z",
       "extra": {"tool_call_id": "call_9"}, "inputs": {"input": "{'order': 'A-1'}"},
       "outputs": {"output": {"lc": 1, "type": "constructor", "id": ["langchain", "schema", "messages", "ToolMessage"],
         "kwargs": {"content": "refunded 42.00 EUR", "tool_call_id": "call_9", "name": "refund"}}}}
    ]"#;
    let set = import_text(text, None).unwrap();
    let trace = &set.traces[0];
    assert_eq!((trace.user_id.as_deref(), trace.session_id.as_deref()), (Some("user-5"), Some("thread-12")));
    let llm = trace.spans.iter().find(|span| span.name == "ChatOpenAI").unwrap().ai.as_ref().unwrap();
    assert_eq!(llm.model.as_deref(), Some("gpt-4o-2024-08-06"));
    assert_eq!((llm.tokens.input, llm.tokens.output, llm.tokens.total), (Some(310), Some(22), Some(332)));
    let tool =
        trace.spans.iter().find(|span| span.name == "refund").unwrap().ai.as_ref().unwrap().tool.clone().unwrap();
    assert_eq!(tool.result.as_deref(), Some("refunded 42.00 EUR"));
    assert_eq!(tool.call_id.as_deref(), Some("call_9"));
}

#[test]
fn a_vercel_ai_sdk_embedding_span_shows_what_it_embedded() {
    let text = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"ai.embedMany","startTimeUnixNano":"1000","endTimeUnixNano":"2000",
      "attributes":[{"key":"ai.values","value":{"arrayValue":{"values":[{"stringValue":"refund policy"},{"stringValue":"shipping times"}]}}},{"key":"ai.usage.tokens","value":{"intValue":"6"}},{"key":"ai.model.id","value":{"stringValue":"text-embedding-3-small"}}]}]}]}]}"#;
    let set = import_text(text, None).unwrap();
    let span = &set.traces[0].spans[0];
    assert_eq!(span.kind, SpanKind::Embedding);
    let details = span.ai.as_ref().unwrap();
    assert!(
        details
            .input
            .as_deref()
            .is_some_and(|input| input.contains("refund policy") && input.contains("shipping times")),
        "{:?}",
        details.input
    );
    assert_eq!((details.tokens.input, details.model.as_deref()), (Some(6), Some("text-embedding-3-small")));
}

#[test]
fn a_span_naming_its_agent_is_an_agent_span() {
    let set = span_with(&[("gen_ai.agent.name", "refund-agent"), ("gen_ai.agent.id", "agent_7")]);
    assert_eq!(set.traces[0].spans[0].kind, SpanKind::Agent);
    // With an operation, the operation decides.
    let set = span_with(&[
        ("gen_ai.agent.name", "refund-agent"),
        ("gen_ai.operation.name", "chat"),
        ("gen_ai.request.model", "gpt-4o"),
    ]);
    assert_eq!(set.traces[0].spans[0].kind, SpanKind::Llm);
}
