//! The MOX envelope against the worked examples of `spec/mox.md` (§4.8, §4.9, §5.4, §6.7,
//! §9.5, §15.8; tests named `mox_…` after the requirement area), the design's examples and
//! shared contract (`docs/design/envelope.md` §3.7, §4.3, §7, §A.3, §A.4; tests that say
//! "design"): every outcome, every error class, every handling-bit combination, truncation at
//! every byte, and property round trips.
use mox_codec::envelope::{
    body_len, crc, encode_body, encode_chunk_body, osc, sysex, varint, Addresses, Body,
    DecodeErrorKind, ExtensionDef, ExtensionId, FieldClass, FieldDef, FieldId, FieldType, Header,
    Limits, MajorDef, MessageDef, NotMox, Outcome, Owner, ReceiverDesc, Rejection, Reply,
    BROADCAST,
};
use mox_codec::osc::{Arg, Message, Packet};
use mox_codec::sysex::chunk::{Accepted, Reassembler, Splitter};
use mox_codec::sysex::message::ManufacturerId;
use proptest::prelude::*;

const NODE: u32 = 0x0123_4567;
const OTHER: u32 = 0x0765_4321;
const PEER: u32 = 0x0011_2233;

static NESTED: [FieldDef<'static>; 3] = [
    FieldDef::new(0x00, FieldType::U7),
    // A record that holds itself: only the depth limit bounds the walk.
    FieldDef::record(0x08, &NESTED),
    FieldDef::new(0x10, FieldType::U7).added(1),
];

static STRIP: [FieldDef<'static>; 13] = [
    FieldDef::new(0x00, FieldType::U7),  // n0 strip
    FieldDef::new(0x08, FieldType::U14), // n1 position
    FieldDef::new(0x10, FieldType::Bytes7).max_len(3).added(1), // n2 colour, v1.1
    FieldDef::new(0x18, FieldType::Bool), // n3 touch
    FieldDef::new(0x20, FieldType::Enum7).values(&[0, 1, 2]), // n4 mode
    FieldDef::new(0x28, FieldType::I14).range(-1000, 1000), // n5 trim
    FieldDef::new(0x30, FieldType::Utf8).max_len(16), // n6 label
    FieldDef::new(0x40, FieldType::F32), // n8 gain
    FieldDef::new(0x48, FieldType::Bytes), // n9 data
    FieldDef::record(0x50, &NESTED),     // n10 record
    FieldDef::new(0x58, FieldType::U7).repeated(), // n11 tags
    FieldDef::new(0x61, FieldType::U21), // n12, critical
    FieldDef::new(0x68, FieldType::Text7).max_len(8), // n13 name
];

static CORE_ERROR: [FieldDef<'static>; 1] = [FieldDef::new(0x00, FieldType::U7)];

static RECEIVER: ReceiverDesc<'static> = ReceiverDesc {
    node_id: NODE,
    limits: Limits::DEFAULT,
    extensions: &[
        ExtensionDef {
            owner: Owner::MOX,
            number: 0,
            majors: &[MajorDef {
                major: 1,
                minor: 0,
                messages: &[MessageDef {
                    msg_type: 0x01,
                    fields: &CORE_ERROR,
                }],
            }],
        },
        ExtensionDef {
            owner: Owner::MOX,
            number: 1,
            majors: &[MajorDef {
                major: 1,
                minor: 1,
                messages: &[
                    MessageDef {
                        msg_type: 0x01,
                        fields: &STRIP,
                    },
                    MessageDef {
                        msg_type: 0x41,
                        fields: &[],
                    },
                ],
            }],
        },
    ],
};

fn id(value: u32) -> FieldId {
    FieldId::from_value(value).unwrap()
}

fn fader(minor: u8, msg_type: u8) -> Header {
    Header::new(ExtensionId::new(Owner::MOX, 1), 1, minor, msg_type)
}

fn to(mut header: Header, destination: u32) -> Header {
    header.addresses = Some(Addresses {
        source: PEER,
        destination,
    });
    header
}

fn body(header: &Header, fields: &[(FieldId, &[u8])]) -> Vec<u8> {
    let mut out = vec![0u8; body_len(header, fields).unwrap()];
    assert_eq!(encode_body(header, fields, &mut out), Ok(out.len()));
    out
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; sysex::encoded_len(ManufacturerId::NonCommercial, body.len())];
    sysex::encode(ManufacturerId::NonCommercial, body, &mut out).unwrap();
    out
}

/// The body with its CRC recomputed (for hand-edited bodies with `K=1`).
fn recheck(mut body: Vec<u8>) -> Vec<u8> {
    let n = body.len() - 2;
    let check = crc::to_bytes(crc::crc14(&body[..n]));
    body[n..].copy_from_slice(&check);
    body
}

/// An independent CRC-14/DARC: the unreflected shift register fed bit-reversed bytes, its
/// result reversed (the catalogue's definition, not the codec's reflected shortcut).
fn crc14_reference(bytes: &[u8]) -> u16 {
    let mut reg: u16 = 0;
    for &byte in bytes {
        for bit in 0..8 {
            let input = (byte >> bit) & 1;
            let top = ((reg >> 13) & 1) as u8;
            reg = (reg << 1) & 0x3FFF;
            if top ^ input == 1 {
                reg ^= 0x0805;
            }
        }
    }
    (0..14).fold(0, |acc, bit| acc | (((reg >> bit) & 1) << (13 - bit)))
}

fn malformed(outcome: &Outcome<'_, '_>) -> (DecodeErrorKind, usize, Option<u8>) {
    match outcome {
        Outcome::Malformed { error, reply, .. } => {
            (error.kind(), error.offset(), reply.map(|r| r.code))
        }
        other => panic!("expected malformed, got {other:?}"),
    }
}

// ---- worked examples ------------------------------------------------------------------

/// Design §3.7's fader message: colour as field `10` (`bytes7`), CRC `61 68`. Most tests
/// below use it as a realistic message; spec §4.9's version is [`SPEC_FADER_SYSEX`].
const FADER_SYSEX: [u8; 26] = [
    0xF0, 0x7D, 0x4D, 0x4F, 0x58, 0x01, 0x7E, 0x01, 0x01, 0x01, 0x01, 0x00, 0x01, 0x03, 0x08, 0x02,
    0x00, 0x40, 0x10, 0x03, 0x7F, 0x20, 0x00, 0x61, 0x68, 0xF7,
];

/// Spec §4.9's fader message: colour is field 4 (id `20`, `u21`), CRC `21 44`.
const SPEC_FADER_SYSEX: [u8; 26] = [
    0xF0, 0x7D, 0x4D, 0x4F, 0x58, 0x01, 0x7E, 0x01, 0x01, 0x01, 0x01, 0x00, 0x01, 0x03, 0x08, 0x02,
    0x00, 0x40, 0x20, 0x03, 0x7F, 0x20, 0x00, 0x21, 0x44, 0xF7,
];

#[test]
fn design_worked_example_3_7_bytes() {
    let mut header = fader(1, 0x01);
    header.check = true;
    let fields: [(FieldId, &[u8]); 3] = [
        (id(0x00), &[0x03]),
        (id(0x08), &[0x00, 0x40]),
        (id(0x10), &[0x7F, 0x20, 0x00]),
    ];
    let body = body(&header, &fields);
    assert_eq!(body.len(), 20);
    assert_eq!(framed(&body), FADER_SYSEX);
    // The CRC recomputed independently of the codec.
    assert_eq!(crc14_reference(&body[..18]), 0x3461);
    assert_eq!(crc14_reference(b"123456789"), 0x082D);

    let decoded = Body::parse(&body, &Limits::DEFAULT).unwrap();
    assert_eq!(*decoded.header(), header);
    assert_eq!(decoded.check(), Some(0x3461));
    let got: Vec<(u32, &[u8])> = decoded
        .fields()
        .map(|f| (f.id().value(), f.value()))
        .collect();
    assert_eq!(got, fields.map(|(i, v)| (i.value(), v)));
}

/// Spec §4.9's bytes, byte for byte: the fields encoded as the text says (colour
/// `r | g << 7 | b << 14` as a `u21`), the CRC recomputed independently.
#[test]
fn mox_syx_worked_example_4_9_bytes() {
    let mut header = fader(1, 0x01);
    header.check = true;
    use mox_codec::envelope::value::encode_uint;
    let colour_value = 127 | (32 << 7);
    assert_eq!(colour_value, 4223);
    let colour = encode_uint(colour_value, 3).unwrap();
    let position = encode_uint(8192, 2).unwrap();
    let fields: [(FieldId, &[u8]); 3] = [
        (FieldId::new(0, false, false, false).unwrap(), &[0x03]),
        (
            FieldId::new(1, false, false, false).unwrap(),
            &position[..2],
        ),
        (FieldId::new(4, false, false, false).unwrap(), &colour[..3]),
    ];
    assert_eq!(fields[2].0.value(), 0x20);
    let body = body(&header, &fields);
    assert_eq!(body.len(), 20);
    assert_eq!(framed(&body), SPEC_FADER_SYSEX);
    // §4.7's check example: the 18 body bytes give 0x2221, sent 21 44.
    assert_eq!(crc14_reference(&body[..18]), 0x2221);
    assert_eq!(crc::to_bytes(0x2221), [0x21, 0x44]);
}

