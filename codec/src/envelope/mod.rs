//! The MOX envelope (design `docs/design/envelope.md`, spec chapters 3–7): the message body
//! that both bindings carry, its fields and their handling flags, the SysEx and OSC
//! framings, and the receiver pipeline.
//!
//! ```
//! use mox_codec::envelope::{
//!     encode_body, sysex, Body, ExtensionDef, ExtensionId, FieldClass, FieldDef, FieldId,
//!     FieldType, Header, Limits, MajorDef, MessageDef, Outcome, Owner, ReceiverDesc,
//! };
//! use mox_codec::sysex::message::ManufacturerId;
//!
//! // The fader message of design §3.7: mox.fader (7E 01) v1.1, type 01, with a CRC.
//! let mut header = Header::new(ExtensionId::new(Owner::MOX, 1), 1, 1, 0x01);
//! header.check = true;
//! let id = |v| FieldId::from_value(v).unwrap();
//! let fields = [
//!     (id(0x00), &[0x03][..]),            // strip 3
//!     (id(0x08), &[0x00, 0x40][..]),      // position 8192
//!     (id(0x10), &[0x7F, 0x20, 0x00][..]), // colour, added in 1.1
//! ];
//! let mut body = [0u8; 32];
//! let n = encode_body(&header, &fields, &mut body)?;
//! let mut message = [0u8; 32];
//! let m = sysex::encode(ManufacturerId::NonCommercial, &body[..n], &mut message)?;
//! assert_eq!(&message[..m], &[
//!     0xF0, 0x7D, 0x4D, 0x4F, 0x58, 0x01, 0x7E, 0x01, 0x01, 0x01, 0x01,
//!     0x00, 0x01, 0x03, 0x08, 0x02, 0x00, 0x40, 0x10, 0x03, 0x7F, 0x20, 0x00,
//!     0x61, 0x68, 0xF7,
//! ]);
//!
//! // Any decoder sees the fields, unknown or not, as data.
//! let decoded = Body::parse(&body[..n], &Limits::DEFAULT)?;
//! assert_eq!(decoded.fields().count(), 3);
//!
//! // A v1.0 receiver: the colour field is unknown to it, with flags 000, so it is skipped.
//! static FIELDS: [FieldDef<'static>; 2] =
//!     [FieldDef::new(0x00, FieldType::U7), FieldDef::new(0x08, FieldType::U14)];
//! static V1_0: ReceiverDesc<'static> = ReceiverDesc {
//!     node_id: 0x0123_4567,
//!     limits: Limits::DEFAULT,
//!     extensions: &[ExtensionDef {
//!         owner: Owner::MOX,
//!         number: 1,
//!         majors: &[MajorDef { major: 1, minor: 0, messages: &[MessageDef { msg_type: 0x01, fields: &FIELDS }] }],
//!     }],
//! };
//! let Outcome::Delivered(delivered) = V1_0.receive_sysex(&message[..m]) else { panic!() };
//! let summary: Vec<String> = delivered.fields().map(|field| match field {
//!     FieldClass::Known(known) => format!("{:#x}={}", known.field().id().value(), known.uint().unwrap()),
//!     FieldClass::Unknown(field) => format!("unknown {:#x}", field.id().value()),
//! }).collect();
//! assert_eq!(summary, ["0x0=3", "0x8=8192", "unknown 0x10"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Layers
//! - [`varint`], [`FieldId`], [`crc`], [`Header`]: the wire pieces; [`grease`] for GREASE
//!   values from the caller's randomness.
//! - [`Body`]: a borrowed view of one body; [`FieldSection`] and [`Field`] for its fields.
//! - [`encode_body`], [`encode_chunk_body`]: bodies into caller buffers; [`value`] for
//!   typed values.
//! - [`sysex`] and [`osc`]: the two bindings, both directions, and OSC bundle groups.
//! - [`ReceiverDesc`]: the receiver pipeline of spec §15, one [`Outcome`] per message;
//!   [`ChunkReceiver`] for its chunk step, [`bridge`] for re-originating nodes.
//!
//! # Contract
//! No function here panics, allocates or recurses without a bound (record nesting is
//! bounded by [`Limits::max_depth`]), whatever the input. Encoders compute the exact size
//! first and write nothing when they fail.
mod body;
pub mod bridge;
mod chunks;
pub mod crc;
mod encode;
mod error;
/// Typed views, messages, receiver descriptions and fallback renderers generated from the reference extension schemas.
pub mod ext;
mod field_id;
mod fields;
pub mod grease;
mod header;
pub mod osc;
mod receiver;
pub mod sysex;
pub mod value;
pub mod varint;

