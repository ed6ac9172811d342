//! MIDI 1.0 byte-stream reassembly throughput on 1 MiB of stream data, side by side in one
//! run. Run with `cargo bench -p mox-codec --bench sysex_stream`.
//!
//! The stream (see [`stream`]) is what a librarian or a controller with a screen sends: SysEx
//! messages of 16 B to 4 KiB (log-uniform sizes), a third of them with MIDI clock bytes
//! inside, and between them bursts of channel messages with running status and clocks.
//!
//! - `mox`: [`StreamParser::feed`] on the whole buffer.
//! - `mox_64b_chunks`: the same, fed 64 bytes at a time (USB full-speed packet size).
//! - `mox_push`: [`StreamParser::push`], one byte per call.
//! - `baseline`: [`Baseline`], a straightforward byte-at-a-time state machine following the
//!   same rules (kept here so the gain of the run scan stays measured).
//! - `midi_stream_parser`: the `midi-stream-parser` 0.2.0 crate (`MidiStreamParser` feeding
//!   a `MidiSysexMessage` byte by byte). It follows fewer rules (no overflow or abort
//!   reports), but on this valid stream it finds the same messages, which is checked.
//! - `memcpy`: `copy_from_slice` of the same bytes into a 1 MiB buffer: the physical limit.
//!
//! Every variant hands each event or message to `black_box`. Before timing, the bench checks
//! that `mox`, `mox_64b_chunks`, `mox_push` and `baseline` produce the same events on this
//! stream and on 1 MiB of random bytes.
#![allow(missing_docs)] // `criterion_group!` defines an undocumented `pub fn`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use midi_stream_parser::{MidiStreamParser, MidiSysexMessage, ParserOutput};
use mox_codec::sysex::stream::{Event, EventKind, ShortMessage, StreamParser};

const STREAM_LEN: usize = 1 << 20;
const SYSEX_CAPACITY: usize = 8192;

/// xorshift64*: deterministic, so every run measures the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn data_byte(&mut self) -> u8 {
        (self.next() >> 57) as u8
    }
}

/// The benchmark stream: exactly [`STREAM_LEN`] bytes.
fn stream() -> Vec<u8> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = Vec::with_capacity(STREAM_LEN + 8192);
    while out.len() < STREAM_LEN {
        // SysEx of 16 B .. 4 KiB, log-uniform: 2^(4 + 8u).
        let size = (16.0 * 256f64.powf(rng.below(1 << 16) as f64 / 65536.0)) as usize;
        let clocks_inside = rng.below(3) == 0;
        out.extend_from_slice(&[0xF0, 0x00, 0x20, 0x29]);
        for i in 4..size - 1 {
            if clocks_inside && i % 97 == 0 {
                out.push(0xF8);
            }
            out.push(rng.data_byte());
        }
        out.push(0xF7);

        // A burst of channel messages under running status, with clocks between them.
        let channel = rng.below(16) as u8;
        let status = [0x90, 0xB0, 0xE0, 0xD0][rng.below(4) as usize] | channel;
        out.push(status);
        for _ in 0..1 + rng.below(12) {
            if rng.below(4) == 0 {
                out.push(0xF8);
            }
            out.push(rng.data_byte());
            if status & 0xF0 != 0xD0 {
                out.push(rng.data_byte());
            }
        }
    }
    // Cut at a message boundary would change the size; a partial message at the end is
    // simply kept by every parser, and a clock byte completes nothing.
    out.truncate(STREAM_LEN);
    out
}

fn random_bytes() -> Vec<u8> {
    let mut rng = Rng(42);
    (0..STREAM_LEN).map(|_| rng.next() as u8).collect()
}

/// A byte-at-a-time parser following the same rules as [`StreamParser`]: every byte goes
/// through the state machine, SysEx bytes are stored one by one.
struct Baseline {
    buf: Vec<u8>,
    len: usize,
    mode: Mode,
    message: [u8; 3],
    /// Bytes of `message` collected (0: no status).
    have: usize,
    need: usize,
    /// A message was started by a status byte and is not complete yet (as opposed to a
    /// running status left over from a complete one).
    pending: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Short,
    SysEx,
    Discard,
    Undefined,
}

impl Baseline {
    fn new(capacity: usize) -> Self {
        Self {
            buf: vec![0; capacity],
            len: 0,
            mode: Mode::Short,
            message: [0; 3],
            have: 0,
            need: 0,
            pending: false,
        }
    }

