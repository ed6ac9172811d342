//! Arbitrary bytes → `Packet::decode`. Invariants: nothing panics; walking the whole packet
//! (every argument, array item and bundle element, recursively) finds exactly the first
//! error `validate()` reports; items of an array that decoded are all `Ok`; error offsets
//! lie inside the packet; `Display` works on anything that decodes; and a packet that
//! validates re-encodes (`encoded_len`, then `encode` into exactly that many bytes) to the
//! *same bytes* (canonical encoder, strict decoder), which decode to an equal packet.
#![no_main]

use std::fmt::Write as _;

use libfuzzer_sys::fuzz_target;
use mox_codec::osc::{Arg, DecodeError, Packet};

fuzz_target!(|data: &[u8]| {
    let packet = match Packet::decode(data) {
        Ok(packet) => packet,
        Err(error) => return check_offset(error, data),
    };
    let walked = walk_packet(&packet, data);
    let validated = packet.validate();
    assert_eq!(walked.err(), validated.err(), "walk and validate disagree");

    let mut dump = String::new();
    write!(dump, "{packet}").expect("Display failed");

    if validated.is_err() {
        return;
    }
    let len = packet
        .encoded_len()
        .expect("a valid packet must be encodable");
    let mut buf = vec![0u8; len];
    let written = packet
        .encode(&mut buf)
        .expect("encode into encoded_len bytes failed");
    assert_eq!(
        written, len,
        "encode wrote a different size than encoded_len"
    );
    assert_eq!(buf, data, "valid input did not re-encode byte-exact");
    let again = Packet::decode(&buf).expect("re-encoding does not decode");
    assert_eq!(again, packet, "re-decoded packet differs");
});

fn check_offset(error: DecodeError, data: &[u8]) {
    assert!(
        error.offset() <= data.len(),
        "error {error:?} past the end ({} bytes)",
        data.len()
    );
}

/// Reads everything; the first error in reading order.
fn walk_packet(packet: &Packet<'_>, data: &[u8]) -> Result<(), DecodeError> {
    let mut first = Ok(());
    match packet {
        Packet::Message(message) => {
            let _ = (
                message.address(),
                message.type_tags(),
                message.untyped_payload(),
            );
            for arg in message.args() {
                match arg {
                    Ok(arg) => walk_arg(&arg),
                    Err(error) => {
                        check_offset(error, data);
                        first = first.and(Err(error));
                    }
                }
            }
        }
        Packet::Bundle(bundle) => {
            let _ = bundle.timetag();
            for element in bundle.elements() {
                let result = element.and_then(|element| walk_packet(&element, data));
                if let Err(error) = result {
                    check_offset(error, data);
                }
                first = first.and(result);
            }
        }
    }
    first
}

fn walk_arg(arg: &Arg<'_>) {
    let _ = (arg.tag(), arg.as_bool());
    if let Arg::Array(array) = arg {
        for item in array.iter() {
            match item {
                Ok(item) => walk_arg(&item),
                Err(error) => panic!("item of a decoded array fails: {error:?}"),
            }
        }
    }
}
