//! Labels as files in the Review tab: export (the labels as JSON Lines, datasets shaped for
//! Langfuse, LangSmith, Phoenix or a generic `{input, expected_output, metadata}`, a CSV of
//! category × group counts), import (merged; conflicts listed), and the agreement with another
//! labeller's file (Cohen's kappa per category). The element reads and writes the files.

use leptos::prelude::*;
use serde::Serialize;
use wasm_bindgen::JsCast;

use super::ViewerState;

/// `corpus:labelsExport`: the labels in a format (`jsonl`, `langfuse`, `langsmith`, `phoenix`,
/// `generic`, `csv`), a CSV's counts grouped by a column.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExportRequest {
    format: &'static str,
    group_by: String,
}

/// A file input that hands its file to the element as `request`.
fn file_button(state: ViewerState, label: &'static str, request: &'static str) -> impl IntoView {
    let on_change = move |event: leptos::ev::Event| {
        let Some(input) = event.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            state.request_with(request, "file", &file.into());
        }
        input.set_value("");
    };
    view! {
        <label class="tv-tool-button">
            {label}
            <input class="tv-visually-hidden" type="file" accept=".jsonl,.ndjson,.json" on:change=on_change />
        </label>
    }
}

#[component]
pub fn ReviewFiles(state: ViewerState) -> impl IntoView {
    let review = state.review;
    let group_by = RwSignal::new("intent".to_string());
    let export = move |format: &'static str| {
        state.request("corpus:labelsExport", &ExportRequest { format, group_by: group_by.get_untracked() })
    };
    let report = move || {
        let report = review.import_report.get()?;
        let conflicts = report
            .conflicts
            .iter()
            .map(|conflict| view! { <li><code>{conflict.trace_id.clone()}</code>" — kept this browser's label"</li> })
            .collect_view();
        Some(view! {
            <div class="tv-review-report" role="status">
                {format!("Imported: {} added, {} unchanged, {} conflicts.", report.added, report.unchanged, report.conflicts.len())}
                <ul>{conflicts}</ul>
            </div>
        })
    };
    let agreement = move || {
        let rows = review.agreement.get()?;
        let rows = rows
            .into_iter()
            .map(|row| {
                let kappa = row.kappa.map_or_else(|| "–".to_string(), |kappa| format!("{kappa:.2}"));
                let name = review.taxonomy.with_untracked(|taxonomy| {
                    taxonomy
                        .category(&row.category)
                        .map_or_else(|| row.category.clone(), |category| category.name.clone())
                });
                view! {
                    <tr>
                        <th scope="row">{name}</th>
                        <td class="tv-number">{row.traces}</td>
                        <td class="tv-number">{format!("{:.0} %", row.observed * 100.0)}</td>
                        <td class="tv-number">{kappa}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <table class="tv-review-table" aria-label="Agreement with the other labeller">
                <thead><tr><th>"Category"</th><th class="tv-number">"Traces"</th><th class="tv-number">"Agree"</th><th class="tv-number">"Cohen's κ"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        })
    };
    view! {
        <section class="tv-review-section" aria-labelledby="tv-label-files-title">
            <h2 id="tv-label-files-title">"Labels as files"</h2>
            <div class="tv-review-form">
                <label>"Labeller "
                    <input type="text" aria-label="Labeller" placeholder="your name" prop:value=move || review.labeller.get()
                        on:change=move |event| review.labeller.set(event_target_value(&event)) />
                </label>
            </div>
            <div class="tv-review-form">
                <button class="tv-tool-button" on:click=move |_| export("jsonl")>"Labels (JSON Lines)"</button>
                <button class="tv-tool-button" on:click=move |_| export("langfuse")>"Langfuse dataset"</button>
                <button class="tv-tool-button" on:click=move |_| export("langsmith")>"LangSmith examples"</button>
                <button class="tv-tool-button" on:click=move |_| export("phoenix")>"Phoenix dataset"</button>
                <button class="tv-tool-button" on:click=move |_| export("generic")>"Generic dataset"</button>
                <button class="tv-tool-button" on:click=move |_| export("csv")>"CSV of counts"</button>
                <label>"by "
                    <select on:change=move |event| group_by.set(event_target_value(&event))>
                        {["intent", "model", "variant", "user", "name"].map(|column| view! { <option value=column>{column}</option> })}
                    </select>
                </label>
            </div>
            <div class="tv-review-form">
                {file_button(state, "Import labels…", "corpus:labelsImport")}
                {file_button(state, "Agreement with another labeller…", "corpus:labelsAgreement")}
            </div>
            {report}
            {agreement}
        </section>
    }
}
