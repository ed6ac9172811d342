//! Decoding (with every value read) and encoding into a stack buffer allocate nothing: a
//! counting global allocator sees zero allocations for every packet of the benchmark set.
//!
//! Also pins the benchmark packet set itself: the bytes against a hand-written literal and
//! against an independent implementation (rosc decodes them and encodes them back byte for
//! byte), and the value form against what the decoder reads.
use mox_codec::osc::Packet;

#[path = "../benches/common/mod.rs"]
mod common;

// The counting `#[global_allocator]` lives in the `allocation-counter` dev-dependency: a
// `GlobalAlloc` impl needs `unsafe`, which the workspace forbids in every target. Linking
// the crate installs it; it counts per thread, so the test harness's other threads cannot
// disturb a measurement.

/// Allocations the current thread makes while running `f`.
fn allocations<T>(f: impl FnOnce() -> T) -> (u64, T) {
    let mut result = None;
    let info = allocation_counter::measure(|| result = Some(f()));
    (info.count_total, result.expect("ran"))
}

#[test]
fn the_counter_sees_allocations() {
    let (n, v) = allocations(|| vec![1u8; 100]);
    assert_eq!(n, 1);
    drop(v);
}

#[test]
fn decode_and_read_every_value_allocates_nothing() {
    // Expected values read per packet: arguments, array items (plus one per array) and one
    // timetag per bundle.
    let expected = [
        ("feeooblah", 3),
        ("bundle16", 1 + 16),
        ("blob1k", 1),
        ("nested3", 3 + 3 * 2),
        ("rosc_types", 15 + 3),
        ("all_tags", 16 + 3),
    ];
    for case in &common::CASES {
        let bytes = case.bytes();
        // Once to warm up anything lazy, then counted.
        common::mox_decode(&bytes).expect("decodes");
        let (n, read) = allocations(|| common::mox_decode(&bytes));
        assert_eq!(n, 0, "{}: decode + read allocated {n} times", case.name);
        let want = expected
            .iter()
            .find(|(name, _)| *name == case.name)
            .expect("listed")
            .1;
        assert_eq!(read, Ok(want), "{}: values read", case.name);

        let (n, result) = allocations(|| Packet::decode(&bytes).and_then(|p| p.validate()));
        assert_eq!(n, 0, "{}: decode + validate allocated {n} times", case.name);
        assert_eq!(result, Ok(()));
    }
}

#[test]
fn encode_into_a_stack_buffer_allocates_nothing() {
    for case in &common::CASES {
        let bytes = case.bytes();
        let mut buf = [0u8; 2048];
        let (n, len) = allocations(|| {
            let len = case.value.encoded_len().expect("measures");
            assert_eq!(case.value.encode(&mut buf), Ok(len));
            len
        });
        assert_eq!(n, 0, "{}: encode allocated {n} times", case.name);
        assert_eq!(&buf[..len], &bytes[..], "{}", case.name);
    }
}

#[test]
fn packet_set_bytes_are_what_they_claim() {
    let feeooblah = common::case("feeooblah").expect("in the set");
    assert_eq!(feeooblah.bytes(), common::FEEOOBLAH_BYTES);
    let sizes = [
        ("feeooblah", 36),
        ("bundle16", 592),
        ("blob1k", 1044),
        ("nested3", 144),
        ("rosc_types", 124),
        ("all_tags", 132),
    ];
    for case in &common::CASES {
        let bytes = case.bytes();
        let size = sizes
            .iter()
            .find(|(name, _)| *name == case.name)
            .expect("listed")
            .1;
        assert_eq!(bytes.len(), size, "{}: size", case.name);
        assert_eq!(
            Packet::decode(&bytes),
            Ok(case.value),
            "{}: decodes to its value",
            case.name
        );
        if case.rosc {
            // rosc (an independent implementation) reads the bytes and writes them back.
            let value = common::rosc_value(&bytes);
            assert_eq!(
                rosc::encoder::encode(&value).expect("rosc encodes"),
                bytes,
                "{}",
                case.name
            );
            let mut out = Vec::new();
            assert_eq!(common::rosc_encode(&value, &mut out), bytes.len());
            assert_eq!(out, bytes);
            assert!(
                common::rosc_decode(&bytes).is_ok(),
                "{}: rosc decodes it",
                case.name
            );
        } else {
            assert!(
                common::rosc_decode(&bytes).is_err(),
                "{}: rosc should reject it",
                case.name
            );
        }
    }
    // The all-tags packet is the rosc-types packet plus one `S` argument.
    let all = common::case("all_tags").expect("in the set").bytes();
    let Ok(Packet::Message(message)) = Packet::decode(&all) else {
        panic!("a message")
    };
    assert_eq!(message.type_tags(), Some("ifsbhtdScrmTFNI[iif]"));
}
