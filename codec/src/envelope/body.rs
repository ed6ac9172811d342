//! The envelope body: the bytes after the SysEx signature, or an OSC `/mox` blob.
use super::fields::{FieldSection, Fields, Limits};
use super::header::{FORMAT_BITS, RESERVED_BITS};
use super::{crc, DecodeError, DecodeErrorKind, Header};
use crate::sysex::chunk::{ChunkError, ChunkHeader};

/// A decoded envelope body, borrowing its bytes.
///
/// [`Body::parse`] checks everything the body itself can tell, in the order of the receiver
/// pipeline (spec §15.3): 7-bit bytes, format, CRC, reserved bits, header, and (for `H=0`)
/// the whole field section. After that no accessor fails and [`Body::fields`] iterates
/// infallibly. Unknown fields are data: knowing which fields are known needs a
/// [`ReceiverDesc`](super::ReceiverDesc) (see [`ReceiverDesc::receive`](super::ReceiverDesc::receive)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Body<'a> {
    bytes: &'a [u8],
    header: Header,
    header_len: usize,
    /// The fields (`H=0`) or the chunk (`H=1`), without the CRC.
    section: &'a [u8],
    fields: Option<FieldSection<'a>>,
}

/// The first byte with bit 7 set, if any.
pub(crate) fn first_8bit(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b & 0x80 != 0)
}

impl<'a> Body<'a> {
    /// Decodes a body under `limits`.
    ///
    /// # Errors
    /// The first failing check, in this order (offsets are body offsets):
    /// 1. [`NotSevenBit`](DecodeErrorKind::NotSevenBit) at the first byte above `7F`
    ///    (spec step 1a; only possible on OSC);
    /// 2. [`TruncatedHeader`](DecodeErrorKind::TruncatedHeader) for an empty body;
    /// 3. [`UnknownFormat`](DecodeErrorKind::UnknownFormat): format bits not `00` (the
    ///    receiver ignores such a body, it is not malformed);
    /// 4. `K=1`: [`BadCheck`](DecodeErrorKind::BadCheck) if the body has fewer than 3 bytes
    ///    or the CRC over all but its last two bytes differs from them;
    /// 5. [`ReservedBitSet`](DecodeErrorKind::ReservedBitSet);
    /// 6. header: [`TruncatedHeader`](DecodeErrorKind::TruncatedHeader),
    ///    [`VarintOverlong`](DecodeErrorKind::VarintOverlong),
    ///    [`VarintTooLong`](DecodeErrorKind::VarintTooLong) (the extension number);
    /// 7. `H=0`: the field section's errors ([`FieldSection::parse`]).
    pub fn parse(bytes: &'a [u8], limits: &Limits) -> Result<Self, DecodeError> {
        let (header, header_len, section) = Self::parse_header(bytes)?;
        let fields = if header.chunked {
            None
        } else {
            Some(FieldSection::parse_at(section, header_len, limits)?)
        };
        Ok(Self {
            bytes,
            header,
            header_len,
            section,
            fields,
        })
    }

    /// Steps 1–6 of [`parse`](Self::parse): the header, its length and the section after it
    /// (CRC removed).
    pub(crate) fn parse_header(bytes: &'a [u8]) -> Result<(Header, usize, &'a [u8]), DecodeError> {
        let error = |kind, at| Err(DecodeError::new(kind, at));
        // Step 1a: on OSC a blob byte above 7F is malformed before anything else is read.
        if let Some(at) = first_8bit(bytes) {
            return error(DecodeErrorKind::NotSevenBit, at);
        }
        let Some(&flags) = bytes.first() else {
            return error(DecodeErrorKind::TruncatedHeader, 0);
        };
        if flags & FORMAT_BITS != 0 {
            return error(DecodeErrorKind::UnknownFormat, 0);
        }
        let covered = if flags & super::header::FLAG_CHECK != 0 {
            verify_check(bytes)?
        } else {
            bytes
        };
        if flags & RESERVED_BITS != 0 {
            return error(DecodeErrorKind::ReservedBitSet, 0);
        }
        let (header, header_len) = Header::read(covered)?;
        let section = covered.get(header_len..).unwrap_or_default();
        Ok((header, header_len, section))
    }

    /// The header.
    pub const fn header(&self) -> &Header {
        &self.header
    }

    /// The whole body, exactly as received.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Bytes of the header (header byte up to the node ids).
    pub const fn header_len(&self) -> usize {
        self.header_len
    }

