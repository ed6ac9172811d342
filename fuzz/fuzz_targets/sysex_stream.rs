//! Input: byte 0 = SysEx buffer size, byte 1 = seed for the chunk sizes, the rest = a MIDI
//! 1.0 byte stream. It is fed to `StreamParser` in chunks, one byte at a time with `feed`,
//! and with `push`, then finished. Invariants: no panic; every call makes progress and every
//! byte is consumed; the three give the same events; every SysEx starts with F0, ends with
//! F7, fits the buffer and is 7-bit in between; an aborted or unterminated SysEx starts with
//! F0 and is 7-bit after it; `finish` reports what an `F6` arriving instead would (an open
//! SysEx unterminated rather than aborted), only an unterminated SysEx or a truncated
//! message, and leaves the parser reset.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mox_codec::sysex::stream::{Event, StreamParser};

type Owned = (&'static str, Vec<u8>, usize);

fn own(event: Event<'_>, capacity: usize) -> Owned {
    match event {
        Event::SysEx(sysex) => {
            assert!(sysex.len() >= 2 && sysex.len() <= capacity, "{sysex:02x?}");
            assert_eq!(sysex.first(), Some(&0xF0));
            assert_eq!(sysex.last(), Some(&0xF7));
            assert!(sysex[1..sysex.len() - 1].iter().all(|&b| b < 0x80));
        }
        Event::SysExAborted(partial) | Event::UnterminatedSysEx(partial) => {
            assert!(!partial.is_empty() && partial.len() <= capacity);
            assert_eq!(partial.first(), Some(&0xF0));
            assert!(partial[1..].iter().all(|&b| b < 0x80));
        }
        Event::SysExOverflow { limit } => assert_eq!(limit, capacity),
        _ => {}
    }
    let limit = match event {
        Event::SysExOverflow { limit } => limit,
        _ => 0,
    };
    (event.class(), event.bytes().to_vec(), limit)
}

fn feed<'a>(capacity: usize, chunks: impl Iterator<Item = &'a [u8]>) -> Vec<Owned> {
    let mut parser = StreamParser::new(vec![0u8; capacity]);
    let mut events = Vec::new();
    for mut chunk in chunks {
        let mut bound = 2 * chunk.len() + 1;
        while let Some(event) = parser.feed(&mut chunk) {
            events.push(own(event, capacity));
            bound -= 1;
            assert!(bound > 0, "more events than the bytes can give");
        }
        assert!(chunk.is_empty(), "feed stopped with input left");
    }
    events.extend(finish(&mut parser, capacity));
    events
}

/// Finishes the stream and checks that the parser was reset.
fn finish(parser: &mut StreamParser<Vec<u8>>, capacity: usize) -> Option<Owned> {
    let finished = parser.finish().map(|event| {
        assert!(
            matches!(
                event,
                Event::UnterminatedSysEx(_) | Event::TruncatedMessage(_)
            ),
            "finish reported {event:?}"
        );
        own(event, capacity)
    });
    assert_eq!(parser.finish(), None, "finish twice");
    let mut input: &[u8] = &[0x01];
    assert_eq!(parser.feed(&mut input), Some(Event::StrayData(0x01)), "not reset");
    finished
}

fuzz_target!(|data: &[u8]| {
    let [capacity, seed, stream @ ..] = data else {
        return;
    };
    let capacity = usize::from(*capacity);
    let mut state = u32::from(*seed) | 0x100;
    let mut rest = stream;
    let chunks = core::iter::from_fn(|| {
        if rest.is_empty() {
            return None;
        }
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let (chunk, tail) = rest.split_at((state as usize % 70).min(rest.len()));
        rest = tail;
        Some(chunk)
    });
    let chunked = feed(capacity, chunks);
    assert_eq!(chunked, feed(capacity, stream.chunks(1)), "chunked vs byte by byte");
    let mut parser = StreamParser::new(vec![0u8; capacity]);
    let mut pushed: Vec<Owned> = stream
        .iter()
        .flat_map(|&byte| parser.push(byte).map(|e| own(e, capacity)).collect::<Vec<_>>())
        .collect();
    pushed.extend(finish(&mut parser, capacity));
    assert_eq!(chunked, pushed, "feed vs push");

    // Ending the stream reports what a status byte arriving instead would.
    let mut interrupted = feed(capacity, [stream, &[0xF6][..]].into_iter());
    assert_eq!(
        interrupted.pop(),
        Some(("system-common", vec![0xF6], 0)),
        "F6 is a complete message"
    );
    let mut expected = chunked;
    if let Some(last) = expected.last_mut() {
        if last.0 == "unterminated-sysex" {
            last.0 = "sysex-aborted";
        }
    }
    assert_eq!(interrupted, expected, "finish vs an interrupting status byte");
});
