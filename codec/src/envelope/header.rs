//! The envelope header (design §3.2): header byte, extension id, version, message type and,
//! with `A=1`, the source and destination node ids.
use super::varint::{self, VarintFault};
use super::{DecodeError, DecodeErrorKind, EncodeError};

/// Header byte bit 2: the field section is replaced by a chapter 11 chunk.
pub const FLAG_CHUNK: u8 = 0b100;
/// Header byte bit 1: source and destination node ids follow the type.
pub const FLAG_ADDRESSED: u8 = 0b010;
/// Header byte bit 0: a 2-byte CRC-14/DARC ends the body.
pub const FLAG_CHECK: u8 = 0b001;
/// Header byte bits 4–3: must be zero.
pub const RESERVED_BITS: u8 = 0b0001_1000;
/// Header byte bits 6–5: the envelope format; `00` is the only one defined.
pub const FORMAT_BITS: u8 = 0b0110_0000;
/// The destination that addresses every node (a broadcast: never answered).
pub const BROADCAST: u32 = 0x0FFF_FFFF;
/// The largest node id: 28 bits.
pub const MAX_NODE_ID: u32 = 0x0FFF_FFFF;
/// Bit 6 of the message type: a request (clear: a notification).
pub const REQUEST_BIT: u8 = 0x40;

/// Who defines an extension: a MIDI manufacturer id in SysEx form (design §1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Owner {
    /// A one-byte id, `01`–`7F` (`7E` = the MOX standard, `7D` = non-commercial).
    OneByte(u8),
    /// A three-byte id `00 xx yy`, holding `xx` and `yy`.
    ThreeByte(u8, u8),
}

impl Owner {
    /// `7E`: extensions the MOX specification defines (`mox.core` and the reference ones).
    pub const MOX: Owner = Owner::OneByte(0x7E);
    /// `7D`: non-commercial and development use.
    pub const NON_COMMERCIAL: Owner = Owner::OneByte(0x7D);

    /// Whether the owner can be encoded: one byte `01`–`7F`, or three with 7-bit bytes.
    pub const fn is_valid(self) -> bool {
        match self {
            Owner::OneByte(id) => id >= 0x01 && id <= 0x7F,
            Owner::ThreeByte(hi, lo) => hi <= 0x7F && lo <= 0x7F,
        }
    }

    /// Bytes on the wire: 1 or 3.
    #[allow(clippy::len_without_is_empty)] // an owner is never empty
    pub const fn len(self) -> usize {
        match self {
            Owner::OneByte(_) => 1,
            Owner::ThreeByte(..) => 3,
        }
    }

    /// The wire bytes in the first [`len`](Self::len) entries.
    pub const fn to_bytes(self) -> [u8; 3] {
        match self {
            Owner::OneByte(id) => [id, 0, 0],
            Owner::ThreeByte(hi, lo) => [0, hi, lo],
        }
    }
}

/// An extension id: owner and number (design §1.1), e.g. `mox.fader` = `7E 01`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExtensionId {
    /// Who defines the extension.
    pub owner: Owner,
    /// Its number under that owner, up to 2^18 − 1.
    pub number: u32,
}

impl ExtensionId {
    /// `mox.core` (`7E 00`): hello, error and goodbye; decodable before negotiation.
    pub const CORE: ExtensionId = ExtensionId::new(Owner::MOX, 0);

    /// The extension `number` of `owner`.
    pub const fn new(owner: Owner, number: u32) -> Self {
        Self { owner, number }
    }

    /// Whether the number is a GREASE value (owner `7E`, number ≡ 7 mod 16; design §2.3).
    pub const fn is_grease(&self) -> bool {
        matches!(self.owner, Owner::OneByte(0x7E)) && self.number % 16 == 7
    }
}

/// The message type of `mox.core`'s error reply (design §6.1).
pub const CORE_ERROR_TYPE: u8 = 0x01;

/// Source and destination node ids (28 bits each), present when `A=1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Addresses {
    /// The sender's node id.
    pub source: u32,
    /// The receiver's node id, or [`BROADCAST`].
    pub destination: u32,
}

/// A decoded or to-be-encoded envelope header. Format bits are always `00` here: a body
/// with another format is not decoded ([`DecodeErrorKind::UnknownFormat`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Header {
    /// `H`: the section after the header is a chapter 11 chunk, not fields.
    pub chunked: bool,
    /// `K`: a CRC-14/DARC ends the body.
    pub check: bool,
    /// The extension.
    pub extension: ExtensionId,
    /// Major version, `0`–`7F` (`0` is never supported; receivers reject it).
    pub major: u8,
    /// Minor version, `0`–`7F`.
    pub minor: u8,
    /// Message type, `0`–`7F`; bit 6 set = request.
    pub msg_type: u8,
    /// `A`: the node ids, when the message is addressed.
    pub addresses: Option<Addresses>,
}

