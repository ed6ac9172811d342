//! Header + byte stream → `AutoDecoder` (64-byte buffer), fed in chunks. Invariants (see
//! `mox_fuzz::run`): no panic, every byte fed is consumed, frames fit the capacity, the
//! events do not depend on the chunking; the framing is `Framing::detect(first byte)`; and
//! the events are exactly those of the detected framing's own decoder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mox_codec::osc::stream::{AutoDecoder, Framing, LengthPrefixDecoder, SlipDecoder};
use mox_fuzz::{feed_all, run, Deframer, StreamInput, BUF};

fuzz_target!(|data: &[u8]| {
    let Some(input) = StreamInput::parse(data) else {
        return;
    };
    let events = run::<AutoDecoder<[u8; BUF]>>(&input);

    let mut auto = AutoDecoder::<[u8; BUF]>::make(input.max_frame);
    let mut stream = input.stream;
    while auto.feed(&mut stream).is_some() {}
    let detected = input.stream.first().map(|&first| Framing::detect(first));
    assert_eq!(auto.framing(), detected);

    let chunks = input.chunks();
    let expected = match detected {
        None => (vec![], Ok(())),
        Some(Framing::Slip) => feed_all(&mut SlipDecoder::make(input.max_frame), &chunks),
        Some(Framing::LengthPrefix) => {
            let mut plain = LengthPrefixDecoder::make(input.max_frame);
            let mut stream = input.stream;
            while plain.feed(&mut stream).is_some() {}
            assert_eq!(auto.is_failed(), plain.is_failed());
            feed_all(&mut LengthPrefixDecoder::make(input.max_frame), &chunks)
        }
    };
    assert_eq!(
        events, expected,
        "AutoDecoder differs from the {detected:?} decoder"
    );
});
