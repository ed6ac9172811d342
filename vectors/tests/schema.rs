//! The checked-in JSON Schema must be what the model generates.
//!
//! After changing the model, regenerate it with
//! `MOX_UPDATE_SCHEMA=1 cargo test -p mox-vectors --test schema`.
use std::path::Path;

#[test]
fn checked_in_schema_matches_the_model() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(mox_vectors::SCHEMA_PATH);
    let generated = mox_vectors::schema_json();
    if std::env::var_os("MOX_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("write the schema");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{} is out of date with the Rust model in vectors/src/model.rs.\n\
         Regenerate it with:\n\n    MOX_UPDATE_SCHEMA=1 cargo test -p mox-vectors\n\n\
         and commit the result.",
        path.display()
    );
}
