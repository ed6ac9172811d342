//! Header + byte stream → `SlipDecoder` (64-byte buffer), fed in chunks. Invariants (see
//! `mox_fuzz::run`): no panic, every byte fed is consumed, frames fit the capacity, the
//! events do not depend on the chunking; and every frame delivered, SLIP-encoded again
//! (`encoded_len` exact), decodes to exactly that frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mox_codec::osc::stream::{slip, SlipDecoder};
use mox_fuzz::{feed_all, run, Deframer, StreamInput, BUF};

type Decoder = SlipDecoder<[u8; BUF]>;

fuzz_target!(|data: &[u8]| {
    let Some(input) = StreamInput::parse(data) else {
        return;
    };
    let (events, _) = run::<Decoder>(&input);
    for frame in events.iter().filter_map(|event| event.as_ref().ok()) {
        assert!(!frame.is_empty(), "SLIP delivered an empty frame");
        let mut wire = vec![0u8; slip::encoded_len(frame)];
        assert_eq!(slip::encode(frame, &mut wire), Ok(wire.len()));
        let again = feed_all(&mut Decoder::make(input.max_frame), &[&wire]);
        assert_eq!(
            again,
            (vec![Ok(frame.clone())], Ok(())),
            "re-encoded frame {frame:02x?}"
        );
    }
});
