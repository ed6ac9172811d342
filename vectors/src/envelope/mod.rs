//! The envelope part of the format (issue 5): MOX messages on SysEx and OSC, chunked
//! messages and the pass-through bridge. `vectors/README.md` describes each kind.
//!
//! The model and the loader's checks live here, the runner against `mox_codec::envelope`
//! in [`run`].
use std::collections::BTreeMap;

use crate::model::{Expected, Verdict};
use crate::Case;

pub mod model;
pub mod run;

pub use model::{
    BridgeDirection, EnvelopeBridgeCase, EnvelopeChunkStep, EnvelopeChunkedCase, EnvelopeOscCase,
    EnvelopeSysExCase, ExtensionDef, FieldDef, FieldType, FieldView, MajorDef, MessageDef,
    MessageView, OscAction, OscElement, Receiver, ReceiverLimits, Reception, ReceptionOutcome,
    Reply,
};

/// The classes of a `malformed` reception (spec §15.4).
pub const MALFORMED_CLASSES: &[&str] = &[
    "not-seven-bit",
    "truncated-header",
    "reserved-bit-set",
    "varint-overlong",
    "varint-too-long",
    "field-overrun",
    "too-many-fields",
    "record-too-deep",
    "bad-field-length",
    "duplicate-field",
    "value-out-of-range",
];

/// The classes of a `rejected` reception, the node-level ones included (spec §15.4).
pub const REJECTED_CLASSES: &[&str] = &[
    "unsupported-extension",
    "unsupported-version",
    "unsupported-message-type",
    "not-negotiated",
    "busy",
];

/// The classes of a `consumed` reception: chapter 11's (spec §15.4).
pub const CONSUMED_CLASSES: &[&str] = &[
    "chunk-truncated",
    "chunk-count-mismatch",
    "chunk-accepted",
    "chunk-duplicate",
    "chunk-out-of-sequence",
    "chunk-conflicting",
    "chunk-missing",
    "chunk-length-mismatch",
    "transfer-too-large",
    "too-many-transfers",
    "transfer-abandoned",
    "transfer-timed-out",
    "transfer-restarted",
];

/// The classes a `not-mox` reception may carry: SysEx `not-seven-bit` (MOX-SYX-005) and the
/// OSC layer's classes of a broken `/mox` message (MOX-OSC-004).
pub const NOT_MOX_CLASSES: &[&str] = &[
    "not-seven-bit",
    "unterminated-string",
    "nonzero-padding",
    "bad-blob-size",
    "blob-too-large",
    "truncated",
];

/// The other classes of a reception, one outcome each.
pub const OTHER_RECEPTION_CLASSES: &[&str] =
    &["unknown-format", "bad-check", "unknown-critical-field"];

/// The error classes of kind `envelope-bridge`.
pub const BRIDGE_ERROR_CLASSES: &[&str] =
    &["not-mox", "not-seven-bit", "bad-check", "unknown-format"];

/// Every envelope class list, for [`ErrorClass::new`].
pub(crate) const ALL_CLASS_LISTS: &[&[&str]] = &[
    MALFORMED_CLASSES,
    REJECTED_CLASSES,
    CONSUMED_CLASSES,
    NOT_MOX_CLASSES,
    OTHER_RECEPTION_CLASSES,
    BRIDGE_ERROR_CLASSES,
];

/// What a requirement id matches (`MOX-FLD-007`).
pub const REQUIREMENT_PATTERN: &str = "^MOX-[A-Z]{3}-[0-9]{3}$";

pub(crate) fn is_requirement(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 11
        && id.starts_with("MOX-")
        && b[4..7].iter().all(u8::is_ascii_uppercase)
        && b[7] == b'-'
        && b[8..].iter().all(u8::is_ascii_digit)
}

