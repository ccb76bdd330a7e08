//! Files the viewer once read wrongly without a warning (issue "formats, round two"): each is now
//! read as what it is, or refused in words; nothing is made up.

use trace_viewer_core::import::{import_files, import_text, ImportError};
use trace_viewer_core::model::{FeedbackKind, SpanStatus};

const LANGFUSE_TRACE: &str = include_str!("../../../tests/fixtures/langfuse/langfuse-openai-agents-5obs.json");

fn score_list() -> String {
    r#"[
      {"id": "s1", "traceId": "fee618f96dc31e0ca38b2f7b26eb8b29", "name": "user-feedback", "value": 0, "dataType": "NUMERIC", "source": "API", "timestamp": "2025-09-30T09:05:00.000Z", "comment": "It did not answer"},
      {"id": "s2", "traceId": "fee618f96dc31e0ca38b2f7b26eb8b29", "observationId": "90d94774e8e3724d", "name": "correctness", "value": 0.25, "dataType": "NUMERIC", "source": "EVAL", "timestamp": "2025-09-30T09:05:01.000Z"}
    ]"#
    .to_string()
}

#[test]
fn a_langfuse_score_list_alone_is_refused_in_words_not_read_as_a_zipkin_span_from_1970() {
    let error = import_text(&score_list(), Some("scores.json")).unwrap_err();
    assert_eq!(error, ImportError::OnlyFeedback { signals: 2 });
    assert!(error.to_string().contains("open the trace file together with this one"), "{error}");
}

#[test]
fn a_langfuse_score_list_opened_with_its_trace_becomes_that_trace_s_feedback() {
    let scores = score_list();
    let set = import_files(&[(Some("trace.json"), LANGFUSE_TRACE), (Some("scores.json"), &scores)]).unwrap();
    assert_eq!(set.traces.len(), 1, "no second trace, no phantom span");
    let trace = &set.traces[0];
    assert_eq!(trace.spans.len(), 5);
    assert!(trace.spans.iter().all(|span| span.start_ns > 1_700_000_000_000_000_000), "no span dated 1970");
    let own = import_text(LANGFUSE_TRACE, None).unwrap().traces[0].feedback.len();
    assert_eq!(trace.feedback.len(), own + 2, "the trace's own scores and the list's two");
    let feedback = &trace.feedback[own..];
    assert_eq!(feedback[0].kind, FeedbackKind::ThumbsDown);
    assert_eq!(feedback[0].comment.as_deref(), Some("It did not answer"));
    assert_eq!((feedback[1].name.as_deref(), feedback[1].value), (Some("correctness"), Some(0.25)));
    assert_eq!(feedback[1].span_id.as_deref(), Some("90d94774e8e3724d"));
}

#[test]
fn zipkin_spans_exported_by_opentelemetry_carry_their_status_in_otel_tags() {
    let spans = r#"[
      {"traceId": "5af7183fb1d4cf5f", "id": "0000000000000001", "name": "chat", "timestamp": 1700000000000000, "duration": 1000,
       "localEndpoint": {"serviceName": "agent"}, "tags": {"otel.status_code": "ERROR", "otel.status_description": "redis timeout"}},
      {"traceId": "5af7183fb1d4cf5f", "id": "0000000000000002", "parentId": "0000000000000001", "name": "ok", "timestamp": 1700000000000100, "duration": 10,
       "localEndpoint": {"serviceName": "agent"}, "tags": {"otel.status_code": "OK"}},
      {"traceId": "5af7183fb1d4cf5f", "id": "0000000000000003", "parentId": "0000000000000001", "name": "both", "timestamp": 1700000000000200, "duration": 10,
       "localEndpoint": {"serviceName": "agent"}, "tags": {"error": "true", "otel.status_code": "ERROR", "otel.status_description": "boom"}}
    ]"#;
    let set = import_text(spans, None).unwrap();
    let status = |name: &str| set.traces[0].spans.iter().find(|span| span.name == name).unwrap().status.clone();
    assert_eq!(status("chat"), SpanStatus::Error { message: Some("redis timeout".into()) });
    assert_eq!(status("ok"), SpanStatus::Ok);
    assert_eq!(status("both"), SpanStatus::Error { message: Some("boom".into()) });
}

