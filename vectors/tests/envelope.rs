//! The envelope runner against the real corpus, with wrong expectations: every envelope case,
//! altered in one way at a time (outcome, class, reply, a header member, each delivered
//! field's `known` flag and value, each OSC action, each chunk step, the bridge's bytes),
//! must fail, and its reason must say what differs. A runner that compared too little would
//! pass some of them.
use serde_json::{json, Value};

use mox_vectors::{run_case_with, Case, Corpus, CorpusFile, Outcome};

fn corpus() -> Corpus {
    Corpus::load_default().unwrap_or_else(|e| panic!("{e}"))
}

/// `case` with `change` applied to its JSON form; `None` when `change` did not apply.
fn altered(case: &Case, change: impl FnOnce(&mut Value) -> bool) -> Option<Case> {
    let mut value = serde_json::to_value(case).unwrap();
    if !change(&mut value) {
        return None;
    }
    Some(serde_json::from_value(value).unwrap())
}

/// The expected value of a case whose result is `valid` (every envelope case but a few
/// bridge ones).
fn valid_value(case: &mut Value) -> Option<&mut Value> {
    let expected = case.get_mut("expected")?;
    if expected["result"] != "valid" {
        return None;
    }
    expected.get_mut("value")
}

/// Runs `case` and requires a failure whose reason contains `why`.
fn must_fail(file: &CorpusFile, case: &Case, what: &str, why: &str) {
    match run_case_with(case, &file.receivers) {
        Outcome::Pass => panic!("{} passed with {what}", case.id()),
        Outcome::Fail { reason } => {
            assert!(
                reason.contains(why),
                "{} with {what}: {reason:?} lacks {why:?}",
                case.id()
            )
        }
    }
}

/// Every way a reception can be wrong, each applied to `reception` through `at`; `check`
/// runs the altered case and `prefix` is what the reason says before the difference.
fn alter_reception(
    file: &CorpusFile,
    case: &Case,
    at: &dyn Fn(&mut Value) -> Option<&mut Value>,
    prefix: &str,
) -> usize {
    let mut count = 0;
    let mut run = |what: &str, why: &str, change: &dyn Fn(&mut Value) -> bool| {
        if let Some(wrong) = altered(case, |v| at(v).is_some_and(change)) {
            must_fail(file, &wrong, what, &format!("{prefix}{why}"));
            count += 1;
        }
    };
    run("another outcome", "outcome", &|r| {
        let other = if r["outcome"] == "dropped" {
            "malformed"
        } else {
            "dropped"
        };
        r["outcome"] = other.into();
        true
    });
    run("another class", "class", &|r| match r.get("class") {
        Some(_) => {
            r["class"] = "busy".into();
            true
        }
        None => false,
    });
    run("a reply toggled", "reply", &|r| {
        let map = r.as_object_mut().unwrap();
        if map.remove("reply").is_none() {
            map.insert("reply".into(), json!({"code": "41"}));
        }
        true
    });
    run(
        "another reply field",
        "reply",
        &|r| match r.get_mut("reply") {
            Some(reply) => {
                let field = reply.get("field").and_then(Value::as_u64).unwrap_or(0);
                reply["field"] = (field + 8).into();
                true
            }
            None => false,
        },
    );
    run(
        "K flipped",
        "message header",
        &|r| match r.get_mut("message") {
            Some(m) => {
                m["check"] = (m["check"] != true).into();
                true
            }
            None => false,
        },
    );
    run(
        "another type",
        "message header",
        &|r| match r.get_mut("message") {
            Some(m) => {
                m["type"] = ((m["type"].as_u64().unwrap() + 1) % 128).into();
                true
            }
            None => false,
        },
    );
    run("a field less", "field", &|r| match r.get_mut("message") {
        Some(m) => m["fields"].as_array_mut().unwrap().pop().is_some(),
        None => false,
    });
    let fields = at(&mut serde_json::to_value(case).unwrap())
        .and_then(|r| {
            r.get("message")
                .map(|m| m["fields"].as_array().unwrap().len())
        })
        .unwrap_or(0);
    for i in 0..fields {
        run("a field's known flag flipped", "field", &|r| {
            let f = &mut r["message"]["fields"][i];
            f["known"] = (f["known"] != true).into();
            true
        });
        run("a field's value changed", "field", &|r| {
            let f = &mut r["message"]["fields"][i];
            f["value"] = format!("{}00", f["value"].as_str().unwrap()).into();
            true
        });
    }
    count
}

