//! Header + byte stream → `LengthPrefixDecoder` (64-byte buffer), fed in chunks. Invariants
//! (see `mox_fuzz::run`): no panic, every byte fed is consumed, frames fit the capacity, the
//! events do not depend on the chunking; nothing follows a negative length; and every frame
//! delivered, framed again, decodes to exactly that frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mox_codec::osc::stream::{length_prefix, FrameError, LengthPrefixDecoder};
use mox_fuzz::{feed_all, run, Deframer, StreamInput, BUF};

type Decoder = LengthPrefixDecoder<[u8; BUF]>;

fuzz_target!(|data: &[u8]| {
    let Some(input) = StreamInput::parse(data) else {
        return;
    };
    let (events, _) = run::<Decoder>(&input);
    if let Some(at) = events
        .iter()
        .position(|e| matches!(e, Err(FrameError::NegativeLength { .. })))
    {
        assert_eq!(
            at + 1,
            events.len(),
            "events after a negative length prefix"
        );
    }
    for frame in events.iter().filter_map(|event| event.as_ref().ok()) {
        let mut wire = vec![0u8; length_prefix::encoded_len(frame)];
        assert_eq!(length_prefix::encode(frame, &mut wire), Ok(wire.len()));
        let again = feed_all(&mut Decoder::make(input.max_frame), &[&wire]);
        assert_eq!(
            again,
            (vec![Ok(frame.clone())], Ok(())),
            "re-framed frame {frame:02x?}"
        );
    }
});
