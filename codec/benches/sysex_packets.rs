//! Transport packetisation throughput on 1 MiB of SysEx-heavy MIDI 1.0 bytes, each beside a
//! plain `copy_from_slice` of the same bytes and, for UMP SysEx7, the `midi2` crate.
//! Run with `cargo bench -p mox-codec --bench sysex_packets`.
//!
//! - `usb/{encode,decode}`: byte stream → USB-MIDI 1.0 packets, and back.
//! - `sysex7/{encode,decode}/{mox,midi2}`: the same stream's SysEx messages (F0…F7) →
//!   UMP SysEx7 packets, and back. midi2 packetises one message at a time
//!   (`Sysex7::set_payload` on a reused `Vec<u32>`) and reads payloads back through
//!   `Sysex7::try_from(&[u32])`; MOX runs its streaming encoder/decoder over the whole
//!   stream. Both produce the same packets (asserted before timing).
//!
//! Throughput is counted in input MIDI bytes for every row, so the rows compare directly.
#![allow(missing_docs)] // `criterion_group!` defines an undocumented `pub fn`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use midi2::prelude::*;
use mox_codec::sysex::ump::{UmpDecoder, UmpEncoder};
use mox_codec::sysex::usb::{UsbDecoder, UsbEncoder, UsbPacket};

const SIZE: usize = 1 << 20;

/// SysEx messages of 20–1000 bytes (a small LCG picks the sizes and bytes), with a note on
/// and a clock between them, up to 1 MiB.
fn stream() -> (Vec<u8>, Vec<std::ops::Range<usize>>) {
    let mut state = 0x1234_5678u32;
    let mut next = || {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        state >> 8
    };
    let (mut bytes, mut sysex) = (Vec::with_capacity(SIZE), Vec::new());
    while bytes.len() < SIZE - 1100 {
        bytes.extend_from_slice(&[0x90, 0x40, 0x7F, 0xF8]);
        let start = bytes.len();
        bytes.push(0xF0);
        let len = 20 + (next() % 980) as usize;
        bytes.extend((0..len).map(|_| (next() & 0x7F) as u8));
        bytes.push(0xF7);
        sysex.push(start..bytes.len());
    }
    (bytes, sysex)
}

fn usb_encode(bytes: &[u8], out: &mut [UsbPacket]) -> usize {
    let mut encoder = UsbEncoder::new(0).unwrap();
    let mut input = bytes;
    let n = encoder.encode(&mut input, out).expect("valid stream");
    assert!(input.is_empty());
    n
}

fn usb_decode(packets: &[UsbPacket], out: &mut [u8]) -> usize {
    let mut decoder = UsbDecoder::new();
    let mut input = packets;
    let run = decoder.decode(&mut input, out).expect("valid packets");
    assert!(input.is_empty());
    run.len
}

fn mox_sysex7_encode(bytes: &[u8], sysex: &[std::ops::Range<usize>], out: &mut [u32]) -> usize {
    let mut encoder = UmpEncoder::new(0).unwrap();
    let mut written = 0;
    for range in sysex {
        let mut input = &bytes[range.clone()];
        written += encoder
            .encode(&mut input, &mut out[written..])
            .expect("valid SysEx");
    }
    written
}

fn midi2_sysex7_encode(
    bytes: &[u8],
    sysex: &[std::ops::Range<usize>],
    message: &mut sysex7::Sysex7<Vec<u32>>,
    out: &mut [u32],
) -> usize {
    let mut written = 0;
    for range in sysex {
        let body = &bytes[range.start + 1..range.end - 1];
        message.set_payload(body.iter().map(|&b| u7::new(b)));
        let data = message.data();
        out[written..written + data.len()].copy_from_slice(data);
        written += data.len();
    }
    written
}

fn mox_sysex7_decode(words: &[u32], out: &mut [u8]) -> usize {
    let mut decoder = UmpDecoder::new();
    let mut input = words;
    let run = decoder.decode(&mut input, out).expect("valid packets");
    assert!(input.is_empty());
    run.len
}

