//! Between the codec's packets and the value form: the decode report ([`PacketValue::from_packet`])
//! and the encoder ([`encode_packet`]) that `mox osc encode` uses too.
use std::fmt;

use mox_codec::osc::builder::{BundleBuilder, MessageBuilder};
use mox_codec::osc::{self, Arg, DecodeError, MidiMessage, Packet, Rgba, TimeTag};

use crate::model::{
    ArgValue, BundleValue, Float32, Float64, Item, MessageValue, PacketValue, TimeTagValue,
};
use crate::scalar::{DecimalI64, ErrorClass, Hex};

fn marker<T>(error: DecodeError) -> Item<T> {
    Item::Error {
        error: ErrorClass::reported(error.class()),
    }
}

impl From<TimeTag> for TimeTagValue {
    fn from(t: TimeTag) -> Self {
        TimeTagValue {
            seconds: t.seconds,
            fraction: t.fraction,
        }
    }
}

impl From<TimeTagValue> for TimeTag {
    fn from(t: TimeTagValue) -> Self {
        TimeTag::new(t.seconds, t.fraction)
    }
}

impl ArgValue {
    /// The value form of a decoded argument. An array is read item by item; if one fails
    /// (which a decoder that checks arrays when it reads them never reports) the error is
    /// returned and stands in place of the whole array.
    pub fn from_arg(arg: &Arg<'_>) -> Result<ArgValue, DecodeError> {
        Ok(match *arg {
            Arg::Int(value) => ArgValue::Int { value },
            Arg::Float(v) => ArgValue::Float(Float32::new(v)),
            Arg::String(s) => ArgValue::String {
                value: s.to_owned(),
            },
            Arg::Symbol(s) => ArgValue::Symbol {
                value: s.to_owned(),
            },
            Arg::Blob(b) => ArgValue::Blob { hex: Hex::from(b) },
            Arg::Long(v) => ArgValue::Long {
                value: DecimalI64(v),
            },
            Arg::TimeTag(t) => ArgValue::TimeTag(t.into()),
            Arg::Double(v) => ArgValue::Double(Float64::new(v)),
            Arg::Char(c) => ArgValue::Char {
                value: u32::from(c),
            },
            Arg::Color(c) => ArgValue::Color { rgba: c.to_bytes() },
            Arg::Midi(m) => ArgValue::Midi {
                bytes: m.to_bytes(),
            },
            Arg::True => ArgValue::True {},
            Arg::False => ArgValue::False {},
            Arg::Nil => ArgValue::Nil {},
            Arg::Impulse => ArgValue::Impulse {},
            // Recursion is bounded by the decoder's array depth limit.
            Arg::Array(array) => ArgValue::Array {
                items: array
                    .iter()
                    .map(|item| ArgValue::from_arg(&item?))
                    .collect::<Result<_, _>>()?,
            },
        })
    }
}

impl PacketValue {
    /// The decode report of a decoded packet: everything that decodes, with an error marker
    /// `{"error": CLASS}` where reading stopped — after the arguments before a bad one, in
    /// place of a bundle element that failed, or last when an element's size overruns its
    /// bundle (the codec's iterators end after such errors).
    pub fn from_packet(packet: &Packet<'_>) -> PacketValue {
        match packet {
            Packet::Message(message) => {
                let address = message.address().to_owned();
                match message.untyped_payload() {
                    Some(payload) => PacketValue::Message(MessageValue {
                        address,
                        args: None,
                        untyped_payload: Some(Hex::from(payload)),
                    }),
                    None => {
                        let args = message
                            .args()
                            .map(|arg| match arg.and_then(|arg| ArgValue::from_arg(&arg)) {
                                Ok(value) => Item::Value(value),
                                Err(error) => marker(error),
                            })
                            .collect();
                        PacketValue::Message(MessageValue {
                            address,
                            args: Some(args),
                            untyped_payload: None,
                        })
                    }
                }
            }
            Packet::Bundle(bundle) => PacketValue::Bundle(BundleValue {
                timetag: bundle.timetag().into(),
                elements: bundle
                    .elements()
                    .map(|element| match element {
                        // Recursion is bounded by the decoder's bundle depth limit.
                        Ok(packet) => Item::Value(PacketValue::from_packet(&packet)),
                        Err(error) => marker(error),
                    })
                    .collect(),
            }),
        }
    }

    /// The class of the first error marker in reading order, if any.
    pub fn first_error(&self) -> Option<ErrorClass> {
        match self {
            PacketValue::Message(message) => {
                message.args.iter().flatten().find_map(|item| match item {
                    Item::Error { error } => Some(*error),
                    Item::Value(_) => None,
                })
            }
            PacketValue::Bundle(bundle) => bundle.elements.iter().find_map(|item| match item {
                Item::Error { error } => Some(*error),
                Item::Value(packet) => packet.first_error(),
            }),
        }
    }
}

