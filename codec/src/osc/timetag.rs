//! OSC timetags: 64-bit NTP timestamps.
use core::fmt;

/// Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01).
pub const NTP_UNIX_OFFSET_SECS: u64 = 2_208_988_800;

/// An OSC timetag: NTP format, 32-bit seconds since 1900-01-01 00:00 UTC and a 32-bit binary
/// fraction of a second (OSC 1.0, "Temporal Semantics and OSC Time Tags").
///
/// The value `0x00000000_00000001` ([`TimeTag::IMMEDIATELY`]) means "immediately". Ordering
/// compares the 64-bit value. Conversions interpret the seconds in NTP era 0 (1900–2036), as
/// OSC 1.0 defines them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TimeTag {
    /// Whole seconds since 1900-01-01 00:00 UTC.
    pub seconds: u32,
    /// Fraction of a second, in units of 2⁻³² s.
    pub fraction: u32,
}

impl TimeTag {
    /// The special value 1: "immediately" (OSC 1.0).
    pub const IMMEDIATELY: TimeTag = TimeTag {
        seconds: 0,
        fraction: 1,
    };

    /// A timetag from seconds and fraction.
    pub const fn new(seconds: u32, fraction: u32) -> Self {
        Self { seconds, fraction }
    }

    /// A timetag from its 64-bit wire value.
    pub const fn from_bits(bits: u64) -> Self {
        Self {
            seconds: (bits >> 32) as u32,
            fraction: bits as u32,
        }
    }

    /// The 64-bit wire value.
    pub const fn to_bits(self) -> u64 {
        ((self.seconds as u64) << 32) | self.fraction as u64
    }

    /// Whether this is the special value "immediately".
    pub const fn is_immediate(self) -> bool {
        self.to_bits() == 1
    }

    /// Time since the NTP epoch. The fraction is truncated to whole nanoseconds.
    pub const fn to_duration_since_ntp_epoch(self) -> core::time::Duration {
        let nanos = ((self.fraction as u64 * 1_000_000_000) >> 32) as u32;
        core::time::Duration::new(self.seconds as u64, nanos)
    }

    /// The timetag for a time since the NTP epoch, or `None` past 2036-02-07 (the end of NTP
    /// era 0). Sub-nanosecond precision is rounded to the nearest representable fraction.
    pub const fn from_duration_since_ntp_epoch(since: core::time::Duration) -> Option<Self> {
        let secs = since.as_secs();
        if secs > u32::MAX as u64 {
            return None;
        }
        // Round to nearest: fraction = nanos * 2^32 / 1e9. Since nanos < 1e9 the result is at
        // most 4 294 967 292, so it never carries into the seconds.
        let fraction = (((since.subsec_nanos() as u64) << 32) + 500_000_000) / 1_000_000_000;
        Some(Self {
            seconds: secs as u32,
            fraction: fraction as u32,
        })
    }

    /// Convert to a [`std::time::SystemTime`].
    #[cfg(feature = "std")]
    pub fn to_system_time(self) -> std::time::SystemTime {
        let unix = std::time::UNIX_EPOCH;
        let since = self.to_duration_since_ntp_epoch();
        let offset = core::time::Duration::from_secs(NTP_UNIX_OFFSET_SECS);
        match since.checked_sub(offset) {
            Some(after) => unix + after,
            None => unix - (offset - since),
        }
    }

    /// Convert from a [`std::time::SystemTime`]; `None` outside NTP era 0 (1900–2036).
    #[cfg(feature = "std")]
    pub fn from_system_time(time: std::time::SystemTime) -> Option<Self> {
        let offset = core::time::Duration::from_secs(NTP_UNIX_OFFSET_SECS);
        let since = match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => after.checked_add(offset)?,
            Err(before) => offset.checked_sub(before.duration())?,
        };
        Self::from_duration_since_ntp_epoch(since)
    }
}

impl From<u64> for TimeTag {
    fn from(bits: u64) -> Self {
        Self::from_bits(bits)
    }
}

impl From<TimeTag> for u64 {
    fn from(tag: TimeTag) -> Self {
        tag.to_bits()
    }
}

impl fmt::Display for TimeTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_immediate() {
            f.write_str("immediately")
        } else {
            write!(f, "{:#018x}", self.to_bits())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::time::Duration;

    #[test]
    fn immediately_is_one() {
        assert_eq!(TimeTag::IMMEDIATELY.to_bits(), 1);
        assert!(TimeTag::from_bits(1).is_immediate());
        assert!(!TimeTag::from_bits(0).is_immediate());
        assert_eq!(TimeTag::IMMEDIATELY.to_string(), "immediately");
    }

    #[test]
    fn half_second_fraction() {
        let t = TimeTag::new(5, 0x8000_0000);
        assert_eq!(t.to_duration_since_ntp_epoch(), Duration::from_millis(5500));
        assert_eq!(
            TimeTag::from_duration_since_ntp_epoch(Duration::from_millis(5500)),
            Some(t)
        );
    }

    #[test]
    fn era_end_is_rejected() {
        assert_eq!(
            TimeTag::from_duration_since_ntp_epoch(Duration::from_secs(1 << 32)),
            None
        );
        let last = Duration::new(u32::MAX as u64, 999_999_999);
        let tag = TimeTag::from_duration_since_ntp_epoch(last);
        assert_eq!(
            tag,
            Some(TimeTag::new(u32::MAX, 4_294_967_292)),
            "never carries into seconds"
        );
    }

    #[cfg(feature = "std")]
    #[test]
    fn unix_epoch_round_trip() {
        let t = TimeTag::from_system_time(std::time::UNIX_EPOCH).unwrap();
        assert_eq!(t, TimeTag::new(2_208_988_800, 0));
        assert_eq!(t.to_system_time(), std::time::UNIX_EPOCH);
        let before = std::time::UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(
            TimeTag::from_system_time(before).unwrap().to_system_time(),
            before
        );
    }

    proptest::proptest! {
        #[test]
        fn duration_round_trip_within_a_nanosecond(bits in proptest::num::u64::ANY) {
            let t = TimeTag::from_bits(bits);
            let d = t.to_duration_since_ntp_epoch();
            if let Some(back) = TimeTag::from_duration_since_ntp_epoch(d) {
                // One nanosecond is ~4.3 fraction units.
                let diff = back.to_bits().abs_diff(t.to_bits());
                proptest::prop_assert!(diff <= 5, "{t:?} -> {d:?} -> {back:?}");
            }
        }
    }
}