use core::fmt;

pub use body::Body;
pub use chunks::{reply_code as chunk_reply_code, ChunkReceiver};
pub use encode::{
    body_len, chunk_body_len, chunk_overhead, encode_body, encode_chunk_body, AsField,
};
pub use error::{DecodeError, DecodeErrorKind, EncodeError};
pub use field_id::{FieldId, CRITICAL, MAX_NUMBER, REPORT, REQUEST_ID, UNSAFE, VENDOR_CONTAINER};
pub use fields::{
    field_len, Field, FieldSection, Fields, Limits, DEFAULT_MAX_DEPTH, DEFAULT_MAX_FIELDS,
};
pub use header::{
    node_id_bytes, Addresses, ExtensionId, Header, Owner, BROADCAST, CORE_ERROR_TYPE,
    FLAG_ADDRESSED, FLAG_CHECK, FLAG_CHUNK, FORMAT_BITS, MAX_NODE_ID, REQUEST_BIT, RESERVED_BITS,
};
pub use receiver::{
    ChunkMessage, Classified, Delivered, ExtensionDef, FieldClass, FieldDef, FieldType, KnownField,
    MajorDef, MessageDef, Outcome, ReceiverDesc, Rejection, Reply, REQUEST_ID_DEF,
};

/// Why bytes are not a MOX message (the `not-mox` outcome, pipeline step 1): they belong to
/// the legacy SysEx, Universal SysEx or plain OSC handlers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NotMox {
    /// SysEx: not a well-framed SysEx message (a byte above `7F` inside it, no `F7`...).
    Framing(crate::sysex::message::FramingError),
    /// SysEx: the carrier is `7E` or `7F`, where MOX never rides.
    UniversalCarrier,
    /// SysEx: the payload does not start with `4D 4F 58`.
    NoSignature,
    /// OSC: the packet or the `/mox` message's first argument does not decode.
    Osc(crate::osc::DecodeError),
    /// OSC: the address is not exactly `/mox`.
    OtherAddress,
    /// OSC: a `/mox` message without a type-tag string.
    Untyped,
    /// OSC: the first argument of a `/mox` message is missing or not a blob.
    NoBlob,
    /// OSC: a bundle, not a message (iterate it with [`osc::groups`]).
    Bundle,
}

impl NotMox {
    /// The class the spec gives this case, if any (MOX-SYX-005, MOX-OSC-004): SysEx
    /// `not-seven-bit` (a byte above `7F` between `F0` and `F7`), or the OSC layer's class
    /// for a `/mox` message that is not valid OSC. The other cases have none.
    pub fn class(&self) -> Option<&'static str> {
        match self {
            Self::Framing(error)
                if error.kind() == crate::sysex::message::FramingErrorKind::NonSevenBit =>
            {
                Some(error.class())
            }
            Self::Osc(error) => Some(error.class()),
            _ => None,
        }
    }
}

impl fmt::Display for NotMox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Framing(error) => write!(f, "not a SysEx message: {error}"),
            Self::UniversalCarrier => f.write_str("Universal SysEx never carries MOX"),
            Self::NoSignature => f.write_str("no MOX signature after the manufacturer id"),
            Self::Osc(error) => write!(f, "not a decodable OSC message: {error}"),
            Self::OtherAddress => f.write_str("OSC address is not /mox"),
            Self::Untyped => f.write_str("/mox message without type tags"),
            Self::NoBlob => f.write_str("/mox message without a blob first"),
            Self::Bundle => f.write_str("an OSC bundle, not a message"),
        }
    }
}
