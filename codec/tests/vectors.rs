//! The golden vector corpus (`vectors/`, see `vectors/README.md`): every case must pass (or be
//! one of the [`KNOWN_FAILURES`]), and a human-readable dump of every valid `osc-packet` case
//! is pinned with `insta`.
//!
//! After an intended change to the dumps (or new valid cases), review and accept them with
//! `cargo insta review` (or `INSTA_UPDATE=always cargo test -p mox-codec --test vectors`).
use std::collections::BTreeSet;
use std::fmt::Write as _;

use mox_codec::osc::Packet;
use mox_vectors::{Case, Corpus, Expected};

/// The fewest OSC cases the corpus may hold (packet, stream and match files together); raise
/// it as the corpus grows.
const MIN_OSC_CASES: usize = 150;

/// The fewest envelope cases (issue 5 asks for at least 150).
const MIN_ENVELOPE_CASES: usize = 150;

/// Cases known to fail against `mox-codec`, each with why: a codec bug or a wrong vector,
/// named with the requirement of `spec/mox.md` that shows it. `every_case_passes` requires
/// exactly these to fail, so fixing one also forces removing its entry here.
///
/// Empty: every case of the corpus passes.
const KNOWN_FAILURES: &[(&str, &str)] = &[];

fn corpus() -> Corpus {
    Corpus::load_default().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_case_passes() {
    let corpus = corpus();
    let summary = corpus.run();
    let known: BTreeSet<&str> = KNOWN_FAILURES.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        known.len(),
        KNOWN_FAILURES.len(),
        "KNOWN_FAILURES lists an id twice"
    );
    let failed: BTreeSet<&str> = summary.failures.iter().map(|f| f.id.as_str()).collect();
    let unexpected: Vec<&str> = failed.difference(&known).copied().collect();
    assert!(
        unexpected.is_empty(),
        "{} corpus case(s) failed that KNOWN_FAILURES does not list: {unexpected:?}\n{summary}",
        unexpected.len()
    );
    let fixed: Vec<&str> = known.difference(&failed).copied().collect();
    assert!(
        fixed.is_empty(),
        "now passing (or gone): remove them from KNOWN_FAILURES: {fixed:?}"
    );
    assert_eq!(summary.failed, KNOWN_FAILURES.len());
    assert_eq!(
        summary.passed + KNOWN_FAILURES.len(),
        corpus.len(),
        "{summary}"
    );
}

#[test]
fn corpus_has_cases() {
    let corpus = corpus();
    for file in &corpus.files {
        assert!(!file.cases.is_empty(), "{} has no cases", file.path);
    }
    let osc = corpus
        .cases()
        .filter(|(_, case)| case.id().starts_with("osc::"))
        .count();
    assert!(
        osc >= MIN_OSC_CASES,
        "only {osc} OSC cases; expected at least {MIN_OSC_CASES}"
    );
    let envelope = corpus
        .cases()
        .filter(|(_, case)| case.id().starts_with("envelope::"))
        .count();
    assert!(
        envelope >= MIN_ENVELOPE_CASES,
        "only {envelope} envelope cases; expected at least {MIN_ENVELOPE_CASES}"
    );
}

/// A corpus file that the manifest does not list would silently never run.
#[test]
fn every_corpus_file_is_listed() {
    let corpus = corpus();
    let mut unlisted = Vec::new();
    let mut dirs = vec![corpus.dir.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(&corpus.dir).unwrap();
            let name = relative.to_string_lossy().replace('\\', "/");
            let skip = ["schema", "src", "tests", "tools", "target", "manifest.json"];
            if skip.contains(&name.as_str()) {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
            } else if name.ends_with(".json") && !corpus.files.iter().any(|f| f.path == name) {
                unlisted.push(name);
            }
        }
    }
    assert!(
        unlisted.is_empty(),
        "not listed in vectors/manifest.json: {unlisted:?}"
    );
}

/// One snapshot per corpus file: `## id`, then the decoded packet as `Display` shows it.
#[test]
fn valid_packet_dumps() {
    let corpus = corpus();
    for file in &corpus.files {
        let mut dump = String::new();
        for case in &file.cases {
            let Case::OscPacket(case) = case else {
                continue;
            };
            if !matches!(case.expected, Expected::Valid { .. }) {
                continue;
            }
            let config = case.config.unwrap_or_default().decode_config();
            let packet = Packet::decode_with(case.hex.as_bytes(), &config)
                .unwrap_or_else(|e| panic!("{}: {e}", case.id));
            writeln!(dump, "## {}\n{packet}\n", case.id).unwrap();
        }
        if dump.is_empty() {
            continue;
        }
        let name = file.path.trim_end_matches(".json").replace('/', "-");
        insta::assert_snapshot!(format!("valid-packets-{name}"), dump);
    }
}