/// The rules of one envelope case that the types cannot express; `receivers` are its file's.
pub(crate) fn check_case(
    case: &Case,
    receivers: &BTreeMap<String, Receiver>,
    rules: &mut Vec<String>,
) {
    use crate::load::check_expected;
    let kind = case.kind();
    let (requirements, receiver) = match case {
        Case::EnvelopeSysEx(c) => (&c.requirements, Some(&c.receiver)),
        Case::EnvelopeOsc(c) => (&c.requirements, Some(&c.receiver)),
        Case::EnvelopeChunked(c) => (&c.requirements, Some(&c.receiver)),
        Case::EnvelopeBridge(c) => (&c.requirements, None),
        _ => return,
    };
    if requirements.is_empty() {
        rules.push("requirements is empty: name the requirement ids the case tests".to_owned());
    }
    for id in requirements {
        if !is_requirement(id) {
            rules.push(format!(
                "requirement {id:?} does not match {REQUIREMENT_PATTERN}"
            ));
        }
    }
    if let Some(name) = receiver {
        if !receivers.contains_key(name) {
            rules.push(format!("receiver {name:?} is not defined in this file"));
        }
    }
    match case {
        Case::EnvelopeSysEx(c) => {
            check_expected(&c.expected, kind, rules, |_, _| {});
            each_value(&c.expected, |r| check_reception(r, true, rules));
        }
        Case::EnvelopeOsc(c) => {
            check_expected(&c.expected, kind, rules, |_, _| {});
            each_value(&c.expected, |elements| {
                for e in elements {
                    match (&e.action, &e.result) {
                        (OscAction::Mox, Some(r)) => {
                            if e.address != "/mox" {
                                rules.push(format!("a mox element at {:?}", e.address));
                            }
                            check_reception(r, false, rules);
                        }
                        (OscAction::Mox, None) => {
                            rules.push("a mox element needs a result".to_owned())
                        }
                        (_, Some(_)) => rules.push("only a mox element has a result".to_owned()),
                        (_, None) => {}
                    }
                }
            });
        }
        Case::EnvelopeChunked(c) => {
            check_expected(&c.expected, kind, rules, |_, _| {});
            each_value(&c.expected, |results| {
                if results.len() != c.steps.len() {
                    rules.push(format!(
                        "{} results for {} steps: give one result per step",
                        results.len(),
                        c.steps.len()
                    ));
                }
                for r in results {
                    check_reception(r, true, rules);
                }
            });
        }
        Case::EnvelopeBridge(c) => {
            check_expected(&c.expected, kind, rules, |_, _| {});
            match (c.direction, &c.carrier) {
                (BridgeDirection::OscToSysex, None) => {
                    rules.push("osc-to-sysex needs the bridge's carrier".to_owned())
                }
                (BridgeDirection::SysexToOsc, Some(_)) => {
                    rules.push("carrier is for osc-to-sysex only".to_owned())
                }
                (_, Some(carrier)) if !is_carrier(carrier.as_bytes()) => rules.push(format!(
                    "carrier {carrier} is not a carrier id (1 byte 01-7D, or 00 xx yy)"
                )),
                _ => {}
            }
        }
        _ => {}
    }
}

