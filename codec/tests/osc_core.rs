//! Decode/encode of packets whose bytes come from an independent implementation (liblo's
//! `oscsend -`, captured once), and the builder against the one-shot encoder.
use mox_codec::osc::builder::{BundleBuilder, MessageBuilder};
use mox_codec::osc::{
    Arg, Array, Bundle, DecodeConfig, DecodeErrorKind, EncodeError, Message, MidiMessage, Packet,
    Rgba, TimeTag,
};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn message(bytes: &[u8]) -> Message<'_> {
    match Packet::decode(bytes).unwrap() {
        Packet::Message(m) => m,
        Packet::Bundle(_) => panic!("expected a message"),
    }
}

/// `oscsend - /foo ifs 1 2.0 beans`
const LIBLO_FOO: &str = "2f666f6f 00000000 2c696673 00000000 00000001 40000000 6265616e 73000000";
#[test]
fn decodes_liblo_message() {
    let bytes = hex(LIBLO_FOO);
    let m = message(&bytes);
    assert_eq!(m.address(), "/foo");
    assert_eq!(m.type_tags(), Some("ifs"));
    let args: Vec<_> = m.args().collect::<Result<_, _>>().unwrap();
    assert_eq!(args, [Arg::Int(1), Arg::Float(2.0), Arg::String("beans")]);
}

#[test]
fn decodes_every_liblo_type_and_reencodes_byte_exact() {
    // `oscsend - /t ihfdsScmTFNI 1 2 3.5 4.25 str sym a 01020304`, captured from liblo 0.31.
    let bytes = hex(
        "2f740000 2c696866 64735363 6d54464e 49000000 00000001 00000000 00000002
        40600000 40110000 00000000 73747200 73796d00 00000061 01020304",
    );
    let m = message(&bytes);
    let args: Vec<_> = m.args().collect::<Result<_, _>>().unwrap();
    assert_eq!(
        args,
        [
            Arg::Int(1),
            Arg::Long(2),
            Arg::Float(3.5),
            Arg::Double(4.25),
            Arg::String("str"),
            Arg::Symbol("sym"),
            Arg::Char('a'),
            Arg::Midi(MidiMessage {
                port: 1,
                status: 2,
                data1: 3,
                data2: 4
            }),
            Arg::True,
            Arg::False,
            Arg::Nil,
            Arg::Impulse,
        ]
    );
    let mut out = vec![0xa5; 128];
    let n = Packet::Message(m).encode(&mut out).unwrap();
    assert_eq!(&out[..n], &bytes[..]);
}

#[test]
fn color_and_midi_byte_order() {
    let args = [
        Arg::Color(Rgba {
            r: 0x11,
            g: 0x22,
            b: 0x33,
            a: 0x44,
        }),
        Arg::Midi(MidiMessage {
            port: 0,
            status: 0x90,
            data1: 60,
            data2: 100,
        }),
    ];
    let bytes = Message::new("/c", &args).to_vec().unwrap();
    assert_eq!(bytes, hex("2f630000 2c726d00 11223344 00903c64"));
}

#[test]
fn unknown_tag_keeps_earlier_args_and_stops() {
    // /x ,iXi 1 ? 2 : `X` is unknown, so the second int must not be read.
    let bytes = hex("2f780000 2c695869 00000000 00000001 00000002");
    let bytes = &bytes[..]; // 20 bytes
    let m = message(bytes);
    let mut args = m.args();
    assert_eq!(args.next(), Some(Ok(Arg::Int(1))));
    let err = args.next().unwrap().unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::UnknownTypeTag);
    assert_eq!(err.offset(), 6);
    assert_eq!(args.next(), None);
}

#[test]
fn missing_type_tags_are_tolerated() {
    let bytes = hex("2f666f6f 00000000 00000001");
    let m = message(&bytes);
    assert_eq!(m.type_tags(), None);
    assert_eq!(m.untyped_payload(), Some(&hex("00000001")[..]));
    assert_eq!(m.args().count(), 0);
    assert_eq!(Packet::Message(m).to_vec().unwrap(), bytes);
}

