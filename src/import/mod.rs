//! Reads trace files: parses JSON once, detects the format by its structure, and hands the value
//! to that format's importer. Each importer lives in its own file with a `sniff` and an `import`.

pub mod encoding;
mod error;
mod fields;
mod otlp;
mod own_format;
mod semantic;

use serde_json::Value;

pub use error::ImportError;

use crate::model::TraceSet;

/// One supported format: how to recognise it and how to read it.
struct Importer {
    /// Shown in error messages: which formats were tried.
    description: &'static str,
    sniff: fn(&Value) -> bool,
    import: fn(&Value) -> Result<TraceSet, ImportError>,
}

/// Tried in order; the first whose `sniff` accepts the document imports it.
const IMPORTERS: &[Importer] = &[
    Importer {
        description: "trace-viewer's own format (an object with \"format\": \"trace-viewer/v1\")",
        sniff: own_format::sniff,
        import: own_format::import,
    },
    Importer {
        description: "OTLP/JSON (an object with \"resourceSpans\", optionally inside \"result\")",
        sniff: otlp::sniff,
        import: otlp::import,
    },
];

/// Imports a file's text. The file name, when given, is only a label: detection looks at structure.
pub fn import_text(text: &str, _file_name: Option<&str>) -> Result<TraceSet, ImportError> {
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let value: Value = serde_json::from_str(text).map_err(ImportError::from_json_error)?;
    import_value(&value)
}

/// Imports an already parsed JSON document (what the element's `data` property receives).
pub fn import_value(value: &Value) -> Result<TraceSet, ImportError> {
    for importer in IMPORTERS {
        if (importer.sniff)(value) {
            return (importer.import)(value);
        }
    }
    Err(ImportError::UnknownFormat {
        tried: IMPORTERS.iter().map(|importer| importer.description).collect(),
        found: error::describe_shape(value),
    })
}
