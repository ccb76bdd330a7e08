//! A failure taxonomy: the categories a reviewer gives traces (id, name, description, colour and a
//! hotkey 1–9), whether a trace takes one or several, and the severities offered. Read from and
//! written to JSON (`www/taxonomy.schema.json`); a starter set for AI agents; new categories made
//! from a name (axial coding) with a unique id, the next free hotkey and a palette colour.
//!
//! Colours are checked to be `#` and 3, 4, 6 or 8 hex digits: the page puts them in styles, and a
//! taxonomy file must not be able to smuggle CSS (a `url(...)` would be a network request).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One category of the taxonomy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub description: String,
    /// A CSS hex colour such as `#d9480f`.
    pub colour: String,
    /// The key `1`–`9` that toggles it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<u8>,
}

/// The categories, in the order they are shown and exported, with the taxonomy's rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    pub categories: Vec<Category>,
    /// Several categories per trace (`true`) or one (`false`).
    pub multiple: bool,
    pub severities: Vec<String>,
}

/// Colours new categories take in turn: each at least 3:1 against the light (`#ffffff`) and the
/// dark (`#14181f`) background, as WCAG asks of graphics.
pub const PALETTE: [&str; 10] =
    ["#e03131", "#d9480f", "#ae3ec9", "#0c8599", "#1c7ed6", "#d6336c", "#5c940d", "#868e96", "#4c6ef5", "#2b8a3e"];

const DEFAULT_SEVERITIES: [&str; 3] = ["low", "medium", "high"];

impl Taxonomy {
    /// A small default set for AI-agent failures, hotkeys 1–8, several per trace.
    pub fn starter() -> Taxonomy {
        let entries = [
            ("hallucination", "Hallucination", "States something the context, tools or world do not support."),
            ("wrong_tool", "Wrong tool", "Called a tool that does not fit the step, or with wrong arguments."),
            ("tool_error", "Tool error", "A tool or API call failed and the agent did not recover."),
            ("bad_retrieval", "Bad retrieval", "Retrieved documents are irrelevant, missing or outdated."),
            ("incomplete_answer", "Incomplete answer", "Answers only part of the question or stops early."),
            ("refused", "Refused", "Declined a request it should have handled."),
            ("loop", "Loop / stuck", "Repeats the same steps without progress."),
            ("other", "Other", "A failure no other category names; say what in the note."),
        ];
        let categories = entries
            .iter()
            .enumerate()
            .map(|(index, (id, name, description))| Category {
                id: (*id).into(),
                name: (*name).into(),
                description: (*description).into(),
                colour: PALETTE[index].into(),
                hotkey: Some(index as u8 + 1),
            })
            .collect();
        Taxonomy { categories, multiple: true, severities: DEFAULT_SEVERITIES.map(String::from).to_vec() }
    }