/// A v1.0 receiver of spec §4.9's message: strip 3 moves to 8192, field `20` is delivered
/// as unknown `{20, 7F 20 00}`; as `21` (`C=1`) or `23` (`C=1 R=1`) the message is dropped,
/// without a reply since `A=0` is a broadcast.
#[test]
fn mox_ver_worked_example_4_9_to_a_1_0_receiver() {
    static V1_0: ReceiverDesc<'static> = ReceiverDesc {
        node_id: NODE,
        limits: Limits::DEFAULT,
        extensions: &[ExtensionDef {
            owner: Owner::MOX,
            number: 1,
            majors: &[MajorDef {
                major: 1,
                minor: 0,
                messages: &[MessageDef {
                    msg_type: 0x01,
                    fields: &[
                        FieldDef::new(0x00, FieldType::U7),
                        FieldDef::new(0x08, FieldType::U14),
                        FieldDef::new(0x10, FieldType::Bool),
                        FieldDef::new(0x18, FieldType::U7),
                    ],
                }],
            }],
        }],
    };
    let Outcome::Delivered(delivered) = V1_0.receive_sysex(&SPEC_FADER_SYSEX) else {
        panic!()
    };
    let fields: Vec<(u32, bool, Vec<u8>)> = delivered
        .fields()
        .map(|f| match f {
            FieldClass::Known(k) => (k.field().id().value(), true, k.field().value().to_vec()),
            FieldClass::Unknown(u) => (u.id().value(), false, u.value().to_vec()),
        })
        .collect();
    assert_eq!(
        fields,
        [
            (0x00, true, vec![0x03]),
            (0x08, true, vec![0x00, 0x40]),
            (0x20, false, vec![0x7F, 0x20, 0x00]),
        ]
    );
    for id in [0x21, 0x23] {
        let mut bytes = SPEC_FADER_SYSEX.to_vec();
        bytes[18] = id;
        let body = recheck(bytes[5..25].to_vec());
        match V1_0.receive(&body) {
            Outcome::Dropped { field, reply, .. } => {
                assert_eq!((field.value(), reply), (u32::from(id), None));
            }
            other => panic!("{other:?}"),
        }
    }
}

/// A v1.0 receiver of design §3.7's message: processes what it knows, keeps `10` as unknown.
#[test]
fn mox_ver_lower_receiver_keeps_the_newer_field_as_unknown() {
    static V1_0: ReceiverDesc<'static> = ReceiverDesc {
        node_id: NODE,
        limits: Limits::DEFAULT,
        extensions: &[ExtensionDef {
            owner: Owner::MOX,
            number: 1,
            majors: &[MajorDef {
                major: 1,
                minor: 0,
                messages: &[MessageDef {
                    msg_type: 0x01,
                    fields: &[
                        FieldDef::new(0x00, FieldType::U7),
                        FieldDef::new(0x08, FieldType::U14),
                    ],
                }],
            }],
        }],
    };
    let Outcome::Delivered(delivered) = V1_0.receive_sysex(&FADER_SYSEX) else {
        panic!()
    };
    let mut fields = delivered.fields();
    let Some(FieldClass::Known(strip)) = fields.next() else {
        panic!()
    };
    assert_eq!(strip.uint(), Some(3));
    let Some(FieldClass::Known(position)) = fields.next() else {
        panic!()
    };
    assert_eq!(position.uint(), Some(8192));
    let Some(FieldClass::Unknown(colour)) = fields.next() else {
        panic!()
    };
    assert_eq!(
        (colour.id().value(), colour.value()),
        (0x10, &[0x7F, 0x20, 0x00][..])
    );
    assert!(fields.next().is_none());
    assert_eq!(delivered.notify(), None);

    // Had the id been 11 (C=1) it would be dropped; 13 (C=1 R=1) too, without a reply (A=0).
    for (flags, reply) in [(0x11, None), (0x13, None)] {
        let mut bytes = FADER_SYSEX.to_vec();
        bytes[18] = flags;
        let body = recheck(bytes[5..25].to_vec());
        match V1_0.receive(&body) {
            Outcome::Dropped {
                field, reply: r, ..
            } => {
                assert_eq!((field.value(), r), (u32::from(flags), reply));
            }
            other => panic!("{other:?}"),
        }
    }
}

/// Design §4.3's bundle (`/strip/3/fader`, the design §3.7 body).
#[test]
fn design_osc_worked_example_4_3_bytes() {
    let expected: Vec<u8> = [
        &b"#bundle\0"[..],
        &[0, 0, 0, 0, 0, 0, 0, 1],
        &[0, 0, 0, 0x24],
        b"/mox\0\0\0\0,b\0\0",
        &[0, 0, 0, 0x14],
        &FADER_SYSEX[5..25],
        &[0, 0, 0, 0x18],
        b"/strip/3/fader\0\0,f\0\0",
        &[0x3F, 0x00, 0x02, 0x00],
    ]
    .concat();
    assert_eq!(expected.len(), 0x54);
    let position = 8192.0f32 / 16383.0;
    assert_eq!(position.to_bits(), 0x3F00_0200);
    let args = [Arg::Float(position)];
    let fallback = [Packet::Message(Message::new("/strip/3/fader", &args))];
    let body = &FADER_SYSEX[5..25];
    let mut out = vec![0u8; osc::group_len(body, &fallback).unwrap()];
    assert_eq!(osc::encode_group(body, &fallback, &mut out), Ok(0x54));
    assert_eq!(out, expected);

    // Decode: the group is the MOX element plus its fallback; the body is the SysEx body.
    let Ok(Packet::Bundle(bundle)) = Packet::decode(&out) else {
        panic!()
    };
    let groups: Vec<_> = osc::groups(&bundle).collect();
    assert_eq!(groups.len(), 1);
    let osc::Group::Mox {
        body: decoded,
        fallback,
    } = &groups[0]
    else {
        panic!()
    };
    assert_eq!(*decoded, Ok(body));
    let fallback: Vec<_> = fallback.clone().collect();
    assert_eq!(fallback.len(), 1);
    let outcome = RECEIVER.receive(decoded.unwrap());
    assert!(matches!(outcome, Outcome::Delivered(_)));
    assert!(outcome.suppresses_fallback());

    // `/mox` alone: 36 bytes.
    let mut alone = [0u8; 36];
    assert_eq!(osc::encode(body, &mut alone), Ok(36));
    assert_eq!(&alone[..], &out[0x14..0x38]);
}

/// Spec §5.4's bundle and `/mox` message, byte for byte: the §4.9 body and its fallback
/// `/strip/{strip + 1}/fader` for strip 3; what a receiver with and without `mox.fader` does.
#[test]
fn mox_osc_worked_example_5_4_bytes() {
    let spec_bundle = hex("23 62 75 6E 64 6C 65 00  00 00 00 00 00 00 00 01
        00 00 00 24
        2F 6D 6F 78 00 00 00 00  2C 62 00 00
        00 00 00 14
        01 7E 01 01 01 01 00 01  03 08 02 00 40 20 03 7F
        20 00 21 44
        00 00 00 18
        2F 73 74 72 69 70 2F 34  2F 66 61 64 65 72 00 00
        2C 66 00 00  3F 00 02 00");
    let spec_alone = hex("2F 6D 6F 78 00 00 00 00 2C 62 00 00 00 00 00 14 01 7E 01 01 01 01 00 01 03 08 02 00 40 20 03 7F 20 00 21 44");
    let body = &SPEC_FADER_SYSEX[5..25];
    let args = [Arg::Float(8192.0 / 16383.0)];
    let fallback = [Packet::Message(Message::new("/strip/4/fader", &args))];
    let mut out = vec![0u8; osc::group_len(body, &fallback).unwrap()];
    assert_eq!(osc::encode_group(body, &fallback, &mut out), Ok(0x54));
    assert_eq!(out, spec_bundle);
    let mut alone = [0u8; 36];
    assert_eq!(osc::encode(body, &mut alone), Ok(36));
    assert_eq!(&alone[..], &spec_alone[..]);

    // The table under the example: a node with mox.fader major 1 processes element 1 and
    // leaves element 2; a node without it rejects element 1 and acts on element 2.
    static NO_FADER: ReceiverDesc<'static> = ReceiverDesc {
        node_id: 0x42,
        limits: Limits::DEFAULT,
        extensions: &[],
    };
    let Ok(Packet::Bundle(bundle)) = Packet::decode(&spec_bundle) else {
        panic!()
    };
    for (receiver, delivered) in [(&SPEC_RECEIVER, true), (&NO_FADER, false)] {
        let groups: Vec<_> = osc::groups(&bundle).collect();
        let [osc::Group::Mox { body, fallback }] = &groups[..] else {
            panic!()
        };
        assert_eq!(fallback.clone().count(), 1);
        let outcome = receiver.receive(body.unwrap());
        assert_eq!(matches!(outcome, Outcome::Delivered(_)), delivered);
        assert_eq!(outcome.suppresses_fallback(), delivered);
        if !delivered {
            assert!(matches!(
                outcome,
                Outcome::Rejected {
                    rejection: Rejection::UnsupportedExtension,
                    ..
                }
            ));
        }
    }
}

/// The bridge copies the body: SysEx → OSC → SysEx is identical under the same carrier.
#[test]
fn mox_brg_sysex_osc_sysex_round_trip_is_byte_exact() {
    let envelope = sysex::SysExEnvelope::parse(&FADER_SYSEX).unwrap();
    let mut osc_bytes = vec![0u8; osc::encoded_len(envelope.body().len())];
    osc::encode(envelope.body(), &mut osc_bytes).unwrap();
    let body = osc::packet_body(&osc_bytes).unwrap();
    let mut back = vec![0u8; sysex::encoded_len(envelope.carrier(), body.len())];
    sysex::encode(envelope.carrier(), body, &mut back).unwrap();
    assert_eq!(back, FADER_SYSEX);
    // A bridge under another carrier changes only the carrier.
    let mut other =
        vec![0u8; sysex::encoded_len(ManufacturerId::ThreeByte(0x21, 0x09), body.len())];
    sysex::encode(ManufacturerId::ThreeByte(0x21, 0x09), body, &mut other).unwrap();
    assert_eq!(&other[7..other.len() - 1], &FADER_SYSEX[5..25]);
    // An OSC body with an 8-bit byte is not bridged.
    assert_eq!(
        sysex::encode(ManufacturerId::NonCommercial, &[0x00, 0x80], &mut back),
        Err(mox_codec::envelope::EncodeError::NotSevenBit { offset: 1 })
    );
}

// ---- outcomes ---------------------------------------------------------------------------

