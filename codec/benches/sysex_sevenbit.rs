//! 7-bit encodings on 1 MiB of data, MOX beside a straightforward byte-at-a-time
//! implementation (kept here as the baseline) and a plain `memcpy` of the same input bytes
//! (the physical limit), in the same run. Run with
//! `cargo bench -p mox-codec --bench sysex_sevenbit`.
//!
//! - `ENCODING/encode/{baseline,mox,memcpy}`: 1 MiB of pseudo-random data to wire bytes.
//! - `ENCODING/decode/{baseline,mox,memcpy}`: the wire bytes of that 1 MiB back to data.
//!
//! Throughput counts the input bytes of each direction (1 MiB to encode; 1 MiB + 1/7 or
//! 2 MiB to decode). Like MOX, the baseline decoders reject bytes with bit 7 set (and
//! non-nibbles), so both do the same work; before timing, each pair is checked to produce
//! identical bytes.
#![allow(missing_docs)] // `criterion_group!` defines an undocumented `pub fn`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mox_codec::sysex::sevenbit::{self, Encoding};

const MIB: usize = 1 << 20;

/// Deterministic bytes with every bit pattern (xorshift64).
fn data() -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    (0..MIB)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Byte-at-a-time reference encoder, the shape most published implementations have (the
/// Arduino MIDI library's `encodeSysEx`, per group of 7 instead of a running counter).
fn baseline_encode(encoding: Encoding, data: &[u8], out: &mut [u8]) -> usize {
    match encoding {
        Encoding::Mcoded7 | Encoding::Mcoded7Reversed => {
            let reversed = encoding == Encoding::Mcoded7Reversed;
            let mut written = 0;
            for (group, wire) in data.chunks(7).zip(out.chunks_mut(8)) {
                let mut header = 0;
                for (i, &byte) in group.iter().enumerate() {
                    header |= (byte >> 7) << if reversed { i } else { 6 - i };
                    wire[i + 1] = byte & 0x7F;
                }
                wire[0] = header;
                written += group.len() + 1;
            }
            written
        }
        _ => {
            let high_first = encoding == Encoding::NibblesHighFirst;
            for (i, &byte) in data.iter().enumerate() {
                let (high, low) = (byte >> 4, byte & 0x0F);
                out[2 * i] = if high_first { high } else { low };
                out[2 * i + 1] = if high_first { low } else { high };
            }
            2 * data.len()
        }
    }
}

/// Byte-at-a-time reference decoder; `None` on a byte that is not valid wire data.
fn baseline_decode(encoding: Encoding, wire: &[u8], out: &mut [u8]) -> Option<usize> {
    match encoding {
        Encoding::Mcoded7 | Encoding::Mcoded7Reversed => {
            let reversed = encoding == Encoding::Mcoded7Reversed;
            let mut written = 0;
            for (wire, group) in wire.chunks(8).zip(out.chunks_mut(7)) {
                let header = wire[0];
                if header & 0x80 != 0 {
                    return None;
                }
                for (i, &byte) in wire[1..].iter().enumerate() {
                    if byte & 0x80 != 0 {
                        return None;
                    }
                    let shift = if reversed { i } else { 6 - i };
                    group[i] = byte | (header >> shift & 1) << 7;
                }
                written += wire.len() - 1;
            }
            Some(written)
        }
        _ => {
            let high_first = encoding == Encoding::NibblesHighFirst;
            for (i, pair) in wire.chunks_exact(2).enumerate() {
                let (first, second) = (pair[0], pair[1]);
                if first > 0x0F || second > 0x0F {
                    return None;
                }
                out[i] = if high_first {
                    first << 4 | second
                } else {
                    second << 4 | first
                };
            }
            Some(wire.len() / 2)
        }
    }
}

fn bench(c: &mut Criterion) {
    let data = data();
    for encoding in Encoding::ALL {
        let wire_len = sevenbit::encoded_len(encoding, data.len());
        let mut wire = vec![0u8; wire_len];
        let mut baseline_wire = vec![0u8; wire_len];
        assert_eq!(sevenbit::encode(encoding, &data, &mut wire), Ok(wire_len));
        assert_eq!(
            baseline_encode(encoding, &data, &mut baseline_wire),
            wire_len
        );
        assert!(wire == baseline_wire, "{encoding}: encoders disagree");
        let mut back = vec![0u8; data.len()];
        let mut baseline_back = vec![0u8; data.len()];
        assert_eq!(sevenbit::decode(encoding, &wire, &mut back), Ok(data.len()));
        assert_eq!(
            baseline_decode(encoding, &wire, &mut baseline_back),
            Some(data.len())
        );
        assert!(
            back == data && baseline_back == data,
            "{encoding}: decoders disagree"
        );

        let mut group = c.benchmark_group(format!("{encoding}/encode"));
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function("baseline", |b| {
            b.iter(|| baseline_encode(encoding, black_box(&data), black_box(&mut wire)));
        });
        group.bench_function("mox", |b| {
            b.iter(|| sevenbit::encode(encoding, black_box(&data), black_box(&mut wire)));
        });
        group.bench_function("memcpy", |b| {
            b.iter(|| black_box(&mut back[..]).copy_from_slice(black_box(&data)));
        });
        group.finish();

        let mut group = c.benchmark_group(format!("{encoding}/decode"));
        group.throughput(Throughput::Bytes(wire.len() as u64));
        group.bench_function("baseline", |b| {
            b.iter(|| baseline_decode(encoding, black_box(&wire), black_box(&mut back)));
        });
        group.bench_function("mox", |b| {
            b.iter(|| sevenbit::decode(encoding, black_box(&wire), black_box(&mut back)));
        });
        group.bench_function("memcpy", |b| {
            b.iter(|| black_box(&mut baseline_wire[..]).copy_from_slice(black_box(&wire)));
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