/// Why a value cannot be encoded.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EncodeError {
    /// The codec refused (bad address, NUL in a string, nesting too deep, a nested bundle
    /// timed before its parent, …).
    Codec(osc::EncodeError),
    /// The value contains an error marker: it is a decode report, not a packet.
    ErrorMarker {
        /// The marker's class.
        error: ErrorClass,
    },
    /// A float has neither `bits` nor a `value` that reads as a number.
    NoFloatValue,
    /// A `c` argument's code point is not a Unicode scalar value.
    InvalidChar {
        /// The code point.
        value: u32,
    },
    /// A message has both `args` and `untyped_payload`, or neither.
    ArgsOrPayload,
    /// An untyped payload whose length is not a multiple of 4 cannot form a packet.
    MisalignedPayload,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::Codec(e) => write!(f, "{e}"),
            EncodeError::ErrorMarker { error } => {
                write!(
                    f,
                    "the value contains an error marker ({error}), not a packet"
                )
            }
            EncodeError::NoFloatValue => {
                f.write_str("a float has neither `bits` nor a numeric `value`")
            }
            EncodeError::InvalidChar { value } => {
                write!(f, "code point {value:#x} is not a Unicode scalar value")
            }
            EncodeError::ArgsOrPayload => {
                f.write_str("a message needs exactly one of `args` and `untyped_payload`")
            }
            EncodeError::MisalignedPayload => {
                f.write_str("an untyped payload must be a multiple of 4 bytes long")
            }
        }
    }
}

impl std::error::Error for EncodeError {}

impl From<osc::EncodeError> for EncodeError {
    fn from(e: osc::EncodeError) -> Self {
        EncodeError::Codec(e)
    }
}

const fn pad4(n: usize) -> usize {
    n.saturating_add(3) & !3
}

/// Bytes an OSC-string of `len` bytes takes.
const fn string_size(len: usize) -> usize {
    pad4(len.saturating_add(1))
}

/// Checks what the codec's builders cannot (markers, floats, code points, message shape)
/// and returns an upper bound of the encoded size, for the buffer.
fn check_packet(packet: &PacketValue) -> Result<usize, EncodeError> {
    match packet {
        PacketValue::Message(m) => {
            let address = string_size(m.address.len());
            match (&m.args, &m.untyped_payload) {
                (Some(args), None) => {
                    let (mut tags, mut data) = (0usize, 0usize);
                    for item in args {
                        match item {
                            Item::Value(arg) => check_arg(arg, &mut tags, &mut data)?,
                            Item::Error { error } => {
                                return Err(EncodeError::ErrorMarker { error: *error })
                            }
                        }
                    }
                    Ok(address
                        .saturating_add(string_size(1 + tags))
                        .saturating_add(data))
                }
                (None, Some(payload)) if payload.0.len() % 4 == 0 => {
                    Ok(address.saturating_add(payload.0.len()))
                }
                (None, Some(_)) => Err(EncodeError::MisalignedPayload),
                _ => Err(EncodeError::ArgsOrPayload),
            }
        }
        PacketValue::Bundle(b) => b
            .elements
            .iter()
            .try_fold(16usize, |size, item| match item {
                Item::Value(packet) => {
                    Ok(size.saturating_add(4).saturating_add(check_packet(packet)?))
                }
                Item::Error { error } => Err(EncodeError::ErrorMarker { error: *error }),
            }),
    }
}

fn check_arg(arg: &ArgValue, tags: &mut usize, data: &mut usize) -> Result<(), EncodeError> {
    *tags += 1;
    let size = match arg {
        ArgValue::Int { .. } | ArgValue::Color { .. } | ArgValue::Midi { .. } => 4,
        ArgValue::Float(f) => f.resolve().map(|_| 4).ok_or(EncodeError::NoFloatValue)?,
        ArgValue::Double(d) => d.resolve().map(|_| 8).ok_or(EncodeError::NoFloatValue)?,
        ArgValue::Char { value } => match char::from_u32(*value) {
            Some(_) => 4,
            None => return Err(EncodeError::InvalidChar { value: *value }),
        },
        ArgValue::Long { .. } | ArgValue::TimeTag(_) => 8,
        ArgValue::String { value } | ArgValue::Symbol { value } => string_size(value.len()),
        ArgValue::Blob { hex } => 4usize.saturating_add(pad4(hex.0.len())),
        ArgValue::True {} | ArgValue::False {} | ArgValue::Nil {} | ArgValue::Impulse {} => 0,
        ArgValue::Array { items } => {
            *tags += 1; // the closing `]`
            for item in items {
                check_arg(item, tags, data)?;
            }
            0
        }
    };
    *data = data.saturating_add(size);
    Ok(())
}

