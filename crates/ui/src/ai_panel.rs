//! The AI part of the detail panel: model and usage, the conversation (messages with their tool
//! calls), the tool run with arguments and result, retrieved documents, and a generic input and
//! output when the source has no messages. Prose (message text, document content, a generic
//! input or output that is not JSON) is rendered as markdown (`Markdown`); JSON is a tree or
//! pretty-printed text.

use std::sync::Arc;

use leptos::prelude::*;

use super::attribute_table::ValueText;
use super::markdown::Markdown;
use super::paged::{more_as_list_item, paged, RenderItem};
use trace_viewer_core::model::json_text::decode_json_text;
use trace_viewer_core::model::{AiDetails, AttributeValue, Message, SpanKind};
use trace_viewer_core::view::documents::RetrievedDocuments;
use trace_viewer_core::view::present::usage_line;

fn text_value(text: &str) -> AttributeValue {
    AttributeValue::String(text.to_string())
}

/// Texts longer than this are shown as written (paged), neither decoded as JSON nor rendered.
const RENDER_UP_TO_BYTES: usize = 1 << 20;

/// Text people wrote (or a model did) rendered as markdown; JSON as a tree.
fn prose_or_value(text: &str) -> AnyView {
    if text.len() > RENDER_UP_TO_BYTES || decode_json_text(text).is_some() {
        view! { <ValueText value=text_value(text) /> }.into_any()
    } else {
        view! { <Markdown text=text /> }.into_any()
    }
}

#[component]
fn MessageView(message: Message) -> impl IntoView {
    let role_class = format!(
        "tv-message tv-message-{}",
        message.role.to_ascii_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    let label = match &message.name {
        Some(name) => format!("{} · {name}", message.role),
        None => message.role.clone(),
    };
    let answers = message
        .tool_call_id
        .clone()
        .map(|id| view! { <span class="tv-message-meta">{format!("result of {id}")}</span> });
    let calls = message
        .tool_calls
        .into_iter()
        .map(|call| {
            let heading = match &call.id {
                Some(id) => format!("calls {} ({id})", call.name),
                None => format!("calls {}", call.name),
            };
            view! {
                <div class="tv-tool-call">
                    <div class="tv-tool-call-name">{heading}</div>
                    <ValueText value=text_value(&call.arguments) />
                </div>
            }
        })
        .collect_view();
    let content = (!message.content.is_empty()).then(|| prose_or_value(&message.content));
    view! {
        <li class=role_class>
            <div class="tv-message-role"><span class="tv-message-role-name">{label}</span>{answers}</div>
            {content}
            {calls}
        </li>
    }
}

fn messages_section(title: &'static str, messages: Vec<Message>) -> Option<impl IntoView> {
    (!messages.is_empty()).then(|| {
        let count = messages.len();
        let messages = Arc::new(messages);
        let render: RenderItem =
            Arc::new(move |position| view! { <MessageView message=messages[position].clone() /> }.into_any());
        view! {
            <section class="tv-detail-section">
                <h4>{format!("{title} ({count})")}</h4>
                <ol class="tv-messages">{paged(count, "messages", render, more_as_list_item)}</ol>
            </section>
        }
    })
}

#[component]
pub fn AiPanel(
    /// With its messages read (`AiDetails::with_messages_read`).
    details: AiDetails,
    kind: SpanKind,
    /// The span's retrieved documents (`view::documents::retrieved_documents`).
    documents: RetrievedDocuments,
) -> impl IntoView {
    let model = details.model.clone().map(|model| match &details.provider {
        Some(provider) => format!("{model} ({provider})"),
        None => model,
    });
    let usage = usage_line(&details);
    let parameters = details.parameters.clone();
    let tool = details.tool.clone().map(|tool| {
        let missing_result = tool.result.as_deref().is_none_or(|result| result.trim().is_empty());
        view! {
            <section class="tv-detail-section tv-tool">
                <h4>"Tool call"</h4>
                <dl class="tv-facts-list">
                    {tool.name.map(|name| view! { <dt>"Tool"</dt><dd>{name}</dd> })}
                    {tool.call_id.map(|id| view! { <dt>"Call ID"</dt><dd>{id}</dd> })}
                </dl>
                <div class="tv-subheading">"Arguments"</div>
                {match tool.arguments {
                    Some(arguments) => view! { <ValueText value=text_value(&arguments) /> }.into_any(),
                    None => view! { <p class="tv-muted">"none recorded"</p> }.into_any(),
                }}
                <div class="tv-subheading">"Result"</div>
                {if missing_result {
                    view! { <p class="tv-empty-result">"No result: the tool returned nothing, or it was not recorded."</p> }.into_any()
                } else {
                    view! { <ValueText value=text_value(tool.result.as_deref().unwrap_or_default()) /> }.into_any()
                }}
            </section>
        }
    });
    let output_is_documents = documents.output_is_documents;
    let documents = (!documents.documents.is_empty()).then(|| {
        let count = documents.documents.len();
        // The documents move into the list (their text may be long).
        let documents = Arc::new(documents.documents);
        let render: RenderItem = Arc::new(move |position| {
            let document = &documents[position];
            let score = document.score.map(|score| format!("score {}", AttributeValue::Double(score).display()));
            let id = document.id.clone().unwrap_or_else(|| "(no id)".into());
            view! {
                <li class="tv-document">
                    <div class="tv-document-head">
                        <span class="tv-document-number">{format!("#{}", position + 1)}</span>
                        <span class="tv-document-id">{id}</span>
                        {score.map(|score| view! { <span class="tv-badge tv-document-score">{score}</span> })}
                    </div>
                    {document.title.clone().map(|title| view! { <div class="tv-document-title">{title}</div> })}
                    {document.content.as_deref().map(prose_or_value)}
                    {document.metadata.clone().map(|metadata| view! {
                        <details class="tv-document-metadata">
                            <summary>"Metadata"</summary>
                            <ValueText value=text_value(&metadata) />
                        </details>
                    })}
                </li>
            }
            .into_any()
        });
        view! {
            <section class="tv-detail-section">
                <h4>{format!("Retrieved documents ({count})")}</h4>
                <ol class="tv-documents">{paged(count, "documents", render, more_as_list_item)}</ol>
            </section>
        }
    });
    let has_messages = !details.input_messages.is_empty() || !details.output_messages.is_empty();
    let show_generic = !has_messages && kind != SpanKind::Tool;
    let generic_input = details.input.clone().filter(|_| show_generic);
    let generic_output = details.output.clone().filter(|_| show_generic && !output_is_documents);
    view! {
        {(model.is_some() || usage.is_some()).then(|| view! {
            <dl class="tv-facts-list tv-model-facts">
                {model.map(|model| view! { <dt>"Model"</dt><dd>{model}</dd> })}
                {usage.map(|usage| view! { <dt>"Usage"</dt><dd>{usage}</dd> })}
            </dl>
        })}
        {tool}
        {messages_section("Input messages", details.input_messages.as_read().to_vec())}
        {messages_section("Output messages", details.output_messages.as_read().to_vec())}
        {documents}
        {generic_input.map(|input| view! {
            <section class="tv-detail-section"><h4>"Input"</h4>{prose_or_value(&input)}</section>
        })}
        {generic_output.map(|output| view! {
            <section class="tv-detail-section"><h4>"Output"</h4>{prose_or_value(&output)}</section>
        })}
        {parameters.map(|parameters| view! {
            <section class="tv-detail-section"><h4>"Parameters"</h4><ValueText value=text_value(&parameters) /></section>
        })}
    }
}
