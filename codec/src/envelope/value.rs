//! Typed field values (design §3.3): integers as 7-bit groups, LSB group first; 8-bit data
//! (`utf8`, `bytes`, `f32`) Mcoded7-packed.
//!
//! ```
//! use mox_codec::envelope::value;
//!
//! // The worked example's position, 8192 as a u14.
//! assert_eq!(value::encode_uint(8192, 2), Some([0x00, 0x40, 0, 0]));
//! assert_eq!(value::decode_uint(&[0x00, 0x40]), Some(8192));
//! assert_eq!(value::encode_int(-1, 2), Some([0x7F, 0x7F, 0, 0]));
//! assert_eq!(value::decode_int(&[0x7F, 0x7F]), Some(-1));
//! ```
use crate::sysex::sevenbit::{self, Encoding};

/// The value bytes of an unsigned integer in `width` 7-bit groups (1–4), LSB group first,
/// in the first `width` entries; `None` if `width` is not 1–4 or the value does not fit.
pub const fn encode_uint(value: u32, width: usize) -> Option<[u8; 4]> {
    if width == 0 || width > 4 || (value >> (7 * width)) != 0 {
        return None;
    }
    let mut out = [0u8; 4];
    let mut index = 0;
    while index < width {
        out[index] = ((value >> (7 * index)) & 0x7F) as u8;
        index += 1;
    }
    Some(out)
}

/// The unsigned integer in 1–4 value bytes (LSB group first); `None` for another length or
/// a byte above `7F`.
pub fn decode_uint(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 4 || bytes.iter().any(|&b| b & 0x80 != 0) {
        return None;
    }
    Some(
        bytes
            .iter()
            .rev()
            .fold(0u32, |acc, &b| (acc << 7) | u32::from(b)),
    )
}

/// The value bytes of a signed integer, two's complement in `7 × width` bits; `None` if
/// `width` is not 1–4 or the value does not fit.
pub const fn encode_int(value: i32, width: usize) -> Option<[u8; 4]> {
    if width == 0 || width > 4 {
        return None;
    }
    let bits = 7 * width as u32;
    let min = -(1i64 << (bits - 1));
    let max = (1i64 << (bits - 1)) - 1;
    if (value as i64) < min || (value as i64) > max {
        return None;
    }
    let raw = (value as u32) & ((1u32 << bits) - 1);
    encode_uint(raw, width)
}

/// The signed integer in 1–4 value bytes (two's complement in `7 × len` bits); `None` for
/// another length or a byte above `7F`.
pub fn decode_int(bytes: &[u8]) -> Option<i32> {
    let raw = decode_uint(bytes)?;
    let shift = 32 - 7 * bytes.len() as u32;
    // Arithmetic shift right sign-extends from the width's top bit.
    Some(((raw << shift) as i32) >> shift)
}

/// The 5 value bytes of an `f32`: IEEE 754 binary32, big-endian (OSC's order, spec §6.4),
/// Mcoded7-packed.
pub fn encode_f32(value: f32) -> [u8; 5] {
    let mut out = [0u8; 5];
    // 4 bytes always pack into 5.
    let _ = sevenbit::encode(Encoding::Mcoded7, &value.to_be_bytes(), &mut out);
    out
}

/// The `f32` in 5 value bytes; `None` for another length or an invalid packing.
pub fn decode_f32(bytes: &[u8]) -> Option<f32> {
    if bytes.len() != 5 {
        return None;
    }
    let mut out = [0u8; 4];
    match sevenbit::decode(Encoding::Mcoded7, bytes, &mut out) {
        Ok(4) => Some(f32::from_be_bytes(out)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_at_their_limits() {
        for width in 1..=4usize {
            let bits = 7 * width as u32;
            let umax = (1u32 << bits) - 1;
            let bytes = encode_uint(umax, width).unwrap();
            assert_eq!(decode_uint(&bytes[..width]), Some(umax));
            assert_eq!(encode_uint(umax + 1, width), None);
            let (imin, imax) = (-(1i32 << (bits - 1)), (1i32 << (bits - 1)) - 1);
            for v in [imin, -1, 0, 1, imax] {
                let bytes = encode_int(v, width).unwrap();
                assert_eq!(decode_int(&bytes[..width]), Some(v), "{v} in {width}");
            }
            assert_eq!(encode_int(imax + 1, width), None);
            assert_eq!(encode_int(imin - 1, width), None);
        }
        assert_eq!(decode_uint(&[]), None);
        assert_eq!(decode_uint(&[0, 0, 0, 0, 0]), None);
        assert_eq!(decode_uint(&[0x80]), None);
        assert_eq!(encode_uint(0, 5), None);
    }

    #[test]
    fn f32_packs_into_five_bytes() {
        for v in [0.0f32, -0.0, 0.5, -1.5e-7, f32::MAX, f32::INFINITY] {
            let bytes = encode_f32(v);
            assert!(bytes.iter().all(|b| b & 0x80 == 0));
            assert_eq!(decode_f32(&bytes).map(f32::to_bits), Some(v.to_bits()));
        }
        assert_eq!(decode_f32(&[0; 4]), None);
        // Spec §6.4's example: 1.0 = 3F 80 00 00 packs into 20 3F 00 00 00.
        assert_eq!(encode_f32(1.0), [0x20, 0x3F, 0x00, 0x00, 0x00]);
    }
}