/// The rules of spec §15.2 and MOX-RCV-011 for the receivers of one file: node ids in range,
/// owners of 1 or 3 bytes, nothing defined twice, no field added after its major's minor,
/// and fields only in records.
pub(crate) fn check_receivers(receivers: &BTreeMap<String, Receiver>) -> Vec<String> {
    fn fields(defs: &[FieldDef], minor: u8, at: &str, rules: &mut Vec<String>) {
        for (i, d) in defs.iter().enumerate() {
            if defs[..i].iter().any(|e| e.id == d.id) {
                rules.push(format!("{at}: field {} is defined twice", d.id));
            }
            if d.id >= 1 << 18 {
                rules.push(format!("{at}: field id {} is above 262143", d.id));
            }
            if d.added > minor {
                rules.push(format!(
                    "{at}: field {} is added in minor {} after the major's minor {minor}",
                    d.id, d.added
                ));
            }
            match (&d.fields, d.field_type == FieldType::Record) {
                (Some(inner), true) => fields(inner, minor, at, rules),
                (None, true) => rules.push(format!("{at}: record {} has no fields", d.id)),
                (Some(_), false) => {
                    rules.push(format!("{at}: field {} has fields but is no record", d.id))
                }
                (None, false) => {}
            }
        }
    }
    let mut rules = Vec::new();
    for (name, r) in receivers {
        let at = format!("receiver {name:?}");
        if r.node_id > 0x0FFF_FFFE {
            rules.push(format!(
                "{at}: node_id {:#x} is above 0x0FFFFFFE",
                r.node_id
            ));
        }
        for (i, e) in r.extensions.iter().enumerate() {
            let owner_ok = matches!(e.owner.as_slice(), [o] if (1..=0x7F).contains(o))
                || matches!(e.owner.as_slice(), [0, a, b] if *a <= 0x7F && *b <= 0x7F);
            if !owner_ok {
                rules.push(format!(
                    "{at}: owner {:?} is not 1 byte or 00 xx yy",
                    e.owner
                ));
            }
            if r.extensions[..i]
                .iter()
                .any(|f| f.owner == e.owner && f.number == e.number)
            {
                rules.push(format!("{at}: extension {:?} {} twice", e.owner, e.number));
            }
            for (j, m) in e.majors.iter().enumerate() {
                if e.majors[..j].iter().any(|n| n.major == m.major) {
                    rules.push(format!("{at}: major {} twice", m.major));
                }
                for (k, t) in m.messages.iter().enumerate() {
                    if m.messages[..k]
                        .iter()
                        .any(|u| u.message_type == t.message_type)
                    {
                        rules.push(format!("{at}: message type {} twice", t.message_type));
                    }
                    fields(&t.fields, m.minor, &at, &mut rules);
                }
            }
        }
    }
    rules
}

/// A SysEx manufacturer id MOX may be carried under: never `7E` or `7F`.
fn is_carrier(id: &[u8]) -> bool {
    match id {
        [b] => (0x01..=0x7D).contains(b),
        [0, b, c] => *b <= 0x7F && *c <= 0x7F,
        _ => false,
    }
}

fn each_value<V: Clone>(expected: &Expected<V>, mut f: impl FnMut(&V)) {
    for verdict in expected.outcomes().iter() {
        match verdict {
            Verdict::Valid { value }
            | Verdict::Invalid {
                partial: Some(value),
                ..
            } => f(value),
            Verdict::Invalid { partial: None, .. } => {}
        }
    }
}