#[test]
fn outcome_not_mox() {
    let cases: [(&[u8], NotMox); 3] = [
        (
            &[0xF0, 0x7E, 0x4D, 0x4F, 0x58, 0x00, 0xF7],
            NotMox::UniversalCarrier,
        ),
        (
            &[0xF0, 0x7F, 0x4D, 0x4F, 0x58, 0x00, 0xF7],
            NotMox::UniversalCarrier,
        ),
        (&[0xF0, 0x41, 0x10, 0x42, 0xF7], NotMox::NoSignature),
    ];
    for (bytes, why) in cases {
        assert_eq!(RECEIVER.receive_sysex(bytes), Outcome::NotMox(why));
    }
    assert!(matches!(
        RECEIVER.receive_sysex(&FADER_SYSEX[..25]),
        Outcome::NotMox(NotMox::Framing(_))
    ));
    let plain = Message::new("/strip/3/fader", &[]);
    assert_eq!(
        RECEIVER.receive_osc(&plain),
        Outcome::NotMox(NotMox::OtherAddress)
    );
    assert_eq!(Outcome::NotMox(NotMox::NoBlob).class(), "not-mox");
}

/// MOX-OSC-004 (resolved order): a `/mox` unit whose address or type-tag string is not
/// valid OSC is still a `/mox` unit, `not-mox` with the OSC layer's class; MOX-OSC-005: the
/// tags after the first blob are never read, whatever they are.
#[test]
fn mox_osc_004_invalid_osc_at_mox_and_005_trailing_tags() {
    let class_of = |bytes: &[u8]| match RECEIVER.receive_osc_unit(bytes) {
        Outcome::NotMox(why) => why.class(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        class_of(b"/mox\0\0\0\x01,b\0\0\0\0\0\0"),
        Some("nonzero-padding")
    );
    assert_eq!(class_of(b"/mox"), Some("unterminated-string"));
    assert_eq!(class_of(b"/mox\0\0\0\0,bii"), Some("unterminated-string"));
    assert_eq!(
        class_of(b"/mox\0\0\0\0,b\0\0\xFF\xFF\xFF\xFF"),
        Some("bad-blob-size")
    );
    assert_eq!(class_of(b"/other\0\x01"), None);
    // The body of the 3.7 example behind ",bX": delivered exactly as behind ",b".
    let body = &FADER_SYSEX[5..25];
    let mut unit = b"/mox\0\0\0\0,bX\0".to_vec();
    unit.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes());
    unit.extend_from_slice(body);
    unit.resize(unit.len().div_ceil(4) * 4, 0);
    assert!(matches!(
        RECEIVER.receive_osc_unit(&unit),
        Outcome::Delivered(_)
    ));
    assert_eq!(RECEIVER.receive_osc_unit(&unit), RECEIVER.receive(body));
}

#[test]
fn outcome_ignored_for_every_other_format() {
    for format in 1..4u8 {
        let mut body = FADER_SYSEX[5..25].to_vec();
        body[0] |= format << 5;
        let outcome = RECEIVER.receive(&body);
        assert_eq!(outcome, Outcome::Ignored);
        assert_eq!(outcome.class(), "ignored");
        // Even with reserved bits set and garbage after: the format decides first.
        assert_eq!(RECEIVER.receive(&[body[0] | 0x18, 0x7F]), Outcome::Ignored);
    }
}

#[test]
fn outcome_discarded_on_bad_check_never_replies() {
    let mut header = to(fader(1, 0x01), NODE);
    header.check = true;
    let good = body(&header, &[(id(0x00), &[0x01])]);
    assert!(matches!(RECEIVER.receive(&good), Outcome::Delivered(_)));
    for at in 0..good.len() {
        for flip in [0x01u8, 0x40] {
            let mut bad = good.clone();
            bad[at] ^= flip;
            if at == 0 {
                continue; // the header byte's flags change what the body means
            }
            let outcome = RECEIVER.receive(&bad);
            assert!(
                matches!(outcome, Outcome::Discarded(e) if e.class() == "bad-check"),
                "{at} {flip:#x}: {outcome:?}"
            );
            assert_eq!(outcome.reply(), None);
        }
    }
    // CRC bytes missing.
    assert!(
        matches!(RECEIVER.receive(&[0x01]), Outcome::Discarded(e) if e.kind() == DecodeErrorKind::BadCheck)
    );
    assert!(matches!(
        RECEIVER.receive(&[0x01, 0x00]),
        Outcome::Discarded(_)
    ));
}

#[test]
fn outcome_other_destination_and_broadcast() {
    let message = body(&to(fader(1, 0x01), OTHER), &[(id(0x00), &[0x01])]);
    let outcome = RECEIVER.receive(&message);
    assert!(
        matches!(outcome, Outcome::OtherDestination { header, supported: true } if header.addresses.unwrap().destination == OTHER)
    );
    // MOX-OSC-012: a supported extension and major suppress the fallback even so.
    assert!(outcome.suppresses_fallback());
    let unknown = to(Header::new(ExtensionId::new(Owner::MOX, 9), 1, 0, 1), OTHER);
    let bytes = body(&unknown, &[]);
    let outcome = RECEIVER.receive(&bytes);
    assert!(matches!(
        outcome,
        Outcome::OtherDestination {
            supported: false,
            ..
        }
    ));
    assert!(!outcome.suppresses_fallback());
    let broadcast = body(&to(fader(1, 0x01), BROADCAST), &[(id(0x00), &[0x01])]);
    assert!(matches!(
        RECEIVER.receive(&broadcast),
        Outcome::Delivered(_)
    ));
}

#[test]
fn outcome_rejected_with_replies_only_when_eligible() {
    let unknown_ext = Header::new(
        ExtensionId::new(Owner::ThreeByte(0x21, 0x09), 1),
        1,
        0,
        0x01,
    );
    let bad_major = Header::new(ExtensionId::new(Owner::MOX, 1), 2, 0, 0x01);
    let major_zero = Header::new(ExtensionId::new(Owner::MOX, 1), 0, 0, 0x01);
    let unknown_request = fader(0, 0x42);
    let unknown_notification = fader(0, 0x07); // a GREASE type
    let grease_ext = Header::new(ExtensionId::new(Owner::MOX, 23), 1, 0, 0x01);
    let cases = [
        (unknown_ext, Rejection::UnsupportedExtension, Some(0x05)),
        (grease_ext, Rejection::UnsupportedExtension, Some(0x05)),
        (bad_major, Rejection::UnsupportedVersion, Some(0x02)),
        (major_zero, Rejection::UnsupportedVersion, Some(0x02)),
        (
            unknown_request,
            Rejection::UnsupportedMessageType,
            Some(0x01),
        ),
        (
            unknown_notification,
            Rejection::UnsupportedMessageType,
            None,
        ),
    ];
    for (header, rejection, code) in cases {
        for (header, eligible) in [
            (header, false),
            (to(header, BROADCAST), false),
            (to(header, NODE), true),
        ] {
            let bytes = body(&header, &[]);
            let outcome = RECEIVER.receive(&bytes);
            let Outcome::Rejected {
                rejection: r,
                reply,
                ..
            } = outcome
            else {
                panic!("{outcome:?}")
            };
            assert_eq!(r, rejection);
            let want = code.filter(|_| eligible).map(|code| Reply {
                code,
                to: PEER,
                field: None,
                offset: None,
            });
            assert_eq!(reply, want, "{header:?}");
            assert_eq!(outcome.error_class(), Some(rejection.class()));
        }
    }
    assert_eq!(
        Rejection::UnsupportedMessageType.class(),
        "unsupported-message-type"
    );
    // A rejected unknown type still suppresses the fallback; an unknown extension does not.
    assert!(RECEIVER
        .receive(&body(&fader(0, 0x42), &[]))
        .suppresses_fallback());
    assert!(!RECEIVER
        .receive(&body(&unknown_ext, &[]))
        .suppresses_fallback());
}

/// The eight flag combinations of an unknown field, against each addressing (design §2.1).
#[test]
fn mox_fld_handling_bits_for_every_combination_and_addressing() {
    let dests: [(Option<u32>, bool); 3] =
        [(None, false), (Some(BROADCAST), false), (Some(NODE), true)];
    for flags in 0..8u32 {
        let unknown = id((20 << 3) | flags); // n20: not defined
        let critical = flags & 1 != 0;
        let report = flags & 2 != 0;
        for (dest, eligible) in dests {
            let header = match dest {
                Some(d) => to(fader(1, 0x01), d),
                None => fader(1, 0x01),
            };
            let message = body(
                &header,
                &[(id(0x00), &[1]), (unknown, &[0x55]), (id(0x08), &[0, 1])],
            );
            let outcome = RECEIVER.receive(&message);
            match (critical, outcome) {
                (true, Outcome::Dropped { field, reply, .. }) => {
                    assert_eq!(field, unknown);
                    let want = (report && eligible).then_some(Reply {
                        code: 0x06,
                        to: PEER,
                        field: Some(unknown),
                        offset: None,
                    });
                    assert_eq!(reply, want, "flags {flags:03b} {dest:?}");
                }
                (false, Outcome::Delivered(delivered)) => {
                    let want = (report && eligible).then_some(Reply {
                        code: 0x24,
                        to: PEER,
                        field: Some(unknown),
                        offset: None,
                    });
                    assert_eq!(delivered.notify(), want, "flags {flags:03b} {dest:?}");
                    let kinds: Vec<bool> = delivered
                        .fields()
                        .map(|f| matches!(f, FieldClass::Known(_)))
                        .collect();
                    assert_eq!(kinds, [true, false, true]);
                }
                (_, other) => panic!("flags {flags:03b}: {other:?}"),
            }
        }
    }
}

#[test]
fn the_first_unknown_critical_field_decides() {
    let header = to(fader(1, 0x01), NODE);
    let message = body(&header, &[(id(0xA1), &[]), (id(0xB3), &[])]);
    assert!(
        matches!(RECEIVER.receive(&message), Outcome::Dropped { field, reply: None, .. } if field.value() == 0xA1)
    );
    let message = body(&header, &[(id(0xB3), &[]), (id(0xA1), &[])]);
    assert!(
        matches!(RECEIVER.receive(&message), Outcome::Dropped { reply: Some(r), .. } if r.code == 6)
    );
    // A core error message is never answered, even when addressed to us.
    let core_error = to(Header::new(ExtensionId::CORE, 1, 0, 0x01), NODE);
    let message = body(&core_error, &[(id(0x00), &[0x41]), (id(0xB3), &[])]);
    assert!(matches!(
        RECEIVER.receive(&message),
        Outcome::Dropped { reply: None, .. }
    ));
}

