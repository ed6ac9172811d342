//! Random packets in value form survive value → JSON → value, and value → bytes (the
//! builders) → decode → value, and the codec's own encoder writes the same bytes back.
use mox_codec::osc::Packet;
use mox_vectors::{
    encode_packet, ArgValue, BundleValue, DecimalI64, Float32, Float64, Hex, Item, MessageValue,
    PacketValue, TimeTagValue,
};
use proptest::collection::vec;
use proptest::prelude::*;

fn scalar_arg() -> impl Strategy<Value = ArgValue> {
    prop_oneof![
        any::<i32>().prop_map(|value| ArgValue::Int { value }),
        any::<u32>().prop_map(|bits| ArgValue::Float(Float32::new(f32::from_bits(bits)))),
        "[^\u{0}]{0,9}".prop_map(|value| ArgValue::String { value }),
        "[^\u{0}]{0,9}".prop_map(|value| ArgValue::Symbol { value }),
        vec(any::<u8>(), 0..9).prop_map(|bytes| ArgValue::Blob { hex: Hex(bytes) }),
        any::<i64>().prop_map(|v| ArgValue::Long {
            value: DecimalI64(v)
        }),
        (any::<u32>(), any::<u32>())
            .prop_map(|(seconds, fraction)| ArgValue::TimeTag(TimeTagValue { seconds, fraction })),
        any::<u64>().prop_map(|bits| ArgValue::Double(Float64::new(f64::from_bits(bits)))),
        any::<char>().prop_map(|c| ArgValue::Char {
            value: u32::from(c)
        }),
        any::<[u8; 4]>().prop_map(|rgba| ArgValue::Color { rgba }),
        any::<[u8; 4]>().prop_map(|bytes| ArgValue::Midi { bytes }),
        Just(ArgValue::True {}),
        Just(ArgValue::False {}),
        Just(ArgValue::Nil {}),
        Just(ArgValue::Impulse {}),
    ]
}

fn arg() -> impl Strategy<Value = ArgValue> {
    scalar_arg().prop_recursive(2, 12, 4, |inner| {
        vec(inner, 0..4).prop_map(|items| ArgValue::Array { items })
    })
}

fn message() -> impl Strategy<Value = PacketValue> {
    let address = "/[a-z0-9]{1,6}(/[a-z0-9*?]{1,6}){0,2}";
    let typed = (address, vec(arg(), 0..6)).prop_map(|(address, args)| MessageValue {
        address,
        args: Some(args.into_iter().map(Item::Value).collect()),
        untyped_payload: None,
    });
    let untyped = (address, vec(any::<[u8; 4]>(), 0..3)).prop_map(|(address, words)| {
        let mut payload: Vec<u8> = words.concat();
        // A payload starting with ',' would be read as a type-tag string.
        if payload.first() == Some(&b',') {
            payload[0] = 0;
        }
        MessageValue {
            address,
            args: None,
            untyped_payload: Some(Hex(payload)),
        }
    });
    prop_oneof![4 => typed, 1 => untyped].prop_map(PacketValue::Message)
}

/// OSC 1.0: a nested bundle is timed no earlier than its parent (the builders insist).
fn order_timetags(packet: &mut PacketValue, parent: u64) {
    if let PacketValue::Bundle(b) = packet {
        let bits = |t: TimeTagValue| (u64::from(t.seconds) << 32) | u64::from(t.fraction);
        if bits(b.timetag) < parent {
            b.timetag = TimeTagValue {
                seconds: (parent >> 32) as u32,
                fraction: parent as u32,
            };
        }
        let own = bits(b.timetag);
        for element in &mut b.elements {
            if let Item::Value(inner) = element {
                order_timetags(inner, own);
            }
        }
    }
}

fn packet() -> impl Strategy<Value = PacketValue> {
    message()
        .prop_recursive(3, 16, 4, |inner| {
            ((any::<u32>(), any::<u32>()), vec(inner, 0..4)).prop_map(
                |((seconds, fraction), elements)| {
                    PacketValue::Bundle(BundleValue {
                        timetag: TimeTagValue { seconds, fraction },
                        elements: elements.into_iter().map(Item::Value).collect(),
                    })
                },
            )
        })
        .prop_map(|mut packet| {
            order_timetags(&mut packet, 0);
            packet
        })
}

proptest! {
    #[test]
    fn value_encode_decode_value(value in packet()) {
        let bytes = encode_packet(&value).expect("a well-formed value encodes");
        let decoded = Packet::decode(&bytes).expect("what the builders write decodes");
        prop_assert_eq!(decoded.validate(), Ok(()));
        prop_assert_eq!(&PacketValue::from_packet(&decoded), &value);
        prop_assert_eq!(decoded.to_vec().expect("re-encodes"), bytes);
    }

    #[test]
    fn value_json_value(value in packet()) {
        let json = serde_json::to_string(&value).unwrap();
        let back: PacketValue = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, value);
    }
}
