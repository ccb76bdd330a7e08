//! LangSmith's multipart ingest body (`POST /runs/multipart`, as a proxy or a test server records
//! it): `multipart/form-data` parts named `post.<run id>` (the run) and `post.<run id>.inputs`,
//! `.outputs`, `.events`, `.extra`... (its fields, each JSON), and the same for `patch.<run id>`.
//! Read into the `{"post": [...], "patch": [...]}` document the LangSmith importer merges.

use crate::json::{Map, Value};

/// Whether the text is a multipart body holding LangSmith runs: a boundary line first, and a
/// part named `post.` or `patch.`.
pub fn looks_like(text: &str) -> bool {
    let start = text.trim_start();
    start.starts_with("--")
        && start.lines().next().is_some_and(|boundary| boundary.len() > 2 && !boundary.contains(' '))
        && (text.contains("name=\"post.") || text.contains("name=\"patch."))
}

/// A part's name, from its `Content-Disposition` header.
fn part_name(headers: &str) -> Option<&str> {
    let disposition = headers.lines().find(|line| line.to_ascii_lowercase().starts_with("content-disposition:"))?;
    let start = disposition.find("name=\"")? + "name=\"".len();
    let length = disposition[start..].find('"')?;
    Some(&disposition[start..start + length])
}

/// The runs of the body as `{"post": [...], "patch": [...]}`, or `None` when no part is a run.
pub fn to_document(text: &str) -> Option<Value<'_>> {
    let text = text.trim_start();
    let boundary = text.lines().next()?.trim_end_matches('\r');
    let mut runs: Vec<(String, String, Map)> = Vec::new();
    for part in text.split(boundary).skip(1) {
        // The closing boundary is followed by `--`.
        if part.starts_with("--") {
            break;
        }
        let part = part.strip_prefix("\r\n").or_else(|| part.strip_prefix('\n')).unwrap_or(part);
        let (headers, body) = part.split_once("\r\n\r\n").or_else(|| part.split_once("\n\n"))?;
        let body = body.strip_suffix("\r\n").or_else(|| body.strip_suffix('\n')).unwrap_or(body);
        let Some(name) = part_name(headers) else { continue };
        let mut pieces = name.splitn(3, '.');
        let (Some(kind @ ("post" | "patch")), Some(id)) = (pieces.next(), pieces.next()) else { continue };
        let Ok(value) = crate::json::from_str(body) else { continue };
        let position =
            match runs.iter().position(|(existing_kind, existing_id, _)| existing_kind == kind && existing_id == id) {
                Some(position) => position,
                None => {
                    let mut run = Map::new();
                    run.insert("id", Value::from(id.to_string()));
                    runs.push((kind.to_string(), id.to_string(), run));
                    runs.len() - 1
                }
            };
        let run = &mut runs[position].2;
        match (pieces.next(), value) {
            (None, Value::Object(fields)) => run.extend(fields),
            (Some(field), value) => {
                run.insert(field.to_string(), value);
            }
            (None, _) => {}
        }
    }
    if runs.is_empty() {
        return None;
    }
    let of = |wanted: &str| {
        Value::Array(
            runs.iter().filter(|(kind, _, _)| kind == wanted).map(|(_, _, run)| Value::Object(run.clone())).collect(),
        )
    };
    let mut document = Map::new();
    document.insert("post", of("post"));
    document.insert("patch", of("patch"));
    Some(Value::Object(document))
}

/// Several bodies' runs as one document (posts and patches in the order the bodies came).
pub fn joined<'t>(bodies: &[&'t str]) -> Option<Value<'t>> {
    let mut posts = Vec::new();
    let mut patches = Vec::new();
    for body in bodies {
        let document = to_document(body)?;
        for (key, list) in [("post", &mut posts), ("patch", &mut patches)] {
            if let Some(Value::Array(runs)) = document.get(key) {
                list.extend(runs.iter().cloned());
            }
        }
    }
    let mut document = Map::new();
    document.insert("post", Value::Array(posts));
    document.insert("patch", Value::Array(patches));
    Some(Value::Object(document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_a_run_are_gathered_into_it() {
        let body = "--b1\r\nContent-Disposition: form-data; name=\"post.r1\"\r\nContent-Type: application/json\r\n\r\n{\"name\":\"agent\",\"run_type\":\"chain\",\"start_time\":\"2025-01-01T00:00:00Z\",\"trace_id\":\"r1\"}\r\n--b1\r\nContent-Disposition: form-data; name=\"post.r1.inputs\"\r\nContent-Type: application/json\r\n\r\n{\"question\":\"hi\"}\r\n--b1\r\nContent-Disposition: form-data; name=\"patch.r1\"\r\n\r\n{\"end_time\":\"2025-01-01T00:00:02Z\",\"trace_id\":\"r1\"}\r\n--b1--\r\n";
        assert!(looks_like(body));
        let document = to_document(body).unwrap();
        assert_eq!(document["post"][0]["inputs"]["question"], "hi");
        assert_eq!(document["post"][0]["id"], "r1");
        assert_eq!(document["patch"][0]["end_time"], "2025-01-01T00:00:02Z");
    }
}
