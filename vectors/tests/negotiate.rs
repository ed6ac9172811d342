//! Invariants of the negotiation transcripts that need no machine (the machine runner
//! belongs with `mox-negotiate`): the corpus loads them through the model, and every body
//! they hold is a `mox.core` message the codec decodes.
use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use mox_codec::envelope::{crc, Body, ExtensionId, Limits};
use mox_vectors::negotiate::{Binding, Event, Id28, Input, NegotiateTranscriptCase};
use mox_vectors::{Case, Corpus, ProblemKind};

/// The twelve transcripts the design marks ★ (§6.2): written first, by hand.
const STARRED: &[&str] = &[
    "negotiate::happy::initiator",
    "negotiate::happy::responder",
    "negotiate::versions::overlap",
    "negotiate::versions::disjoint",
    "negotiate::versions::deprecated-avoided",
    "negotiate::versions::sunset-refused",
    "negotiate::reply::major-not-offered",
    "negotiate::silence::fallback-after-retries",
    "negotiate::simultaneous::higher-id-wins",
    "negotiate::reboot::new-id-confirmed",
    "negotiate::collision::hello-with-own-id",
    "negotiate::network::reply-lost",
];

fn transcripts(corpus: &Corpus) -> Vec<&NegotiateTranscriptCase> {
    corpus
        .cases()
        .filter_map(|(_, case)| match case {
            Case::NegotiateTranscript(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn bodies(case: &NegotiateTranscriptCase) -> impl Iterator<Item = (usize, &[u8])> {
    case.steps.iter().enumerate().flat_map(|(i, step)| {
        let received = match &step.input {
            Input::Receive(r) => Some((i, r.body.as_bytes())),
            _ => None,
        };
        received
            .into_iter()
            .chain(step.output.iter().map(move |t| (i, t.body.as_bytes())))
    })
}

#[test]
fn transcripts_load_with_unique_ids_and_the_starred_cases() {
    let corpus = Corpus::load_default().unwrap_or_else(|e| panic!("{e}"));
    let cases = transcripts(&corpus);
    assert!(cases.len() >= 40, "only {} transcripts", cases.len());
    let ids: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), cases.len(), "a transcript id repeats");
    for id in STARRED {
        assert!(ids.contains(id), "starred transcript {id} is missing");
    }
    let file = corpus
        .files
        .iter()
        .find(|f| f.path == "negotiate/transcripts.json")
        .expect("negotiate/transcripts.json is in the manifest");
    for case in &cases {
        assert!(file.configs.contains_key(&case.config), "{}", case.id);
    }
}

#[test]
fn every_body_is_a_core_message_with_a_valid_check() {
    let corpus = Corpus::load_default().unwrap_or_else(|e| panic!("{e}"));
    let mut checked = 0;
    for case in transcripts(&corpus) {
        for (step, bytes) in bodies(case) {
            let at = format!("{} step {}", case.id, step + 1);
            let body = Body::parse(bytes, &Limits::DEFAULT).unwrap_or_else(|e| panic!("{at}: {e}"));
            let header = body.header();
            assert_eq!(header.extension, ExtensionId::CORE, "{at}");
            assert_eq!((header.major, header.minor), (1, 0), "{at}");
            assert!(header.addresses.is_some(), "{at}: A=0");
            assert!(!header.chunked, "{at}: a negotiation body is never chunked");
            if header.check {
                // Body::parse has verified it; recompute it to make the point explicit.
                let (covered, _) = bytes.split_at(bytes.len() - 2);
                assert_eq!(body.check(), Some(crc::crc14(covered)), "{at}");
            }
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} bodies");
}

#[test]
fn outputs_go_where_their_header_says_and_deadlines_never_lie_in_the_past() {
    let corpus = Corpus::load_default().unwrap_or_else(|e| panic!("{e}"));
    for case in transcripts(&corpus) {
        let mut now = 0;
        for (i, step) in case.steps.iter().enumerate() {
            now = now.max(step.t);
            for out in &step.output {
                let body = Body::parse(out.body.as_bytes(), &Limits::DEFAULT).unwrap();
                let dst = body.header().addresses.map(|a| Id28(a.destination));
                assert_eq!(dst, Some(out.dst), "{} step {}", case.id, i + 1);
            }
            if let Some(deadline) = step.deadline {
                assert!(
                    deadline >= now,
                    "{} step {}: deadline {deadline} before now {now} (MOX-NEG-096)",
                    case.id,
                    i + 1
                );
            }
        }
    }
}

#[test]
fn a_started_machine_has_randomness_and_its_first_hello_goes_to_broadcast() {
    // MOX-NEG-201: the first start draws the node id and sends a hello to broadcast; an
    // answer-only machine (MOX-NEG-114, `initiate: false`) sends nothing and holds no deadline.
    let corpus = Corpus::load_default().unwrap_or_else(|e| panic!("{e}"));
    let file = corpus
        .files
        .iter()
        .find(|f| f.path == "negotiate/transcripts.json")
        .expect("negotiate/transcripts.json is in the manifest");
    let mut answer_only = 0;
    for case in transcripts(&corpus) {
        let starts: Vec<_> = case
            .steps
            .iter()
            .filter(|s| matches!(s.input, Input::Start {}))
            .collect();
        if starts.is_empty() {
            continue;
        }
        assert!(
            !case.rng.is_empty(),
            "{}: start without rng values",
            case.id
        );
        let first = starts[0];
        if !file.configs[&case.config].initiate {
            assert!(first.output.is_empty(), "{}: answer-only sent", case.id);
            assert!(first.events.is_empty(), "{}: answer-only event", case.id);
            assert_eq!(first.deadline, None, "{}: answer-only deadline", case.id);
            answer_only += 1;
            continue;
        }
        assert_eq!(first.output.len(), 1, "{}", case.id);
        assert_eq!(first.output[0].dst, Id28::BROADCAST, "{}", case.id);
        let body = Body::parse(first.output[0].body.as_bytes(), &Limits::DEFAULT).unwrap();
        assert_eq!(body.header().msg_type, 0x40, "{}: not a hello", case.id);
    }
    assert!(answer_only >= 1, "no answer-only transcript");
}

#[test]
fn established_events_name_the_peer_the_machine_answers_or_confirms() {
    // In the step that establishes a session as initiator the machine sends the confirm, to
    // the peer the event names (design §3.4 row 5, MOX-NEG-026).
    let corpus = Corpus::load_default().unwrap_or_else(|e| panic!("{e}"));
    let mut seen = 0;
    for case in transcripts(&corpus) {
        for step in &case.steps {
            for event in &step.events {
                if let Event::Established { peer, role, .. } = event {
                    if *role == mox_vectors::negotiate::Role::Initiator {
                        let confirm = step.output.last().expect("a confirm");
                        assert_eq!(confirm.dst, *peer, "{}", case.id);
                        let body = Body::parse(confirm.body.as_bytes(), &Limits::DEFAULT).unwrap();
                        assert_eq!(body.header().msg_type, 0x03, "{}", case.id);
                        seen += 1;
                    }
                }
            }
        }
    }
    assert!(seen >= 10, "only {seen} initiator establishments");
}

#[test]
fn the_loader_refuses_broken_transcripts() {
    let manifest = r#"{"corpus_version": "1.0.0", "files": ["n.json"]}"#;
    let config = r#"{"offers": [{"ext": "7e01", "majors": [[1, 0]], "deprecated": [], "sunset": []}],
        "features": [1], "limits": {"max_size": 512, "reassembly": 0, "transfers": 0},
        "timers": {"rto_initial": 250, "rto_max": 4000, "max_hello": 4, "max_reply": 4,
                   "reprobe_initial": 10000, "reprobe_max": 300000, "reprobe_jitter_pct": 25,
                   "min_retry_after": 100},
        "grease": {"enabled": true, "max_fields": 2, "field_limit": 64},
        "check": true, "initiate": true}"#;
    let case = |extra: &str, step: &str| {
        format!(
            r#"{{"id": "negotiate::t::x", "description": "d", "source": "MOX-NEG-011",
                "requirements": ["MOX-NEG-011"], "provenance": "hand",
                "kind": "negotiate-transcript", "config": "c", "bindings": ["sysex"],
                "rng": [] {extra}, "steps": [{step}]}}"#
        )
    };
    let load = |cases: String| {
        let file = format!(
            r#"{{"corpus_version": "1.0.0", "configs": {{"c": {config}}}, "cases": [{cases}]}}"#
        );
        Corpus::load_with(Path::new("t"), |path| match path {
            "manifest.json" => Ok(manifest.to_owned()),
            "n.json" => Ok(file.clone()),
            _ => Err(io::Error::from(io::ErrorKind::NotFound)),
        })
    };
    let start = r#"{"t": 0, "input": {"start": {}}, "output": [], "events": [], "deadline": 250}"#;
    let good_tick =
        r#"{"t": 0, "input": {"tick": {}}, "output": [], "events": [], "deadline": null}"#;
    assert!(load(case("", good_tick)).is_ok());

    let rules = |cases: String| -> Vec<String> {
        load(cases)
            .expect_err("must not load")
            .problems
            .iter()
            .map(|p| match &p.kind {
                ProblemKind::Rule(rule) => rule.clone(),
                other => other.to_string(),
            })
            .collect()
    };
    assert_eq!(
        rules(case("", start)),
        ["a transcript that starts the machine needs rng values"]
    );
    let no_deadline = r#"{"t": 0, "input": {"tick": {}}, "output": [], "events": []}"#;
    assert!(rules(case("", no_deadline))[0].contains("missing field `deadline`"));
    let refused_without_code = r#"{"t": 0, "input": {"tick": {}}, "output": [],
        "events": [{"fell_back": {"reason": "refused"}}], "deadline": null}"#;
    assert_eq!(
        rules(case("", refused_without_code)),
        ["step 1: fell_back has a code exactly when its reason is refused"]
    );
    let bad_reconfigure = r#"{"t": 0, "input": {"reconfigure": {"config": "nope"}}, "output": [],
        "events": [], "deadline": null}"#;
    assert_eq!(
        rules(case("", bad_reconfigure)),
        ["step 1: config \"nope\" is not defined in the file"]
    );
    let bad_id = r#"{"t": 0, "input": {"tick": {}}, "output": [{"dst": "10000000", "body": "00"}],
        "events": [], "deadline": null}"#;
    assert!(rules(case("", bad_id))[0].contains("not a 28-bit id"));
    assert!(rules(case(r#", "unknown": 1"#, good_tick))[0].contains("unknown field `unknown`"));
}

/// A `u28` value as §6.4 encodes it: four 7-bit groups, least significant first.
fn u28(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .enumerate()
        .fold(0, |v, (i, b)| v | u32::from(*b) << (7 * i))
}

#[test]
fn every_goodbye_has_a_reason_and_both_nonces_and_the_destination_its_reason_needs() {
    // MOX-NEG-030, -032: reason, session and sender nonce always; goodbye(id-collision) from
    // the old id to broadcast with both nonces 0; every other goodbye to a node with that
    // node's nonce and the MUT's own (never 0).
    let corpus = Corpus::load_default().unwrap_or_else(|e| panic!("{e}"));
    let mut seen = 0;
    for case in transcripts(&corpus) {
        for (i, step) in case.steps.iter().enumerate() {
            for out in &step.output {
                let body = Body::parse(out.body.as_bytes(), &Limits::DEFAULT).unwrap();
                if body.header().msg_type != 0x02 {
                    continue;
                }
                let at = format!("{} step {}", case.id, i + 1);
                let fields: Vec<_> = body.fields().collect();
                let ids: Vec<u32> = fields.iter().map(|f| f.id().value()).collect();
                assert_eq!(ids, [0x00, 0x08, 0x10], "{at}: fields");
                assert_eq!(fields[0].value().len(), 1, "{at}: reason");
                assert!(fields[0].value()[0] <= 5, "{at}: reason");
                assert_eq!(fields[1].value().len(), 4, "{at}: session");
                assert_eq!(fields[2].value().len(), 4, "{at}: sender nonce");
                let nonces = (u28(fields[1].value()), u28(fields[2].value()));
                if fields[0].value()[0] == 1 {
                    assert_eq!((out.dst, nonces), (Id28::BROADCAST, (0, 0)), "{at}");
                } else {
                    assert_ne!(out.dst, Id28::BROADCAST, "{at}");
                    assert!(nonces.0 != 0 && nonces.1 != 0, "{at}: {nonces:?}");
                }
                seen += 1;
            }
        }
    }
    assert!(seen >= 20, "only {seen} goodbyes");
}

/// `(dst, session, sender nonce)` of every goodbye the MUT sends other than id-collision,
/// with the step index.
fn mut_goodbyes(case: &NegotiateTranscriptCase) -> Vec<(usize, Id28, u32, u32)> {
    let mut all = Vec::new();
    for (i, step) in case.steps.iter().enumerate() {
        for out in &step.output {
            let body = Body::parse(out.body.as_bytes(), &Limits::DEFAULT).unwrap();
            let f: Vec<_> = body.fields().collect();
            if body.header().msg_type == 0x02 && f[0].value() != [1] {
                all.push((i, out.dst, u28(f[1].value()), u28(f[2].value())));
            }
        }
    }
    all
}

#[test]
fn every_goodbye_the_mut_sends_names_a_session_or_answer_the_transcript_shows() {
    // §8.1.4, MOX-NEG-031, §8.7.5: a goodbye ends either a session the MUT holds (rows 27, 37:
    // session = the peer's nonce, sender nonce = the own, by the `established` event's role)
    // or an answer it sent (rows 14, 24, 26, 38, 40: session = the reply's nonce echo, sender
    // nonce = the reply's nonce, to the reply's destination). The pair must appear earlier in
    // the same transcript, so a swapped or invented nonce cannot pass.
    let corpus = Corpus::load_default().unwrap_or_else(|e| panic!("{e}"));
    let (mut sessions, mut answers) = (0, 0);
    for case in transcripts(&corpus) {
        for (at, dst, session, sender) in mut_goodbyes(case) {
            let earlier = &case.steps[..at];
            let by_session = earlier.iter().flat_map(|s| &s.events).any(|e| match e {
                Event::Established {
                    peer,
                    role,
                    session: [init, resp],
                } if *peer == dst => match role {
                    mox_vectors::negotiate::Role::Initiator => {
                        (session, sender) == (resp.0, init.0)
                    }
                    mox_vectors::negotiate::Role::Responder => {
                        (session, sender) == (init.0, resp.0)
                    }
                },
                _ => false,
            });
            let by_answer = earlier.iter().flat_map(|s| &s.output).any(|out| {
                let body = Body::parse(out.body.as_bytes(), &Limits::DEFAULT).unwrap();
                let f: Vec<_> = body.fields().collect();
                body.header().msg_type == 0x41
                    && out.dst == dst
                    && u28(f[0].value()) == sender
                    && f.iter()
                        .find(|x| x.id().value() == 0x08)
                        .is_some_and(|echo| u28(echo.value()) == session)
            });
            assert!(
                by_session || by_answer,
                "{} step {}: goodbye to {dst} with session {session:07x}, sender nonce \
                 {sender:07x} names nothing the transcript shows",
                case.id,
                at + 1
            );
            sessions += usize::from(by_session);
            answers += usize::from(by_answer);
        }
    }
    assert!(
        sessions >= 5 && answers >= 5,
        "{sessions} sessions, {answers} answers"
    );
}

#[test]
fn broadcast_hellos_fit_the_sysex_floor() {
    // MOX-NEG-063: a hello that is not addressed to an established peer fits 128 bytes on
    // SysEx (carrier 7D: F0 7D 4D 4F 58 … F7 adds 6 bytes to the body).
    let corpus = Corpus::load_default().unwrap_or_else(|e| panic!("{e}"));
    let mut seen = 0;
    for case in transcripts(&corpus) {
        if !case.bindings.contains(&Binding::Sysex) {
            continue;
        }
        for (i, step) in case.steps.iter().enumerate() {
            for out in &step.output {
                let bytes = out.body.as_bytes();
                let body = Body::parse(bytes, &Limits::DEFAULT).unwrap();
                if body.header().msg_type == 0x40 && out.dst == Id28::BROADCAST {
                    let len = bytes.len() + 6;
                    assert!(len <= 128, "{} step {}: {len} bytes", case.id, i + 1);
                    seen += 1;
                }
            }
        }
    }
    assert!(seen >= 40, "only {seen} broadcast hellos");
}
