//! Arbitrary bytes → the MOX envelope: as a body, as a SysEx message, as an OSC packet (a
//! `/mox` message or a bundle of groups), each through the receiver pipeline of a fixed
//! description, chunks through a `ChunkReceiver`. Invariants: no panic; an error offset
//! lies within the body; a body that decodes re-encodes byte for byte; the SysEx and OSC
//! framings of a 7-bit body reach the same outcome as the body itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mox_codec::envelope::{
    encode_body, osc, sysex, Body, ChunkReceiver, ExtensionDef, FieldDef, FieldType, Limits,
    MajorDef, MessageDef, Outcome, Owner, ReceiverDesc,
};
use mox_codec::osc::Packet;
use mox_codec::sysex::message::ManufacturerId;

static NESTED: [FieldDef<'static>; 2] = [
    FieldDef::new(0x00, FieldType::U7),
    FieldDef::record(0x08, &NESTED),
];
static FIELDS: [FieldDef<'static>; 12] = [
    FieldDef::new(0x00, FieldType::U7),
    FieldDef::new(0x08, FieldType::U14).range(0, 16000),
    FieldDef::new(0x10, FieldType::Bytes7).added(1).max_len(3),
    FieldDef::new(0x18, FieldType::Bool),
    FieldDef::new(0x20, FieldType::Enum7).values(&[0, 1, 2]),
    FieldDef::new(0x28, FieldType::I21).range(-5, 5),
    FieldDef::new(0x30, FieldType::Utf8).max_len(16),
    FieldDef::new(0x40, FieldType::F32),
    FieldDef::new(0x48, FieldType::Bytes),
    FieldDef::record(0x50, &NESTED),
    FieldDef::new(0x58, FieldType::U7).repeated(),
    FieldDef::new(0x68, FieldType::Text7).max_len(8),
];
static RECEIVER: ReceiverDesc<'static> = ReceiverDesc {
    node_id: 0x42,
    limits: Limits { max_fields: 16, max_depth: 3 },
    extensions: &[
        ExtensionDef {
            owner: Owner::MOX,
            number: 0,
            majors: &[MajorDef { major: 1, minor: 0, messages: &[MessageDef { msg_type: 1, fields: &[] }] }],
        },
        ExtensionDef {
            owner: Owner::MOX,
            number: 1,
            majors: &[MajorDef {
                major: 1,
                minor: 1,
                messages: &[
                    MessageDef { msg_type: 0x01, fields: &FIELDS },
                    MessageDef { msg_type: 0x41, fields: &[] },
                ],
            }],
        },
    ],
};

fn check_body(body: &[u8]) {
    let outcome = RECEIVER.receive(body);
    if let mox_codec::envelope::bridge::Reorigination::Forward { fields, .. } = RECEIVER.reoriginate(body) {
        assert!(fields.count() <= body.len());
    }
    if let Outcome::Malformed { error, .. } | Outcome::Discarded(error) = outcome {
        assert!(error.offset() <= body.len(), "{error}");
    }
    if let Outcome::Delivered(delivered) = outcome {
        for field in delivered.fields() {
            let _ = field;
        }
    }
    if let Ok(decoded) = Body::parse(body, &Limits::DEFAULT) {
        if !decoded.header().chunked {
            let mut again = vec![0u8; body.len()];
            assert_eq!(encode_body(decoded.header(), decoded.fields(), &mut again), Ok(body.len()));
            assert_eq!(again, body);
        } else {
            let _ = decoded.chunk();
        }
    }
    if body.iter().all(|&b| b < 0x80) {
        let mut framed = vec![0u8; sysex::encoded_len(ManufacturerId::NonCommercial, body.len())];
        sysex::encode(ManufacturerId::NonCommercial, body, &mut framed).unwrap();
        assert_eq!(RECEIVER.receive_sysex(&framed), outcome);
        let mut packet = vec![0u8; osc::encoded_len(body.len())];
        osc::encode(body, &mut packet).unwrap();
        let Ok(Packet::Message(message)) = Packet::decode(&packet) else {
            panic!("a /mox message does not decode");
        };
        assert_eq!(RECEIVER.receive_osc(&message), outcome);
        let mut chunks: ChunkReceiver<2, 64> = ChunkReceiver::new();
        if let Outcome::Chunk(chunk) = outcome {
            let _ = chunks.accept(&RECEIVER, 0, 0, &chunk).class();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check_body(data);
    let _ = RECEIVER.receive_sysex(data).class();
    match Packet::decode(data) {
        Ok(Packet::Message(message)) => {
            let _ = RECEIVER.receive_osc(&message).class();
        }
        Ok(Packet::Bundle(bundle)) => {
            for group in osc::groups(&bundle) {
                if let osc::Group::Mox { body, fallback } = group {
                    if let Ok(body) = body {
                        let _ = RECEIVER.receive(body).suppresses_fallback();
                    }
                    assert!(fallback.count() < data.len());
                }
            }
        }
        Err(_) => {}
    }
    // A stream of units through one ChunkReceiver: 2-byte length, then the unit.
    let mut chunks: ChunkReceiver<2, 64> = ChunkReceiver::new();
    let mut rest = data;
    let mut now = 0u64;
    while let Some((&[len, step], tail)) = rest.split_first_chunk::<2>() {
        let (unit, tail) = tail.split_at(usize::from(len).min(tail.len()));
        if let Outcome::Chunk(chunk) = RECEIVER.receive(unit) {
            let _ = chunks.accept(&RECEIVER, now, u32::from(step & 1), &chunk).class();
        }
        now += u64::from(step) * 16;
        rest = tail;
    }
});
