//! MIDI 1.0 System Exclusive: framing, byte-stream reassembly, 7-bit encodings of 8-bit
//! data, vendor checksums, chunking of large payloads, USB-MIDI 1.0 and UMP SysEx7
//! packetisation, and `.syx` files.
//!
//! Everything here is `no_std`, allocation-free and panic-free: decoders borrow their input
//! or write into a caller-provided buffer, and every limit is a parameter.
//!
//! Specification: MIDI 1.0 Detailed Specification 4.2.1 (AMEI/MMA), USB Device Class
//! Definition for MIDI Devices 1.0, UMP and MIDI 2.0 Protocol Specification 1.1.
pub mod checksum;
pub mod chunk;
pub mod message;
pub mod sevenbit;
pub mod status;
pub mod stream;
pub mod syx;
pub mod ump;
pub mod usb;
