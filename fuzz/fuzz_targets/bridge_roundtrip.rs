//! The pass-through bridge (spec chapter 13) on arbitrary bytes, through the codec's
//! framing functions as `mox bridge` uses them.
//!
//! Input: one mode byte, then the unit. Mode bit 0 picks the direction (0: a SysEx message
//! in, 1: an OSC packet in); bits 1–2 the bridge's carrier for OSC → SysEx (`7D`, `41`,
//! `00 21 09`, `7D`).
//!
//! Invariants, whenever the bridge accepts the input (nothing may panic either way):
//! - SysEx → OSC → SysEx under the original carrier gives the input back, byte for byte;
//! - OSC → SysEx → OSC gives the same body, and the input back whenever the input was
//!   the canonical `/mox ,b <body>` message; a blob with a byte above `7F` is refused with
//!   that byte's offset;
//! - a receiver reaches the same outcome on both bindings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mox_codec::envelope::osc::{self as mox_osc, Group};
use mox_codec::envelope::{
    sysex as mox_sysex, EncodeError, ExtensionDef, FieldDef, FieldType, Limits, MajorDef,
    MessageDef, Owner, ReceiverDesc,
};
use mox_codec::osc::{Bundle, Message, Packet};
use mox_codec::sysex::message::ManufacturerId;

static FADER: [FieldDef<'static>; 3] = [
    FieldDef::new(0x00, FieldType::U7),
    FieldDef::new(0x08, FieldType::U14),
    FieldDef::new(0x10, FieldType::Bytes7).added(1).max_len(3),
];
/// Knows `mox.fader` 1.x type 01, so bodies get as far as the field checks.
static RECEIVER: ReceiverDesc<'static> = ReceiverDesc {
    node_id: 0x42,
    limits: Limits::DEFAULT,
    extensions: &[ExtensionDef {
        owner: Owner::MOX,
        number: 1,
        majors: &[MajorDef {
            major: 1,
            minor: 1,
            messages: &[MessageDef {
                msg_type: 0x01,
                fields: &FADER,
            }],
        }],
    }],
};

fn to_osc(body: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; mox_osc::encoded_len(body.len())];
    let n = mox_osc::encode(body, &mut out).expect("a 7-bit body frames as OSC");
    assert_eq!(n, out.len());
    out
}

fn to_sysex(carrier: ManufacturerId, body: &[u8]) -> Result<Vec<u8>, EncodeError> {
    let mut out = vec![0u8; mox_sysex::encoded_len(carrier, body.len())];
    let n = mox_sysex::encode(carrier, body, &mut out)?;
    assert_eq!(n, out.len());
    Ok(out)
}

fn osc_message(packet: &[u8]) -> Message<'_> {
    match Packet::decode(packet) {
        Ok(Packet::Message(message)) => message,
        other => panic!("the bridge's own /mox packet does not decode: {other:?}"),
    }
}

/// One `/mox` body of an OSC input; `whole` is the message and the input bytes when the
/// packet is that message.
fn osc_body(carrier: ManufacturerId, body: &[u8], whole: Option<(&Message<'_>, &[u8])>) {
    match to_sysex(carrier, body) {
        Err(EncodeError::NotSevenBit { offset }) => assert!(body[offset] > 0x7F),
        Err(other) => panic!("{other}"),
        Ok(sysex) => {
            let envelope = mox_sysex::SysExEnvelope::parse(&sysex).expect("bridge output is MOX");
            assert_eq!(envelope.body(), body);
            assert_eq!(envelope.carrier(), carrier);
            let back = to_osc(envelope.body());
            assert_eq!(mox_osc::packet_body(&back), Ok(body));
            if let Some((message, whole)) = whole {
                // `/mox ,b` with nothing after the blob: the bytes are fixed by the body (the
                // decoder refuses non-zero padding), so the bridge gives them back exactly.
                let only_blob = message.args().count() == 1;
                if only_blob && whole.len() == mox_osc::encoded_len(body.len()) {
                    assert_eq!(back, whole);
                }
            }
            assert_eq!(
                RECEIVER.receive_sysex(&sysex),
                RECEIVER.receive_osc(&osc_message(&back))
            );
        }
    }
}

fn bundle_bodies(carrier: ManufacturerId, bundle: &Bundle<'_>) {
    for group in mox_osc::groups(bundle) {
        match group {
            Group::Plain(element) => nested(carrier, element),
            Group::Mox { body, fallback } => {
                if let Ok(body) = body {
                    osc_body(carrier, body, None);
                }
                for element in fallback {
                    nested(carrier, element);
                }
            }
        }
    }
}

fn nested(carrier: ManufacturerId, element: Result<Packet<'_>, mox_codec::osc::DecodeError>) {
    if let Ok(Packet::Bundle(inner)) = element {
        bundle_bodies(carrier, &inner);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, unit)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        let Ok(envelope) = mox_sysex::SysExEnvelope::parse(unit) else {
            return;
        };
        let packet = to_osc(envelope.body());
        let message = osc_message(&packet);
        let body = mox_osc::body_of(&message).expect("the bridge's /mox message has a blob");
        assert_eq!(body, envelope.body());
        let back = to_sysex(envelope.carrier(), body).expect("a SysEx body is 7-bit");
        assert_eq!(back, unit);
        assert_eq!(RECEIVER.receive_sysex(unit), RECEIVER.receive_osc(&message));
    } else {
        let carrier = match (mode >> 1) & 3 {
            1 => ManufacturerId::OneByte(0x41),
            2 => ManufacturerId::ThreeByte(0x21, 0x09),
            _ => ManufacturerId::NonCommercial,
        };
        match Packet::decode(unit) {
            Ok(Packet::Message(message)) => {
                if let Ok(body) = mox_osc::body_of(&message) {
                    osc_body(carrier, body, Some((&message, unit)));
                }
            }
            Ok(Packet::Bundle(bundle)) => bundle_bodies(carrier, &bundle),
            Err(_) => {}
        }
    }
});
