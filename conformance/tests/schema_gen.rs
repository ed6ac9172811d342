//! `mox schema gen`: the checked-in modules `codec/src/envelope/ext/{fader,grid,sample}.rs`
//! must be exactly what the generator writes for the shipped schemas (and the generator's
//! test fixture), so they are never kept by hand.
//!
//! After changing the generator or a shipped schema, regenerate with
//! `MOX_UPDATE_GEN=1 cargo test -p mox-conformance --test schema_gen` and commit the result.
mod common;
use common::{matches_checked_in, mox_in, root};

#[test]
fn checked_in_modules_match_the_generator() {
    for (schema, module) in [
        ("spec/extensions/mox.fader.toml", "fader"),
        ("spec/extensions/mox.grid.toml", "grid"),
        ("conformance/src/schema/testdata/acme.sample.toml", "sample"),
    ] {
        let out = mox_in(&root(), &["schema", "gen", schema]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let source = String::from_utf8(out.stdout).unwrap();
        assert!(source.starts_with("//! `"), "{source}");
        assert!(
            source.contains(&format!("`mox schema gen {schema}`")),
            "{source}"
        );
        let rel = format!("codec/src/envelope/ext/{module}.rs");
        matches_checked_in(&rel, &source, "MOX_UPDATE_GEN", "schema_gen");
    }
}

#[test]
fn gen_writes_the_output_file() {
    let dir = std::env::temp_dir().join(format!("mox-schema-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let schema = root().join("spec/extensions/mox.grid.toml");
    let out_file = dir.join("grid.rs");
    let out = mox_in(
        &dir,
        &[
            "schema",
            "gen",
            schema.to_str().unwrap(),
            "-o",
            out_file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty(), "-o writes the file, not stdout");
    let source = std::fs::read_to_string(&out_file).unwrap();
    assert!(source.contains("pub struct FrameView<'a, 'r>"), "{source}");
    assert!(source.contains(".max_len(768)"), "{source}");
}

#[test]
fn gen_refuses_invalid_and_unsupported_schemas() {
    let dir = std::env::temp_dir().join(format!("mox-schema-gen-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fader = std::fs::read_to_string(root().join("spec/extensions/mox.fader.toml")).unwrap();
    // Invalid: a GREASE extension number.
    std::fs::write(
        dir.join("bad.toml"),
        fader.replacen("number = 1\n", "number = 7\n", 1),
    )
    .unwrap();
    let out = mox_in(&dir, &["schema", "gen", "bad.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("error[MOX-SCH-006]"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Valid but not supported yet: a repeated field.
    // (The last `strip-query`, major 2's, which has no example.)
    let needle = "type = \"u7\"\nsummary = \"The strip asked for; absent = all strips.\"";
    let at = fader.rfind(needle).expect("major 2 strip-query");
    let repeated = format!(
        "{}type = \"u7\"\nrepeated = true\n{}",
        &fader[..at],
        &fader[at + "type = \"u7\"\n".len()..]
    );
    assert_ne!(repeated, fader);
    std::fs::write(dir.join("repeated.toml"), repeated).unwrap();
    assert_eq!(
        mox_in(&dir, &["schema", "check", "repeated.toml"])
            .status
            .code(),
        Some(0)
    );
    let out = mox_in(&dir, &["schema", "gen", "repeated.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("major 2 message `strip-query` field `strip`: the generator does not support repeated fields yet"),
        "{stderr}"
    );
}