#[test]
fn known_critical_fields_and_fields_inside_records_follow_the_flags() {
    let header = to(fader(1, 0x01), NODE);
    // n12 is defined with C=1: known, so delivered.
    let message = body(&header, &[(id(0x61), &[1, 2, 3])]);
    assert!(matches!(RECEIVER.receive(&message), Outcome::Delivered(_)));
    // An unknown critical field inside a record drops the message.
    let inner = body_fields(&[(id(0x00), &[1]), (id(0xA3), &[])]);
    let message = body(&header, &[(id(0x50), &inner)]);
    assert!(
        matches!(RECEIVER.receive(&message), Outcome::Dropped { field, reply: Some(_), .. } if field.value() == 0xA3)
    );
}

/// Just the TLVs of `fields` (a record value).
fn body_fields(fields: &[(FieldId, &[u8])]) -> Vec<u8> {
    let header = fader(0, 0x01);
    let full = body(&header, fields);
    full[header.encoded_len()..].to_vec()
}

#[test]
fn outcome_delivered_reads_typed_values() {
    let label = "Fader ü";
    let mut label_packed = vec![0u8; 16];
    let n = mox_codec::sysex::sevenbit::encode(
        mox_codec::sysex::sevenbit::Encoding::Mcoded7,
        label.as_bytes(),
        &mut label_packed,
    )
    .unwrap();
    label_packed.truncate(n);
    let gain = mox_codec::envelope::value::encode_f32(-6.5);
    let trim = mox_codec::envelope::value::encode_int(-1000, 2).unwrap();
    let nested = body_fields(&[(id(0x00), &[9]), (id(0x10), &[5])]);
    let message = body(
        &fader(1, 0x01),
        &[
            (id(0x18), &[1]),
            (id(0x20), &[2]),
            (id(0x20 + 0x400), &[2]), // n132: unknown
            (id(0x28), &trim[..2]),
            (id(0x30), &label_packed),
            (id(0x40), &gain),
            (id(0x50), &nested),
            (id(0x58), &[1]),
            (id(0x58), &[2]),
            (id(0x68), b"ch 1"),
        ],
    );
    let Outcome::Delivered(delivered) = RECEIVER.receive(&message) else {
        panic!()
    };
    let mut text = [0u8; 32];
    let mut seen = Vec::new();
    for field in delivered.fields() {
        let FieldClass::Known(known) = field else {
            seen.push("unknown".to_string());
            continue;
        };
        seen.push(match known.def().ty {
            FieldType::Bool => format!("{:?}", known.bool()),
            FieldType::Enum7 | FieldType::U7 => format!("{:?}", known.uint()),
            FieldType::I14 => format!("{:?}", known.int()),
            FieldType::Utf8 | FieldType::Text7 => known.text(&mut text).unwrap().to_string(),
            FieldType::F32 => format!("{:?}", known.f32()),
            FieldType::Record => {
                let inner: Vec<String> = known
                    .record()
                    .unwrap()
                    .map(|f| match f {
                        FieldClass::Known(k) => format!("{}", k.uint().unwrap()),
                        FieldClass::Unknown(_) => "?".into(),
                    })
                    .collect();
                inner.join(",")
            }
            other => format!("{other:?}"),
        });
    }
    assert_eq!(
        seen,
        [
            "Some(true)",
            "Some(2)",
            "unknown",
            "Some(-1000)",
            label,
            "Some(-6.5)",
            "9,5",
            "Some(1)",
            "Some(2)",
            "ch 1"
        ]
    );
    assert_eq!(delivered.header().minor, 1);
}

#[test]
fn mox_ver_field_added_after_the_message_minor_is_unknown() {
    // Colour (added in 1.1) in a 1.0 message: unknown with flags 000, kept.
    let message = body(&fader(0, 0x01), &[(id(0x10), &[1, 2, 3, 4, 5])]);
    let Outcome::Delivered(delivered) = RECEIVER.receive(&message) else {
        panic!()
    };
    assert!(matches!(
        delivered.fields().next(),
        Some(FieldClass::Unknown(_))
    ));
    // In a 1.1 message the same bytes are a known field that is too long.
    let message = body(&fader(1, 0x01), &[(id(0x10), &[1, 2, 3, 4, 5])]);
    assert_eq!(
        malformed(&RECEIVER.receive(&message)).0,
        DecodeErrorKind::BadFieldLength
    );
    // A higher minor than the receiver's: what it knows is processed.
    let message = body(&fader(9, 0x01), &[(id(0x10), &[1, 2, 3]), (id(0x98), &[])]);
    assert!(matches!(RECEIVER.receive(&message), Outcome::Delivered(_)));
}

#[test]
fn mox_fld_unknown_enum_value_makes_the_field_unknown() {
    let message = body(&fader(1, 0x01), &[(id(0x20), &[3])]);
    let Outcome::Delivered(delivered) = RECEIVER.receive(&message) else {
        panic!()
    };
    assert!(matches!(
        delivered.fields().next(),
        Some(FieldClass::Unknown(_))
    ));
    // MOX-FLD-023: occurrences count by id, whatever the value, so a second one is a
    // duplicate even when the first was unlisted.
    let message = body(&fader(1, 0x01), &[(id(0x20), &[3]), (id(0x20), &[1])]);
    assert_eq!(
        malformed(&RECEIVER.receive(&message)).0,
        DecodeErrorKind::DuplicateField
    );
}

// ---- error classes ----------------------------------------------------------------------

