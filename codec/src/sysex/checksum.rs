//! The 7-bit checksums vendors put before `F7`: the two's-complement sum (Roland, Yamaha),
//! the plain sum (Waldorf, Oberheim) and the XOR (MMA Sample Dump and File Dump).
//!
//! ```
//! use mox_codec::sysex::checksum::{self, Checksum};
//!
//! // Roland JD-Xi MIDI implementation, "Example of an Exclusive Message and Calculating a
//! // Checksum": F0 41 10 00 00 00 0E 12 | 18 00 02 03 (address) 64 (data) | 7F | F7.
//! let address_and_data = [0x18, 0x00, 0x02, 0x03, 0x64];
//! assert_eq!(checksum::compute(Checksum::ROLAND, &address_and_data), 0x7F);
//! assert_eq!(checksum::verify_trailing(Checksum::ROLAND, &[0x18, 0x00, 0x02, 0x03, 0x64, 0x7F]), Ok(()));
//!
//! let error = checksum::verify(Checksum::ROLAND, &address_and_data, 0x7E).unwrap_err();
//! assert_eq!(error.class(), "checksum-mismatch");
//! ```
//!
//! # Which vendor uses which
//! | [`Checksum`] | Rule | Published in |
//! |---|---|---|
//! | [`TwosComplementSum`](Checksum::TwosComplementSum) ([`ROLAND`](Checksum::ROLAND), [`YAMAHA`](Checksum::YAMAHA)) | covered bytes + checksum ≡ 0 (mod 128) | Roland JD-Xi, XV-88, XP-30, TD-27 MIDI implementations ("128 − remainder = checksum", "the checksum will be 0 if the remainder is 0"); Yamaha 02R, AW16G ("check sum = (−sum) & 0x7F"), MU90 ("sum of Byte Count, Address, Data and Checksum has value zero in its seven least significant bits") |
//! | [`Sum`](Checksum::Sum) | checksum = covered bytes' sum mod 128 | Waldorf Blofeld ("Sum of all databytes truncated to 7 bits"); Oberheim Matrix-6 ("the sum of the original data bytes dd, masked with 0x7F") |
//! | [`Xor`](Checksum::Xor) | checksum = XOR of the covered bytes | MMA Sample Dump Standard data packet ("XOR of 7E dev 02 pp <120 bytes>"), MMA File Dump data packet ("Logical XOR of all the data-bytes … up to but not including csum"); Sequential Prophet VS |
//!
//! Roland's and Yamaha's rules are the same function: `(128 − sum mod 128) mod 128` and
//! `(−sum) & 0x7F` agree for every sum, which is why there is one variant with two names.
//! Which bytes are covered differs per vendor and message (Roland: address and data;
//! Yamaha: from the byte count on; MMA: everything after `F0`); the caller passes exactly
//! the covered bytes.
//!
//! # Bytes with bit 7 set
//! Every byte is accepted. Bit 7 of a covered byte cannot change any of these checksums
//! (it is worth 128 ≡ 0 in the sums and is masked off the XOR), so rejecting it would buy
//! nothing, and accepting it lets callers checksum decoded 8-bit data, as the Oberheim
//! Matrix-6 does before nibbling. Such a byte inside a SysEx message is a framing error,
//! which the framer reports. A checksum byte with bit 7 set never matches (the computed
//! value is always `00`–`7F`), so [`verify`] reports it as a mismatch.
//!
//! Vendor quirks beyond the rule are the caller's: the Blofeld also accepts `7F` as a
//! wildcard, and the Kawai K1 adds `A5` to its sum.
use core::fmt;

/// A vendor checksum algorithm. See the [module](self) for who uses which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Checksum {
    /// The value that makes the covered bytes and the checksum sum to 0 mod 128:
    /// `(−sum) & 0x7F`.
    TwosComplementSum,
    /// The covered bytes' sum mod 128: `sum & 0x7F`.
    Sum,
    /// The XOR of the covered bytes, masked to 7 bits.
    Xor,
}

impl Checksum {
    /// Roland's checksum (address + data + checksum ≡ 0 mod 128).
    pub const ROLAND: Self = Self::TwosComplementSum;
    /// Yamaha's checksum (`INVERT(sum) + 1 AND 7Fh`), the same function as Roland's.
    pub const YAMAHA: Self = Self::TwosComplementSum;
    /// Every algorithm, in declaration order.
    pub const ALL: [Checksum; 3] = [Self::TwosComplementSum, Self::Sum, Self::Xor];

    /// A stable, language-neutral name (used by the vector corpus): `twos-complement-sum`,
    /// `sum` or `xor`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::TwosComplementSum => "twos-complement-sum",
            Self::Sum => "sum",
            Self::Xor => "xor",
        }
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a checksum did not verify.
///
/// [`Error::class`] gives the language-neutral class used by the vector corpus and
/// [`Error::code`] a stable number for the C and WASM bindings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The checksum byte is not the one computed over the covered bytes.
    Mismatch {
        /// The checksum the covered bytes call for.
        expected: u8,
        /// The checksum byte received.
        found: u8,
    },
    /// [`verify_trailing`] was given no bytes, so there is no checksum byte.
    MissingChecksum,
}

impl Error {
    /// The language-neutral error class of the vector corpus: `checksum-mismatch` or
    /// `missing-checksum`.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::Mismatch { .. } => "checksum-mismatch",
            Self::MissingChecksum => "missing-checksum",
        }
    }

    /// A stable number per variant, for bindings, in the block 421–429 of the crate-wide code
    /// space (`docs/errors.md`): new variants get new numbers and retired numbers are never
    /// reused.
    pub const fn code(&self) -> u16 {
        match self {
            Self::Mismatch { .. } => 421,
            Self::MissingChecksum => 422,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Mismatch { expected, found } => write!(
                f,
                "checksum is {found:#04x}, the covered bytes call for {expected:#04x}"
            )?,
            Self::MissingChecksum => f.write_str("no checksum byte")?,
        }
        write!(f, " ({})", self.class())
    }
}

