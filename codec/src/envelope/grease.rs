//! GREASE helpers (spec §10.6, MOX-REG-050–055). The codec encodes exactly what it is given;
//! these helpers turn the caller's random bits (from its seeded RNG, so transcripts
//! reproduce) into GREASE values to insert.
//!
//! ```
//! use mox_codec::envelope::grease::{should_grease, GreaseField, DEFAULT_ONE_IN};
//! use mox_codec::envelope::{encode_body, ExtensionId, FieldId, Header, Owner};
//!
//! let random: u32 = 0x9E37_79B9; // from the caller's RNG
//! let grease = GreaseField::from_random(random);
//! assert!(grease.id().is_grease() && !grease.id().is_critical() && !grease.id().is_report());
//!
//! let header = Header::new(ExtensionId::new(Owner::MOX, 1), 1, 0, 0x01);
//! let strip = (FieldId::from_value(0).unwrap(), &[3u8][..]);
//! let mut out = [0u8; 32];
//! let n = if should_grease(random >> 16, DEFAULT_ONE_IN) {
//!     encode_body(&header, [strip, grease.as_field()], &mut out)?
//! } else {
//!     encode_body(&header, [strip], &mut out)?
//! };
//! assert!(n >= 9);
//! # Ok::<(), mox_codec::envelope::EncodeError>(())
//! ```
use super::FieldId;

/// Default rate of GREASE in messages other than hellos: 1 in 16 (MOX-REG-050).
pub const DEFAULT_ONE_IN: u32 = 16;
/// The GREASE message types (notification class, so receivers reject them silently).
pub const MESSAGE_TYPES: [u8; 4] = [0x07, 0x17, 0x27, 0x37];

/// Whether `value` is a GREASE value of any registry: ≡ 7 (mod 16).
pub const fn is_grease_value(value: u32) -> bool {
    value % 16 == 7
}

/// Whether to GREASE this message, at a rate of 1 in `one_in`, from random bits. `one_in`
/// of 0 means never (GREASE switched off), 1 always (hellos).
pub const fn should_grease(random: u32, one_in: u32) -> bool {
    one_in != 0 && random % one_in == 0
}

/// A GREASE major for offered-major lists (7, 23, …, 119), never for a header.
pub const fn major(random: u32) -> u8 {
    (random % 8) as u8 * 16 + 7
}

/// A GREASE field: a number ≡ 7 (mod 16) with `C=0 R=0` and a random `U`, and 0–3 random
/// 7-bit value bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GreaseField {
    id: FieldId,
    value: [u8; 3],
    len: usize,
}

impl GreaseField {
    /// A GREASE field from 32 random bits: the number is one of the 28 GREASE numbers below
    /// the envelope fields (7, 23, …, 439, ids of 1 or 2 bytes), bit 5 picks `U`, bits 6–7
    /// the value length, bits 8–28 the value bytes.
    pub const fn from_random(random: u32) -> Self {
        let number = (random % 28) * 16 + 7;
        let unsafe_bit = (random >> 5) & 1;
        let value = FieldId::from_value((number << 3) | (unsafe_bit << 2));
        let id = match value {
            Some(id) => id,
            // Unreachable: numbers stay below 448, far inside 15 bits.
            None => return Self::EMPTY,
        };
        let len = ((random >> 6) & 3) as usize;
        Self {
            id,
            value: [
                ((random >> 8) & 0x7F) as u8,
                ((random >> 15) & 0x7F) as u8,
                ((random >> 22) & 0x7F) as u8,
            ],
            len,
        }
    }

    /// Field 7, flags `000`, empty: what [`from_random`](Self::from_random) could never fail to
    /// produce, kept as its fallback so that it needs no panic.
    const EMPTY: Self = Self {
        id: match FieldId::from_value(7 << 3) {
            Some(id) => id,
            None => FieldId::MIN,
        },
        value: [0; 3],
        len: 0,
    };

    /// The id.
    pub const fn id(&self) -> FieldId {
        self.id
    }

    /// The value bytes.
    pub fn value(&self) -> &[u8] {
        self.value.get(..self.len).unwrap_or_default()
    }

    /// As an `(id, value)` pair for [`encode_body`](super::encode_body).
    pub fn as_field(&self) -> (FieldId, &[u8]) {
        (self.id, self.value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grease_fields_are_ignorable_and_cover_both_u_values() {
        let mut seen_u = [false; 2];
        let mut lens = [false; 4];
        let mut state = 1u32;
        for _ in 0..1000 {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let field = GreaseField::from_random(state);
            let id = field.id();
            assert!(id.is_grease() && is_grease_value(id.number()));
            assert!(!id.is_critical() && !id.is_report());
            assert!(id.number() < 448);
            assert!(id.encoded_len() <= 2);
            assert!(field.value().len() <= 3 && field.value().iter().all(|b| b & 0x80 == 0));
            seen_u[usize::from(id.is_unsafe_to_forward())] = true;
            lens[field.value().len()] = true;
        }
        assert_eq!(seen_u, [true, true]);
        assert_eq!(lens, [true; 4]);
        assert_eq!(GreaseField::from_random(0).id().value(), 0x38);
    }

    #[test]
    fn rates_and_majors() {
        assert!(!should_grease(0, 0));
        assert!((0..100).all(|r| should_grease(r, 1)));
        assert_eq!(
            (0..1600)
                .filter(|&r| should_grease(r, DEFAULT_ONE_IN))
                .count(),
            100
        );
        for r in 0..64 {
            assert!(is_grease_value(u32::from(major(r))) && major(r) <= 119);
        }
        assert!(MESSAGE_TYPES
            .iter()
            .all(|&t| is_grease_value(u32::from(t)) && t & 0x40 == 0));
    }
}