    /// Reads a taxonomy file. A category without an id takes a slug of its name; a missing colour
    /// a palette colour; missing `multiple` is `true` and missing `severities` low/medium/high.
    /// Errors name the place (`categories[2].hotkey`) and what is wrong.
    pub fn from_json(text: &str) -> Result<Taxonomy, String> {
        let value: Value = serde_json::from_str(text).map_err(|error| format!("not JSON: {error}"))?;
        let Value::Object(top) = value else { return Err("the taxonomy must be a JSON object".into()) };
        check_known_keys(&top, "", &["$schema", "categories", "multiple", "severities"])?;
        let multiple = match top.get("multiple") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(multiple)) => *multiple,
            Some(_) => return Err("multiple: must be true or false".into()),
        };
        let severities = match top.get("severities") {
            None | Some(Value::Null) => DEFAULT_SEVERITIES.map(String::from).to_vec(),
            Some(Value::Array(items)) => {
                let mut severities: Vec<String> = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    let Some(severity) = item.as_str().filter(|text| !text.trim().is_empty()) else {
                        return Err(format!("severities[{index}]: must be a non-empty string"));
                    };
                    if severities.iter().any(|seen| seen == severity) {
                        return Err(format!("severities[{index}]: \"{severity}\" is listed twice"));
                    }
                    severities.push(severity.into());
                }
                severities
            }
            Some(_) => return Err("severities: must be an array of strings".into()),
        };
        let Some(Value::Array(items)) = top.get("categories") else {
            return Err("categories: missing, or not an array".into());
        };
        let mut taxonomy = Taxonomy { categories: Vec::with_capacity(items.len()), multiple, severities };
        for (index, item) in items.iter().enumerate() {
            let category = read_category(item, index)?;
            if let Some(earlier) = taxonomy.categories.iter().position(|seen| seen.id == category.id) {
                return Err(format!(
                    "categories[{index}].id: \"{}\" is also the id of categories[{earlier}]",
                    category.id
                ));
            }
            if let Some(key) = category.hotkey {
                if let Some(earlier) = taxonomy.categories.iter().position(|seen| seen.hotkey == Some(key)) {
                    return Err(format!(
                        "categories[{index}].hotkey: {key} is also the hotkey of categories[{earlier}]"
                    ));
                }
            }
            taxonomy.categories.push(category);
        }
        for index in 0..taxonomy.categories.len() {
            if taxonomy.categories[index].colour.is_empty() {
                taxonomy.categories[index].colour = taxonomy.free_colour();
            }
        }
        Ok(taxonomy)
    }

    /// The taxonomy as pretty JSON: fields in a fixed order, categories in their order.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Adds a category named `name` and returns its id: a slug of the name (`_2`, `_3`… when taken),
    /// the lowest free hotkey (none when 1–9 are all used) and the first palette colour not in use.
    pub fn add_category(&mut self, name: &str) -> String {
        let base = slug(name);
        let mut id = base.clone();
        let mut suffix = 2;
        while self.category(&id).is_some() {
            id = format!("{base}_{suffix}");
            suffix += 1;
        }
        let hotkey = (1..=9u8).find(|key| self.by_hotkey(*key).is_none());
        let colour = self.free_colour();
        let name = if name.trim().is_empty() { id.clone() } else { name.trim().to_string() };
        self.categories.push(Category { id: id.clone(), name, description: String::new(), colour, hotkey });
        id
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|category| category.id == id)
    }

    pub fn by_hotkey(&self, key: u8) -> Option<&Category> {
        self.categories.iter().find(|category| category.hotkey == Some(key))
    }

    /// Where `id` stands in the taxonomy (unknown ids after every known one).
    pub fn position(&self, id: &str) -> usize {
        self.categories.iter().position(|category| category.id == id).unwrap_or(usize::MAX)
    }

    /// The first palette colour no category uses, or the next in turn when all are used.
    fn free_colour(&self) -> String {
        let used = |colour: &str| self.categories.iter().any(|category| category.colour.eq_ignore_ascii_case(colour));
        PALETTE
            .iter()
            .find(|colour| !used(colour))
            .unwrap_or(&PALETTE[self.categories.len() % PALETTE.len()])
            .to_string()
    }
}

fn read_category(item: &Value, index: usize) -> Result<Category, String> {
    let place = format!("categories[{index}]");
    let Value::Object(fields) = item else { return Err(format!("{place}: must be an object")) };
    check_known_keys(fields, &format!("{place}."), &["id", "name", "description", "colour", "hotkey"])?;
    let text = |key: &str| -> Result<Option<String>, String> {
        match fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.trim().to_string())),
            Some(_) => Err(format!("{place}.{key}: must be a string")),
        }
    };
    let name = text("name")?.filter(|name| !name.is_empty()).ok_or(format!("{place}.name: missing or empty"))?;
    let id = match text("id")? {
        Some(id) if id.is_empty() => return Err(format!("{place}.id: empty")),
        Some(id) => id,
        None => slug(&name),
    };
    let colour = text("colour")?.unwrap_or_default();
    if !colour.is_empty() && !is_hex_colour(&colour) {
        return Err(format!("{place}.colour: \"{colour}\" is not a hex colour such as \"#d9480f\""));
    }
    let hotkey = match fields.get("hotkey") {
        None | Some(Value::Null) => None,
        Some(value) => match value.as_u64() {
            Some(key @ 1..=9) => Some(key as u8),
            _ => return Err(format!("{place}.hotkey: {value} is not a key from 1 to 9")),
        },
    };
    Ok(Category { id, name, description: text("description")?.unwrap_or_default(), colour, hotkey })
}

fn check_known_keys(fields: &Map<String, Value>, place: &str, known: &[&str]) -> Result<(), String> {
    match fields.keys().find(|key| !known.contains(&key.as_str())) {
        Some(key) => Err(format!("{place}{key}: unknown field (known: {})", known.join(", "))),
        None => Ok(()),
    }
}

/// `#` and 3, 4, 6 or 8 hex digits.
pub fn is_hex_colour(colour: &str) -> bool {
    colour.strip_prefix('#').is_some_and(|digits| {
        matches!(digits.len(), 3 | 4 | 6 | 8) && digits.bytes().all(|byte| byte.is_ascii_hexdigit())
    })
}