#[test]
fn every_sysex_and_chunked_reception_is_compared_whole() {
    let corpus = corpus();
    let mut count = 0;
    for (file, case) in corpus.cases() {
        match case {
            Case::EnvelopeSysEx(_) => {
                count += alter_reception(file, case, &|v| valid_value(v), "");
            }
            Case::EnvelopeChunked(c) => {
                for step in 0..c.steps.len() {
                    count += alter_reception(
                        file,
                        case,
                        &move |v| valid_value(v).and_then(|list| list.get_mut(step)),
                        &format!("step {}: ", step + 1),
                    );
                }
                // One reception too many.
                let wrong = altered(case, |v| {
                    let list = valid_value(v).unwrap().as_array_mut().unwrap();
                    list.push(list[0].clone());
                    true
                })
                .unwrap();
                must_fail(file, &wrong, "an extra reception", "receptions for");
            }
            _ => {}
        }
    }
    assert!(count > 271 * 3, "only {count} alterations");
}

#[test]
fn every_osc_element_is_compared() {
    let corpus = corpus();
    for (file, case) in corpus.cases() {
        let Case::EnvelopeOsc(c) = case else {
            continue;
        };
        let mox_vectors::Expected::Valid { value } = &c.expected else {
            panic!("{}: envelope-osc cases are valid", c.id)
        };
        let mut mox = 0;
        for (i, element) in value.iter().enumerate() {
            if element.result.is_none() {
                // A plain element suppressed, or a suppressed one acted on.
                let wrong = altered(case, |v| {
                    let e = &mut valid_value(v).unwrap()[i];
                    e["action"] = if e["action"] == "plain" {
                        "suppress".into()
                    } else {
                        "plain".into()
                    };
                    true
                })
                .unwrap();
                must_fail(file, &wrong, "another action", "elements");
                continue;
            }
            mox += 1;
            alter_reception(
                file,
                case,
                &move |v| valid_value(v).and_then(|list| list[i].get_mut("result")),
                &format!("/mox element {mox}: "),
            );
        }
        // An element less.
        let wrong = altered(case, |v| {
            valid_value(v).unwrap().as_array_mut().unwrap().pop();
            true
        })
        .unwrap();
        must_fail(file, &wrong, "an element less", "elements");
    }
}

#[test]
fn every_bridge_output_is_compared() {
    let corpus = corpus();
    let mut count = 0;
    for (file, case) in corpus.cases() {
        let Case::EnvelopeBridge(_) = case else {
            continue;
        };
        // Every outcome made wrong: other bytes, or another error class.
        let wrong = altered(case, |v| {
            let make_wrong = |verdict: &mut Value| {
                if verdict["result"] == "valid" {
                    let bytes = format!("{}00", verdict["value"].as_str().unwrap());
                    verdict["value"] = bytes.into();
                } else {
                    let other = if verdict["error"] == "not-mox" {
                        "not-seven-bit"
                    } else {
                        "not-mox"
                    };
                    verdict["error"] = other.into();
                }
            };
            let expected = &mut v["expected"];
            if expected["result"] == "acceptable" {
                expected["outcomes"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .for_each(make_wrong);
            } else {
                make_wrong(expected);
            }
            true
        })
        .unwrap();
        must_fail(file, &wrong, "other bytes", "got ");
        count += 1;
    }
    assert_eq!(count, 40);
}