/// Appends one checked argument.
fn push_arg(m: &mut MessageBuilder<'_>, arg: &ArgValue) -> Result<(), osc::EncodeError> {
    match arg {
        ArgValue::Int { value } => m.int(*value),
        ArgValue::Float(f) => m.float(f32::from_bits(f.resolve().unwrap_or_default())),
        ArgValue::String { value } => m.string(value),
        ArgValue::Symbol { value } => m.symbol(value),
        ArgValue::Blob { hex } => m.blob(&hex.0),
        ArgValue::Long { value } => m.long(value.0),
        ArgValue::TimeTag(t) => m.time_tag((*t).into()),
        ArgValue::Double(d) => m.double(f64::from_bits(d.resolve().unwrap_or_default())),
        ArgValue::Char { value } => m.char(char::from_u32(*value).unwrap_or_default()),
        ArgValue::Color { rgba } => m.color(Rgba::from_bytes(*rgba)),
        ArgValue::Midi { bytes } => m.midi(MidiMessage::from_bytes(*bytes)),
        ArgValue::True {} => m.bool(true),
        ArgValue::False {} => m.bool(false),
        ArgValue::Nil {} => m.nil(),
        ArgValue::Impulse {} => m.impulse(),
        ArgValue::Array { items } => {
            m.begin_array()?;
            for item in items {
                // Recursion is bounded: the builder refuses to nest past the decoder's
                // default array depth.
                push_arg(m, item)?;
            }
            m.end_array()
        }
    }
    .map(drop)
}

/// Writes one checked message into the front of `buf`.
fn write_message(buf: &mut [u8], m: &MessageValue) -> Result<usize, osc::EncodeError> {
    if let Some(payload) = &m.untyped_payload {
        // The builders always write a type-tag string, so a message without one is written
        // here: the address as an OSC-string, then the payload as it is.
        let address = m.address.as_bytes();
        if !m.address.starts_with('/') || address.contains(&0) {
            return Err(osc::EncodeError::BadAddress);
        }
        let end = string_size(address.len());
        let total = end + payload.0.len();
        let Some(out) = buf.get_mut(..total) else {
            return Err(osc::EncodeError::BufferTooSmall { needed: total });
        };
        out.fill(0);
        out[..address.len()].copy_from_slice(address);
        out[end..].copy_from_slice(&payload.0);
        return Ok(total);
    }
    let mut builder = MessageBuilder::new(buf, &m.address)?;
    for item in m.args.iter().flatten() {
        if let Item::Value(arg) = item {
            push_arg(&mut builder, arg)?;
        }
    }
    builder.finish()
}

/// Appends the elements of a checked bundle.
fn push_elements(
    b: &mut BundleBuilder<'_>,
    elements: &[Item<PacketValue>],
) -> Result<(), osc::EncodeError> {
    for element in elements {
        match element {
            Item::Value(PacketValue::Message(m)) if m.untyped_payload.is_some() => {
                let mut buf = vec![0; message_size(m)];
                let len = write_message(&mut buf, m)?;
                let bytes = buf.get(..len).unwrap_or_default();
                let packet = Packet::decode(bytes)
                    .map_err(|error| osc::EncodeError::Undecodable { error })?;
                b.packet(&packet)?;
            }
            Item::Value(PacketValue::Message(m)) => {
                b.message(&m.address, |builder| {
                    m.args.iter().flatten().try_for_each(|item| match item {
                        Item::Value(arg) => push_arg(builder, arg),
                        Item::Error { .. } => Ok(()),
                    })
                })?;
            }
            Item::Value(PacketValue::Bundle(inner)) => {
                // Recursion is bounded: the builder refuses to nest past the decoder's default
                // bundle depth.
                b.bundle(inner.timetag.into(), |nested| {
                    push_elements(nested, &inner.elements)
                })?;
            }
            Item::Error { .. } => {}
        }
    }
    Ok(())
}

fn message_size(m: &MessageValue) -> usize {
    string_size(m.address.len()) + m.untyped_payload.as_ref().map_or(0, |p| p.0.len())
}