impl Header {
    /// An unaddressed, unchunked header without CRC.
    pub const fn new(extension: ExtensionId, major: u8, minor: u8, msg_type: u8) -> Self {
        Self {
            chunked: false,
            check: false,
            extension,
            major,
            minor,
            msg_type,
            addresses: None,
        }
    }

    /// The header byte: format `00`, reserved `00`, `H`, `A`, `K`.
    pub const fn flags_byte(&self) -> u8 {
        let mut byte = 0;
        if self.chunked {
            byte |= FLAG_CHUNK;
        }
        if self.addresses.is_some() {
            byte |= FLAG_ADDRESSED;
        }
        if self.check {
            byte |= FLAG_CHECK;
        }
        byte
    }

    /// Whether the type is a request (bit 6 set).
    pub const fn is_request(&self) -> bool {
        self.msg_type & REQUEST_BIT != 0
    }

    /// Whether this is a `mox.core` error reply, which is never answered with an error.
    pub const fn is_core_error(&self) -> bool {
        matches!(
            self.extension,
            ExtensionId {
                owner: Owner::OneByte(0x7E),
                number: 0
            }
        ) && self.msg_type == CORE_ERROR_TYPE
    }

    /// Bytes the header takes on the wire.
    pub const fn encoded_len(&self) -> usize {
        1 + self.extension.owner.len()
            + varint::encoded_len(self.extension.number)
            + 3
            + if self.addresses.is_some() { 8 } else { 0 }
    }

    /// Checks every value against its wire field (see [`EncodeError`]).
    pub(crate) const fn check_encodable(&self) -> Result<(), EncodeError> {
        if !self.extension.owner.is_valid() {
            return Err(EncodeError::InvalidOwner);
        }
        if self.extension.number > varint::MAX
            || self.major > 0x7F
            || self.minor > 0x7F
            || self.msg_type > 0x7F
        {
            return Err(EncodeError::OutOfRange);
        }
        if let Some(addresses) = self.addresses {
            if addresses.source > MAX_NODE_ID || addresses.destination > MAX_NODE_ID {
                return Err(EncodeError::OutOfRange);
            }
        }
        Ok(())
    }

    /// Writes the header into `out`, which the caller sized to [`encoded_len`] and whose
    /// values it checked; returns the bytes written.
    pub(crate) fn write(&self, out: &mut [u8]) -> usize {
        let mut writer = Cursor { out, at: 0 };
        writer.put(&[self.flags_byte()]);
        let owner = self.extension.owner.to_bytes();
        writer.put(owner.get(..self.extension.owner.len()).unwrap_or_default());
        if let Some((number, len)) = varint::to_bytes(self.extension.number) {
            writer.put(number.get(..len).unwrap_or_default());
        }
        writer.put(&[self.major, self.minor, self.msg_type]);
        if let Some(addresses) = self.addresses {
            writer.put(&node_id_bytes(addresses.source));
            writer.put(&node_id_bytes(addresses.destination));
        }
        writer.at
    }

    /// Reads a header at the start of `body`, whatever its format and reserved bits say
    /// (the receiver pipeline checks those first, and still reads the rest to learn whether
    /// it may reply); returns it and its length.
    pub(crate) fn read(body: &[u8]) -> Result<(Self, usize), DecodeError> {
        let truncated = |at| DecodeError::new(DecodeErrorKind::TruncatedHeader, at);
        let seven = |at: usize| match body.get(at) {
            None => Err(truncated(at)),
            Some(&b) if b & 0x80 != 0 => Err(DecodeError::new(DecodeErrorKind::NotSevenBit, at)),
            Some(&b) => Ok(b),
        };
        let flags = seven(0)?;
        let (owner, mut at) = match seven(1)? {
            0 => (Owner::ThreeByte(seven(2)?, seven(3)?), 4),
            id => (Owner::OneByte(id), 2),
        };
        let (number, len) = match varint::read(body.get(at..).unwrap_or_default()) {
            Ok(ok) => ok,
            Err(VarintFault::Truncated) => return Err(truncated(body.len())),
            Err(VarintFault::Bad(error)) => return Err(error.shifted(at)),
        };
        at += len;
        let (major, minor, msg_type) = (seven(at)?, seven(at + 1)?, seven(at + 2)?);
        at += 3;
        let addresses = if flags & FLAG_ADDRESSED != 0 {
            let mut ids = [0u32; 2];
            for id in &mut ids {
                let mut value = 0u32;
                for shift in 0..4 {
                    value |= u32::from(seven(at)?) << (7 * shift);
                    at += 1;
                }
                *id = value;
            }
            Some(Addresses {
                source: ids[0],
                destination: ids[1],
            })
        } else {
            None
        };
        Ok((
            Self {
                chunked: flags & FLAG_CHUNK != 0,
                check: flags & FLAG_CHECK != 0,
                extension: ExtensionId::new(owner, number),
                major,
                minor,
                msg_type,
                addresses,
            },
            at,
        ))
    }
}