/// midi2 parses one message at a time: the caller finds each message's packets (status
/// complete or end closes one) and midi2 validates and reads them.
fn midi2_sysex7_decode(words: &[u32], out: &mut [u8]) -> usize {
    let mut written = 0;
    let mut start = 0;
    for (index, pair) in words.chunks_exact(2).enumerate() {
        let status = (pair[0] >> 20) & 0xF;
        if status == 0 || status == 3 {
            let end = (index + 1) * 2;
            let message = sysex7::Sysex7::try_from(&words[start..end]).expect("valid");
            out[written] = 0xF0;
            written += 1;
            for byte in message.payload() {
                out[written] = u8::from(byte);
                written += 1;
            }
            out[written] = 0xF7;
            written += 1;
            start = end;
        }
    }
    written
}

fn bench(c: &mut Criterion) {
    let (bytes, sysex) = stream();
    let sysex_bytes: Vec<u8> = sysex
        .iter()
        .flat_map(|r| bytes[r.clone()].iter().copied())
        .collect();

    // Outputs, sized once; each operation is checked once outside the timing loops.
    let mut packets = vec![[0u8; 4]; bytes.len()];
    let n_packets = usb_encode(&bytes, &mut packets);
    let packets = &packets[..n_packets];
    let mut decoded = vec![0u8; bytes.len() + 16];
    let n = usb_decode(packets, &mut decoded);
    assert_eq!(&decoded[..n], &bytes[..], "USB round trip");

    let mut words = vec![0u32; bytes.len()];
    let n_words = mox_sysex7_encode(&bytes, &sysex, &mut words);
    let mut reference = vec![0u32; bytes.len()];
    let mut message = sysex7::Sysex7::<Vec<u32>>::new();
    let n_ref = midi2_sysex7_encode(&bytes, &sysex, &mut message, &mut reference);
    assert_eq!(words[..n_words], reference[..n_ref], "MOX and midi2 agree");
    let words = &words[..n_words];
    let n = mox_sysex7_decode(words, &mut decoded);
    assert_eq!(decoded[..n], sysex_bytes[..], "SysEx7 round trip");
    let n = midi2_sysex7_decode(words, &mut decoded);
    assert_eq!(
        decoded[..n],
        sysex_bytes[..],
        "midi2 reads the packets back"
    );

    let mut copy = vec![0u8; bytes.len()];
    let mut group = c.benchmark_group("usb");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("memcpy", |b| {
        b.iter(|| copy.copy_from_slice(black_box(&bytes)))
    });
    let mut out = vec![[0u8; 4]; bytes.len()];
    group.bench_function("encode", |b| {
        b.iter(|| usb_encode(black_box(&bytes), &mut out))
    });
    group.bench_function("decode", |b| {
        b.iter(|| usb_decode(black_box(packets), &mut decoded))
    });
    group.finish();

    let mut group = c.benchmark_group("sysex7");
    group.throughput(Throughput::Bytes(sysex_bytes.len() as u64));
    let mut copy = vec![0u8; sysex_bytes.len()];
    group.bench_function("memcpy", |b| {
        b.iter(|| copy.copy_from_slice(black_box(&sysex_bytes)))
    });
    let mut out = vec![0u32; bytes.len()];
    group.bench_function("encode/mox", |b| {
        b.iter(|| mox_sysex7_encode(black_box(&bytes), &sysex, &mut out))
    });
    group.bench_function("encode/midi2", |b| {
        b.iter(|| midi2_sysex7_encode(black_box(&bytes), &sysex, &mut message, &mut out))
    });
    group.bench_function("decode/mox", |b| {
        b.iter(|| mox_sysex7_decode(black_box(words), &mut decoded))
    });
    group.bench_function("decode/midi2", |b| {
        b.iter(|| midi2_sysex7_decode(black_box(words), &mut decoded))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