#[test]
fn langsmith_runs_without_a_trace_id_are_one_trace_when_parent_run_id_links_them() {
    // One run per line, as a run export or a proxy's log writes them: no `trace_id` anywhere.
    let lines = [
        r#"{"id": "r1", "name": "agent", "run_type": "chain", "start_time": "2025-01-01T00:00:00Z", "end_time": "2025-01-01T00:00:05Z", "inputs": {"question": "hi"}}"#,
        r#"{"id": "r2", "name": "llm", "run_type": "llm", "parent_run_id": "r1", "start_time": "2025-01-01T00:00:01Z", "end_time": "2025-01-01T00:00:02Z"}"#,
        r#"{"id": "r3", "name": "tool", "run_type": "tool", "parent_run_id": "r2", "start_time": "2025-01-01T00:00:01.500Z", "end_time": "2025-01-01T00:00:01.800Z"}"#,
    ];
    for text in [lines.join("\n"), format!("[{}]", [lines[2], lines[0], lines[1]].join(","))] {
        let set = import_text(&text, None).unwrap();
        assert_eq!(
            set.traces.len(),
            1,
            "one trace: {:?}",
            set.traces.iter().map(|trace| &trace.trace_id).collect::<Vec<_>>()
        );
        let trace = &set.traces[0];
        assert_eq!(
            trace.spans.iter().map(|span| (span.name.as_str(), span.depth)).collect::<Vec<_>>(),
            [("agent", 0), ("llm", 1), ("tool", 2)]
        );
        assert!(
            trace.warnings.is_empty() && trace.spans.iter().all(|span| span.warnings.is_empty()),
            "no false missing-parent warning: {:?}",
            trace.warnings
        );
    }
}

#[test]
fn otlp_written_by_json_stringify_of_protobufjs_objects_keeps_its_ids_times_and_counts() {
    // Ids as Node Buffers, 64-bit integers as protobufjs Longs (low and high 32-bit halves).
    let buffer = |bytes: &[u8]| format!(r#"{{"type":"Buffer","data":{bytes:?}}}"#);
    let long = |value: u64| {
        format!(r#"{{"low":{},"high":{},"unsigned":true}}"#, value as u32 as i32, (value >> 32) as u32 as i32)
    };
    let trace_id: Vec<u8> = (1..=16).collect();
    let text = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":{},"spanId":{},"name":"chat gpt-4o","kind":3,
        "startTimeUnixNano":{},"endTimeUnixNano":{},
        "attributes":[{{"key":"gen_ai.usage.input_tokens","value":{{"intValue":{{"low":1302,"high":0,"unsigned":false}}}}}}],
        "status":{{"code":2,"message":"rate limited"}}}}]}}]}}]}}"#,
        buffer(&trace_id),
        buffer(&[0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89]),
        long(1_733_000_000_123_456_789),
        long(1_733_000_001_123_456_789),
    );
    let set = import_text(&text, None).unwrap();
    let trace = &set.traces[0];
    assert_eq!(trace.trace_id, "0102030405060708090a0b0c0d0e0f10");
    let span = &trace.spans[0];
    assert_eq!(span.span_id, "abcdef0123456789");
    assert_eq!((span.start_ns, span.duration_ns), (1_733_000_000_123_456_789, 1_000_000_000));
    assert!(span.warnings.is_empty(), "{:?}", span.warnings);
    assert_eq!(span.ai.as_ref().and_then(|ai| ai.tokens.input), Some(1302));
    assert_eq!(span.status, SpanStatus::Error { message: Some("rate limited".into()) });
}