/// Lower case letters and digits of `name`, other runs as one `_`; `category` when nothing is left.
fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for character in name.chars() {
        if character.is_alphanumeric() {
            slug.extend(character.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('_') {
            slug.push('_');
        }
    }
    while slug.ends_with('_') {
        slug.pop();
    }
    if slug.is_empty() {
        "category".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_set_round_trips_through_json() {
        let starter = Taxonomy::starter();
        assert_eq!(starter.categories.len(), 8);
        assert_eq!(starter.by_hotkey(1).unwrap().id, "hallucination");
        assert_eq!(starter.by_hotkey(8).unwrap().id, "other");
        assert!(starter.by_hotkey(9).is_none());
        let text = starter.to_json();
        assert!(text.starts_with("{\n  \"categories\": [\n    {\n      \"id\": \"hallucination\",\n      \"name\""));
        assert_eq!(Taxonomy::from_json(&text).unwrap(), starter);
        assert_eq!(Taxonomy::from_json(&text).unwrap().to_json(), text);
    }

    #[test]
    fn errors_say_where_and_what() {
        let error = |text: &str| Taxonomy::from_json(text).unwrap_err();
        assert_eq!(
            error(r#"{"categories":[{"id":"a","name":"A"},{"id":"a","name":"B"}]}"#),
            "categories[1].id: \"a\" is also the id of categories[0]"
        );
        assert_eq!(
            error(r#"{"categories":[{"name":"A","hotkey":12}]}"#),
            "categories[0].hotkey: 12 is not a key from 1 to 9"
        );
        assert_eq!(
            error(r#"{"categories":[{"name":"A","hotkey":0}]}"#),
            "categories[0].hotkey: 0 is not a key from 1 to 9"
        );
        assert_eq!(
            error(r#"{"categories":[{"name":"A","hotkey":3},{"name":"B","hotkey":3}]}"#),
            "categories[1].hotkey: 3 is also the hotkey of categories[0]"
        );
        assert_eq!(error(r#"{"categories":[{"id":"a"}]}"#), "categories[0].name: missing or empty");
        assert_eq!(error(r#"{"categories":[{"id":"a","name":"  "}]}"#), "categories[0].name: missing or empty");
        assert_eq!(
            error(r#"{"categories":[{"name":"A","colour":"red; background:url(http://x)"}]}"#),
            "categories[0].colour: \"red; background:url(http://x)\" is not a hex colour such as \"#d9480f\""
        );
        assert!(error(r#"{"categories":[{"name":"A","hotKey":1}]}"#).starts_with("categories[0].hotKey: unknown field"));
        assert_eq!(error(r#"{"severities":["low"]}"#), "categories: missing, or not an array");
        assert_eq!(error(r#"{"categories":[],"severities":["low","low"]}"#), "severities[1]: \"low\" is listed twice");
        assert!(error("{").starts_with("not JSON: "));
    }

    #[test]
    fn missing_fields_take_defaults() {
        let taxonomy =
            Taxonomy::from_json(r##"{"categories":[{"name":"Wrong Tool!"},{"name":"B","colour":"#e03131"}]}"##)
                .unwrap();
        assert!(taxonomy.multiple);
        assert_eq!(taxonomy.severities, ["low", "medium", "high"]);
        assert_eq!(taxonomy.categories[0].id, "wrong_tool");
        // The first category takes the first palette colour the others do not use.
        assert_eq!(taxonomy.categories[0].colour, PALETTE[1]);
        assert_eq!(taxonomy.categories[0].hotkey, None);
    }

    #[test]
    fn a_new_category_gets_a_unique_slug_the_next_hotkey_and_an_unused_colour() {
        let mut taxonomy = Taxonomy::starter();
        assert_eq!(taxonomy.add_category("Wrong tool"), "wrong_tool_2");
        let added = taxonomy.category("wrong_tool_2").unwrap();
        assert_eq!((added.name.as_str(), added.hotkey, added.colour.as_str()), ("Wrong tool", Some(9), PALETTE[8]));
        assert_eq!(taxonomy.add_category("  Date / time confusion "), "date_time_confusion");
        assert_eq!(taxonomy.category("date_time_confusion").unwrap().hotkey, None, "1–9 are all taken");
        assert_eq!(taxonomy.add_category("???"), "category");
        assert_eq!(taxonomy.add_category(""), "category_2");
        // All palette colours used: the next in turn (eleven categories before it).
        assert_eq!(taxonomy.category("category_2").unwrap().colour, PALETTE[11 % PALETTE.len()]);
        assert!(Taxonomy::from_json(&taxonomy.to_json()).is_ok());
    }

    /// WCAG relative luminance of `#rrggbb`.
    fn luminance(colour: &str) -> f64 {
        let channel = |offset: usize| {
            let value = u8::from_str_radix(&colour[offset..offset + 2], 16).unwrap() as f64 / 255.0;
            if value <= 0.03928 {
                value / 12.92
            } else {
                ((value + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    #[test]
    fn palette_colours_stand_out_on_both_themes() {
        for colour in PALETTE {
            assert!(is_hex_colour(colour));
            for background in ["#ffffff", "#14181f"] {
                let (a, b) = (luminance(colour), luminance(background));
                let contrast = (a.max(b) + 0.05) / (a.min(b) + 0.05);
                assert!(contrast >= 3.0, "{colour} on {background}: {contrast:.2}");
            }
        }
    }
}