/// Name, body, expected kind, offset and reply code.
type ErrorCase = (&'static str, Vec<u8>, DecodeErrorKind, usize, Option<u8>);

#[test]
fn every_error_class_with_its_reply() {
    let me = to(fader(1, 0x01), NODE);
    let hl = me.encoded_len(); // field section offset
    let cases: Vec<ErrorCase> = vec![
        ("empty", vec![], DecodeErrorKind::TruncatedHeader, 0, None),
        (
            "header cut",
            body(&me, &[])[..7].to_vec(),
            DecodeErrorKind::TruncatedHeader,
            7,
            None,
        ),
        (
            "8-bit header byte",
            vec![0x80],
            DecodeErrorKind::NotSevenBit,
            0,
            None,
        ),
        (
            "8-bit field byte",
            {
                let mut b = body(&me, &[(id(0), &[1])]);
                let n = b.len();
                b[n - 1] = 0x81;
                b
            },
            DecodeErrorKind::NotSevenBit,
            hl + 2,
            None,
        ),
        (
            "reserved bit 3",
            {
                let mut b = body(&me, &[]);
                b[0] |= 0x08;
                b
            },
            DecodeErrorKind::ReservedBitSet,
            0,
            Some(0x07),
        ),
        (
            "reserved bit 4",
            {
                let mut b = body(&me, &[]);
                b[0] |= 0x10;
                b
            },
            DecodeErrorKind::ReservedBitSet,
            0,
            Some(0x07),
        ),
        (
            "number overlong",
            vec![0x00, 0x7E, 0x41, 0x00, 1, 0, 1],
            DecodeErrorKind::VarintOverlong,
            3,
            None,
        ),
        (
            "number too long",
            vec![0x00, 0x7E, 0x41, 0x41, 0x41, 1, 0, 1],
            DecodeErrorKind::VarintTooLong,
            4,
            None,
        ),
        (
            "id overlong",
            [body(&me, &[]), vec![0x40, 0x00, 0x00]].concat(),
            DecodeErrorKind::VarintOverlong,
            hl + 1,
            Some(0x41),
        ),
        (
            "length too long",
            [body(&me, &[]), vec![0x00, 0x40, 0x40, 0x40]].concat(),
            DecodeErrorKind::VarintTooLong,
            hl + 3,
            Some(0x41),
        ),
        (
            "value overrun",
            [body(&me, &[]), vec![0x00, 0x02, 0x01]].concat(),
            DecodeErrorKind::FieldOverrun,
            hl,
            Some(0x41),
        ),
        (
            "id cut",
            [body(&me, &[(id(0), &[1])]), vec![0x40]].concat(),
            DecodeErrorKind::FieldOverrun,
            hl + 3,
            Some(0x41),
        ),
        (
            "too many",
            body(&me, &vec![(id(0x58), &[1u8][..]); 65]),
            DecodeErrorKind::TooManyFields,
            hl + 64 * 4,
            Some(0x41),
        ),
        (
            "u14 short",
            body(&me, &[(id(0x08), &[1])]),
            DecodeErrorKind::BadFieldLength,
            hl,
            Some(0x41),
        ),
        (
            "u7 long",
            body(&me, &[(id(0x00), &[1, 0])]),
            DecodeErrorKind::BadFieldLength,
            hl,
            Some(0x41),
        ),
        (
            "enum long",
            body(&me, &[(id(0x20), &[1, 0])]),
            DecodeErrorKind::BadFieldLength,
            hl,
            Some(0x41),
        ),
        (
            "f32 short",
            body(&me, &[(id(0x40), &[0, 0, 0, 0])]),
            DecodeErrorKind::BadFieldLength,
            hl,
            Some(0x41),
        ),
        (
            "text7 long",
            body(&me, &[(id(0x68), b"123456789")]),
            DecodeErrorKind::BadFieldLength,
            hl,
            Some(0x41),
        ),
        (
            "utf8 long",
            body(&me, &[(id(0x30), &[0; 24])]),
            DecodeErrorKind::BadFieldLength,
            hl,
            Some(0x41),
        ),
        (
            "mcoded7 header alone",
            body(&me, &[(id(0x48), &[0; 9])]),
            DecodeErrorKind::BadFieldLength,
            hl,
            Some(0x41),
        ),
        (
            "duplicate",
            body(
                &me,
                &[(id(0x00), &[1]), (id(0x08), &[0, 0]), (id(0x00), &[2])],
            ),
            DecodeErrorKind::DuplicateField,
            hl + 7,
            Some(0x41),
        ),
        (
            "bool 2",
            body(&me, &[(id(0x18), &[2])]),
            DecodeErrorKind::ValueOutOfRange,
            hl,
            Some(0x08),
        ),
        (
            "i14 above max",
            body(&me, &[(id(0x28), &[0x69, 0x07])]),
            DecodeErrorKind::ValueOutOfRange,
            hl,
            Some(0x08),
        ),
        (
            "i14 below min",
            body(&me, &[(id(0x28), &[0x17, 0x78])]),
            DecodeErrorKind::ValueOutOfRange,
            hl,
            Some(0x08),
        ),
        (
            "utf8 invalid",
            body(&me, &[(id(0x30), &[0x40, 0x7F])]),
            DecodeErrorKind::ValueOutOfRange,
            hl,
            Some(0x08),
        ),
        (
            "utf8 cut char",
            body(&me, &[(id(0x30), &[0x40, 0x43])]),
            DecodeErrorKind::ValueOutOfRange,
            hl,
            Some(0x08),
        ),
        (
            "mcoded7 unused bits",
            body(&me, &[(id(0x48), &[0x01, 0x00])]),
            DecodeErrorKind::ValueOutOfRange,
            hl,
            Some(0x08),
        ),
        (
            "record too deep",
            body(&me, &[(id(0x50), &nest(5))]),
            DecodeErrorKind::RecordTooDeep,
            hl + 3 + 3 * 2,
            Some(0x41),
        ),
        (
            "record overrun",
            body(&me, &[(id(0x50), &[0x00, 0x05])]),
            DecodeErrorKind::FieldOverrun,
            hl + 3,
            Some(0x41),
        ),
    ];
    for (name, bytes, kind, offset, code) in cases {
        let outcome = RECEIVER.receive(&bytes);
        assert_eq!(malformed(&outcome), (kind, offset, code), "{name}");
        assert_eq!(outcome.class(), "malformed");
        assert_eq!(outcome.error_class(), Some(kind.class()), "{name}");
    }
    // Four nested records are within the default depth.
    assert!(matches!(
        RECEIVER.receive(&body(&me, &[(id(0x50), &nest(4))])),
        Outcome::Delivered(_)
    ));
    // Not addressed to us: same errors, no reply.
    let other = body(&fader(1, 0x01), &[(id(0x18), &[2])]);
    assert_eq!(malformed(&RECEIVER.receive(&other)).2, None);
}

/// `depth` records nested in each other (field 0x08 of `NESTED`), innermost empty; the value
/// of the outermost record field.
fn nest(depth: usize) -> Vec<u8> {
    let mut value = Vec::new();
    for _ in 1..depth {
        let mut field = vec![0x08, value.len() as u8];
        field.extend_from_slice(&value);
        value = field;
    }
    value
}

// ---- chunks -------------------------------------------------------------------------------

#[test]
fn mox_chk_chunked_message_reassembles_into_the_field_stage() {
    let fields: Vec<(FieldId, Vec<u8>)> = (0..6)
        .map(|i| (id(0x58), vec![i as u8]))
        .chain([(id(0x68), b"abcdefgh".to_vec())])
        .collect();
    let refs: Vec<(FieldId, &[u8])> = fields.iter().map(|(i, v)| (*i, &v[..])).collect();
    let whole = body(&fader(1, 0x01), &refs);
    let section = &whole[fader(1, 0x01).encoded_len()..];

    let mut header = to(fader(1, 0x01), NODE);
    header.chunked = true;
    header.check = true;
    let overhead = mox_codec::envelope::chunk_overhead(&header)
        + sysex::encoded_len(ManufacturerId::NonCommercial, 0);
    let splitter = Splitter::new(section, 9, 40, overhead).unwrap();
    assert!(splitter.chunk_count() > 1);
    let mut reassembler: Reassembler<2, 256> = Reassembler::new();
    let mut done = None;
    let mut chunk_buf = [0u8; 64];
    let mut body_buf = [0u8; 64];
    let mut sysex_buf = [0u8; 64];
    for chunk in splitter {
        let n = chunk.encode(&mut chunk_buf).unwrap();
        let b = encode_chunk_body(&header, &chunk_buf[..n], &mut body_buf).unwrap();
        let s = sysex::encode(
            ManufacturerId::NonCommercial,
            &body_buf[..b],
            &mut sysex_buf,
        )
        .unwrap();
        assert!(s <= 40);
        let outcome = RECEIVER.receive_sysex(&sysex_buf[..s]);
        let Outcome::Chunk(chunk_message) = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(outcome.class(), "chunk");
        assert_eq!(*chunk_message.header(), header);
        let (chunk_header, _) = chunk_message.chunk().unwrap();
        assert_eq!(chunk_header.transfer_id(), 9);
        let Body { .. } = Body::parse(&body_buf[..b], &Limits::DEFAULT).unwrap();
        if let Accepted::Complete { payload, .. } = reassembler
            .accept(0, PEER, chunk_message.section())
            .unwrap()
        {
            done = Some(payload.to_vec());
        }
    }
    let payload = done.expect("complete");
    assert_eq!(payload, section);
    let outcome = RECEIVER.receive_reassembled(&header, &payload);
    let Outcome::Delivered(delivered) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(delivered.fields().count(), 7);
    // The field stage still applies its rules after reassembly.
    let dup = body_fields(&[(id(0x00), &[1]), (id(0x00), &[1])]);
    assert_eq!(
        malformed(&RECEIVER.receive_reassembled(&header, &dup)).0,
        DecodeErrorKind::DuplicateField
    );
    // A chunk body's chunk is parsed on demand.
    let n = encode_chunk_body(&header, &[0, 1, 0, 1, 0, 1, 0, 0x42], &mut body_buf).unwrap();
    let parsed = Body::parse(&body_buf[..n], &Limits::DEFAULT).unwrap();
    assert_eq!(parsed.fields().count(), 0);
    assert_eq!(parsed.chunk().unwrap().unwrap().1, &[0x42]);
}

// ---- truncation ---------------------------------------------------------------------------

/// Every prefix of a valid body fails precisely; every prefix of the SysEx message is
/// not MOX (no `F7`), and nothing panics.
#[test]
fn truncation_at_every_byte_boundary() {
    let header = to(fader(1, 0x01), NODE);
    let fields: [(FieldId, &[u8]); 3] = [
        (id(0x00), &[3]),
        (id(0x08), &[0, 0x40]),
        (id(0x68), b"name"),
    ];
    let whole = body(&header, &fields);
    let hl = header.encoded_len();
    // Field starts: an error inside a field names its first byte.
    let starts = [hl, hl + 3, hl + 7];
    for cut in 0..whole.len() {
        let outcome = RECEIVER.receive(&whole[..cut]);
        if starts.contains(&cut) {
            // Cut between fields: a shorter valid message.
            let Outcome::Delivered(delivered) = outcome else {
                panic!("cut {cut}: {outcome:?}")
            };
            assert_eq!(
                delivered.fields().count(),
                starts.iter().position(|&s| s == cut).unwrap()
            );
        } else {
            let (kind, offset, _) = malformed(&outcome);
            if cut < hl {
                assert_eq!(
                    (kind, offset),
                    (DecodeErrorKind::TruncatedHeader, cut),
                    "cut {cut}"
                );
            } else {
                let start = *starts.iter().rev().find(|&&s| s < cut).unwrap();
                assert_eq!(
                    (kind, offset),
                    (DecodeErrorKind::FieldOverrun, start),
                    "cut {cut}"
                );
            }
        }
        assert!(RECEIVER.receive_sysex(&framed(&whole)[..cut + 5]).class() == "not-mox");
    }
}

// ---- properties ---------------------------------------------------------------------------

fn arb_owner() -> impl Strategy<Value = Owner> {
    prop_oneof![
        (1u8..=0x7F).prop_map(Owner::OneByte),
        (0u8..=0x7F, 0u8..=0x7F).prop_map(|(a, b)| Owner::ThreeByte(a, b)),
    ]
}

fn arb_header() -> impl Strategy<Value = Header> {
    (
        arb_owner(),
        0..=varint::MAX,
        (0u8..=0x7F, 0u8..=0x7F, 0u8..=0x7F),
        any::<bool>(),
        proptest::option::of((0..=0x0FFF_FFFFu32, 0..=0x0FFF_FFFFu32)),
    )
        .prop_map(|(owner, number, (major, minor, msg_type), check, ids)| {
            let mut header = Header::new(ExtensionId::new(owner, number), major, minor, msg_type);
            header.check = check;
            header.addresses = ids.map(|(source, destination)| Addresses {
                source,
                destination,
            });
            header
        })
}

fn arb_fields() -> impl Strategy<Value = Vec<(u32, Vec<u8>)>> {
    proptest::collection::vec(
        (
            prop_oneof![0u32..64, 0u32..4096, 0..=varint::MAX],
            proptest::collection::vec(0u8..=0x7F, 0..80),
        ),
        0..12,
    )
}

proptest! {
    #[test]
    fn encode_then_decode_gives_the_same_message(header in arb_header(), fields in arb_fields()) {
        let refs: Vec<(FieldId, &[u8])> = fields.iter().map(|(i, v)| (id(*i), &v[..])).collect();
        let bytes = body(&header, &refs);
        let decoded = Body::parse(&bytes, &Limits::DEFAULT).unwrap();
        prop_assert_eq!(*decoded.header(), header);
        let got: Vec<(FieldId, &[u8])> = decoded.fields().map(|f| (f.id(), f.value())).collect();
        prop_assert_eq!(got, refs);
        // Re-encoding the decoded body is byte-exact.
        let mut again = vec![0u8; bytes.len()];
        prop_assert_eq!(encode_body(decoded.header(), decoded.fields(), &mut again), Ok(bytes.len()));
        prop_assert_eq!(&again, &bytes);
        // Both bindings carry the same body.
        let sysex_bytes = framed(&bytes);
        prop_assert_eq!(sysex::SysExEnvelope::parse(&sysex_bytes).unwrap().body(), &bytes[..]);
        let mut osc_bytes = vec![0u8; osc::encoded_len(bytes.len())];
        osc::encode(&bytes, &mut osc_bytes).unwrap();
        prop_assert_eq!(osc::packet_body(&osc_bytes).unwrap(), &bytes[..]);
        // The receiver gives the same outcome on both.
        let Packet::Message(message) = Packet::decode(&osc_bytes).unwrap() else { panic!() };
        prop_assert_eq!(RECEIVER.receive_sysex(&sysex_bytes), RECEIVER.receive_osc(&message));
    }

    /// `message_body` (the bytes of a unit) and `body_of` (a decoded message) agree on every
    /// `/mox` message the OSC layer decodes, and `message_body` never panics on the rest.
    #[test]
    fn message_body_agrees_with_body_of_on_decodable_messages(
        tags in proptest::collection::vec(prop_oneof![Just(b'b'), Just(b'i'), Just(b'X'), Just(b'['), Just(0xFFu8)], 0..4),
        tail in proptest::collection::vec(any::<u8>(), 0..24),
        pad in 0usize..4,
    ) {
        let mut unit = b"/mox\0\0\0\0".to_vec();
        if !tags.is_empty() {
            unit.push(b',');
            unit.extend_from_slice(&tags);
            unit.push(0);
            unit.resize(unit.len().div_ceil(4) * 4, 0);
        }
        unit.extend_from_slice(&tail);
        unit.resize(unit.len() + pad, 0);
        let from_bytes = osc::message_body(&unit);
        if let Ok(Packet::Message(message)) = Packet::decode(&unit) {
            prop_assert_eq!(from_bytes, osc::body_of(&message));
        }
    }

    #[test]
    fn arbitrary_bodies_never_panic_and_what_decodes_re_encodes(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let outcome = RECEIVER.receive(&bytes);
        let _ = outcome.class();
        if let Ok(decoded) = Body::parse(&bytes, &Limits::DEFAULT) {
            if !decoded.header().chunked {
                let mut again = vec![0u8; bytes.len()];
                prop_assert_eq!(encode_body(decoded.header(), decoded.fields(), &mut again), Ok(bytes.len()));
                prop_assert_eq!(again, bytes);
            }
        }
    }

    #[test]
    fn seven_bit_bodies_near_valid_ones_never_panic(
        header in arb_header(),
        fields in arb_fields(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..=0x7F), 1..4),
    ) {
        let refs: Vec<(FieldId, &[u8])> = fields.iter().map(|(i, v)| (id(*i), &v[..])).collect();
        let mut bytes = body(&header, &refs);
        for (at, value) in edits {
            let at = at.index(bytes.len());
            bytes[at] = value;
        }
        let outcome = RECEIVER.receive(&bytes);
        if let Outcome::Malformed { error, .. } | Outcome::Discarded(error) = outcome {
            prop_assert!(error.offset() <= bytes.len());
        }
        let _ = RECEIVER.receive_sysex(&framed(&bytes));
    }
}