#[test]
fn one_trace_recorded_as_canonical_otlp_and_as_node_receivers_log_it_reads_the_same() {
    // The OpenTelemetry JS SDK sent one trace over OTLP/HTTP JSON and over protobuf; a Node
    // receiver decoded the protobuf with protobufjs and logged it with JSON.stringify, of the
    // plain object (Buffers and Longs) and of the message (base64 ids, decimal strings).
    let read = |name: &str| {
        let path = format!("{}/../../tests/fixtures/otlp/{name}", env!("CARGO_MANIFEST_DIR"));
        trace_viewer_core::model::outline(&import_text(&std::fs::read_to_string(path).unwrap(), None).unwrap())
    };
    let canonical = read("otel-js-same-trace-canonical.json");
    assert!(canonical.contains("tokens=412/58"), "{canonical}");
    assert_eq!(read("otel-js-protobufjs-toobject-stringified.json"), canonical);
    assert_eq!(read("otel-js-protobufjs-stringified.json"), canonical);
}

#[test]
fn zipkin_v1_keeps_its_kinds_services_and_binary_annotations() {
    let read = |name: &str| {
        let path = format!("{}/../../tests/fixtures/zipkin/{name}", env!("CARGO_MANIFEST_DIR"));
        import_text(&std::fs::read_to_string(path).unwrap(), None).unwrap()
    };
    let set = read("zipkin-v1-otelcol-5spans.json");
    let trace = &set.traces[0];
    let service = |index: usize| {
        let resource = trace.spans[index].resource.get().map(|slot| &trace.resources[slot])?;
        resource
            .attributes
            .iter()
            .find(|attribute| attribute.key == "service.name")
            .map(|attribute| attribute.value.display())
    };
    let summary: Vec<(String, Option<String>, Option<String>)> = (0..trace.spans.len())
        .map(|index| {
            (
                trace.spans[index].span_id.clone(),
                trace.spans[index].protocol_kind.as_deref().map(str::to_string),
                service(index),
            )
        })
        .collect();
    let expect = |id: &str, kind: Option<&str>, service: &str| {
        (id.to_string(), kind.map(str::to_string), Some(service.to_string()))
    };
    assert_eq!(
        summary,
        [
            expect("0ed2e63cbe71f5a8", Some("CLIENT"), "front-proxy"),
            expect("0ed2e63cbe71f5a8:server", Some("SERVER"), "service1"),
            expect("f9ebb6e64880612a", Some("CLIENT"), "service1"),
            expect("f9ebb6e64880612a:server", Some("SERVER"), "service2"),
            (String::from("fe351a053fbcac1f"), None, None),
        ]
    );
    let stock_server = &trace.spans[3];
    let tag = |key: &str| {
        stock_server.attributes.iter().find(|attribute| attribute.key == key).map(|attribute| attribute.value.display())
    };
    assert_eq!(tag("http.status_code").as_deref(), Some("200"));
    assert_eq!(tag("http.url").as_deref(), Some("http://localhost:9000/trace/2"));
    assert_eq!(
        trace.spans[1].events.iter().map(|event| event.name.as_str()).collect::<Vec<_>>(),
        ["custom time event"]
    );
    // One v1 span object on its own, both halves of an RPC in it.
    let single = read("zipkin-v1-rpc-single-span.json");
    let spans = &single.traces[0].spans;
    assert_eq!(
        spans.iter().map(|span| span.protocol_kind.as_deref()).collect::<Vec<_>>(),
        [Some("CLIENT"), Some("SERVER")]
    );
    assert_eq!(
        (spans[1].start_ns - spans[0].start_ns, spans[1].duration_ns),
        (24_000_000, 4_000_000),
        "the server half from sr..ss"
    );
    assert!(
        spans[0].attributes.iter().any(|attribute| attribute.key == "remoteEndpoint"),
        "sa is the client's remote endpoint"
    );
}

