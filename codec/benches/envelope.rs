//! The MOX envelope beside the nearest peer for its job, Protocol Buffers (the `prost` crate):
//! both are tag-length-value formats whose receivers skip fields they do not know.
//! Run with `cargo bench -p mox-codec --bench envelope`.
//!
//! - `receive/{mox,prost}`: spec §4.9's `mox.fader` 1.1 strip message (strip 3, position
//!   8192, colour) as a 26-byte SysEx message through the whole receiver pipeline of spec
//!   §15.3 (framing, CRC-14, header, field section, known/unknown classification) and the
//!   generated typed view, against `prost` decoding the same three values from a 9-byte
//!   protobuf message. MOX does more work per message (SysEx framing, 7-bit checks, CRC,
//!   version rules); the row shows what that costs. `receive/mox-pipeline-only` stops after
//!   the pipeline (no typed view), to split the cost.
//! - `encode/{mox,prost}`: the typed message into a caller buffer, framed as SysEx with its
//!   CRC, against `prost` encoding into a reused `Vec`.
//! - `crc14/{bitwise,table}`: CRC-14/DARC over 1 KiB, the codec's bitwise loop (56 bytes of
//!   code on thumbv6m) against the 256-entry table variant.
#![allow(missing_docs)] // `criterion_group!` defines an undocumented `pub fn`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mox_codec::envelope::ext::fader;
use mox_codec::envelope::{crc, sysex, Limits, Outcome, ReceiverDesc};
use mox_codec::sysex::message::ManufacturerId;
use prost::Message as _;

/// The same strip state as a protobuf message (field numbers 1–3).
#[derive(Clone, PartialEq, prost::Message)]
struct StripProto {
    #[prost(uint32, tag = "1")]
    strip: u32,
    #[prost(uint32, optional, tag = "2")]
    position: Option<u32>,
    #[prost(uint32, optional, tag = "3")]
    colour: Option<u32>,
}

static RECEIVER: ReceiverDesc<'static> = ReceiverDesc {
    node_id: 0x0123_4567,
    limits: Limits::DEFAULT,
    extensions: &[fader::EXTENSION_DEF],
};

const STRIP: fader::v1::Strip = fader::v1::Strip {
    strip: 3,
    position: Some(8192),
    touched: None,
    ring: None,
    colour: Some(4223),
};

fn mox_encode(out: &mut [u8]) -> usize {
    let mut header = fader::v1::Strip::header();
    header.check = true;
    let mut body = [0u8; 32];
    let n = STRIP.encode(&header, &mut body).expect("fits");
    sysex::encode(ManufacturerId::NonCommercial, &body[..n], out).expect("fits")
}

fn mox_receive(unit: &[u8]) -> (u8, Option<u16>, Option<u32>) {
    match RECEIVER.receive_sysex(unit) {
        Outcome::Delivered(message) => {
            let view = fader::v1::StripView::new(message).expect("a strip");
            (view.strip(), view.position(), view.colour())
        }
        other => panic!("{}", other.class()),
    }
}

fn bench(c: &mut Criterion) {
    let mut unit = [0u8; 64];
    let n = mox_encode(&mut unit);
    let unit = &unit[..n];
    // Spec §4.9, byte for byte.
    assert_eq!(
        unit,
        [
            0xF0, 0x7D, 0x4D, 0x4F, 0x58, 0x01, 0x7E, 0x01, 0x01, 0x01, 0x01, 0x00, 0x01, 0x03,
            0x08, 0x02, 0x00, 0x40, 0x20, 0x03, 0x7F, 0x20, 0x00, 0x21, 0x44, 0xF7
        ]
    );
    let proto = StripProto {
        strip: 3,
        position: Some(8192),
        colour: Some(4223),
    };
    let proto_bytes = proto.encode_to_vec();
    assert_eq!(mox_receive(unit), (3, Some(8192), Some(4223)));
    assert_eq!(StripProto::decode(&proto_bytes[..]).unwrap(), proto);

    let mut group = c.benchmark_group("receive");
    group.throughput(Throughput::Elements(1));
    group.bench_function("mox", |b| b.iter(|| mox_receive(black_box(unit))));
    group.bench_function("prost", |b| {
        b.iter(|| StripProto::decode(black_box(&proto_bytes[..])).unwrap())
    });
    group.bench_function("mox-pipeline-only", |b| {
        b.iter(|| {
            matches!(
                RECEIVER.receive_sysex(black_box(unit)),
                Outcome::Delivered(_)
            )
        })
    });
    group.finish();

    let mut group = c.benchmark_group("encode");
    group.throughput(Throughput::Elements(1));
    let mut out = [0u8; 64];
    group.bench_function("mox", |b| b.iter(|| mox_encode(black_box(&mut out))));
    let mut buf = Vec::with_capacity(64);
    group.bench_function("prost", |b| {
        b.iter(|| {
            buf.clear();
            black_box(&proto).encode(&mut buf).unwrap();
            buf.len()
        })
    });
    group.finish();

    let data: Vec<u8> = (0..1024u32)
        .map(|i| (i.wrapping_mul(37) & 0x7F) as u8)
        .collect();
    assert_eq!(crc::crc14(&data), crc::crc14_table(&data));
    let mut group = c.benchmark_group("crc14");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("bitwise", |b| b.iter(|| crc::crc14(black_box(&data))));
    group.bench_function("table", |b| b.iter(|| crc::crc14_table(black_box(&data))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
