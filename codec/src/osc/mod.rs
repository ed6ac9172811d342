//! Open Sound Control 1.0 and 1.1.
//!
//! - Decoding: [`Packet::decode`] returns zero-copy views ([`Message`], [`Bundle`]) that
//!   borrow the input; arguments ([`Arg`]) and bundle elements are checked as they are read.
//! - Encoding: build a [`Message`] or [`Bundle`] from values (or take a decoded one) and
//!   call `encode` with a buffer; `encoded_len` gives the exact size first. The
//!   [`builder`] writes arguments one by one into a buffer.
//! - [`stream`]: SLIP (OSC 1.1) and int32 length-prefix (OSC 1.0) framings for TCP and
//!   serial links, plus an auto-detecting receiver.
//! - [`pattern`]: address-pattern matching with distinct [`pattern::Pattern`] and
//!   [`pattern::Address`] types.
//!
//! Specification: OSC 1.0 (Wright, 2002) and OSC 1.1 (Freed & Schmeder, NIME 2009).
mod args;
pub mod builder;
mod bundle;
mod config;
mod display;
mod encode;
mod error;
mod message;
mod packet;
pub mod pattern;
pub mod stream;
mod timetag;
mod types;
mod visit;

pub use bundle::{Bundle, Elements, BUNDLE_TAG};
pub use config::DecodeConfig;
pub use error::{DecodeError, DecodeErrorKind, EncodeError};
pub use message::{Args, Message};
pub use packet::Packet;
pub use timetag::{TimeTag, NTP_UNIX_OFFSET_SECS};
pub use types::{Arg, Array, ArrayIter, MidiMessage, Rgba};
pub use visit::{ArgVisitor, PacketVisitor};