#[test]
fn jaeger_s_domain_model_and_stored_span_documents_read_with_typed_tags() {
    use trace_viewer_core::model::AttributeValue;
    let read = |name: &str| {
        let path = format!("{}/../../tests/fixtures/jaeger/{name}", env!("CARGO_MANIFEST_DIR"));
        import_text(&std::fs::read_to_string(path).unwrap(), None).unwrap()
    };
    let value = |set: &trace_viewer_core::model::TraceSet, span: usize, key: &str| {
        set.traces[0].spans[span]
            .attributes
            .iter()
            .find(|attribute| attribute.key == key)
            .map(|attribute| attribute.value.clone())
    };
    let domain = read("jaeger-domain-model-01.json");
    let trace = &domain.traces[0];
    assert_eq!(trace.trace_id, "00000000000000000000000000000001", "base64 ids as hex");
    let typed =
        trace.spans.iter().position(|span| span.name == "some-operation" && !span.attributes.is_empty()).unwrap();
    assert_eq!(
        value(&domain, typed, "javascript_limit"),
        Some(AttributeValue::Int(9_223_372_036_854_775_222)),
        "int64 exact"
    );
    assert_eq!(value(&domain, typed, "temperature"), Some(AttributeValue::Double(72.5)));
    assert_eq!(value(&domain, typed, "blob"), Some(AttributeValue::Bytes(vec![0, 0, 0x30, 0x39])));
    assert_eq!(trace.spans[0].duration_ns, 5000, "\"5000ns\"");
    assert_eq!(trace.spans[0].events.len(), 2, "logs with RFC 3339 times");
    // An Elasticsearch span document (v1: every tag value a string; binary in hex).
    let stored = read("jaeger-es-span-v1-01.json");
    assert_eq!(value(&stored, 0, "peer.ipv4"), Some(AttributeValue::Int(23456)));
    assert_eq!(value(&stored, 0, "blob"), Some(AttributeValue::Bytes(vec![0, 0, 0x30, 0x39])));
    assert!(stored.traces[0].spans[0].status.is_error(), "the error tag");
}