#[test]
fn bundle_with_bad_element_keeps_siblings() {
    let good = Message::new("/a", &[Arg::Int(7)]).to_vec().unwrap();
    let bad = hex("2f620000 2c730000 41424344"); // string without NUL
    let mut bytes = b"#bundle\0".to_vec();
    bytes.extend(hex("00000000 00000001"));
    for element in [&good, &bad, &good] {
        bytes.extend((element.len() as i32).to_be_bytes());
        bytes.extend(element);
    }
    let Packet::Bundle(b) = Packet::decode(&bytes).unwrap() else {
        panic!()
    };
    assert!(b.timetag().is_immediate());
    let elements: Vec<_> = b.elements().collect();
    assert_eq!(elements.len(), 3);
    assert!(elements[0].as_ref().unwrap().validate().is_ok());
    let bad_element = elements[1].as_ref().unwrap().validate().unwrap_err();
    assert_eq!(bad_element.kind(), DecodeErrorKind::UnterminatedString);
    assert_eq!(bad_element.offset(), 16 + 4 + 12 + 4 + 8);
    assert!(elements[2].as_ref().unwrap().validate().is_ok());
}

#[test]
fn overrunning_element_ends_iteration() {
    let mut bytes = b"#bundle\0".to_vec();
    bytes.extend(hex("00000000 00000001 00000100 2f610000"));
    let Packet::Bundle(b) = Packet::decode(&bytes).unwrap() else {
        panic!()
    };
    let mut elements = b.elements();
    assert_eq!(
        elements.next().unwrap().unwrap_err().kind(),
        DecodeErrorKind::ElementOverrun
    );
    assert!(elements.next().is_none());
}

#[test]
fn huge_declared_blob_is_rejected_without_reading() {
    let bytes = hex("2f620000 2c620000 7fffffff 00000000");
    let err = message(&bytes).validate().unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::BlobTooLarge);
    let mut config = DecodeConfig::default();
    config.max_blob_size = u32::MAX;
    let Packet::Message(m) = Packet::decode_with(&bytes, &config).unwrap() else {
        panic!()
    };
    assert_eq!(m.validate().unwrap_err().kind(), DecodeErrorKind::Truncated);
}

#[test]
fn bundle_depth_limit() {
    fn nest(depth: usize) -> Vec<u8> {
        let mut inner = Message::new("/x", &[]).to_vec().unwrap();
        for _ in 0..depth {
            let mut b = b"#bundle\0\0\0\0\0\0\0\0\x01".to_vec();
            b.extend((inner.len() as i32).to_be_bytes());
            b.extend(&inner);
            inner = b;
        }
        inner
    }
    let mut config = DecodeConfig::default();
    config.max_bundle_depth = 3;
    let ok = nest(3);
    assert!(Packet::decode_with(&ok, &config)
        .unwrap()
        .validate()
        .is_ok());
    let deep = nest(4);
    let err = Packet::decode_with(&deep, &config)
        .unwrap()
        .validate()
        .unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::BundleTooDeep);
}

#[test]
fn nested_arrays_round_trip() {
    let inner = [Arg::Int(1), Arg::String("x")];
    let outer = [Arg::Array(Array::new(&inner)), Arg::True];
    let args = [Arg::Array(Array::new(&outer)), Arg::Float(0.5)];
    let bytes = Message::new("/arr", &args).to_vec().unwrap();
    assert_eq!(&bytes[8..20], b",[[is]T]f\0\0\0");
    let decoded = message(&bytes);
    assert!(decoded.args().eq(Message::new("/arr", &args).args()));
    assert_eq!(Packet::Message(decoded).to_vec().unwrap(), bytes);
}

