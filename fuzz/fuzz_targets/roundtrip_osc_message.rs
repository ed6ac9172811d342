//! An `arbitrary` address and argument tree → `Message::new(..).encode` → `Packet::decode`.
//! Invariants: encoding fails exactly when the input breaks a documented encoder rule
//! (address not `/…` or with a NUL, a string or symbol with a NUL, arrays nested deeper than
//! a default decoder accepts); otherwise `encode` writes `encoded_len` bytes, which decode
//! and validate to an equal message with the same type tags.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mox_codec::osc::{
    Arg, Array, DecodeConfig, EncodeError, Message, MidiMessage, Packet, Rgba, TimeTag,
};
use typed_arena::Arena;

#[derive(Arbitrary, Debug)]
struct Input {
    address: String,
    args: Vec<Value>,
}

#[derive(Arbitrary, Debug)]
enum Value {
    Int(i32),
    Float(u32),
    String(String),
    Blob(Vec<u8>),
    Long(i64),
    TimeTag(u64),
    Double(u64),
    Symbol(String),
    Char(char),
    Color([u8; 4]),
    Midi([u8; 4]),
    True,
    False,
    Nil,
    Impulse,
    Array(Vec<Value>),
}

/// Builds the `Arg` tree in `arena`; appends the type tags and returns the deepest array
/// nesting and whether any string contains a NUL.
fn convert<'a>(
    value: &'a Value,
    arena: &'a Arena<Arg<'a>>,
    tags: &mut String,
    depth: usize,
) -> (Arg<'a>, usize, bool) {
    let mut deepest = depth;
    let mut nul = false;
    let arg = match value {
        Value::Int(v) => Arg::Int(*v),
        Value::Float(bits) => Arg::Float(f32::from_bits(*bits)),
        Value::String(s) => {
            nul = s.contains('\0');
            Arg::String(s)
        }
        Value::Blob(b) => Arg::Blob(b),
        Value::Long(v) => Arg::Long(*v),
        Value::TimeTag(bits) => Arg::TimeTag(TimeTag::from_bits(*bits)),
        Value::Double(bits) => Arg::Double(f64::from_bits(*bits)),
        Value::Symbol(s) => {
            nul = s.contains('\0');
            Arg::Symbol(s)
        }
        Value::Char(c) => Arg::Char(*c),
        Value::Color(b) => Arg::Color(Rgba::from_bytes(*b)),
        Value::Midi(b) => Arg::Midi(MidiMessage::from_bytes(*b)),
        Value::True => Arg::True,
        Value::False => Arg::False,
        Value::Nil => Arg::Nil,
        Value::Impulse => Arg::Impulse,
        Value::Array(items) => {
            tags.push('[');
            deepest = depth + 1;
            let mut converted = Vec::with_capacity(items.len());
            for item in items {
                let (arg, d, n) = convert(item, arena, tags, depth + 1);
                converted.push(arg);
                deepest = deepest.max(d);
                nul |= n;
            }
            tags.push(']');
            let items: &'a [Arg<'a>] = arena.alloc_extend(converted);
            return (Arg::Array(Array::new(items)), deepest, nul);
        }
    };
    tags.push(char::from(arg.tag()));
    (arg, deepest, nul)
}

fuzz_target!(|input: Input| {
    let arena = Arena::new();
    let mut tags = String::new();
    let mut args = Vec::with_capacity(input.args.len());
    let (mut deepest, mut nul) = (0, false);
    for value in &input.args {
        let (arg, d, n) = convert(value, &arena, &mut tags, 0);
        args.push(arg);
        deepest = deepest.max(d);
        nul |= n;
    }
    let message = Message::new(&input.address, &args);

    let expected = if !input.address.starts_with('/') || input.address.contains('\0') {
        Err(EncodeError::BadAddress)
    } else if deepest > usize::from(DecodeConfig::DEFAULT.max_array_depth) {
        Err(EncodeError::ArrayTooDeep)
    } else if nul {
        Err(EncodeError::StringContainsNul)
    } else if tags.len() > usize::from(DecodeConfig::DEFAULT.max_arguments) {
        Err(EncodeError::TooManyArguments)
    } else {
        Ok(())
    };
    let len = match message.encoded_len() {
        Ok(len) => {
            assert_eq!(
                expected,
                Ok(()),
                "encoded_len accepted a message it must reject"
            );
            len
        }
        Err(error) => {
            // Which of several problems is reported first is not specified.
            assert!(
                expected.is_err(),
                "encoded_len rejected a good message: {error:?}"
            );
            return;
        }
    };
    let mut buf = vec![0u8; len];
    assert_eq!(
        message.encode(&mut buf),
        Ok(len),
        "encode disagrees with encoded_len"
    );

    let decoded = match Packet::decode(&buf) {
        Ok(Packet::Message(decoded)) => decoded,
        other => panic!("encoded message decodes as {other:?}"),
    };
    assert_eq!(
        decoded.validate(),
        Ok(()),
        "encoded message does not validate"
    );
    assert_eq!(decoded.address(), input.address);
    assert_eq!(decoded.type_tags(), Some(tags.as_str()), "type tags differ");
    assert_eq!(decoded, message, "decoded message differs");
});