#[test]
fn langfuse_sdk3_traces_over_opentelemetry_and_its_scores_batch_make_one_trace_with_feedback() {
    let fixture = |path: &str| {
        std::fs::read_to_string(format!("{}/../../tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    };
    let spans = fixture("otlp/langfuse-sdk3-otel-traces.json");
    let scores = fixture("feedback-only/langfuse-sdk3-scores-batch.json");
    // The scores alone: refused in words, not a made-up trace.
    assert_eq!(import_text(&scores, None).unwrap_err(), ImportError::OnlyFeedback { signals: 6 });
    let set = import_files(&[(Some("traces.json"), spans.as_str()), (Some("scores.json"), scores.as_str())]).unwrap();
    assert_eq!(set.traces.len(), 1);
    let trace = &set.traces[0];
    let kinds: Vec<String> = trace.spans.iter().map(|span| format!("{:?}", span.kind)).collect();
    assert_eq!(kinds, ["Other", "Llm", "Tool", "Tool", "Llm"], "langfuse.observation.type");
    let generation = &trace.spans[1];
    let details = generation.ai.as_ref().unwrap();
    assert_eq!(
        (details.model.as_deref(), details.tokens.input, details.tokens.output),
        (Some("gpt-4o-mini"), Some(42), Some(18))
    );
    assert_eq!(trace.feedback.len(), 6);
    assert_eq!(
        trace.feedback.iter().filter(|signal| signal.span_id.is_some()).count(),
        3,
        "three scores name an observation"
    );
    // The list of scores as the public API returns them reads the same way.
    let list = fixture("feedback-only/langfuse-scores-list.json");
    let set = import_files(&[(Some("traces.json"), spans.as_str()), (Some("scores.json"), list.as_str())]).unwrap();
    assert_eq!((set.traces.len(), set.traces[0].feedback.len()), (1, 6));
}

#[test]
fn mlflow_traces_read_with_their_times_kinds_usage_and_assessments() {
    let read = |name: &str| {
        let path = format!("{}/../../tests/fixtures/mlflow/{name}", env!("CARGO_MANIFEST_DIR"));
        import_text(&std::fs::read_to_string(path).unwrap(), None).unwrap()
    };
    // MLflow 2's bare span list: integer nanosecond times, once read as 1970 with no duration.
    let spans = read("mlflow2-spans.json");
    let trace = &spans.traces[0];
    assert_eq!(spans.format, "mlflow");
    assert!(
        trace.start_ns > 1_700_000_000_000_000_000 && trace.duration_ns > 0,
        "{} {}",
        trace.start_ns,
        trace.duration_ns
    );
    assert!(trace.spans.iter().all(|span| span.warnings.is_empty()));
    let kinds: Vec<String> = trace.spans.iter().map(|span| format!("{:?}", span.kind)).collect();
    assert_eq!(kinds, ["Agent", "Llm", "Tool", "Tool", "Llm"], "mlflow.spanType");
    assert_eq!(
        trace.spans[1].ai.as_ref().map(|ai| (ai.tokens.input, ai.tokens.output)),
        Some((Some(42), Some(18))),
        "the completion's usage"
    );
    // MLflow 3's trace JSON with assessments.
    let set = read("mlflow3-trace-with-feedback.json");
    let trace = &set.traces[0];
    assert_eq!(trace.name, "travel-agent");
    assert_eq!(trace.user_input.as_deref(), Some(r#"{"question":"What's the weather in Lisbon right now?"}"#));
    assert_eq!(trace.feedback[0].kind, FeedbackKind::ThumbsUp);
    assert_eq!((trace.feedback[1].name.as_deref(), trace.feedback[1].value), (Some("helpfulness"), Some(0.85)));
    assert!(trace.feedback[1]
        .comment
        .as_deref()
        .is_some_and(|rationale| rationale.starts_with("Answers the question")));
    assert_eq!(trace.spans[1].ai.as_ref().map(|ai| ai.tokens.total), Some(Some(60)), "mlflow.chat.tokenUsage");
    assert_eq!(
        trace.spans[3].status,
        SpanStatus::Error { message: Some("TimeoutError: forecast service timed out after 5s (city=Lisbon)".into()) }
    );
}

#[test]
fn a_langsmith_run_tree_thousands_of_runs_deep_opens_with_every_run() {
    // Nested `child_runs` 5,000 runs (10,000 JSON levels) deep: once cut at 128 levels, then at
    // ~50 runs (deeper runs kept as text); now every run is a span, with no warning.
    let depth = 5_000;
    let mut text = String::new();
    for run in 0..depth {
        text.push_str(&format!(
            r#"{{"id":"r{run}","name":"step {run}","run_type":"{}","trace_id":"t1","start_time":"2025-01-01T00:00:00.000Z","end_time":"2025-01-01T00:10:00.000Z","inputs":{{"question":{{"text":"q{run}"}}}},"child_runs":["#,
            if run % 2 == 0 { "chain" } else { "llm" }
        ));
    }
    text.push_str(&"]}".repeat(depth));
    let set = import_text(&text, None).unwrap();
    let trace = &set.traces[0];
    assert_eq!(trace.spans.len(), depth);
    assert_eq!(trace.spans.iter().map(|span| span.depth).max(), Some(depth as u32 - 1));
    assert!(set.warnings.is_empty() && trace.warnings.is_empty(), "{:?}", set.warnings);
    let deepest = trace.spans.iter().find(|span| span.name == format!("step {}", depth - 1)).unwrap();
    assert!(
        deepest.attributes.iter().any(|attribute| attribute.value.display().contains("q4999"))
            || deepest.ai.as_ref().and_then(|ai| ai.input.as_deref()).is_some_and(|input| input.contains("q4999"))
    );
}

#[test]
fn datadog_apm_traces_read_with_services_errors_and_openai_tags() {
    let payload = r#"[[
      {"trace_id": 7251916434598122413, "span_id": 1001, "parent_id": 0, "name": "fastapi.request", "resource": "POST /chat", "service": "support-api", "type": "web",
       "start": 1733000000000000000, "duration": 900000000, "error": 0, "meta": {"http.method": "POST", "span.kind": "server"}, "metrics": {"_sampling_priority_v1": 1}},
      {"trace_id": 7251916434598122413, "span_id": 1002, "parent_id": 1001, "name": "openai.request", "resource": "createChatCompletion", "service": "support-api", "type": "llm",
       "start": 1733000000100000000, "duration": 700000000, "error": 1,
       "meta": {"openai.request.model": "gpt-4o-mini", "openai.request.messages.0.role": "user", "openai.request.messages.0.content": "Where is my order?",
                "error.type": "openai.RateLimitError", "error.message": "Rate limit reached for gpt-4o-mini"},
       "metrics": {"openai.response.usage.prompt_tokens": 12, "openai.response.usage.completion_tokens": 0}}
    ]]"#;
    let set = import_text(payload, None).unwrap();
    assert_eq!(set.format, "datadog");
    let trace = &set.traces[0];
    assert_eq!(trace.trace_id, "7251916434598122413", "Datadog's own decimal ids, not made-up hex");
    assert_eq!(trace.spans[0].name, "POST /chat");
    let call = &trace.spans[1];
    assert_eq!(call.kind, trace_viewer_core::model::SpanKind::Llm);
    assert_eq!(call.status, SpanStatus::Error { message: Some("Rate limit reached for gpt-4o-mini".into()) });
    let details = call.ai.as_ref().unwrap();
    assert_eq!((details.model.as_deref(), details.tokens.input), (Some("gpt-4o-mini"), Some(12)));
    let messages = details.input_messages.read(&call.attributes);
    assert_eq!(messages.first().map(|message| message.content.as_str()), Some("Where is my order?"));
    assert_eq!(call.duration_ns, 700_000_000);
}

#[test]
fn logfire_records_read_as_spans_labelled_by_their_message() {
    let rows = r#"[
      {"start_timestamp": "2025-06-01T10:00:00.000000Z", "end_timestamp": "2025-06-01T10:00:03.500000Z", "trace_id": "0195a3c0e6b94c1e8f3b1a2c3d4e5f60",
       "span_id": "1a2b3c4d5e6f7081", "parent_span_id": null, "span_name": "agent run {prompt}", "message": "agent run 'refund for A-1042'",
       "level": 9, "kind": "span", "service_name": "support", "otel_status_code": "UNSET",
       "attributes": {"prompt": "refund for A-1042", "logfire.msg_template": "agent run {prompt}"}},
      {"start_timestamp": "2025-06-01T10:00:00.500000Z", "end_timestamp": "2025-06-01T10:00:02.000000Z", "trace_id": "0195a3c0e6b94c1e8f3b1a2c3d4e5f60",
       "span_id": "2b3c4d5e6f708192", "parent_span_id": "1a2b3c4d5e6f7081", "span_name": "chat gpt-4o", "message": "chat gpt-4o",
       "level": 17, "kind": "span", "service_name": "support", "otel_status_code": "ERROR", "otel_status_message": "APIConnectionError: timed out",
       "attributes": {"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 230}},
      {"start_timestamp": "2025-06-01T10:00:00.500000Z", "end_timestamp": null, "trace_id": "0195a3c0e6b94c1e8f3b1a2c3d4e5f60",
       "span_id": "2b3c4d5e6f708192", "parent_span_id": "1a2b3c4d5e6f7081", "span_name": "chat gpt-4o", "message": "chat gpt-4o", "kind": "pending_span", "attributes": {}}
    ]"#;
    let set = import_text(rows, None).unwrap();
    assert_eq!(set.format, "logfire");
    let trace = &set.traces[0];
    assert_eq!(trace.spans.len(), 2, "the pending row of a finished span is not a third span");
    assert_eq!(trace.spans[0].name, "agent run 'refund for A-1042'");
    assert_eq!(trace.spans[0].duration_ns, 3_500_000_000);
    let chat = &trace.spans[1];
    assert_eq!(chat.status, SpanStatus::Error { message: Some("APIConnectionError: timed out".into()) });
    assert_eq!(
        chat.ai.as_ref().map(|ai| (ai.model.clone(), ai.tokens.input)),
        Some((Some("gpt-4o".into()), Some(230)))
    );
    // One row on its own is a span too.
    let first = serde_json::from_str::<serde_json::Value>(rows).unwrap()[0].to_string();
    assert!(import_text(&first, None).is_ok_and(|set| set.traces[0].spans.len() == 1));
}

#[test]
fn datadog_llm_observability_spans_and_their_evaluation_metrics_make_traces_with_feedback() {
    let fixture = |path: &str| {
        std::fs::read_to_string(format!("{}/../../tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    };
    let spans = fixture("datadog/dd-trace-py-llmobs-spans-2events.json");
    for metrics in ["feedback-only/dd-trace-py-eval-metrics-v1.json", "feedback-only/dd-trace-py-eval-metrics-v2.json"]
    {
        let metrics = fixture(metrics);
        assert_eq!(import_text(&metrics, None).unwrap_err(), ImportError::OnlyFeedback { signals: 2 });
        let set =
            import_files(&[(Some("spans.json"), spans.as_str()), (Some("metrics.json"), metrics.as_str())]).unwrap();
        assert_eq!(set.traces.len(), 2);
        let with = |trace_id: &str| set.traces.iter().find(|trace| trace.trace_id == trace_id).unwrap();
        let sentiment = &with("98765432102").feedback[0];
        assert_eq!(
            (sentiment.name.as_deref(), sentiment.value, sentiment.span_id.as_deref()),
            (Some("sentiment"), Some(0.9), Some("12345678902"))
        );
        let toxicity = &with("98765432101").feedback[0];
        assert_eq!((toxicity.name.as_deref(), toxicity.text.as_deref()), (Some("toxicity"), Some("very")));
        let llm = &with("98765432101").spans[0];
        assert_eq!(llm.kind, trace_viewer_core::model::SpanKind::Llm);
        assert_eq!(llm.ai.as_ref().map(|ai| (ai.tokens.input, ai.tokens.output)), Some((Some(64), Some(128))));
    }
}

#[test]
fn langsmith_multipart_bodies_of_two_requests_join_into_one_finished_run_tree() {
    // The SDK sent the root's post in one request and its children and the root's patch (its end
    // and outputs) in the next; opened together they are one trace.
    let fixture = |name: &str| {
        std::fs::read_to_string(format!("{}/../../tests/fixtures/langsmith-split/{name}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
    };
    let (first, second) = (fixture("request-1.txt"), fixture("request-2.txt"));
    let set =
        import_files(&[(Some("request-1.txt"), first.as_str()), (Some("request-2.txt"), second.as_str())]).unwrap();
    assert_eq!(set.traces.len(), 1, "{:?}", set.traces.iter().map(|trace| &trace.trace_id).collect::<Vec<_>>());
    let trace = &set.traces[0];
    assert_eq!(trace.spans.len(), 3);
    let root = &trace.spans[0];
    assert_eq!(root.name, "support-agent");
    assert!(root.duration_ns > 1_000_000_000, "the root's end came in the patch: {} ns", root.duration_ns);
    assert!(trace.final_output.is_some(), "the root's outputs came in the patch");
    assert!(trace.spans.iter().any(|span| span.status.is_error()), "the tool's error part");
}
