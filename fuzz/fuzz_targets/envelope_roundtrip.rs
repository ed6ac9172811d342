//! An `arbitrary` header and field list → `encode_body` → `Body::parse`, SysEx and OSC.
//! Invariants: encoding fails exactly when an input breaks a documented encoder rule
//! (owner, numbers, 7-bit values); otherwise the body is `body_len` bytes, decodes to the
//! same header and fields, re-encodes to the same bytes, and both bindings carry it
//! unchanged to the same outcome.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mox_codec::envelope::{
    body_len, encode_body, osc, sysex, varint, Addresses, Body, EncodeError, ExtensionId,
    FieldId, Header, Limits, Owner, ReceiverDesc,
};
use mox_codec::osc::Packet;
use mox_codec::sysex::message::ManufacturerId;

#[derive(Arbitrary, Debug)]
struct Input {
    three_byte_owner: bool,
    owner: [u8; 3],
    number: u32,
    major: u8,
    minor: u8,
    msg_type: u8,
    check: bool,
    ids: Option<(u32, u32)>,
    fields: Vec<(u32, Vec<u8>)>,
}

static RECEIVER: ReceiverDesc<'static> = ReceiverDesc { node_id: 0x42, limits: Limits::DEFAULT, extensions: &[] };

fuzz_target!(|input: Input| {
    let owner = if input.three_byte_owner {
        Owner::ThreeByte(input.owner[1], input.owner[2])
    } else {
        Owner::OneByte(input.owner[0])
    };
    let mut header = Header::new(ExtensionId::new(owner, input.number), input.major, input.minor, input.msg_type);
    header.check = input.check;
    header.addresses = input.ids.map(|(source, destination)| Addresses { source, destination });
    let Some(fields): Option<Vec<(FieldId, &[u8])>> = input
        .fields
        .iter()
        .map(|(id, value)| FieldId::from_value(*id).map(|id| (id, &value[..])))
        .collect()
    else {
        return;
    };

    let invalid_header = !owner.is_valid()
        || input.number > varint::MAX
        || input.major > 0x7F
        || input.minor > 0x7F
        || input.msg_type > 0x7F
        || input.ids.is_some_and(|(s, d)| s > 0x0FFF_FFFF || d > 0x0FFF_FFFF);
    let eight_bit = fields.iter().any(|(_, value)| value.iter().any(|&b| b > 0x7F));
    let len = match body_len(&header, &fields) {
        Ok(len) => {
            assert!(!invalid_header && !eight_bit);
            len
        }
        Err(error) => {
            assert!(invalid_header || matches!(error, EncodeError::NotSevenBit { .. }), "{error}");
            return;
        }
    };
    let mut body = vec![0u8; len];
    assert_eq!(encode_body(&header, &fields, &mut body), Ok(len));
    let mut short = vec![0u8; len.saturating_sub(1)];
    assert_eq!(encode_body(&header, &fields, &mut short), Err(EncodeError::BufferTooSmall { needed: len }));

    let limits = Limits { max_fields: u16::MAX, max_depth: 4 };
    let decoded = Body::parse(&body, &limits).expect("an encoded body decodes");
    assert_eq!(*decoded.header(), header);
    assert!(decoded.fields().map(|f| (f.id(), f.value())).eq(fields.iter().copied()));
    let mut again = vec![0u8; len];
    assert_eq!(encode_body(decoded.header(), decoded.fields(), &mut again), Ok(len));
    assert_eq!(again, body);

    let mut framed = vec![0u8; sysex::encoded_len(ManufacturerId::NonCommercial, len)];
    sysex::encode(ManufacturerId::NonCommercial, &body, &mut framed).unwrap();
    assert_eq!(sysex::SysExEnvelope::parse(&framed).unwrap().body(), &body[..]);
    let mut packet = vec![0u8; osc::encoded_len(len)];
    osc::encode(&body, &mut packet).unwrap();
    let Ok(Packet::Message(message)) = Packet::decode(&packet) else { panic!() };
    assert_eq!(osc::body_of(&message), Ok(&body[..]));
    assert_eq!(RECEIVER.receive_sysex(&framed), RECEIVER.receive_osc(&message));
});