// ---- spec chapter 15 and its worked examples ----------------------------------------------

fn hex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// The `mox.fader` 1.1 receiver of spec §15.2 (node id `0x42`): the `strip` message with
/// its five fields, and `mox.core`'s `error` without its fields; no `strip-query`.
static SPEC_FADER: [FieldDef<'static>; 5] = [
    FieldDef::new(0, FieldType::U7),
    FieldDef::new(8, FieldType::U14),
    FieldDef::new(16, FieldType::Bool),
    FieldDef::new(24, FieldType::U7),
    FieldDef::new(32, FieldType::U21).added(1),
];
static SPEC_RECEIVER: ReceiverDesc<'static> = ReceiverDesc {
    node_id: 0x42,
    limits: Limits::DEFAULT,
    extensions: &[
        ExtensionDef {
            owner: Owner::MOX,
            number: 0,
            majors: &[MajorDef {
                major: 1,
                minor: 0,
                messages: &[MessageDef {
                    msg_type: 1,
                    fields: &[],
                }],
            }],
        },
        ExtensionDef {
            owner: Owner::MOX,
            number: 1,
            majors: &[MajorDef {
                major: 1,
                minor: 1,
                messages: &[MessageDef {
                    msg_type: 1,
                    fields: &SPEC_FADER,
                }],
            }],
        },
    ],
};

/// The receiver of spec §6.7: node `0x42`, `mox.fader` 1.0 knowing type `40` with field `00`
/// (and `mox.core`'s `error`, without its fields).
static NODE_42: ReceiverDesc<'static> = ReceiverDesc {
    node_id: 0x42,
    limits: Limits::DEFAULT,
    extensions: &[
        ExtensionDef {
            owner: Owner::MOX,
            number: 0,
            majors: &[MajorDef {
                major: 1,
                minor: 0,
                messages: &[MessageDef {
                    msg_type: 1,
                    fields: &[],
                }],
            }],
        },
        ExtensionDef {
            owner: Owner::MOX,
            number: 1,
            majors: &[MajorDef {
                major: 1,
                minor: 0,
                messages: &[MessageDef {
                    msg_type: 0x40,
                    fields: &[FieldDef::new(0, FieldType::U7)],
                }],
            }],
        },
    ],
};

/// Spec §6.7's request: node `0x01234567` to `0x42`, `mox.fader` 1.0, type `40`, strip 2,
/// unknown field `39`.
const SPEC_REQUEST: &str =
    "F0 7D 4D 4F 58 02 7E 01 01 00 40 67 0A 0D 09 42 00 00 00 00 01 02 39 01 05 F7";

/// Every row of spec §15.8's table, against the §15.2 receiver.
#[test]
fn mox_rcv_worked_outcomes_of_15_8() {
    let r = &SPEC_RECEIVER;
    let Outcome::Delivered(delivered) = r.receive_sysex(&SPEC_FADER_SYSEX) else {
        panic!()
    };
    // Colour (added in 1.1) is known to this 1.1 receiver: every field is.
    assert!(delivered
        .fields()
        .all(|f| matches!(f, FieldClass::Known(_))));
    assert_eq!(delivered.fields().count(), 3);
    assert_eq!(delivered.notify(), None);
    let mut bad = SPEC_FADER_SYSEX;
    bad[24] = 0x69;
    assert!(matches!(r.receive_sysex(&bad), Outcome::Discarded(e) if e.class() == "bad-check"));
    assert_eq!(
        malformed(&r.receive_sysex(&hex("F0 7D 4D 4F 58 F7"))),
        (DecodeErrorKind::TruncatedHeader, 0, None)
    );
    assert_eq!(r.receive(&hex("20 7E 01 01 01 01")), Outcome::Ignored);
    assert_eq!(
        malformed(&r.receive(&hex("08 7E 01 01 01 01"))),
        (DecodeErrorKind::ReservedBitSet, 0, None)
    );
    // §6.7's request: this receiver answers no strip-query (type 40, a request): 01.
    let request = hex(SPEC_REQUEST);
    let outcome = r.receive_sysex(&request);
    assert!(matches!(
        outcome,
        Outcome::Rejected {
            rejection: Rejection::UnsupportedMessageType,
            ..
        }
    ));
    assert_eq!(
        outcome.reply(),
        Some(Reply {
            code: 0x01,
            to: 0x0123_4567,
            field: None,
            offset: None
        })
    );
    assert!(matches!(
        r.receive_sysex(&hex("F0 7E 00 0D 70 F7")),
        Outcome::NotMox(NotMox::UniversalCarrier)
    ));
}

/// Spec §6.7's request with an unknown critical field, and §9.5's `06` reply to the `3B`
/// form, byte for byte.
#[test]
fn mox_fld_worked_example_6_7_and_reply_9_5() {
    let request = hex(SPEC_REQUEST);
    let outcome = NODE_42.receive_sysex(&request);
    assert!(
        matches!(outcome, Outcome::Dropped { field, reply: None, .. } if field.value() == 0x39)
    );
    let mut critical = request.clone();
    critical[22] = 0x3B;
    assert_eq!(
        critical,
        hex("F0 7D 4D 4F 58 02 7E 01 01 00 40 67 0A 0D 09 42 00 00 00 00 01 02 3B 01 05 F7")
    );
    let outcome = NODE_42.receive_sysex(&critical);
    let want = Reply {
        code: 0x06,
        to: 0x0123_4567,
        field: Some(id(0x3B)),
        offset: None,
    };
    assert_eq!(outcome.reply(), Some(want));

    // The reply itself, built with the encoder, is §9.5's bytes.
    let mut header = to(Header::new(ExtensionId::CORE, 1, 0, 0x01), 0x0123_4567);
    header.addresses = Some(Addresses {
        source: 0x42,
        destination: 0x0123_4567,
    });
    header.check = true;
    let reply_body = body(
        &header,
        &[
            (id(0x00), &[0x06]),
            (id(0x08), &[0x7E, 0x01]),
            (id(0x10), &[0x01, 0x00]),
            (id(0x18), &[0x40]),
            (id(0x20), &[0x3B]),
        ],
    );
    assert_eq!(
        framed(&reply_body),
        hex("F0 7D 4D 4F 58 03 7E 00 01 00 01 42 00 00 00 67 0A 0D 09 00 01 06 08 02 7E 01 10 02 01 00 18 01 40 20 01 3B 2B 0C F7")
    );
    // The CRC `2B 0C`, recomputed independently.
    let n = reply_body.len() - 2;
    assert_eq!(
        crc::to_bytes(crc14_reference(&reply_body[..n])),
        [0x2B, 0x0C]
    );
    // An error reply is never answered, even when something in it would call for one.
    let to_us = to(Header::new(ExtensionId::CORE, 1, 0, 0x01), 0x42);
    let bad_reply = body(&to_us, &[(id(0x00), &[0x06]), (id(0x0B), &[])]);
    let outcome = NODE_42.receive(&bad_reply);
    assert!(
        matches!(outcome, Outcome::Dropped { reply: None, .. }),
        "{outcome:?}"
    );
    // The same unknown field in a core message of another type is answered.
    let to_us = to(Header::new(ExtensionId::CORE, 1, 0, 0x02), 0x42);
    static CORE_TWO: ReceiverDesc<'static> = ReceiverDesc {
        node_id: 0x42,
        limits: Limits::DEFAULT,
        extensions: &[ExtensionDef {
            owner: Owner::MOX,
            number: 0,
            majors: &[MajorDef {
                major: 1,
                minor: 0,
                messages: &[MessageDef {
                    msg_type: 2,
                    fields: &[],
                }],
            }],
        }],
    };
    let bytes = body(&to_us, &[(id(0x0B), &[])]);
    assert!(matches!(
        CORE_TWO.receive(&bytes),
        Outcome::Dropped { reply: Some(_), .. }
    ));
}

