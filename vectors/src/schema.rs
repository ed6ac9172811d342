//! The JSON Schema of the format, generated from the model.
use schemars::{JsonSchema, Schema};
use serde::Serialize;

use crate::model::{Manifest, VectorFile};

/// Where the checked-in schema lives, relative to the `vectors/` directory.
pub const SCHEMA_PATH: &str = "schema/vectors.schema.json";

/// A document of the MOX test-vector corpus: `manifest.json`, or a corpus file such as
/// `osc/packet.json`. See `vectors/README.md`.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(title = "MOX test-vector corpus")]
#[allow(dead_code)] // only its schema is used
enum Document {
    File(VectorFile),
    Manifest(Manifest),
}

/// The JSON Schema (draft 2020-12) of corpus files and the manifest.
pub fn schema() -> Schema {
    schemars::schema_for!(Document)
}

/// The schema as the checked-in file holds it: pretty-printed, with a final newline.
pub fn schema_json() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    text.push('\n');
    text
}
