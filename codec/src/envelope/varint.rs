//! The envelope's varint ("v7", design §3.4): LSB-first groups of 6 bits, bit 6 of each byte
//! = "more bytes follow", at most 3 bytes, minimal.
//!
//! ```
//! use mox_codec::envelope::varint;
//!
//! let mut buf = [0u8; 3];
//! let n = varint::encode(4095, &mut buf).unwrap();
//! assert_eq!(&buf[..n], &[0x7F, 0x3F]);
//! assert_eq!(varint::decode(&buf[..n]), Ok((4095, 2)));
//! ```
use super::{DecodeError, DecodeErrorKind};

/// The largest value a varint holds: 18 bits.
pub const MAX: u32 = (1 << 18) - 1;
/// The most bytes a varint takes.
pub const MAX_LEN: usize = 3;

const MORE: u8 = 0x40;
const GROUP: u8 = 0x3F;

/// Why a varint could not be read; offsets are relative to the slice given to [`decode`].
///
/// Running out of bytes is reported as `None` by [`decode_opt`]; the callers map it to
/// their own class (`truncated-header` in the header, `field-overrun` in a field section).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VarintFault {
    /// Ran out of bytes.
    Truncated,
    /// A structural error.
    Bad(DecodeError),
}

/// Reads a varint at the start of `bytes`: the value and the bytes it took.
///
/// # Errors
/// [`DecodeErrorKind::FieldOverrun`] (offset = `bytes.len()`) when the bytes end inside it,
/// [`NotSevenBit`](DecodeErrorKind::NotSevenBit), [`VarintOverlong`](DecodeErrorKind::VarintOverlong)
/// (a final `00` after a first byte) and [`VarintTooLong`](DecodeErrorKind::VarintTooLong)
/// (a third byte with bit 6 set), each at the offending byte.
pub fn decode(bytes: &[u8]) -> Result<(u32, usize), DecodeError> {
    match read(bytes) {
        Ok(ok) => Ok(ok),
        Err(VarintFault::Truncated) => {
            Err(DecodeError::new(DecodeErrorKind::FieldOverrun, bytes.len()))
        }
        Err(VarintFault::Bad(error)) => Err(error),
    }
}

/// [`decode`] with truncation kept apart from the other errors.
pub(crate) fn read(bytes: &[u8]) -> Result<(u32, usize), VarintFault> {
    let mut value = 0u32;
    for index in 0..MAX_LEN {
        let Some(&byte) = bytes.get(index) else {
            return Err(VarintFault::Truncated);
        };
        let bad = |kind| Err(VarintFault::Bad(DecodeError::new(kind, index)));
        if byte & 0x80 != 0 {
            return bad(DecodeErrorKind::NotSevenBit);
        }
        value |= u32::from(byte & GROUP) << (6 * index);
        if byte & MORE == 0 {
            // A last byte of 00 after a first one adds nothing: the value fits in fewer.
            if index > 0 && byte == 0 {
                return bad(DecodeErrorKind::VarintOverlong);
            }
            return Ok((value, index + 1));
        }
        if index == MAX_LEN - 1 {
            return bad(DecodeErrorKind::VarintTooLong);
        }
    }
    // The loop returns on its last iteration in every case.
    Err(VarintFault::Truncated)
}

/// Bytes the varint of `value` takes: 1 up to 63, 2 up to 4 095, else 3. Values above
/// [`MAX`] are not encodable ([`encode`] refuses them); they report 3 here.
pub const fn encoded_len(value: u32) -> usize {
    if value < 1 << 6 {
        1
    } else if value < 1 << 12 {
        2
    } else {
        3
    }
}

/// The varint of `value` in the first [`encoded_len`] bytes of the array; `None` above
/// [`MAX`].
pub const fn to_bytes(value: u32) -> Option<([u8; MAX_LEN], usize)> {
    if value > MAX {
        return None;
    }
    let len = encoded_len(value);
    let mut out = [0u8; MAX_LEN];
    let mut index = 0;
    while index < len {
        let group = ((value >> (6 * index)) as u8) & GROUP;
        out[index] = if index + 1 < len { group | MORE } else { group };
        index += 1;
    }
    Some((out, len))
}

/// Writes the varint of `value` at the front of `out`; returns the bytes written.
///
/// # Errors
/// `None` when `value` is above [`MAX`] or `out` is shorter than [`encoded_len`].
pub fn encode(value: u32, out: &mut [u8]) -> Option<usize> {
    let (bytes, len) = to_bytes(value)?;
    out.get_mut(..len)?.copy_from_slice(bytes.get(..len)?);
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecodeErrorKind::*;

    #[test]
    fn boundaries_encode_minimally_and_decode_back() {
        for (value, bytes) in [
            (0, &[0x00][..]),
            (63, &[0x3F]),
            (64, &[0x40, 0x01]),
            (4095, &[0x7F, 0x3F]),
            (4096, &[0x40, 0x40, 0x01]),
            (MAX, &[0x7F, 0x7F, 0x3F]),
        ] {
            let (buf, len) = to_bytes(value).unwrap();
            assert_eq!(&buf[..len], bytes, "{value}");
            assert_eq!(encoded_len(value), len);
            assert_eq!(decode(bytes), Ok((value, len)));
        }
        assert_eq!(to_bytes(MAX + 1), None);
    }

    #[test]
    fn every_value_round_trips() {
        let mut out = [0u8; 3];
        for value in 0..=MAX {
            let n = encode(value, &mut out).unwrap();
            assert_eq!(decode(&out[..n]), Ok((value, n)));
        }
    }

    #[test]
    fn non_minimal_long_and_cut_varints_are_refused() {
        let err = |bytes: &[u8]| decode(bytes).map_err(|e| (e.kind(), e.offset()));
        assert_eq!(err(&[0x40, 0x00]), Err((VarintOverlong, 1)));
        assert_eq!(err(&[0x7F, 0x40, 0x00]), Err((VarintOverlong, 2)));
        assert_eq!(err(&[0x40, 0x40, 0x40]), Err((VarintTooLong, 2)));
        assert_eq!(err(&[0x40, 0x40, 0x7F, 0x00]), Err((VarintTooLong, 2)));
        assert_eq!(err(&[0x40]), Err((FieldOverrun, 1)));
        assert_eq!(err(&[]), Err((FieldOverrun, 0)));
        assert_eq!(err(&[0x40, 0x80]), Err((NotSevenBit, 1)));
        // A middle 00 is not overlong: only the final byte decides.
        assert_eq!(decode(&[0x40, 0x40, 0x01]), Ok((4096, 3)));
        // Bytes after the varint are not its business.
        assert_eq!(decode(&[0x05, 0x7F]), Ok((5, 1)));
    }
}
