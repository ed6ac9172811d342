//! The wire rules the documentation's worked examples need (spec chapters 4 and 6), as thin
//! adapters over `mox_codec::envelope`: the v7 varint, field ids and value encodings have
//! one implementation, the codec's (headers, CRC-14/DARC and SysEx framing of the examples
//! come from its body and SysEx encoders, in `doc.rs`). The shipped pages' examples were
//! first computed by an independent restatement of these rules; the drift test of the
//! pages (`tests/schema_doc.rs`) holds the codec to the same bytes.
use mox_codec::envelope::{value, varint as v7, FieldId};
use mox_codec::sysex::sevenbit::{self, Encoding};

use super::model::{Field, FieldType};

/// Appends `v` as the LSB-first 6-bits-per-byte varint (bit 6 = more), at most 3 bytes.
/// `None` when `v` needs more than 18 bits.
pub(crate) fn varint(v: u32, out: &mut Vec<u8>) -> Option<()> {
    let (bytes, len) = v7::to_bytes(v)?;
    out.extend_from_slice(bytes.get(..len)?);
    Some(())
}

/// The field id: number << 3 | U << 2 | R << 1 | C.
pub(crate) fn field_id(field: &Field) -> u32 {
    FieldId::new(field.number, field.critical, field.report, !field.forward)
        .map_or(u32::MAX, FieldId::value)
}

/// The id's bytes on the wire.
pub(crate) fn id_bytes(field: &Field) -> Vec<u8> {
    let mut out = Vec::new();
    // Numbers are checked to be below 32 768, so the id fits 18 bits.
    varint(field_id(field), &mut out).map_or(Vec::new(), |()| out)
}

/// The bit width of an integer type; `None` for the other types.
pub(crate) fn int_width(t: FieldType) -> Option<(u32, bool)> {
    Some(match t {
        FieldType::U7 => (7, false),
        FieldType::U14 => (14, false),
        FieldType::U21 => (21, false),
        FieldType::U28 => (28, false),
        FieldType::I7 => (7, true),
        FieldType::I14 => (14, true),
        FieldType::I21 => (21, true),
        FieldType::I28 => (28, true),
        _ => return None,
    })
}

/// The values an integer type can hold on the wire.
pub(crate) fn type_range(t: FieldType) -> Option<(i64, i64)> {
    match (t, int_width(t)) {
        (_, Some((w, false))) => Some((0, (1 << w) - 1)),
        (_, Some((w, true))) => Some((-(1 << (w - 1)), (1 << (w - 1)) - 1)),
        (FieldType::Bool, None) => Some((0, 1)),
        (FieldType::Enum7, None) => Some((0, 127)),
        _ => None,
    }
}

/// The fixed value length of a type in wire bytes; `None` when variable.
pub(crate) fn fixed_len(t: FieldType) -> Option<u32> {
    match (t, int_width(t)) {
        (_, Some((w, _))) => Some(w / 7),
        (FieldType::Bool | FieldType::Enum7, None) => Some(1),
        (FieldType::F32, None) => Some(5),
        _ => None,
    }
}

/// Appends an integer of `width` bits as 7-bit groups, LSB group first, two's complement
/// for negative values (the codec's `value::encode_uint`/`encode_int`). The caller has
/// range-checked `v`; a value that does not fit appends nothing.
pub(crate) fn int_bytes(v: i64, width: u32, out: &mut Vec<u8>) {
    let groups = (width / 7) as usize;
    let bytes = if v < 0 {
        i32::try_from(v)
            .ok()
            .and_then(|v| value::encode_int(v, groups))
    } else {
        u32::try_from(v)
            .ok()
            .and_then(|v| value::encode_uint(v, groups))
    };
    if let Some(bytes) = bytes {
        out.extend_from_slice(&bytes[..groups]);
    }
}

/// Mcoded7 of 8-bit data (MIDI-CI: header bit 6 = MSB of the first byte).
pub(crate) fn mcoded7(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; sevenbit::encoded_len(Encoding::Mcoded7, data.len())];
    match sevenbit::encode(Encoding::Mcoded7, data, &mut out) {
        Ok(n) => {
            out.truncate(n);
            out
        }
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_matches_the_design_table() {
        let enc = |v| {
            let mut out = Vec::new();
            varint(v, &mut out).map(|()| out)
        };
        assert_eq!(enc(0), Some(vec![0x00]));
        assert_eq!(enc(63), Some(vec![0x3F]));
        assert_eq!(enc(64), Some(vec![0x40, 0x01]));
        assert_eq!(enc(4095), Some(vec![0x7F, 0x3F]));
        assert_eq!(enc(4096), Some(vec![0x40, 0x40, 0x01]));
        assert_eq!(enc(262_143), Some(vec![0x7F, 0x7F, 0x3F]));
        assert_eq!(enc(262_144), None);
        // GREASE ids of spec §10.6: n = 7 with U clear and set, n = 71.
        assert_eq!(enc(7 << 3), Some(vec![0x38]));
        assert_eq!(enc(7 << 3 | 4), Some(vec![0x3C]));
        assert_eq!(enc(23 << 3), Some(vec![0x78, 0x02]));
    }

    #[test]
    fn integers_two_complement_lsb_first() {
        let mut out = Vec::new();
        int_bytes(8192, 14, &mut out);
        assert_eq!(out, [0x00, 0x40]);
        out.clear();
        int_bytes(-1, 7, &mut out);
        assert_eq!(out, [0x7F]);
        out.clear();
        int_bytes(-2, 14, &mut out);
        assert_eq!(out, [0x7E, 0x7F]);
        out.clear();
        int_bytes(127 | 32 << 7, 21, &mut out);
        assert_eq!(out, [0x7F, 0x20, 0x00]);
    }
}