/// Spec §4.8's two chunks of the §4.9 message.
const SPEC_CHUNK_1: &str = "F0 7D 4D 4F 58 07 7E 01 01 01 01 67 0A 0D 09 42 00 00 00 05 02 00 01 00 08 00 00 01 03 08 02 00 40 20 3D 53 F7";
const SPEC_CHUNK_2: &str = "F0 7D 4D 4F 58 07 7E 01 01 01 01 67 0A 0D 09 42 00 00 00 05 02 00 02 00 04 00 03 7F 20 00 12 06 F7";

/// Spec §4.8's two chunks, byte for byte, and their reassembly.
#[test]
fn mox_syx_chunk_worked_example_4_8() {
    let chunk1 = hex(SPEC_CHUNK_1);
    let chunk2 = hex(SPEC_CHUNK_2);
    // Each chunk's CRC, recomputed independently over its body.
    for chunk in [&chunk1, &chunk2] {
        let n = chunk.len() - 3;
        assert_eq!(
            crc::to_bytes(crc14_reference(&chunk[5..n])),
            chunk[n..n + 2]
        );
    }
    let mut header = fader(1, 0x01);
    header.addresses = Some(Addresses {
        source: 0x0123_4567,
        destination: 0x42,
    });
    header.chunked = true;
    header.check = true;
    let section = &SPEC_FADER_SYSEX[11..23];
    let splitter = Splitter::new(
        section,
        5,
        37,
        mox_codec::envelope::chunk_overhead(&header) + 6,
    )
    .unwrap();
    let mut built = Vec::new();
    for chunk in splitter {
        let mut c = [0u8; 32];
        let n = chunk.encode(&mut c).unwrap();
        let mut b = [0u8; 64];
        let m = encode_chunk_body(&header, &c[..n], &mut b).unwrap();
        built.push(framed(&b[..m]));
    }
    assert_eq!(built, [chunk1.clone(), chunk2.clone()]);

    let mut reassembler: Reassembler<2, 64> = Reassembler::new();
    let mut outcomes = Vec::new();
    for unit in [&chunk1, &chunk2] {
        let Outcome::Chunk(chunk) = SPEC_RECEIVER.receive_sysex(unit) else {
            panic!()
        };
        let source = chunk.header().addresses.unwrap().source;
        match reassembler.accept(0, source, chunk.section()).unwrap() {
            Accepted::Complete { payload, .. } => {
                let payload = payload.to_vec();
                let outcome = SPEC_RECEIVER.receive_reassembled(chunk.header(), &payload);
                outcomes.push(outcome.class().to_string());
            }
            accepted => outcomes.push(accepted.class().to_string()),
        }
    }
    assert_eq!(outcomes, ["chunk-accepted", "delivered"]);
}

#[test]
fn mox_rcv_060_the_first_failing_field_in_wire_order_decides() {
    let me = to(fader(1, 0x01), NODE);
    let hl = me.encoded_len();
    // A bad value first, a broken TLV after it: the value error decides.
    let bytes = [body(&me, &[(id(0x18), &[2])]), vec![0x00, 0x05]].concat();
    assert_eq!(
        malformed(&RECEIVER.receive(&bytes)),
        (DecodeErrorKind::ValueOutOfRange, hl, Some(0x08))
    );
    // Duplicate comes before the length check of the second occurrence.
    let bytes = body(&me, &[(id(0x08), &[0, 0]), (id(0x08), &[0])]);
    assert_eq!(
        malformed(&RECEIVER.receive(&bytes)).0,
        DecodeErrorKind::DuplicateField
    );
    // An unknown critical field before a malformed one: malformed wins (validation first).
    let bytes = body(&me, &[(id(0xA1), &[]), (id(0x18), &[2])]);
    assert_eq!(
        malformed(&RECEIVER.receive(&bytes)).0,
        DecodeErrorKind::ValueOutOfRange
    );
    // A broken varint is reported where it breaks; the reply's offset is the field's start.
    let bytes = [body(&me, &[(id(0x00), &[1])]), vec![0x40, 0x00, 0x00]].concat();
    let outcome = RECEIVER.receive(&bytes);
    assert_eq!(
        malformed(&outcome),
        (DecodeErrorKind::VarintOverlong, hl + 4, Some(0x41))
    );
    assert_eq!(outcome.reply().unwrap().offset, Some(hl + 3));
    // The 08 reply names the field and its offset.
    let Outcome::Malformed {
        reply: Some(reply), ..
    } = RECEIVER.receive(&body(&me, &[(id(0x00), &[1]), (id(0x18), &[2])]))
    else {
        panic!()
    };
    assert_eq!(
        reply,
        Reply {
            code: 0x08,
            to: PEER,
            field: Some(id(0x18)),
            offset: Some(hl + 3)
        }
    );
}

#[test]
fn mox_fld_040_the_field_count_covers_records() {
    let me = fader(1, 0x01);
    let record = body_fields(&[(id(0x00), &[1])]);
    // 63 tags + a record holding one field = 65 fields.
    let mut fields: Vec<(FieldId, &[u8])> = vec![(id(0x58), &[1][..]); 63];
    fields.push((id(0x50), &record));
    let bytes = body(&me, &fields);
    assert_eq!(
        malformed(&RECEIVER.receive(&bytes)).0,
        DecodeErrorKind::TooManyFields
    );
    fields.remove(0);
    assert!(matches!(
        RECEIVER.receive(&body(&me, &fields)),
        Outcome::Delivered(_)
    ));
    // Unknown records are not looked into: their contents do not count.
    let mut fields: Vec<(FieldId, &[u8])> = vec![(id(0x58), &[1][..]); 63];
    let big = body_fields(&vec![(id(0x00), &[1][..]); 10]);
    fields.push((id(0x300), &big));
    assert!(matches!(
        RECEIVER.receive(&body(&me, &fields)),
        Outcome::Delivered(_)
    ));
}

#[test]
fn mox_fld_050_request_id_is_known_at_the_top_level_only() {
    let request_id = id(449 << 3);
    assert_eq!(mox_codec::envelope::REQUEST_ID_DEF.id, request_id.value());
    let me = to(fader(1, 0x01), NODE);
    let message = body(&me, &[(request_id, &[0x05, 0x01])]);
    let Outcome::Delivered(delivered) = RECEIVER.receive(&message) else {
        panic!()
    };
    let Some(FieldClass::Known(known)) = delivered.fields().next() else {
        panic!()
    };
    assert_eq!(known.uint(), Some(0x85));
    assert_eq!(
        malformed(&RECEIVER.receive(&body(&me, &[(request_id, &[0x05])]))).0,
        DecodeErrorKind::BadFieldLength
    );
    let twice = body(&me, &[(request_id, &[0, 0]), (request_id, &[0, 0])]);
    assert_eq!(
        malformed(&RECEIVER.receive(&twice)).0,
        DecodeErrorKind::DuplicateField
    );
    // Inside a record it is an ordinary (here unknown) id.
    let record = body_fields(&[(request_id, &[0x05])]);
    assert!(matches!(
        RECEIVER.receive(&body(&me, &[(id(0x50), &record)])),
        Outcome::Delivered(_)
    ));
}

#[test]
fn text7_is_printable_ascii() {
    let me = fader(1, 0x01);
    for (text, ok) in [
        (&b"ch 1~"[..], true),
        (b"", true),
        (b"a\nb", false),
        (b"\x7F", false),
        (b"\x1F", false),
    ] {
        let bytes = body(&me, &[(id(0x68), text)]);
        let outcome = RECEIVER.receive(&bytes);
        if ok {
            assert!(matches!(outcome, Outcome::Delivered(_)), "{text:?}");
        } else {
            assert_eq!(
                malformed(&outcome).0,
                DecodeErrorKind::ValueOutOfRange,
                "{text:?}"
            );
        }
    }
}

#[test]
fn mox_err_020_reserved_or_broadcast_sources_are_never_answered() {
    for (source, eligible) in [
        (PEER, true),
        (0x0FFF_FFFF, false),
        (0x0FFF_FF00, false),
        (0x0FFF_FEFF, true),
    ] {
        let mut header = fader(0, 0x42);
        header.addresses = Some(Addresses {
            source,
            destination: NODE,
        });
        let bytes = body(&header, &[]);
        let outcome = RECEIVER.receive(&bytes);
        assert_eq!(outcome.reply().is_some(), eligible, "{source:#x}");
    }
}

#[test]
fn mox_osc_006_eight_bit_blobs_are_malformed_before_the_format_is_read() {
    let mut buf = [0u8; 32];
    let args = [Arg::Blob(&[0x60, 0x80])];
    let n = Message::new("/mox", &args).encode(&mut buf).unwrap();
    let Ok(Packet::Message(message)) = Packet::decode(&buf[..n]) else {
        panic!()
    };
    assert_eq!(
        malformed(&RECEIVER.receive_osc(&message)),
        (DecodeErrorKind::NotSevenBit, 1, None)
    );
    // An invalid /mox message is not MOX, with the OSC layer's class.
    let outcome = RECEIVER.receive_osc(&Message::new("/mox", &[Arg::Int(1)]));
    assert_eq!(outcome, Outcome::NotMox(NotMox::NoBlob));
    assert_eq!(NotMox::NoBlob.class(), None);
    let not_seven =
        sysex::SysExEnvelope::parse(&[0xF0, 0x7D, 0x4D, 0x4F, 0x58, 0x90, 0xF7]).unwrap_err();
    assert_eq!(not_seven.class(), Some("not-seven-bit"));
}