/// A class exactly where the outcome has one and from its list, a reply only with a code the
/// outcome can call for (naming a field exactly for `06`, `08`, `0B`, `24`), a message
/// exactly when delivered, and a carrier only on SysEx. `consumed` may appear on both
/// bindings: chunking is defined on OSC too (MOX-OSC-021).
fn check_reception(r: &Reception, sysex: bool, rules: &mut Vec<String>) {
    use ReceptionOutcome as O;
    let (classes, required): (&[&str], bool) = match r.outcome {
        O::NotMox => (NOT_MOX_CLASSES, false),
        O::Ignored => (&["unknown-format"], true),
        O::Discarded => (&["bad-check"], true),
        O::Malformed => (MALFORMED_CLASSES, true),
        O::OtherDestination | O::Delivered => (&[], false),
        O::Rejected => (REJECTED_CLASSES, true),
        O::Consumed => (CONSUMED_CLASSES, true),
        O::Dropped => (&["unknown-critical-field"], true),
    };
    let outcome = serde_json::to_string(&r.outcome).unwrap_or_default();
    match &r.class {
        None if required => rules.push(format!("outcome {outcome} needs a class")),
        Some(class) if !classes.contains(&class.as_str()) => {
            rules.push(format!("outcome {outcome} cannot have class {class}"))
        }
        _ => {}
    }
    if let Some(reply) = &r.reply {
        let code = reply.code.as_bytes();
        let allowed: &[u8] = match r.outcome {
            O::Malformed => &[0x07, 0x08, 0x41],
            O::Rejected => &[0x01, 0x02, 0x05, 0x0A, 0x43],
            O::Consumed => &[0x09, 0x0C, 0x0D, 0x21, 0x22, 0x23, 0x25, 0x41, 0x44],
            O::Dropped => &[0x06],
            O::Delivered => &[0x24],
            _ => &[],
        };
        if code.len() != 1 || !allowed.contains(&code[0]) {
            rules.push(format!(
                "no reply {} to a reception with outcome {outcome}",
                reply.code
            ));
        }
        if reply.field.is_some() != matches!(code, [0x06] | [0x08] | [0x0B] | [0x24]) {
            rules
                .push("a reply names a field exactly when its code is 06, 08, 0B or 24".to_owned());
        }
    }
    match (&r.outcome, &r.message) {
        (O::Delivered, Some(m)) => {
            if m.carrier.is_some() != sysex {
                rules.push(if sysex {
                    "a delivered SysEx message needs its carrier".to_owned()
                } else {
                    "an OSC message has no carrier".to_owned()
                });
            }
            if m.src.is_some() != m.dst.is_some() {
                rules.push("src and dst come together (A=1)".to_owned());
            }
        }
        (O::Delivered, None) => rules.push("a delivered reception needs its message".to_owned()),
        (_, Some(_)) => rules.push("only a delivered reception has a message".to_owned()),
        (_, None) => {}
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::path::Path;

    use crate::{run_case, Corpus, Outcome, Problem};

    const RECEIVERS: &str = r#"{"r": {"node_id": 1, "extensions": []}}"#;

    fn sysex_case(id: &str, receiver: &str, requirements: &str) -> String {
        format!(
            r#"{{"id": "{id}", "description": "d", "source": "s", "kind": "envelope-sysex",
                "requirements": {requirements}, "receiver": "{receiver}", "hex": "f07d4d4f5820f7",
                "expected": {{"result": "valid", "value": {{"outcome": "ignored", "class": "unknown-format"}}}}}}"#
        )
    }

    fn load(cases: &[String]) -> Result<Corpus, Vec<Problem>> {
        let file = format!(
            r#"{{"corpus_version": "1.0.0", "receivers": {RECEIVERS}, "cases": [{}]}}"#,
            cases.join(",")
        );
        Corpus::load_with(Path::new("test"), |path| match path {
            "manifest.json" => Ok(r#"{"corpus_version": "1.0.0", "files": ["e.json"]}"#.into()),
            "e.json" => Ok(file.clone()),
            _ => Err(io::Error::new(io::ErrorKind::NotFound, path.to_owned())),
        })
        .map_err(|e| e.problems)
    }

    #[test]
    fn envelope_cases_run_with_their_files_receivers() {
        let corpus = load(&[sysex_case("e::a::one", "r", r#"["MOX-SYX-001"]"#)]).unwrap();
        assert_eq!(corpus.files[0].receivers.len(), 1);
        let summary = corpus.run();
        assert_eq!((summary.passed, summary.failed), (1, 0), "{summary}");
        assert_eq!(summary.by_kind["envelope-sysex"].passed, 1);
        assert!(
            summary
                .to_string()
                .ends_with("envelope-sysex: 1 passed, 0 failed\n1 passed, 0 failed"),
            "{summary}"
        );
        let (file, case) = corpus.cases().next().unwrap();
        assert_eq!(file.run_case(case), Outcome::Pass);
        // Without its file, the case has no receiver: it fails, and says why.
        match run_case(case) {
            Outcome::Fail { reason } => assert!(reason.contains("is not given"), "{reason}"),
            Outcome::Pass => panic!("an envelope case passed without its receiver"),
        }
    }

    #[test]
    fn a_wrong_reception_fails_and_says_where() {
        // Format 01 is ignored (MOX-SYX-011); the case claims a bad check.
        let wrong = sysex_case("e::a::one", "r", r#"["MOX-SYX-001"]"#).replace(
            r#"{"outcome": "ignored", "class": "unknown-format"}"#,
            r#"{"outcome": "discarded", "class": "bad-check"}"#,
        );
        let corpus = load(&[wrong]).unwrap();
        let summary = corpus.run();
        assert_eq!((summary.passed, summary.failed), (0, 1), "{summary}");
        let reason = &summary.failures[0].reason;
        assert!(
            reason.contains(r#"outcome "ignored" where "discarded" was expected"#),
            "{reason}"
        );
    }

    #[test]
    fn undefined_receiver_and_bad_requirements_are_refused() {
        let problems = load(&[
            sysex_case("e::a::one", "nobody", r#"["MOX-SYX-001"]"#),
            sysex_case("e::a::two", "r", r#"[]"#),
            sysex_case("e::a::three", "r", r#"["MOX-syx-1"]"#),
        ])
        .unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 3, "{text:#?}");
        assert!(text[0].contains(r#"receiver "nobody" is not defined"#));
        assert!(text[1].contains("requirements is empty"));
        assert!(text[2].contains(r#"requirement "MOX-syx-1" does not match"#));
    }

    #[test]
    fn receivers_follow_the_description_rules() {
        let bad: std::collections::BTreeMap<String, super::Receiver> = serde_json::from_str(
            r#"{"r": {"node_id": 268435455, "extensions": [
                {"owner": [126, 1], "number": 1, "majors": [{"major": 1, "minor": 0, "messages": [
                    {"type": 1, "fields": [{"id": 0, "type": "u7", "added": 1},
                                           {"id": 0, "type": "u7"},
                                           {"id": 8, "type": "record"}]},
                    {"type": 1, "fields": []}]}]},
                {"owner": [126, 1], "number": 1, "majors": []}]}}"#,
        )
        .unwrap();
        let rules = super::check_receivers(&bad);
        for why in [
            "node_id 0xfffffff is above",
            "owner [126, 1] is not 1 byte",
            "field 0 is added in minor 1 after the major's minor 0",
            "field 0 is defined twice",
            "record 8 has no fields",
            "message type 1 twice",
            "extension [126, 1] 1 twice",
        ] {
            assert!(
                rules.iter().any(|r| r.contains(why)),
                "{rules:#?} lacks {why:?}"
            );
        }
        let corpus = crate::Corpus::load_default().unwrap();
        for file in &corpus.files {
            assert_eq!(
                super::check_receivers(&file.receivers),
                Vec::<String>::new()
            );
        }
    }

    #[test]
    fn receptions_are_consistent() {
        let case = |value: &str| {
            format!(
                r#"{{"id": "e::a::c", "description": "d", "source": "s", "kind": "envelope-sysex",
                    "requirements": ["MOX-SYX-001"], "receiver": "r", "hex": "f7",
                    "expected": {{"result": "valid", "value": {value}}}}}"#
            )
        };
        for (value, why) in [
            (
                r#"{"outcome": "dropped"}"#,
                "outcome \"dropped\" needs a class",
            ),
            (
                r#"{"outcome": "malformed", "class": "bad-check"}"#,
                "cannot have class bad-check",
            ),
            (
                r#"{"outcome": "rejected", "class": "unsupported-version", "reply": {"code": "41"}}"#,
                "no reply 41",
            ),
            (
                r#"{"outcome": "dropped", "class": "unknown-critical-field", "reply": {"code": "06"}}"#,
                "names a field exactly when",
            ),
            (r#"{"outcome": "delivered"}"#, "needs its message"),
            (
                r#"{"outcome": "delivered", "message": {"check": false, "owner": "7e", "number": 1,
                    "major": 1, "minor": 0, "type": 1, "fields": []}}"#,
                "needs its carrier",
            ),
        ] {
            let problems = load(&[case(value)]).unwrap_err();
            assert!(
                problems.iter().any(|p| p.to_string().contains(why)),
                "{value}: {problems:#?} lacks {why:?}"
            );
        }
        assert!(load(&[case(
            r#"{"outcome": "malformed", "class": "field-overrun", "reply": {"code": "41"}}"#
        )])
        .is_ok());
    }
}
