//! A small JSON Schema checker for the schemas in `www/`: the keywords they use (`type`,
//! `required`, `properties`, `additionalProperties`, `items`, `enum`, `const`, `minimum`,
//! `maximum`, `minLength`, `uniqueItems`, `oneOf`, `anyOf`, local `$ref`). Annotations are ignored;
//! so is `pattern` (no regular expressions here), said aloud rather than silently: any other
//! keyword fails the check, so a schema cannot grow a rule this checker skips.

use serde_json::Value;

const IGNORED: &[&str] =
    &["$schema", "$id", "$defs", "title", "description", "default", "examples", "format", "pattern"];

/// The errors of `value` against `schema` (a subschema of `root`), each with its JSON path.
pub fn errors(root: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    check(root, schema, value, "$", &mut found);
    found
}

fn check(root: &Value, schema: &Value, value: &Value, path: &str, found: &mut Vec<String>) {
    let Value::Object(rules) = schema else {
        if schema == &Value::Bool(false) {
            found.push(format!("{path}: not allowed"));
        }
        return;
    };
    for (keyword, rule) in rules {
        match keyword.as_str() {
            "$ref" => {
                let name = rule.as_str().and_then(|reference| reference.strip_prefix("#/$defs/")).expect("local $ref");
                check(root, &root["$defs"][name], value, path, found);
            }
            "type" => {
                let types: Vec<&str> = match rule {
                    Value::String(one) => vec![one.as_str()],
                    Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                    _ => panic!("type must be a string or array"),
                };
                if !types.iter().any(|kind| is_type(value, kind)) {
                    found.push(format!("{path}: {value} is not of type {types:?}"));
                }
            }
            "required" => {
                if let Value::Object(fields) = value {
                    for key in rule.as_array().unwrap().iter().filter_map(Value::as_str) {
                        if !fields.contains_key(key) {
                            found.push(format!("{path}: missing {key}"));
                        }
                    }
                }
            }
            "properties" => {
                if let Value::Object(fields) = value {
                    for (key, subschema) in rule.as_object().unwrap() {
                        if let Some(field) = fields.get(key) {
                            check(root, subschema, field, &format!("{path}.{key}"), found);
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Value::Object(fields) = value {
                    let known = rules.get("properties").and_then(Value::as_object);
                    for (key, field) in fields {
                        if !known.is_some_and(|known| known.contains_key(key)) {
                            check(root, rule, field, &format!("{path}.{key}"), found);
                        }
                    }
                }
            }
            "items" => {
                if let Value::Array(items) = value {
                    for (index, item) in items.iter().enumerate() {
                        check(root, rule, item, &format!("{path}[{index}]"), found);
                    }
                }
            }
            "enum" => {
                if !rule.as_array().unwrap().contains(value) {
                    found.push(format!("{path}: {value} is not one of {rule}"));
                }
            }
            "const" => {
                if rule != value {
                    found.push(format!("{path}: {value} is not {rule}"));
                }
            }
            "minimum" | "maximum" => {
                if let (Some(number), Some(bound)) = (value.as_f64(), rule.as_f64()) {
                    if (keyword == "minimum" && number < bound) || (keyword == "maximum" && number > bound) {
                        found.push(format!("{path}: {number} is beyond the {keyword} {bound}"));
                    }
                }
            }
            "minLength" => {
                if let Some(text) = value.as_str() {
                    if (text.chars().count() as u64) < rule.as_u64().unwrap() {
                        found.push(format!("{path}: shorter than {rule}"));
                    }
                }
            }
            "uniqueItems" => {
                if let (Value::Array(items), Value::Bool(true)) = (value, rule) {
                    if items.iter().enumerate().any(|(index, item)| items[..index].contains(item)) {
                        found.push(format!("{path}: items repeat"));
                    }
                }
            }
            "oneOf" | "anyOf" => {
                let passing = rule
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|subschema| errors(root, subschema, value).is_empty())
                    .count();
                if (keyword == "oneOf" && passing != 1) || (keyword == "anyOf" && passing == 0) {
                    found.push(format!("{path}: {passing} of the {keyword} schemas match"));
                }
            }
            other if IGNORED.contains(&other) => {}
            other => panic!("the schema checker does not know the keyword {other}"),
        }
    }
}

fn is_type(value: &Value, kind: &str) -> bool {
    match kind {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        other => panic!("unknown type {other}"),
    }
}