/// Step 7 through `ChunkReceiver` (spec §15.5): the §4.8 transfer (consumed, then delivered;
/// chunk 2 alone out of sequence with reply `21`, as §4.8 says), and the header rules of
/// MOX-SYX-072 that chapter 11 alone does not see.
#[test]
fn mox_rcv_050_chunks_end_as_consumed_or_as_their_message() {
    use mox_codec::envelope::ChunkReceiver;
    let chunk1 = hex(SPEC_CHUNK_1);
    let chunk2 = hex(SPEC_CHUNK_2);
    let run =
        |chunks: &mut ChunkReceiver<2, 64>, unit: &[u8]| -> (String, Option<String>, Option<u8>) {
            let outcome = match SPEC_RECEIVER.receive_sysex(unit) {
                Outcome::Chunk(chunk) => chunks.accept(&SPEC_RECEIVER, 0, 1, &chunk),
                other => other,
            };
            (
                outcome.class().to_string(),
                outcome.error_class().map(str::to_string),
                outcome.reply().map(|r| r.code),
            )
        };
    let c = |class: &str, error: Option<&str>, code: Option<u8>| {
        (class.to_string(), error.map(str::to_string), code)
    };

    let mut chunks = ChunkReceiver::<2, 64>::new();
    assert_eq!(
        run(&mut chunks, &chunk1),
        c("consumed", Some("chunk-accepted"), None)
    );
    assert_eq!(
        run(&mut chunks, &chunk1),
        c("consumed", Some("chunk-duplicate"), None)
    );
    assert_eq!(run(&mut chunks, &chunk2), c("delivered", None, None));
    // Chunk 2 alone: out of sequence, eligible, so reply 21.
    assert_eq!(
        run(&mut chunks, &chunk2),
        c("consumed", Some("chunk-out-of-sequence"), Some(0x21))
    );

    // Chunk 2 under another header (minor 0, CRC recomputed): conflicting, 25.
    let retag = |unit: &[u8], minor: u8| {
        let mut body = unit[5..unit.len() - 1].to_vec();
        body[4] = minor;
        framed(&recheck(body))
    };
    let mut chunks = ChunkReceiver::<2, 64>::new();
    run(&mut chunks, &chunk1);
    assert_eq!(
        run(&mut chunks, &retag(&chunk2, 0)),
        c("consumed", Some("chunk-conflicting"), Some(0x25))
    );
    assert_eq!(
        run(&mut chunks, &chunk2),
        c("consumed", Some("chunk-out-of-sequence"), Some(0x21))
    );

    // Chunk 1 again under another header: a new transfer, whose header then rules.
    let mut chunks = ChunkReceiver::<2, 64>::new();
    run(&mut chunks, &chunk1);
    assert_eq!(
        run(&mut chunks, &retag(&chunk1, 0)),
        c("consumed", Some("transfer-restarted"), None)
    );
    assert_eq!(
        run(&mut chunks, &chunk2),
        c("consumed", Some("chunk-conflicting"), Some(0x25))
    );

    // K is not part of the comparison: chunk 1 without its CRC is a retransmission.
    let mut chunks = ChunkReceiver::<2, 64>::new();
    run(&mut chunks, &chunk1);
    let mut bare = chunk1[5..chunk1.len() - 3].to_vec();
    bare[0] &= !0x01;
    assert_eq!(
        run(&mut chunks, &framed(&bare)),
        c("consumed", Some("chunk-duplicate"), None)
    );
    assert_eq!(run(&mut chunks, &chunk2), c("delivered", None, None));

    // A chunk body shorter than its header: chunk-truncated, 41.
    let mut short = chunk1[5..19].to_vec();
    short[0] = 0x06;
    short.extend_from_slice(&[0x05, 0x02]);
    assert_eq!(
        run(&mut chunks, &framed(&short)),
        c("consumed", Some("chunk-truncated"), Some(0x41))
    );
    // An unsupported extension is rejected before anything is stored (MOX-SYX-073).
    let mut other = chunk1[5..chunk1.len() - 1].to_vec();
    other[2] = 0x09;
    assert_eq!(
        run(&mut chunks, &framed(&recheck(other))),
        c("rejected", Some("unsupported-extension"), Some(0x05))
    );
    assert_eq!(chunks.reassembler().in_flight(), 0);
}

/// A chunk under another header is classified by the rule chapter 11 would apply to it:
/// above the expected number it is `chunk-missing`, on a stale transfer `transfer-timed-out`.
#[test]
fn mox_syx_072_header_changes_follow_the_chunk_rules() {
    use mox_codec::envelope::ChunkReceiver;
    let section = &SPEC_FADER_SYSEX[11..23]; // 12 bytes
    let mut header = fader(1, 0x01);
    header.addresses = Some(Addresses {
        source: 0x0123_4567,
        destination: 0x42,
    });
    header.chunked = true;
    let units = |header: &Header| -> Vec<Vec<u8>> {
        let overhead = mox_codec::envelope::chunk_overhead(header) + 6;
        Splitter::new(section, 5, overhead + 7 + 4, overhead)
            .unwrap()
            .map(|chunk| {
                let mut c = [0u8; 32];
                let n = chunk.encode(&mut c).unwrap();
                let mut b = [0u8; 64];
                let m = encode_chunk_body(header, &c[..n], &mut b).unwrap();
                framed(&b[..m])
            })
            .collect()
    };
    let same = units(&header);
    assert_eq!(same.len(), 3);
    let mut other_header = header;
    other_header.minor = 0;
    let other = units(&other_header);
    let run = |chunks: &mut ChunkReceiver<2, 64>, now: u64, unit: &[u8]| -> String {
        let outcome = match SPEC_RECEIVER.receive_sysex(unit) {
            Outcome::Chunk(chunk) => chunks.accept(&SPEC_RECEIVER, now, 0, &chunk),
            other => other,
        };
        format!(
            "{}/{}",
            outcome.class(),
            outcome.error_class().unwrap_or("-")
        )
    };

    let mut chunks = ChunkReceiver::<2, 64>::new();
    assert_eq!(run(&mut chunks, 0, &same[0]), "consumed/chunk-accepted");
    assert_eq!(run(&mut chunks, 0, &other[2]), "consumed/chunk-missing");

    let mut chunks = ChunkReceiver::<2, 64>::new();
    assert_eq!(run(&mut chunks, 0, &same[0]), "consumed/chunk-accepted");
    assert_eq!(run(&mut chunks, 0, &same[1]), "consumed/chunk-accepted");
    assert_eq!(run(&mut chunks, 0, &other[1]), "consumed/chunk-conflicting");

    let mut chunks = ChunkReceiver::<2, 64>::new();
    assert_eq!(run(&mut chunks, 0, &same[0]), "consumed/chunk-accepted");
    assert_eq!(
        run(&mut chunks, 5_000, &other[1]),
        "consumed/transfer-timed-out"
    );

    // All in order, with the clock moving within the timeout: delivered.
    let mut chunks = ChunkReceiver::<2, 64>::new();
    let classes: Vec<String> = same
        .iter()
        .enumerate()
        .map(|(i, u)| run(&mut chunks, 2_000 * i as u64, u))
        .collect();
    assert_eq!(
        classes,
        [
            "consumed/chunk-accepted",
            "consumed/chunk-accepted",
            "delivered/-"
        ]
    );
}

/// MOX-REG-052/054: GREASE fields are unknown fields like any other, and survive re-encoding.
#[test]
fn mox_reg_grease_fields_are_ignored_and_kept() {
    use mox_codec::envelope::grease::GreaseField;
    for random in [0u32, 0x9E37_79B9, 0xFFFF_FFFF, 0x1234_5678] {
        let grease = GreaseField::from_random(random);
        let header = to(fader(1, 0x01), NODE);
        let bytes = body(
            &header,
            &[(id(0x00), &[1]), grease.as_field(), (id(0x08), &[0, 1])],
        );
        let Outcome::Delivered(delivered) = RECEIVER.receive(&bytes) else {
            panic!()
        };
        assert_eq!(delivered.notify(), None);
        let unknown: Vec<_> = delivered
            .fields()
            .filter_map(|f| match f {
                FieldClass::Unknown(field) => Some((field.id(), field.value())),
                FieldClass::Known(_) => None,
            })
            .collect();
        assert_eq!(unknown, [grease.as_field()]);
        let decoded = Body::parse(&bytes, &Limits::DEFAULT).unwrap();
        let mut again = vec![0u8; bytes.len()];
        encode_body(decoded.header(), decoded.fields(), &mut again).unwrap();
        assert_eq!(again, bytes);
    }
}

/// MOX-BRG-020/021: a re-originating node copies unknown `U=0` fields, drops `U=1` ones,
/// and refuses to forward a message with an unknown `U=1 C=1` field.
#[test]
fn mox_brg_020_021_reoriginating_nodes_follow_the_u_bit() {
    use mox_codec::envelope::bridge::Reorigination;
    let header = to(fader(1, 0x01), OTHER); // a message the bridge forwards to OTHER
    let fields: [(FieldId, &[u8]); 5] = [
        (id(0x00), &[1]),
        (id(0xA0), &[0x11]), // unknown, U=0: copied
        (id(0xA4), &[0x22]), // unknown, U=1: removed
        (id(0xB1), &[0x33]), // unknown, C=1 U=0: copied for the final receiver to judge
        (id(0x08), &[0, 1]),
    ];
    let bytes = body(&header, &fields);
    let Reorigination::Forward {
        fields: forwarded, ..
    } = RECEIVER.reoriginate(&bytes)
    else {
        panic!()
    };
    let kept: Vec<u32> = forwarded
        .map(|f| match f {
            FieldClass::Known(k) => k.field().id().value(),
            FieldClass::Unknown(u) => u.id().value(),
        })
        .collect();
    assert_eq!(kept, [0x00, 0xA0, 0xB1, 0x08]);

    let blocked = body(&header, &[(id(0x00), &[1]), (id(0xA7), &[])]);
    match RECEIVER.reoriginate(&blocked) {
        Reorigination::CannotForward { field, reply, .. } => {
            assert_eq!(field.value(), 0xA7);
            assert_eq!(
                reply,
                Some(Reply {
                    code: 0x0B,
                    to: PEER,
                    field: Some(field),
                    offset: None
                })
            );
        }
        other => panic!("{other:?}"),
    }
    // Broadcast: still not forwarded, never answered.
    let broadcast = body(&to(fader(1, 0x01), BROADCAST), &[(id(0xA7), &[])]);
    assert!(matches!(
        RECEIVER.reoriginate(&broadcast),
        Reorigination::CannotForward { reply: None, .. }
    ));
    // A malformed message is not re-originated.
    let bad = body(&header, &[(id(0x18), &[2])]);
    assert!(matches!(
        RECEIVER.reoriginate(&bad),
        Reorigination::Other(Outcome::Malformed { .. })
    ));
}