    /// The section after the header without the CRC: the fields, or for `H=1` the chunk.
    pub const fn section(&self) -> &'a [u8] {
        self.section
    }

    /// The validated field section; `None` for a chunk (`H=1`).
    pub const fn field_section(&self) -> Option<FieldSection<'a>> {
        self.fields
    }

    /// The fields in wire order; none for a chunk (`H=1`).
    pub fn fields(&self) -> Fields<'a> {
        match self.fields {
            Some(section) => section.iter(),
            None => FieldSection::EMPTY.iter(),
        }
    }

    /// For `H=1`, the chapter 11 chunk header and payload (bytes after the payload are
    /// ignored, `MOX-CHK-003`); `None` for `H=0`. The section itself goes to
    /// [`Reassembler::accept`](crate::sysex::chunk::Reassembler::accept) as it is; the
    /// reassembled payload is a field section for
    /// [`ReceiverDesc::receive_reassembled`](super::ReceiverDesc::receive_reassembled).
    pub fn chunk(&self) -> Option<Result<(ChunkHeader, &'a [u8]), ChunkError>> {
        self.header
            .chunked
            .then(|| ChunkHeader::parse(self.section))
    }

    /// The CRC as received, when `K=1`.
    pub fn check(&self) -> Option<u16> {
        if !self.header.check {
            return None;
        }
        let (_, tail) = self.bytes.split_last_chunk::<2>()?;
        Some(crc::from_bytes(*tail))
    }
}

/// Checks the CRC at the end of `bytes` (a body with `K=1`); returns the bytes it covers.
fn verify_check(bytes: &[u8]) -> Result<&[u8], DecodeError> {
    let bad = DecodeError::new(DecodeErrorKind::BadCheck, bytes.len().saturating_sub(2));
    // The header byte at least, then the two CRC bytes.
    if bytes.len() < 3 {
        return Err(DecodeError::new(DecodeErrorKind::BadCheck, bytes.len()));
    }
    let Some((covered, tail)) = bytes.split_last_chunk::<2>() else {
        return Err(bad);
    };
    if crc::crc14(covered) == crc::from_bytes(*tail) {
        Ok(covered)
    } else {
        Err(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecodeErrorKind::*;

    fn err(bytes: &[u8]) -> (DecodeErrorKind, usize) {
        let e = Body::parse(bytes, &Limits::DEFAULT).unwrap_err();
        (e.kind(), e.offset())
    }

    #[test]
    fn checks_run_in_pipeline_order() {
        // A byte above 7F anywhere comes first, even before the format bits.
        assert_eq!(err(&[0x20, 0x80]), (NotSevenBit, 1));
        assert_eq!(err(&[]), (TruncatedHeader, 0));
        // Format before CRC and reserved bits.
        assert_eq!(err(&[0x39, 0x00]), (UnknownFormat, 0));
        // CRC before reserved bits: a reserved bit under a bad CRC is bad-check.
        assert_eq!(err(&[0x09, 0x00, 0x00]), (BadCheck, 1));
        assert_eq!(err(&[0x01, 0x00]), (BadCheck, 2));
        let crc = crc::to_bytes(crc::crc14(&[0x09]));
        assert_eq!(err(&[0x09, crc[0], crc[1]]), (ReservedBitSet, 0));
        // With the CRC gone, what is left is a header cut after its first byte.
        let crc = crc::to_bytes(crc::crc14(&[0x01]));
        assert_eq!(err(&[0x01, crc[0], crc[1]]), (TruncatedHeader, 1));
    }

    #[test]
    fn accessors_of_a_checked_and_a_chunked_body() {
        let body = [0x01, 0x7E, 0x01, 0x01, 0x01, 0x01, 0x00, 0x01, 0x03];
        let crc = crc::to_bytes(crc::crc14(&body));
        let whole = [&body[..], &crc].concat();
        let parsed = Body::parse(&whole, &Limits::DEFAULT).unwrap();
        assert_eq!(parsed.check(), Some(crc::crc14(&body)));
        assert_eq!(parsed.header_len(), 6);
        assert_eq!(parsed.section(), &[0x00, 0x01, 0x03]);
        assert_eq!(parsed.as_bytes(), &whole[..]);
        assert!(parsed.chunk().is_none());
        assert_eq!(parsed.field_section().map(|s| s.len()), Some(1));

        let chunked = [
            0x04, 0x7E, 0x01, 0x01, 0x01, 0x01, 0x05, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x2A,
        ];
        let parsed = Body::parse(&chunked, &Limits::DEFAULT).unwrap();
        assert_eq!(parsed.check(), None);
        assert_eq!(parsed.fields().count(), 0);
        assert!(parsed.field_section().is_none());
        let (header, payload) = parsed.chunk().unwrap().unwrap();
        assert_eq!(
            (header.transfer_id(), header.number(), payload),
            (5, 1, &[0x2A][..])
        );
    }
}
