//! MOX codecs: `no_std`, allocation-free encoders and decoders for the wire formats MOX rides on.
//!
//! ```
//! use mox_codec::osc::{Arg, Message, Packet};
//!
//! // Encode `/feeooblah ,sif "beans" 1 2.0` into a caller-provided buffer.
//! let args = [Arg::String("beans"), Arg::Int(1), Arg::Float(2.0)];
//! let message = Message::new("/feeooblah", &args);
//! let mut buf = [0u8; 64];
//! let len = message.encode(&mut buf).unwrap();
//!
//! // Decode it again: the view borrows `buf`, nothing is copied or allocated.
//! let Packet::Message(decoded) = Packet::decode(&buf[..len]).unwrap() else { unreachable!() };
//! assert_eq!(decoded.address(), "/feeooblah");
//! let mut args = decoded.args();
//! assert_eq!(args.next(), Some(Ok(Arg::String("beans"))));
//! assert_eq!(args.next(), Some(Ok(Arg::Int(1))));
//! assert_eq!(args.next(), Some(Ok(Arg::Float(2.0))));
//! assert_eq!(args.next(), None);
//! ```
//!
//! # Layers
//! - [`osc`]: Open Sound Control 1.0 and 1.1 — packets, bundles, every type tag, stream
//!   framings (SLIP and length prefix) and address-pattern matching.
//! - [`sysex`]: MIDI 1.0 System Exclusive — framing, byte-stream reassembly, 7-bit
//!   encodings, checksums, chunking, USB-MIDI 1.0 and UMP SysEx7 packets, `.syx` files.
//! - [`envelope`]: the MOX envelope — varints, field ids, CRC-14, header, fields, the SysEx
//!   and OSC bindings, the body encoder and the receiver pipeline.
//!
//! # Contract
//! No function in this crate panics, allocates (without the `alloc` feature), recurses
//! without a bound, or reads a clock. Every declared size is checked against the input
//! before use, and every limit is configurable with a documented default.
//!
//! # Features
//! - `alloc`: `Vec`-returning conveniences.
//! - `std`: `std::error::Error` and `SystemTime` conversions (implies `alloc`).
//! - `serde`: `Serialize`/`Deserialize` for the plain value types.
//!
//! None of them changes what goes on the wire.
#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod envelope;
pub mod osc;
pub mod sysex;

/// The examples in `docs/osc.md` run as doctests, so the guide cannot drift from the code.
#[cfg(doctest)]
#[doc = include_str!("../../docs/osc.md")]
pub struct OscGuideDoctests;

/// The examples in `docs/sysex.md` run as doctests too.
#[cfg(doctest)]
#[doc = include_str!("../../docs/sysex.md")]
pub struct SysExGuideDoctests;

/// The examples in `docs/envelope.md` run as doctests too.
#[cfg(doctest)]
#[doc = include_str!("../../docs/envelope.md")]
pub struct EnvelopeGuideDoctests;

/// The README's examples run as doctests too.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