#[test]
fn builder_matches_one_shot_encoder_even_when_full() {
    let blob = [1u8, 2, 3, 4, 5];
    let items = [Arg::Int(3), Arg::Nil];
    let args = [
        Arg::Float(0.25),
        Arg::Blob(&blob),
        Arg::Array(Array::new(&items)),
        Arg::Symbol("sym"),
        Arg::TimeTag(TimeTag::new(1, 2)),
    ];
    let expected = Message::new("/b/uilder", &args).to_vec().unwrap();
    // Exactly-sized and roomy buffers take the two different code paths in `finish`.
    for extra in [0, 1, 3, 64] {
        let mut buf = vec![0xa5; expected.len() + extra];
        let mut b = MessageBuilder::new(&mut buf, "/b/uilder").unwrap();
        for arg in &args {
            b.arg(arg).unwrap();
        }
        let n = b.finish().unwrap();
        assert_eq!(&buf[..n], &expected[..], "extra room {extra}");
    }
    let mut small = vec![0; expected.len() - 1];
    let mut b = MessageBuilder::new(&mut small, "/b/uilder").unwrap();
    let result = args
        .iter()
        .try_for_each(|a| b.arg(a).map(drop))
        .and_then(|()| b.finish().map(drop));
    assert!(matches!(result, Err(EncodeError::BufferTooSmall { .. })));
}

#[test]
fn builder_refuses_invalid_packets() {
    let mut buf = [0u8; 64];
    assert_eq!(
        MessageBuilder::new(&mut buf, "noslash").unwrap_err(),
        EncodeError::BadAddress
    );
    let mut b = MessageBuilder::new(&mut buf, "/a").unwrap();
    assert_eq!(
        b.string("a\0b").unwrap_err(),
        EncodeError::StringContainsNul
    );
    assert_eq!(b.end_array().unwrap_err(), EncodeError::UnbalancedArray);
    b.begin_array().unwrap();
    assert_eq!(b.finish().unwrap_err(), EncodeError::UnbalancedArray);

    let mut bundle = BundleBuilder::new(&mut buf, TimeTag::new(10, 0)).unwrap();
    let r = bundle.bundle(TimeTag::new(9, 0), |_| Ok(()));
    assert_eq!(r.unwrap_err(), EncodeError::TimeTagBeforeEnclosing);
}

#[test]
fn bundle_builder_matches_one_shot_encoder() {
    let a = [Arg::Int(1)];
    let inner_elems = [Packet::Message(Message::new("/in", &a))];
    let elems = [
        Packet::Message(Message::new("/a", &a)),
        Packet::Bundle(Bundle::new(TimeTag::new(5, 0), &inner_elems)),
    ];
    let expected = Bundle::new(TimeTag::new(5, 0), &elems).to_vec().unwrap();
    let mut buf = [0u8; 128];
    let mut b = BundleBuilder::new(&mut buf, TimeTag::new(5, 0)).unwrap();
    b.message("/a", |m| m.int(1).map(drop)).unwrap();
    b.bundle(TimeTag::new(5, 0), |inner| {
        inner.packet(&inner_elems[0]).map(drop)
    })
    .unwrap();
    let n = b.finish();
    assert_eq!(&buf[..n], &expected[..]);
    let mut small = [0u8; 20];
    let mut b = BundleBuilder::new(&mut small, TimeTag::IMMEDIATELY).unwrap();
    assert!(matches!(
        b.packet(&elems[0]),
        Err(EncodeError::BufferTooSmall { needed: 32 })
    ));
}

#[test]
fn encoders_refuse_more_tags_than_a_default_decoder_accepts() {
    // Found by the roundtrip_osc_message fuzz target: 1025 `N` encoded fine but did not decode.
    let max = DecodeConfig::default().max_arguments as usize;
    let nils = vec![Arg::Nil; max + 1];
    let too_many = Message::new("/a", &nils);
    assert_eq!(too_many.encoded_len(), Err(EncodeError::TooManyArguments));
    let at_limit = Message::new("/a", &nils[..max]);
    let bytes = at_limit.to_vec().unwrap();
    assert!(Packet::decode(&bytes).unwrap().validate().is_ok());

    let mut buf = vec![0u8; 4096];
    let mut b = MessageBuilder::new(&mut buf, "/a").unwrap();
    for _ in 0..max {
        b.nil().unwrap();
    }
    assert_eq!(b.nil().unwrap_err(), EncodeError::TooManyArguments);
    assert_eq!(b.finish().unwrap(), bytes.len());
    assert_eq!(&buf[..bytes.len()], &bytes[..]);
}
