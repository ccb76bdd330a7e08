//! What a trace was run with, and which of it changed: the models of its model calls, their
//! parameters (temperature, max tokens, ... from the AI details' parameters, where every
//! convention puts `gen_ai.request.*`, `llm.invocation_parameters` and the like) and the prompt's
//! name or version where a source records one (`langfuse.observation.prompt.version`,
//! `llm.prompt_template.version`, Langfuse's `promptName`...).

use crate::json::Value;
use crate::model::json_text::decode_json_text;
use crate::model::{Attribute, SpanKind, Trace};

/// A setting whose values differ between A and B (each side's distinct values, in the order met).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterChange {
    pub name: String,
    pub a: Option<String>,
    pub b: Option<String>,
}

/// Settings by name, each with its distinct values, names in the order first met.
#[derive(Default)]
struct Settings {
    entries: Vec<(String, Vec<String>)>,
}

impl Settings {
    fn add(&mut self, name: &str, value: String) {
        match self.entries.iter_mut().find(|(known, _)| known == name) {
            Some((_, values)) if !values.contains(&value) => values.push(value),
            Some(_) => {}
            None => self.entries.push((name.to_string(), vec![value])),
        }
    }

    fn value(&self, name: &str) -> Option<String> {
        self.entries.iter().find(|(known, _)| known == name).map(|(_, values)| values.join(", "))
    }
}

/// Whether an attribute key names a prompt's name, version or id (`…prompt.version`,
/// `…prompt_template.version`, `promptName`), not one of a prompt's indexed messages.
fn is_prompt_key(key: &str) -> bool {
    if key.split('.').any(|segment| !segment.is_empty() && segment.bytes().all(|byte| byte.is_ascii_digit())) {
        return false;
    }
    let squeezed: String = key
        .chars()
        .filter(|character| character.is_ascii_alphanumeric())
        .map(|character| character.to_ascii_lowercase())
        .collect();
    ["promptname", "promptversion", "prompttemplateversion", "promptid", "prompttemplatename"]
        .iter()
        .any(|ending| squeezed.ends_with(ending))
}

fn settings_of(trace: &Trace) -> Settings {
    let mut settings = Settings::default();
    for span in &trace.spans {
        let prompt_keys = |attributes: &[Attribute], settings: &mut Settings| {
            for attribute in attributes.iter().filter(|attribute| is_prompt_key(&attribute.key)) {
                settings.add(&attribute.key, attribute.value.display());
            }
        };
        prompt_keys(&span.attributes, &mut settings);
        prompt_keys(&span.other_fields, &mut settings);
        let Some(details) = span.ai.as_deref() else { continue };
        let model_name = match span.kind {
            SpanKind::Llm => "model",
            SpanKind::Embedding => "embedding model",
            _ => continue,
        };
        if let Some(model) = &details.model {
            settings.add(model_name, model.clone());
        }
        let Some(parameters) = details.parameters.as_deref() else { continue };
        match decode_json_text(parameters) {
            Some(Value::Object(entries)) => {
                for (key, value) in entries.iter().filter(|(key, value)| *key != "model" && !value.is_null()) {
                    let text = value.as_str().map_or_else(|| value.to_string(), str::to_string);
                    settings.add(key, text);
                }
            }
            _ => settings.add("parameters", parameters.to_string()),
        }
    }
    settings
}

/// The settings whose values differ from A to B, models first, then in the order met.
pub fn changed_parameters(a: &Trace, b: &Trace) -> Vec<ParameterChange> {
    let (a, b) = (settings_of(a), settings_of(b));
    let mut met: Vec<&str> = a.entries.iter().map(|(name, _)| name.as_str()).collect();
    for (name, _) in &b.entries {
        if !met.contains(&name.as_str()) {
            met.push(name);
        }
    }
    let is_model = |name: &&str| name.ends_with("model");
    let models = met.iter().copied().filter(is_model);
    models
        .chain(met.iter().copied().filter(|name| !is_model(name)))
        .map(|name| ParameterChange { name: name.to_string(), a: a.value(name), b: b.value(name) })
        .filter(|change| change.a != change.b)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_keys_are_names_and_versions_not_indexed_messages() {
        assert!(is_prompt_key("langfuse.observation.prompt.version"));
        assert!(is_prompt_key("llm.prompt_template.version"));
        assert!(is_prompt_key("promptName"));
        assert!(!is_prompt_key("gen_ai.prompt.0.content"));
        assert!(!is_prompt_key("gen_ai.prompt.1.name"));
        assert!(!is_prompt_key("gen_ai.usage.prompt_tokens"));
    }
}
