//! The review: ordering a queue of 1,000,000 candidate traces (seeded random, stratified over 50
//! values of a column, worst first; 1,000 taken, and all of them), and the labels export of 10,000
//! labels with their trace facts (about 600 bytes a line), with reading it back. The queue times
//! include copying the million items (the function takes them by value).

use trace_viewer_core::random::SplitMix64;
use trace_viewer_core::review::{
    labels_jsonl, order_queue, read_labels_jsonl, Label, LabelStore, QueueItem, QueueOrder, Taxonomy, TraceFacts,
};

use super::{best_of, Yardstick};

const ITEMS: u32 = 1_000_000;
const LABELS: usize = 10_000;

pub fn run(yardstick: &Yardstick) {
    let items = queue_items();
    for (name, order) in [
        ("random", QueueOrder::Random { seed: 42 }),
        ("stratified (50 strata)", QueueOrder::Stratified { seed: 42 }),
        ("worst first", QueueOrder::WorstFirst),
    ] {
        for limit in [1_000, ITEMS as usize] {
            let milliseconds = best_of(5, || order_queue(items.clone(), order, limit));
            yardstick.report(&format!("review queue {name}, {limit} of {ITEMS} rows"), milliseconds, None);
        }
    }
    let store = labelled();
    let labels: Vec<&Label> = store.labels().collect();
    let facts = |trace_id: &str| Some(facts_of(trace_id));
    let text = labels_jsonl(&labels, &facts);
    let milliseconds = best_of(5, || labels_jsonl(&labels, &facts));
    yardstick.report(
        &format!("labels export, {LABELS} labels ({:.1} MB)", text.len() as f64 / 1e6),
        milliseconds,
        None,
    );
    let milliseconds = best_of(5, || read_labels_jsonl(&text).map(|labels| labels.len()));
    yardstick.report(&format!("labels import, {LABELS} labels"), milliseconds, None);
}

fn queue_items() -> Vec<QueueItem> {
    let mut random = SplitMix64::new(7);
    (0..ITEMS)
        .map(|row| QueueItem {
            row,
            stratum: random.below(50) as u32,
            errors: if random.below(10) == 0 { random.below(4) as u32 } else { 0 },
            negative_feedback: random.below(50) == 0,
            duration_ns: 1_000_000 + random.below(30_000_000_000),
        })
        .collect()
}

fn labelled() -> LabelStore {
    let taxonomy = Taxonomy::starter();
    let mut store = LabelStore::new();
    let mut random = SplitMix64::new(11);
    for index in 0..LABELS {
        let trace_id = format!("{index:032x}");
        let category = &taxonomy.categories[random.below(taxonomy.categories.len() as u64) as usize].id;
        store.toggle_category(&taxonomy, &trace_id, category, "reviewer", "2026-12-07T10:00:00Z");
        if index % 3 == 0 {
            store.set_note(
                &trace_id,
                "The agent searched again with the same query.",
                "reviewer",
                "2026-12-07T10:00:01Z",
            );
        }
    }
    store
}

fn facts_of(trace_id: &str) -> TraceFacts {
    TraceFacts {
        trace_id: trace_id.into(),
        session_id: Some(format!("session-{}", &trace_id[24..])),
        input: Some("Where is my order A-17? It was due on Monday and the tracking page shows nothing.".into()),
        output: Some("I could not find an order A-17. Could you check the number on your confirmation email?".into()),
        intent: Some("order_status".into()),
        model: Some("gpt-4o".into()),
        variant: Some("prompt-v2".into()),
        feedback: vec!["thumbs_down".into()],
        source_file: Some("support-2026-12.jsonl".into()),
    }
}
