//! Field ids: a field number with the three handling flags in the low bits (design §2.1).
use core::fmt;

use super::varint;

/// A field id: an 18-bit value whose bits 0–2 are the handling flags `C` (critical), `R`
/// (report) and `U` (unsafe to forward), and whose bits 3–17 are the field number.
///
/// The flags are part of the id: `0x10` and `0x11` are two different fields. A receiver that
/// does not know an id applies its flags (design §2.1):
///
/// | `C` | `R` | unknown id |
/// |---|---|---|
/// | 0 | 0 | skip the field, process the message |
/// | 1 | 0 | drop the message silently |
/// | 1 | 1 | drop it, reply `unknown-critical-field` (06) unless broadcast |
/// | 0 | 1 | skip the field, process, notify `unknown-field-ignored` (24) unless broadcast |
///
/// ```
/// use mox_codec::envelope::FieldId;
///
/// let colour = FieldId::new(2, false, false, false).unwrap();
/// assert_eq!(colour.value(), 0x10);
/// let critical = FieldId::from_value(0x13).unwrap();
/// assert_eq!((critical.number(), critical.is_critical(), critical.is_report()), (2, true, true));
/// assert!(FieldId::from_value(0x38).unwrap().is_grease()); // number 7
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FieldId(u32);

/// Bit 0 of a field id: critical.
pub const CRITICAL: u32 = 0b001;
/// Bit 1 of a field id: report.
pub const REPORT: u32 = 0b010;
/// Bit 2 of a field id: unsafe to forward.
pub const UNSAFE: u32 = 0b100;
/// The largest field number: 15 bits.
pub const MAX_NUMBER: u32 = varint::MAX >> 3;
/// Envelope field 448: the vendor container (design §2.2).
pub const VENDOR_CONTAINER: u32 = 448;
/// Envelope field 449: the request id (design §6.4).
pub const REQUEST_ID: u32 = 449;

impl FieldId {
    /// Id 0: field 0 with no flags.
    pub const MIN: FieldId = FieldId(0);

    /// The id with this whole value (number and flags); `None` above 2^18 − 1.
    pub const fn from_value(value: u32) -> Option<Self> {
        if value > varint::MAX {
            None
        } else {
            Some(Self(value))
        }
    }

    /// The id of field `number` with the given flags; `None` when `number` is above
    /// [`MAX_NUMBER`].
    pub const fn new(
        number: u32,
        critical: bool,
        report: bool,
        unsafe_to_forward: bool,
    ) -> Option<Self> {
        if number > MAX_NUMBER {
            return None;
        }
        let mut value = number << 3;
        if critical {
            value |= CRITICAL;
        }
        if report {
            value |= REPORT;
        }
        if unsafe_to_forward {
            value |= UNSAFE;
        }
        Some(Self(value))
    }

    /// The whole id as on the wire (before varint encoding).
    pub const fn value(self) -> u32 {
        self.0
    }

    /// The field number (bits 3–17).
    pub const fn number(self) -> u32 {
        self.0 >> 3
    }

    /// `C`: a receiver that does not know the field drops the message.
    pub const fn is_critical(self) -> bool {
        self.0 & CRITICAL != 0
    }

    /// `R`: a receiver that does not know the field reports it (an error reply with `C`, a
    /// notification without), never to a broadcast.
    pub const fn is_report(self) -> bool {
        self.0 & REPORT != 0
    }

    /// `U`: a re-originating bridge that does not know the field removes it (and, with `C`,
    /// does not forward the message).
    pub const fn is_unsafe_to_forward(self) -> bool {
        self.0 & UNSAFE != 0
    }

    /// Whether the number is a GREASE value, ≡ 7 (mod 16): never assigned, whatever the
    /// flags, so such an id is unknown to every receiver (design §2.3). Live traffic
    /// GREASEs only with `C=R=0`; the other flag combinations serve as guaranteed-unknown
    /// ids in conformance vectors.
    pub const fn is_grease(self) -> bool {
        self.number() % 16 == 7
    }

    /// Bytes of the id's varint.
    pub const fn encoded_len(self) -> usize {
        varint::encoded_len(self.0)
    }
}

impl fmt::Display for FieldId {
    /// `n<number>` and the flags that are set, e.g. `n2 C R` for `0x13`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.number())?;
        for (set, name) in [
            (self.is_critical(), " C"),
            (self.is_report(), " R"),
            (self.is_unsafe_to_forward(), " U"),
        ] {
            if set {
                f.write_str(name)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_the_low_bits() {
        let id = FieldId::new(1, true, false, true).unwrap();
        assert_eq!(id.value(), 0b1101);
        assert_eq!(id.number(), 1);
        assert!(id.is_critical() && !id.is_report() && id.is_unsafe_to_forward());
        assert_eq!(id.to_string(), "n1 C U");
        assert_eq!(FieldId::from_value(0x13).unwrap().to_string(), "n2 C R");
        assert_eq!(
            FieldId::new(MAX_NUMBER, true, true, true).unwrap().value(),
            varint::MAX
        );
        assert_eq!(FieldId::new(MAX_NUMBER + 1, false, false, false), None);
        assert_eq!(FieldId::from_value(varint::MAX + 1), None);
    }

    #[test]
    fn grease_is_number_7_mod_16() {
        // The design's wire examples: 38, 3C (1 byte), 78 02, 7C 02, 78 04.
        for value in [0x38, 0x3C, 0x39, 184, 188, 312] {
            assert!(
                FieldId::from_value(value).unwrap().is_grease(),
                "{value:#x}"
            );
        }
        for value in [0x00, 0x08, 0x10, 0x30, 0x40, 448 << 3] {
            assert!(
                !FieldId::from_value(value).unwrap().is_grease(),
                "{value:#x}"
            );
        }
    }
}