    fn short(&self) -> ShortMessage {
        ShortMessage::new(&self.message[..self.have]).expect("collected a valid message")
    }

    fn push(&mut self, byte: u8, emit: &mut impl FnMut(Event<'_>)) {
        if byte >= 0xF8 {
            return emit(Event::RealTime(byte));
        }
        match self.mode {
            Mode::SysEx if byte < 0x80 || byte == 0xF7 => {
                if self.len < self.buf.len() {
                    self.buf[self.len] = byte;
                    self.len += 1;
                    if byte == 0xF7 {
                        self.mode = Mode::Short;
                        emit(Event::SysEx(&self.buf[..self.len]));
                    }
                } else {
                    self.mode = if byte == 0xF7 {
                        Mode::Short
                    } else {
                        Mode::Discard
                    };
                    emit(Event::SysExOverflow {
                        limit: self.buf.len(),
                    });
                }
                return;
            }
            Mode::SysEx => emit(Event::SysExAborted(&self.buf[..self.len])),
            Mode::Discard | Mode::Undefined if byte < 0x80 => return,
            Mode::Discard if byte == 0xF7 => {
                self.mode = Mode::Short;
                return;
            }
            Mode::Discard | Mode::Undefined => {}
            Mode::Short if byte < 0x80 => {
                if self.have == 0 {
                    return emit(Event::StrayData(byte));
                }
                self.message[self.have] = byte;
                self.have += 1;
                // Under running status too, a first data byte starts a message.
                self.pending = true;
                if self.have == self.need {
                    self.pending = false;
                    let message = self.short();
                    if message.channel().is_some() {
                        self.have = 1;
                        emit(Event::Channel(message));
                    } else {
                        self.have = 0;
                        emit(Event::SystemCommon(message));
                    }
                }
                return;
            }
            Mode::Short => {
                if self.pending {
                    emit(Event::TruncatedMessage(self.short()));
                }
            }
        }
        // A status byte `80`–`F7` starting its own message.
        self.mode = Mode::Short;
        self.have = 0;
        self.pending = false;
        match byte {
            0x80..=0xEF | 0xF1..=0xF3 => {
                self.message[0] = byte;
                self.have = 1;
                self.pending = true;
                self.need = match byte {
                    0xC0..=0xDF | 0xF1 | 0xF3 => 2,
                    _ => 3,
                };
            }
            0xF0 => {
                if self.buf.is_empty() {
                    self.mode = Mode::Discard;
                    emit(Event::SysExOverflow { limit: 0 });
                } else {
                    self.buf[0] = 0xF0;
                    self.len = 1;
                    self.mode = Mode::SysEx;
                }
            }
            0xF6 => emit(Event::SystemCommon(ShortMessage::new(&[0xF6]).unwrap())),
            0xF4 | 0xF5 => {
                self.mode = Mode::Undefined;
                emit(Event::UndefinedStatus(byte));
            }
            _ => emit(Event::StrayEnd),
        }
    }
}

type Owned = (EventKind, Vec<u8>, usize);

fn own(event: Event<'_>) -> Owned {
    let limit = match event {
        Event::SysExOverflow { limit } => limit,
        _ => 0,
    };
    (event.kind(), event.bytes().to_vec(), limit)
}

fn mox_events(data: &[u8], chunk: usize) -> Vec<Owned> {
    let mut parser = StreamParser::new(vec![0u8; SYSEX_CAPACITY]);
    let mut events = Vec::new();
    for mut input in data.chunks(chunk) {
        while let Some(event) = parser.feed(&mut input) {
            events.push(own(event));
        }
    }
    events
}

fn mox_push_events(data: &[u8]) -> Vec<Owned> {
    let mut parser = StreamParser::new(vec![0u8; SYSEX_CAPACITY]);
    let mut events = Vec::new();
    for &byte in data {
        events.extend(parser.push(byte).map(own));
    }
    events
}

fn baseline_events(data: &[u8]) -> Vec<Owned> {
    let mut parser = Baseline::new(SYSEX_CAPACITY);
    let mut events = Vec::new();
    for &byte in data {
        parser.push(byte, &mut |event| events.push(own(event)));
    }
    events
}

/// Counts (SysEx messages, SysEx bytes, other messages) as `midi-stream-parser` sees them.
fn midi_stream_parser_counts(data: &[u8]) -> (usize, usize, usize) {
    let mut parser = MidiStreamParser::new();
    let mut sysex = MidiSysexMessage::<SYSEX_CAPACITY>::new();
    let (mut messages, mut sysex_count, mut sysex_bytes) = (0, 0, 0);
    for &byte in data {
        match parser.feed(byte) {
            Some(ParserOutput::Message(_)) => messages += 1,
            Some(ParserOutput::SysexByte(byte)) => {
                if let Some(complete) = sysex.append(byte) {
                    sysex_count += 1;
                    sysex_bytes += complete.len();
                }
            }
            None => {}
        }
    }
    (sysex_count, sysex_bytes, messages)
}

fn check_agreement(data: &[u8]) {
    let reference = baseline_events(data);
    assert_eq!(mox_events(data, data.len()), reference, "mox vs baseline");
    assert_eq!(
        mox_events(data, 64),
        reference,
        "mox 64 B chunks vs baseline"
    );
    assert_eq!(mox_push_events(data), reference, "mox push vs baseline");
}

fn reassembly(c: &mut Criterion) {
    let data = stream();
    assert_eq!(data.len(), STREAM_LEN);
    check_agreement(&data);
    check_agreement(&random_bytes());

    let events = mox_events(&data, data.len());
    assert!(events.iter().all(|(kind, ..)| !kind.is_error()));
    let sysex: Vec<_> = events
        .iter()
        .filter(|(kind, ..)| *kind == EventKind::SysEx)
        .collect();
    let sysex_bytes = sysex.iter().map(|(_, bytes, _)| bytes.len()).sum();
    assert_eq!(
        midi_stream_parser_counts(&data),
        (sysex.len(), sysex_bytes, events.len() - sysex.len()),
        "midi-stream-parser finds the same messages"
    );
    eprintln!(
        "stream: {} bytes, {} SysEx ({} bytes), {} other events",
        data.len(),
        sysex.len(),
        sysex_bytes,
        events.len() - sysex.len()
    );

    let mut group = c.benchmark_group("sysex_stream");
    group.throughput(Throughput::Bytes(data.len() as u64));

    let mut parser = StreamParser::new(vec![0u8; SYSEX_CAPACITY]);
    group.bench_function("mox", |b| {
        b.iter(|| {
            parser.reset();
            let mut input = black_box(&data[..]);
            while let Some(event) = parser.feed(&mut input) {
                black_box(event);
            }
        });
    });
    group.bench_function("mox_64b_chunks", |b| {
        b.iter(|| {
            parser.reset();
            for mut input in black_box(&data[..]).chunks(64) {
                while let Some(event) = parser.feed(&mut input) {
                    black_box(event);
                }
            }
        });
    });
    group.bench_function("mox_push", |b| {
        b.iter(|| {
            parser.reset();
            for &byte in black_box(&data[..]) {
                for event in parser.push(byte) {
                    black_box(event);
                }
            }
        });
    });
    group.bench_function("baseline", |b| {
        let mut baseline = Baseline::new(SYSEX_CAPACITY);
        b.iter(|| {
            baseline.mode = Mode::Short;
            baseline.have = 0;
            baseline.pending = false;
            for &byte in black_box(&data[..]) {
                baseline.push(byte, &mut |event| {
                    black_box(event);
                });
            }
        });
    });
    group.bench_function("midi_stream_parser", |b| {
        b.iter(|| {
            let mut parser = MidiStreamParser::new();
            let mut sysex = MidiSysexMessage::<SYSEX_CAPACITY>::new();
            for &byte in black_box(&data[..]) {
                match parser.feed(byte) {
                    Some(ParserOutput::Message(message)) => {
                        black_box(message);
                    }
                    Some(ParserOutput::SysexByte(byte)) => {
                        if let Some(complete) = sysex.append(byte) {
                            black_box(complete);
                        }
                    }
                    None => {}
                }
            }
        });
    });
    let mut copy = vec![0u8; STREAM_LEN];
    group.bench_function("memcpy", |b| {
        b.iter(|| {
            copy.copy_from_slice(black_box(&data[..]));
            black_box(&copy);
        });
    });
    group.finish();
}

criterion_group!(benches, reassembly);
criterion_main!(benches);