/// A 28-bit node id as four 7-bit bytes, LSB group first (as a MIDI-CI MUID).
pub const fn node_id_bytes(id: u32) -> [u8; 4] {
    [
        (id & 0x7F) as u8,
        ((id >> 7) & 0x7F) as u8,
        ((id >> 14) & 0x7F) as u8,
        ((id >> 21) & 0x7F) as u8,
    ]
}

/// Writes slices one after the other into a buffer that the caller sized exactly.
pub(crate) struct Cursor<'o> {
    pub(crate) out: &'o mut [u8],
    pub(crate) at: usize,
}

impl Cursor<'_> {
    /// Copies `bytes` at the cursor; a short buffer truncates silently (callers size it).
    pub(crate) fn put(&mut self, bytes: &[u8]) {
        let end = self.at.saturating_add(bytes.len()).min(self.out.len());
        if let (Some(dst), Some(src)) = (
            self.out.get_mut(self.at..end),
            bytes.get(..end.saturating_sub(self.at)),
        ) {
            dst.copy_from_slice(src);
        }
        self.at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fader() -> Header {
        let mut header = Header::new(ExtensionId::new(Owner::MOX, 1), 1, 1, 0x01);
        header.check = true;
        header
    }

    #[test]
    fn worked_example_header_bytes() {
        let header = fader();
        let mut out = [0u8; 16];
        let n = header.write(&mut out);
        assert_eq!(n, header.encoded_len());
        assert_eq!(&out[..n], &[0x01, 0x7E, 0x01, 0x01, 0x01, 0x01]);
        assert_eq!(Header::read(&out[..n]), Ok((header, n)));
    }

    #[test]
    fn three_byte_owner_long_number_and_addresses() {
        let mut header = Header::new(
            ExtensionId::new(Owner::ThreeByte(0x21, 0x09), 5000),
            2,
            0,
            0x41,
        );
        header.chunked = true;
        header.addresses = Some(Addresses {
            source: 0x0123_4567,
            destination: BROADCAST,
        });
        let mut out = [0u8; 32];
        let n = header.write(&mut out);
        assert_eq!(n, 1 + 3 + 3 + 3 + 8);
        assert_eq!(out[0], FLAG_CHUNK | FLAG_ADDRESSED);
        assert_eq!(&out[n - 4..n], &[0x7F; 4]);
        assert_eq!(Header::read(&out[..n]), Ok((header, n)));
        assert!(header.is_request());
        for cut in 0..n {
            let error = Header::read(&out[..cut]).unwrap_err();
            assert_eq!(
                error.kind(),
                DecodeErrorKind::TruncatedHeader,
                "cut at {cut}"
            );
            assert_eq!(error.offset(), cut, "cut at {cut}");
        }
    }

    #[test]
    fn encodability_is_checked() {
        let mut header = fader();
        assert_eq!(header.check_encodable(), Ok(()));
        header.extension.owner = Owner::OneByte(0);
        assert_eq!(header.check_encodable(), Err(EncodeError::InvalidOwner));
        header.extension.owner = Owner::ThreeByte(0x80, 0);
        assert_eq!(header.check_encodable(), Err(EncodeError::InvalidOwner));
        header = fader();
        header.msg_type = 0x80;
        assert_eq!(header.check_encodable(), Err(EncodeError::OutOfRange));
        header = fader();
        header.addresses = Some(Addresses {
            source: MAX_NODE_ID + 1,
            destination: 0,
        });
        assert_eq!(header.check_encodable(), Err(EncodeError::OutOfRange));
        header = fader();
        header.extension.number = varint::MAX + 1;
        assert_eq!(header.check_encodable(), Err(EncodeError::OutOfRange));
    }

    #[test]
    fn core_error_and_grease_extension() {
        let mut header = Header::new(ExtensionId::CORE, 1, 0, CORE_ERROR_TYPE);
        assert!(header.is_core_error());
        header.msg_type = 0x02;
        assert!(!header.is_core_error());
        assert!(ExtensionId::new(Owner::MOX, 23).is_grease());
        assert!(!ExtensionId::new(Owner::OneByte(0x41), 7).is_grease());
    }
}