impl core::error::Error for Error {}

/// The checksum of `covered` (always `00`–`7F`).
pub fn compute(checksum: Checksum, covered: &[u8]) -> u8 {
    // Wrapping `u8` arithmetic keeps the sum mod 256, whose low 7 bits are the sum mod 128.
    let value = match checksum {
        Checksum::TwosComplementSum => 0u8.wrapping_sub(wrapping_sum(covered)),
        Checksum::Sum => wrapping_sum(covered),
        Checksum::Xor => covered.iter().fold(0, |acc, &byte| acc ^ byte),
    };
    value & 0x7F
}

fn wrapping_sum(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |acc, &byte| acc.wrapping_add(byte))
}

/// Checks that `found` is the checksum of `covered`.
///
/// # Errors
/// [`Error::Mismatch`] when it is not.
pub fn verify(checksum: Checksum, covered: &[u8], found: u8) -> Result<(), Error> {
    let expected = compute(checksum, covered);
    if expected == found {
        Ok(())
    } else {
        Err(Error::Mismatch { expected, found })
    }
}

/// Checks a run of covered bytes followed by their checksum byte, as messages carry them
/// (for Roland: address, data, checksum).
///
/// # Errors
/// [`Error::MissingChecksum`] for an empty slice, [`Error::Mismatch`] when the last byte is
/// not the checksum of the others.
pub fn verify_trailing(checksum: Checksum, covered_then_checksum: &[u8]) -> Result<(), Error> {
    let Some((&found, covered)) = covered_then_checksum.split_last() else {
        return Err(Error::MissingChecksum);
    };
    verify(checksum, covered, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roland_published_examples() {
        // (address + data or size, checksum) from the manuals' worked examples.
        let cases: [(&[u8], u8); 5] = [
            (&[0x18, 0x00, 0x02, 0x03, 0x64], 0x7F), // JD-Xi DT1, Reverb Send Level 100
            (&[0x10, 0x00, 0x04, 0x00, 0x02], 0x6A), // XV-88 DT1, Chorus Type = Delay
            (&[0x01, 0x00, 0x00, 0x28, 0x06], 0x51), // XP-30 DT1, Reverb Type = Delay
            (&[0x04, 0x01, 0x01, 0x01, 0x00, 0x05], 0x74), // TD-27 DT1, shell depth 3.5
            (&[0x04, 0x01, 0x41, 0x01, 0x00, 0x00, 0x00, 0x01], 0x38), // TD-27 RQ1
        ];
        for (covered, expected) in cases {
            assert_eq!(
                compute(Checksum::ROLAND, covered),
                expected,
                "{covered:02x?}"
            );
            assert_eq!(verify(Checksum::ROLAND, covered, expected), Ok(()));
        }
    }

    #[test]
    fn roland_remainder_zero_gives_zero_not_128() {
        // TD-27: "the checksum will be 0 if the remainder is 0"; a naive 128 − 0 is 0x80.
        assert_eq!(compute(Checksum::ROLAND, &[0x40, 0x40]), 0x00);
        assert_eq!(compute(Checksum::ROLAND, &[]), 0x00);
    }

    #[test]
    fn plain_sum_and_xor_hand_worked() {
        // 0x40 + 0x40 + 0x01 = 0x81 → 0x01.
        assert_eq!(compute(Checksum::Sum, &[0x40, 0x40, 0x01]), 0x01);
        // Matrix-6 sums the 8-bit bytes before nibbling: 0xFF + 0x02 = 0x101 → 0x01.
        assert_eq!(compute(Checksum::Sum, &[0xFF, 0x02]), 0x01);
        // Sample Dump data packet header 7E 00 02 00 and 120 zero bytes: 7E ^ 02 = 7C.
        let mut packet = vec![0x7E, 0x00, 0x02, 0x00];
        packet.extend([0u8; 120]);
        assert_eq!(compute(Checksum::Xor, &packet), 0x7C);
        assert_eq!(compute(Checksum::Xor, &[0x55, 0x2A, 0x80]), 0x7F);
    }

    #[test]
    fn bit_7_of_a_covered_byte_never_matters() {
        for checksum in Checksum::ALL {
            for byte in 0..=0x7Fu8 {
                let covered = [0x12, byte, 0x34];
                let flipped = [0x12, byte | 0x80, 0x34];
                assert_eq!(compute(checksum, &covered), compute(checksum, &flipped));
            }
        }
    }

    #[test]
    fn verify_errors() {
        assert_eq!(
            verify_trailing(Checksum::Sum, &[]),
            Err(Error::MissingChecksum)
        );
        // A checksum byte with bit 7 set never matches.
        assert_eq!(
            verify(Checksum::ROLAND, &[0x18, 0x00, 0x02, 0x03, 0x64], 0xFF),
            Err(Error::Mismatch {
                expected: 0x7F,
                found: 0xFF
            })
        );
        assert_eq!(verify_trailing(Checksum::Xor, &[0x00]), Ok(()));
        let error = Error::Mismatch {
            expected: 1,
            found: 2,
        };
        assert_eq!(
            error.to_string(),
            "checksum is 0x02, the covered bytes call for 0x01 (checksum-mismatch)"
        );
        assert_ne!(error.code(), Error::MissingChecksum.code());
    }
}
