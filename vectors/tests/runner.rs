//! The runner on hand-written cases, right and wrong, of every kind.
use mox_vectors::{run_case, Case, Outcome};

fn case(json: serde_json::Value) -> Case {
    let mut json = json;
    let fields = json.as_object_mut().unwrap();
    fields.insert("id".into(), "test::runner::case".into());
    fields.insert("description".into(), "d".into());
    fields.insert("source".into(), "s".into());
    serde_json::from_value(json).unwrap()
}

fn pass(json: serde_json::Value) {
    let c = case(json);
    assert_eq!(run_case(&c), Outcome::Pass, "{c:#?}");
}

/// Fails, with a reason that contains `why`.
fn fail(json: serde_json::Value, why: &str) {
    let c = case(json);
    match run_case(&c) {
        Outcome::Pass => panic!("passed but should not: {c:#?}"),
        Outcome::Fail { reason } => assert!(reason.contains(why), "{reason:?} lacks {why:?}"),
    }
}

/// `/a ,if 1 2.0`
const MESSAGE: &str = "2f610000 2c696600 00000001 40000000";

fn hex(s: &str) -> String {
    s.split_whitespace().collect()
}

fn message_value() -> serde_json::Value {
    serde_json::json!({"message": {"address": "/a", "args": [
        {"type": "i", "value": 1}, {"type": "f", "bits": "40000000", "value": 2.0}
    ]}})
}

#[test]
fn packet_valid() {
    let valid = serde_json::json!({"result": "valid", "value": message_value()});
    pass(serde_json::json!({"kind": "osc-packet", "hex": hex(MESSAGE), "expected": valid}));

    let mut other = message_value();
    other["message"]["args"][1]["bits"] = "40000001".into();
    fail(
        serde_json::json!({"kind": "osc-packet", "hex": hex(MESSAGE),
            "expected": {"result": "valid", "value": other}}),
        "expected valid",
    );
    // The human value is ignored.
    let mut human = message_value();
    human["message"]["args"][1]["value"] = 3.0.into();
    pass(
        serde_json::json!({"kind": "osc-packet", "hex": hex(MESSAGE),
        "expected": {"result": "valid", "value": human}}),
    );
    // A wrong `reencode` is caught.
    fail(
        serde_json::json!({"kind": "osc-packet", "hex": hex(MESSAGE), "reencode": "00",
            "expected": {"result": "valid", "value": message_value()}}),
        "re-encodes it as",
    );
}

#[test]
fn packet_invalid() {
    // `/a ,ix 1 ...`: arguments up to the unknown tag, then the error.
    let bytes = hex("2f610000 2c697800 00000001 00000002");
    let partial = serde_json::json!({"message": {"address": "/a", "args": [
        {"type": "i", "value": 1}, {"error": "unknown-type-tag"}
    ]}});
    pass(serde_json::json!({"kind": "osc-packet", "hex": bytes,
        "expected": {"result": "invalid", "error": "unknown-type-tag", "partial": partial}}));
    pass(serde_json::json!({"kind": "osc-packet", "hex": bytes,
        "expected": {"result": "invalid", "error": "unknown-type-tag"}}));
    fail(
        serde_json::json!({"kind": "osc-packet", "hex": bytes,
            "expected": {"result": "invalid", "error": "truncated"}}),
        "got invalid (unknown-type-tag)",
    );
    fail(
        serde_json::json!({"kind": "osc-packet", "hex": bytes,
            "expected": {"result": "valid", "value": message_value()}}),
        "got invalid",
    );
    // Limits come from `config`.
    pass(
        serde_json::json!({"kind": "osc-packet", "hex": hex(MESSAGE),
        "config": {"max_packet_size": 12},
        "expected": {"result": "invalid", "error": "packet-too-large"}}),
    );
    // Acceptable: any listed outcome.
    pass(
        serde_json::json!({"kind": "osc-packet", "hex": "", "expected": {
        "result": "acceptable", "flag": "empty", "outcomes": [
            {"result": "valid", "value": message_value()},
            {"result": "invalid", "error": "empty-packet"}
        ]}}),
    );
    fail(
        serde_json::json!({"kind": "osc-packet", "hex": "", "expected": {
        "result": "acceptable", "flag": "empty", "outcomes": [
            {"result": "valid", "value": message_value()},
            {"result": "invalid", "error": "truncated"}
        ]}}),
        "none of the outcomes acceptable for empty",
    );
}

#[test]
fn stream() {
    let frame = hex(MESSAGE);
    // SLIP, split mid-frame, then a frame left open at the end.
    let chunks = [
        "c02f6100002c696600",
        "000000014000", /* … */
        "0000c0c02f",
    ];
    pass(
        serde_json::json!({"kind": "osc-stream", "framing": "slip", "chunks": chunks,
        "expected": {"result": "valid", "value": [{"frame": frame}, {"error": "truncated-frame"}]}}),
    );
    pass(
        serde_json::json!({"kind": "osc-stream", "framing": "auto", "chunks": chunks,
        "expected": {"result": "invalid", "error": "truncated-frame"}}),
    );
    fail(
        serde_json::json!({"kind": "osc-stream", "framing": "slip", "chunks": chunks,
            "expected": {"result": "valid", "value": [{"frame": frame}]}}),
        "got events",
    );
    // `max_frame` bounds the receiver.
    pass(
        serde_json::json!({"kind": "osc-stream", "framing": "length-prefix",
        "chunks": [format!("00000010{frame}")], "max_frame": 8,
        "expected": {"result": "valid", "value": [{"error": "frame-too-large"}]}}),
    );
}

#[test]
fn stream_encode() {
    let frame = hex(MESSAGE);
    pass(
        serde_json::json!({"kind": "osc-stream-encode", "framing": "length-prefix",
        "packets": [frame, ""],
        "expected": {"result": "valid", "value": format!("00000010{frame}00000000")}}),
    );
    pass(
        serde_json::json!({"kind": "osc-stream-encode", "framing": "slip", "packets": ["c0db"],
        "expected": {"result": "valid", "value": "c0dbdcdbddc0"}}),
    );
    fail(
        serde_json::json!({"kind": "osc-stream-encode", "framing": "slip", "packets": ["c0"],
            "expected": {"result": "valid", "value": "c0c0c0"}}),
        "expected valid \"c0c0c0\"",
    );
}

#[test]
fn matching() {
    let m = |pattern: &str, address: &str, expected: serde_json::Value| {
        serde_json::json!({"kind": "osc-match", "pattern": pattern, "address": address,
            "expected": expected})
    };
    pass(m(
        "/a/*",
        "/a/b",
        serde_json::json!({"result": "valid", "value": true}),
    ));
    pass(m(
        "/a*",
        "/a",
        serde_json::json!({"result": "valid", "value": true}),
    ));
    fail(
        m(
            "/a/*",
            "/a/b",
            serde_json::json!({"result": "valid", "value": false}),
        ),
        "got valid true",
    );
    pass(m(
        "/[a",
        "/a",
        serde_json::json!({"result": "invalid", "error": "invalid-pattern"}),
    ));
    pass(m(
        "/a",
        "/a*",
        serde_json::json!({"result": "invalid", "error": "invalid-address"}),
    ));
}
