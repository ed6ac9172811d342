//! The SysEx binding (spec chapter 4): `F0 <carrier 1|3> 4D 4F 58 <body> F7`.
//!
//! ```
//! use mox_codec::envelope::sysex::{encode, encoded_len, SysExEnvelope};
//! use mox_codec::envelope::NotMox;
//! use mox_codec::sysex::message::ManufacturerId;
//!
//! let body = [0x00, 0x7E, 0x01, 0x01, 0x00, 0x01];
//! let mut out = [0u8; 16];
//! let n = encode(ManufacturerId::ThreeByte(0x21, 0x09), &body, &mut out)?;
//! assert_eq!(n, encoded_len(ManufacturerId::ThreeByte(0x21, 0x09), body.len()));
//! let envelope = SysExEnvelope::parse(&out[..n]).unwrap();
//! assert_eq!(envelope.body(), &body);
//!
//! // MIDI-CI (Universal SysEx) is never MOX.
//! assert_eq!(SysExEnvelope::parse(&[0xF0, 0x7E, 0x7F, 0x0D, 0x70, 0xF7]), Err(NotMox::UniversalCarrier));
//! # Ok::<(), mox_codec::envelope::EncodeError>(())
//! ```
use super::{body::first_8bit, EncodeError, NotMox};
use crate::sysex::message::{ManufacturerId, SysEx};

/// The signature after the carrier id: ASCII `MOX`.
pub const SIGNATURE: [u8; 3] = [0x4D, 0x4F, 0x58];

/// A SysEx message that carries a MOX body (step 1 of the receiver pipeline passed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SysExEnvelope<'a> {
    carrier: ManufacturerId,
    body: &'a [u8],
}

impl<'a> SysExEnvelope<'a> {
    /// Recognises a MOX message in a complete SysEx message (`F0` … `F7`).
    ///
    /// # Errors
    /// [`NotMox`] when `bytes` is not a well-framed SysEx message, its carrier is Universal
    /// (`7E`/`7F`: MOX never rides there), or the signature does not follow the carrier.
    /// Such a message belongs to the legacy or Universal handlers, not to MOX.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, NotMox> {
        let message = SysEx::parse(bytes).map_err(NotMox::Framing)?;
        Self::from_sysex(&message)
    }

    /// [`parse`](Self::parse) for a message already framed by [`SysEx`] (for example from
    /// a `StreamParser`, USB-MIDI or UMP).
    ///
    /// # Errors
    /// As [`parse`](Self::parse), minus framing.
    pub fn from_sysex(message: &SysEx<'a>) -> Result<Self, NotMox> {
        if message.manufacturer().is_universal() {
            return Err(NotMox::UniversalCarrier);
        }
        match message.payload().split_first_chunk::<3>() {
            Some((signature, body)) if *signature == SIGNATURE => Ok(Self {
                carrier: message.manufacturer(),
                body,
            }),
            _ => Err(NotMox::NoSignature),
        }
    }

    /// The carrier: the sending node's (or bridge's) manufacturer id. Framing, not message.
    pub const fn carrier(&self) -> ManufacturerId {
        self.carrier
    }

    /// The envelope body, between the signature and `F7`.
    pub const fn body(&self) -> &'a [u8] {
        self.body
    }
}

/// Whether MOX may be sent under `carrier`: a valid manufacturer id other than `7E`/`7F`.
pub const fn is_valid_carrier(carrier: ManufacturerId) -> bool {
    carrier.is_valid() && !carrier.is_universal()
}

/// Exact size of the SysEx message carrying a body of `body_len` bytes.
pub const fn encoded_len(carrier: ManufacturerId, body_len: usize) -> usize {
    body_len.saturating_add(2 + carrier.len() + SIGNATURE.len())
}

/// Frames `body` (from [`encode_body`](super::encode_body), or received on another binding)
/// as `F0 carrier 4D 4F 58 body F7`; returns the bytes written.
///
/// # Errors
/// [`InvalidCarrier`](EncodeError::InvalidCarrier), [`NotSevenBit`](EncodeError::NotSevenBit)
/// (offset in `body`: a bridge drops such an OSC body, design §4.4),
/// [`BufferTooSmall`](EncodeError::BufferTooSmall). Nothing is written on error.
pub fn encode(carrier: ManufacturerId, body: &[u8], out: &mut [u8]) -> Result<usize, EncodeError> {
    if !is_valid_carrier(carrier) {
        return Err(EncodeError::InvalidCarrier);
    }
    if let Some(offset) = first_8bit(body) {
        return Err(EncodeError::NotSevenBit { offset });
    }
    let needed = encoded_len(carrier, body.len());
    let Some(out) = out.get_mut(..needed) else {
        return Err(EncodeError::BufferTooSmall { needed });
    };
    let id = carrier.to_bytes();
    let mut cursor = super::header::Cursor { out, at: 0 };
    cursor.put(&[0xF0]);
    cursor.put(id.get(..carrier.len()).unwrap_or_default());
    cursor.put(&SIGNATURE);
    cursor.put(body);
    cursor.put(&[0xF7]);
    Ok(needed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_and_refuses() {
        let ok = SysExEnvelope::parse(&[0xF0, 0x7D, 0x4D, 0x4F, 0x58, 0x00, 0xF7]).unwrap();
        assert_eq!(ok.carrier(), ManufacturerId::NonCommercial);
        assert_eq!(ok.body(), &[0x00]);
        let three =
            SysExEnvelope::parse(&[0xF0, 0x00, 0x21, 0x09, 0x4D, 0x4F, 0x58, 0xF7]).unwrap();
        assert_eq!(three.carrier(), ManufacturerId::ThreeByte(0x21, 0x09));
        assert_eq!(three.body(), &[] as &[u8]);
        for universal in [0x7E, 0x7F] {
            assert_eq!(
                SysExEnvelope::parse(&[0xF0, universal, 0x4D, 0x4F, 0x58, 0x00, 0xF7]),
                Err(NotMox::UniversalCarrier)
            );
        }
        assert_eq!(
            SysExEnvelope::parse(&[0xF0, 0x41, 0x4D, 0x4F, 0xF7]),
            Err(NotMox::NoSignature)
        );
        assert!(matches!(
            SysExEnvelope::parse(&[0xF0, 0x41, 0x4D]),
            Err(NotMox::Framing(_))
        ));
    }

    #[test]
    fn encodes_exactly_and_refuses_bad_carriers() {
        let mut out = [0u8; 16];
        let n = encode(ManufacturerId::NonCommercial, &[0x01, 0x02], &mut out).unwrap();
        assert_eq!(n, encoded_len(ManufacturerId::NonCommercial, 2));
        assert_eq!(&out[..n], &[0xF0, 0x7D, 0x4D, 0x4F, 0x58, 0x01, 0x02, 0xF7]);
        for bad in [
            ManufacturerId::UniversalNonRealTime,
            ManufacturerId::UniversalRealTime,
            ManufacturerId::OneByte(0),
        ] {
            assert_eq!(encode(bad, &[], &mut out), Err(EncodeError::InvalidCarrier));
        }
        assert_eq!(
            encode(ManufacturerId::NonCommercial, &[0x01, 0x90], &mut out),
            Err(EncodeError::NotSevenBit { offset: 1 })
        );
        let mut short = [0xA5u8; 7];
        assert_eq!(
            encode(ManufacturerId::NonCommercial, &[0x01, 0x02], &mut short),
            Err(EncodeError::BufferTooSmall { needed: 8 })
        );
        assert_eq!(short, [0xA5; 7]);
    }
}