/// Encodes a packet given in value form with the codec's builders, which refuse anything a
/// decoder would reject. Floats use their `bits`, or their `value` where `bits` are absent
/// (a convenience for hand-written input; corpus files always carry `bits`).
///
/// # Errors
/// An error marker anywhere, a float with no usable value, a `c` that is not a Unicode
/// scalar value, a malformed message shape, or any refusal of the codec (see
/// [`EncodeError`]).
pub fn encode_packet(packet: &PacketValue) -> Result<Vec<u8>, EncodeError> {
    let size = check_packet(packet)?;
    let mut buf = vec![0u8; size];
    let len = match packet {
        PacketValue::Message(m) => write_message(&mut buf, m)?,
        PacketValue::Bundle(b) => {
            let mut builder = BundleBuilder::new(&mut buf, b.timetag.into())?;
            push_elements(&mut builder, &b.elements)?;
            builder.finish()
        }
    };
    buf.truncate(len);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn report(bytes: &[u8]) -> serde_json::Value {
        serde_json::to_value(PacketValue::from_packet(&Packet::decode(bytes).unwrap())).unwrap()
    }

    #[test]
    fn unknown_tag_keeps_the_arguments_before_it() {
        // /a ,ixi 1 ...: `x` is unknown.
        let bytes = hex("2f610000 2c697869 00000000 00000001 00000002 00000003");
        let value = report(&bytes);
        assert_eq!(
            value,
            serde_json::json!({"message": {"address": "/a", "args": [
                {"type": "i", "value": 1}, {"error": "unknown-type-tag"}
            ]}})
        );
    }

    #[test]
    fn bad_element_is_marked_in_place_and_overrun_last() {
        // #bundle immediately; [8] /a ,i (data missing); [8] /b ,; [64] overrun.
        let bytes = hex("2362756e646c6500 0000000000000001
             00000008 2f610000 2c690000
             00000008 2f620000 2c000000
             00000040 2f630000");
        let packet = Packet::decode(&bytes).unwrap();
        let value = PacketValue::from_packet(&packet);
        assert_eq!(
            serde_json::to_value(&value).unwrap(),
            serde_json::json!({"bundle": {"timetag": {"seconds": 0, "fraction": 1}, "elements": [
                {"message": {"address": "/a", "args": [{"error": "truncated"}]}},
                {"message": {"address": "/b", "args": []}},
                {"error": "element-overrun"}
            ]}})
        );
        assert_eq!(value.first_error().map(|c| c.as_str()), Some("truncated"));
        assert_eq!(
            encode_packet(&value),
            Err(EncodeError::ErrorMarker {
                error: ErrorClass::reported("truncated")
            })
        );
    }

    #[test]
    fn untyped_message_round_trips() {
        let bytes = hex("2f610000 00000001");
        let value = PacketValue::from_packet(&Packet::decode(&bytes).unwrap());
        assert_eq!(
            serde_json::to_value(&value).unwrap(),
            serde_json::json!({"message": {"address": "/a", "untyped_payload": "00000001"}})
        );
        assert_eq!(encode_packet(&value).unwrap(), bytes);
        let bundle = PacketValue::Bundle(BundleValue {
            timetag: TimeTagValue {
                seconds: 0,
                fraction: 1,
            },
            elements: vec![Item::Value(value)],
        });
        let encoded = encode_packet(&bundle).unwrap();
        assert_eq!(
            PacketValue::from_packet(&Packet::decode(&encoded).unwrap()),
            bundle
        );
    }

    #[test]
    fn float_value_without_bits_is_accepted_for_encoding() {
        let value: PacketValue = serde_json::from_value(serde_json::json!(
            {"message": {"address": "/f", "args": [
                {"type": "f", "value": 2.0}, {"type": "d", "value": "-inf"},
                {"type": "f", "bits": "3f800000", "value": 99}
            ]}}
        ))
        .unwrap();
        let bytes = encode_packet(&value).unwrap();
        let expected = hex("2f660000 2c666466 00000000 40000000 fff0000000000000 3f800000");
        assert_eq!(bytes, expected, "bits win over value");
        let missing: PacketValue = serde_json::from_value(serde_json::json!(
            {"message": {"address": "/f", "args": [{"type": "f"}]}}
        ))
        .unwrap();
        assert_eq!(encode_packet(&missing), Err(EncodeError::NoFloatValue));
    }

    #[test]
    fn codec_refusals_pass_through() {
        let value: PacketValue = serde_json::from_value(serde_json::json!(
            {"message": {"address": "a", "args": []}}
        ))
        .unwrap();
        assert_eq!(
            encode_packet(&value),
            Err(EncodeError::Codec(osc::EncodeError::BadAddress))
        );
        let value: PacketValue = serde_json::from_value(serde_json::json!(
            {"message": {"address": "/a", "args": [{"type": "c", "value": 55296}]}}
        ))
        .unwrap();
        assert_eq!(
            encode_packet(&value),
            Err(EncodeError::InvalidChar { value: 0xd800 })
        );
    }
}
