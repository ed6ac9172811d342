//! OSC decode and encode, MOX against rosc, side by side in the same run, on the packet set
//! in `common/mod.rs`. Run with `cargo bench -p mox-codec --bench osc`; see
//! `docs/performance.md` for figures and the callgrind comparison with oscpack.
//!
//! - `decode/PACKET/{mox,rosc}`: MOX decodes and reads every value (arguments, array items,
//!   bundle elements, recursively); rosc's `decode_udp` builds its owned tree.
//! - `encode/PACKET/{mox,rosc}`: MOX encodes the value form into a stack buffer; rosc's
//!   `encode_into` writes into a `Vec` that keeps its capacity.
//!
//! The `all_tags` packet has an `S` argument, which rosc does not support: it is measured
//! for MOX only.
#![allow(missing_docs)] // `criterion_group!` defines an undocumented `pub fn`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

mod common;

fn decode(c: &mut Criterion) {
    for case in &common::CASES {
        let bytes = case.bytes();
        let mut group = c.benchmark_group(format!("decode/{}", case.name));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("mox", |b| {
            b.iter(|| common::mox_decode(black_box(&bytes)).expect("decodes"));
        });
        if case.rosc {
            group.bench_function("rosc", |b| {
                b.iter(|| common::rosc_decode(black_box(&bytes)).expect("decodes"));
            });
        }
        group.finish();
    }
}

fn encode(c: &mut Criterion) {
    for case in &common::CASES {
        let bytes = case.bytes();
        let mut group = c.benchmark_group(format!("encode/{}", case.name));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        let mut buf = [0u8; 2048];
        group.bench_function("mox", |b| {
            b.iter(|| common::mox_encode(black_box(&case.value), black_box(&mut buf)));
        });
        if case.rosc {
            let value = common::rosc_value(&bytes);
            let mut out = Vec::with_capacity(2048);
            group.bench_function("rosc", |b| {
                b.iter(|| common::rosc_encode(black_box(&value), black_box(&mut out)));
            });
        }
        group.finish();
    }
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
