//! stub
use serde_json::Value;
use super::{ImportError, RawImport};
pub fn sniff(_: &Value) -> bool { false }
pub fn import(_: &Value) -> Result<RawImport, ImportError> { Ok(RawImport::new("")) }
