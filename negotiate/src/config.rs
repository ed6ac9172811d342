//! What a node brings to a negotiation: its offers, features, receive limits, timers and
//! GREASE switch (design §3.3, §5, §5.1), and [`Config::check`] for their bounds.
use core::fmt;

use heapless::Vec;
use mox_codec::envelope::grease::{self, GreaseConfig};
use mox_codec::envelope::{ExtensionId, Owner};

use crate::wire;

/// One extension this node implements, as it offers it (design §1.5, §4).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Offer<const M: usize> {
    /// The extension.
    pub ext: ExtensionId,
    /// `(major, minor)` pairs in preference order, newest first (MOX-VER-043). Empty is
    /// allowed only with a non-empty `sunset`: the node implements the extension but has
    /// nothing left to offer, and refuses it with `0E` when asked.
    pub majors: Vec<(u8, u8), M>,
    /// Bit `i` set: `majors[i]` is deprecated (avoided when an alternative exists,
    /// MOX-NEG-110). Sent in the hello's `deprecated` field.
    pub deprecated: u16,
    /// Majors this node refuses with `0E version-sunset` (MOX-NEG-111); never offered.
    pub sunset: Vec<u8, 2>,
}

impl<const M: usize> Offer<M> {
    /// An offer of `ext` with no majors yet; push them in preference order.
    pub const fn new(ext: ExtensionId) -> Self {
        Self {
            ext,
            majors: Vec::new(),
            deprecated: 0,
            sunset: Vec::new(),
        }
    }

    /// Builder: `ext` with the `(major, minor)` pairs of `majors` (extra pairs beyond `M`
    /// are dropped, which [`Config::check`] cannot see: size `M` for the longest list).
    pub fn with(ext: ExtensionId, majors: &[(u8, u8)]) -> Self {
        let mut offer = Self::new(ext);
        for pair in majors {
            if offer.majors.push(*pair).is_err() {
                break;
            }
        }
        offer
    }

    /// Whether `major` is marked deprecated.
    pub fn is_deprecated(&self, major: u8) -> bool {
        self.majors
            .iter()
            .position(|(m, _)| *m == major)
            .is_some_and(|i| i < 16 && self.deprecated & (1 << i) != 0)
    }

    /// The minor this node implements of `major`, if it supports that major.
    pub fn minor_of(&self, major: u8) -> Option<u8> {
        self.majors
            .iter()
            .find(|(m, _)| *m == major)
            .map(|(_, minor)| *minor)
    }
}

/// Receive limits a node declares (design §1.7, spec §11.7): each side sends within the
/// other's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Largest unit accepted: on SysEx the message from `F0` to `F7`, on OSC the packet.
    pub max_size: u32,
    /// Field-section bytes per chunked transfer it reassembles; `0` = none.
    pub reassembly: u32,
    /// Transfers in flight it accepts; `0` when `reassembly` is `0`.
    pub transfers: u8,
}

impl Limits {
    /// 512 / 1024 / 4 (spec §11.7).
    pub const DEFAULT: Limits = Limits {
        max_size: 512,
        reassembly: 1024,
        transfers: 4,
    };

    /// The limits as a receiver must read them (MOX-NEG-060, -061): a max size below the
    /// binding's floor counts as the floor, and reassembly needs a max size of 512 or more
    /// (else both reassembly and transfers read as 0). Transfers read as 0 without
    /// reassembly.
    pub fn read_as(self, binding: Binding) -> Limits {
        let max_size = self.max_size.max(binding.floor());
        if self.reassembly == 0 || max_size < 512 || self.transfers == 0 {
            return Limits {
                max_size,
                reassembly: 0,
                transfers: 0,
            };
        }
        Limits { max_size, ..self }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Timers and counts (design §3.3). Every value is configurable; [`Config::check`] checks
/// the bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Timers {
    /// First retransmission timeout of hello and reply, ms (20–5 000).
    pub rto_initial: u32,
    /// Cap of the doubling, ms (≥ `rto_initial`, ≤ 60 000).
    pub rto_max: u32,
    /// Hello sends per handshake (1–16).
    pub max_hello: u8,
    /// Reply sends without a confirm (1–16).
    pub max_reply: u8,
    /// First re-probe delay after a fallback, ms (1 000–600 000); `0` = never re-probe.
    pub reprobe_initial: u32,
    /// Cap of the re-probe doubling, ms (≥ `reprobe_initial`, ≤ 3 600 000).
    pub reprobe_max: u32,
    /// Jitter of the re-probe delay, percent (0–50).
    pub reprobe_jitter_pct: u8,
    /// Floor for the `retry after` of received error replies, ms (0–10 000).
    pub min_retry_after: u32,
}

impl Timers {
    /// The defaults of design §3.3.
    pub const DEFAULT: Timers = Timers {
        rto_initial: 250,
        rto_max: 4_000,
        max_hello: 4,
        max_reply: 4,
        reprobe_initial: 10_000,
        reprobe_max: 300_000,
        reprobe_jitter_pct: 25,
        min_retry_after: 100,
    };

    /// `rto(k) = min(rto_initial · 2^(k−1), rto_max)` (MOX-NEG-091), `k ≥ 1`.
    pub fn rto(&self, k: u8) -> u32 {
        let shift = u32::from(k.saturating_sub(1)).min(31);
        let doubled = u64::from(self.rto_initial) << shift;
        doubled.min(u64::from(self.rto_max)) as u32
    }
}

impl Default for Timers {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The binding of the link. It only sets the floors of design §1.7 (128 bytes on SysEx,
/// 512 on OSC): bodies in and out are the same on both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Binding {
    /// MIDI System Exclusive.
    Sysex,
    /// Open Sound Control, `/mox`.
    Osc,
}

impl Binding {
    /// The max-size floor: 128 on SysEx (MOX-CHK-050), 512 on OSC.
    pub const fn floor(self) -> u32 {
        match self {
            Binding::Sysex => 128,
            Binding::Osc => 512,
        }
    }

    /// Bytes the binding adds around a body in the worst case: SysEx `F0`, a 1-byte
    /// carrier, `4D 4F 58`, `F7`; OSC `/mox\0\0\0\0`, `,b\0\0`, the blob size and up to 3
    /// pad bytes. A three-byte SysEx carrier adds 2 more ([`Config::framing`]).
    pub const fn overhead(self) -> u32 {
        match self {
            Binding::Sysex => 6,
            Binding::Osc => 19,
        }
    }
}

/// Planted bugs for the exhaustive checker (design §7). Each makes one machine violate
/// one property; the checker must find a counterexample for each.
#[cfg(feature = "planted")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Plant {
    /// No bug.
    #[default]
    None,
    /// 1: the responder selects its own highest major, offered or not.
    OwnHighestMajor,
    /// 2: the initiator skips reply validation.
    SkipReplyValidation,
    /// 3: the retry limit is forgotten (hellos and replies are resent forever).
    ForgetRetryLimit,
    /// 4: the tie-break of a simultaneous open is inverted.
    InvertTieBreak,
    /// 5: the confirm's reply digest is not checked.
    SkipConfirmDigest,
    /// 6: the reply's nonce echo is not checked.
    SkipNonceEcho,
    /// 7: an unconfirmed hello replaces the session (the old agreement is dropped at once).
    UnconfirmedHelloReplaces,
    /// 8: the goodbye session check is skipped.
    SkipGoodbyeSession,
    /// 9: duplicates are answered without the rate limit.
    NoDuplicateRateLimit,
    /// 10: a GREASE major is selectable.
    GreaseSelectable,
}

/// A node's negotiation configuration (design §5). `E` offers of up to `M` majors each,
/// `F` features.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Config<const E: usize, const M: usize, const F: usize> {
    /// The extensions offered, in preference order.
    pub offers: Vec<Offer<M>, E>,
    /// Feature ids (14 bits, MOX-REG-031) this node supports, in preference order.
    pub features: Vec<u16, F>,
    /// This node's own receive limits.
    pub limits: Limits,
    /// Timers and counts.
    pub timers: Timers,
    /// GREASE (MOX-REG-050): on by default.
    pub grease: GreaseConfig,
    /// The binding: the floors only.
    pub binding: Binding,
    /// `K=1` on every body sent (MOX-SYX-062). Default `true`.
    pub check: bool,
    /// `false`: answer-only (MOX-NEG-114): never start a handshake, only answer hellos.
    /// Default `true`.
    pub initiate: bool,
    /// The SysEx carrier id (manufacturer id, 1 or 3 bytes) the caller frames bodies with;
    /// only its length matters here, for the hello's size budget (MOX-NEG-063: 128 bytes
    /// "with the sender's carrier id"). Default `7D`. Ignored on OSC.
    pub carrier: Owner,
    /// A planted bug (design §7); [`Plant::None`] by default.
    #[cfg(feature = "planted")]
    pub plant: Plant,
}

impl<const E: usize, const M: usize, const F: usize> Config<E, M, F> {
    /// No offers, no features, and the defaults of design §5.1 for everything else.
    pub const fn new(binding: Binding) -> Self {
        Self {
            offers: Vec::new(),
            features: Vec::new(),
            limits: Limits::DEFAULT,
            timers: Timers::DEFAULT,
            grease: GreaseConfig::DEFAULT,
            binding,
            check: true,
            initiate: true,
            carrier: Owner::NON_COMMERCIAL,
            #[cfg(feature = "planted")]
            plant: Plant::None,
        }
    }

    /// The offer of `ext`, if this node implements it.
    pub fn offer(&self, ext: &ExtensionId) -> Option<&Offer<M>> {
        self.offers.iter().find(|offer| offer.ext == *ext)
    }

    /// Bytes the framing adds around a body: [`Binding::overhead`], plus 2 on SysEx with
    /// a three-byte carrier.
    pub const fn framing(&self) -> u32 {
        match self.binding {
            Binding::Sysex => self.binding.overhead() + self.carrier.len() as u32 - 1,
            Binding::Osc => self.binding.overhead(),
        }
    }

    /// Body bytes the first hello may take: the binding's floor minus the framing
    /// (MOX-NEG-063).
    pub const fn first_hello_budget(&self) -> u32 {
        self.binding.floor() - self.framing()
    }

    /// Checks the configuration (design §5): the bounds of §3.3, floors, valid extension
    /// ids and majors, no GREASE values, no duplicates, and that the hello fits the
    /// encoder's scratch space. A first hello that does not hold every offer within 128
    /// bytes is not an error: the machine sends the most preferred offers that fit
    /// (MOX-NEG-063); [`first_hello_offers`](Self::first_hello_offers) says how many.
    ///
    /// # Errors
    /// The first failing rule, as a [`ConfigError`].
    pub fn check(&self) -> Result<(), ConfigError> {
        let t = &self.timers;
        if !(20..=5_000).contains(&t.rto_initial) {
            return Err(ConfigError::RtoInitial);
        }
        if t.rto_max < t.rto_initial || t.rto_max > 60_000 {
            return Err(ConfigError::RtoMax);
        }
        if !(1..=16).contains(&t.max_hello) || !(1..=16).contains(&t.max_reply) {
            return Err(ConfigError::SendCount);
        }
        if t.reprobe_initial != 0 {
            if !(1_000..=600_000).contains(&t.reprobe_initial) {
                return Err(ConfigError::ReprobeInitial);
            }
            if t.reprobe_max < t.reprobe_initial || t.reprobe_max > 3_600_000 {
                return Err(ConfigError::ReprobeMax);
            }
        }
        if t.reprobe_jitter_pct > 50 {
            return Err(ConfigError::Jitter);
        }
        if t.min_retry_after > 10_000 || t.min_retry_after > t.rto_max {
            return Err(ConfigError::MinRetryAfter);
        }
        let l = &self.limits;
        if l.max_size < self.binding.floor() || l.max_size > wire::U28_MAX {
            return Err(ConfigError::MaxSize);
        }
        if l.reassembly > wire::U21_MAX || l.transfers > 0x7F {
            return Err(ConfigError::Reassembly);
        }
        if (l.reassembly > 0) != (l.transfers > 0) || (l.reassembly > 0 && l.max_size < 512) {
            return Err(ConfigError::Reassembly);
        }
        for (i, offer) in self.offers.iter().enumerate() {
            if !offer.ext.owner.is_valid()
                || offer.ext.number > mox_codec::envelope::varint::MAX
                || offer.ext == ExtensionId::CORE
            {
                return Err(ConfigError::InvalidExtension);
            }
            if offer.ext.is_grease() {
                return Err(ConfigError::Grease);
            }
            if self.offers.iter().take(i).any(|o| o.ext == offer.ext) {
                return Err(ConfigError::DuplicateOffer);
            }
            if offer.majors.is_empty() && offer.sunset.is_empty() {
                return Err(ConfigError::EmptyOffer);
            }
            if offer.majors.len() > 16 {
                return Err(ConfigError::TooManyMajors);
            }
            for (j, (major, minor)) in offer.majors.iter().enumerate() {
                if *major == 0 || *major > 0x7F || *minor > 0x7F {
                    return Err(ConfigError::InvalidMajor);
                }
                if grease::is_grease_value(u32::from(*major)) {
                    return Err(ConfigError::Grease);
                }
                if offer.majors.iter().take(j).any(|(m, _)| m == major) {
                    return Err(ConfigError::DuplicateMajor);
                }
                if offer.sunset.contains(major) {
                    return Err(ConfigError::SunsetOffered);
                }
            }
            if offer.sunset.iter().any(|m| *m == 0 || *m > 0x7F) {
                return Err(ConfigError::InvalidMajor);
            }
        }
        for (i, feature) in self.features.iter().enumerate() {
            if *feature == 0 || *feature > 0x3FFF {
                return Err(ConfigError::InvalidFeature);
            }
            if grease::is_grease_value(u32::from(*feature)) {
                return Err(ConfigError::Grease);
            }
            if self.features.iter().take(i).any(|f| f == feature) {
                return Err(ConfigError::DuplicateFeature);
            }
        }
        if wire::hello_scratch_need(self, self.offers.len()) > wire::SCRATCH {
            return Err(ConfigError::TooLarge);
        }
        Ok(())
    }

    /// How many of the offers (with majors) the first hello carries: the most preferred
    /// ones whose hello fits [`first_hello_budget`](Self::first_hello_budget) with the
    /// worst-case GREASE (MOX-NEG-063). The count is decided before any GREASE is drawn,
    /// because the draws depend on it, so the worst case is assumed: `max_fields` GREASE
    /// fields of 2-byte id and 3 value bytes, a GREASE offer with a 2-byte number.
    pub fn first_hello_offers(&self) -> usize {
        self.hello_offers_within(self.first_hello_budget())
    }

    /// How many of the offers (with majors) a hello carries whose body may take `budget`
    /// bytes, with the worst-case GREASE (MOX-NEG-063). A renegotiation hello to an
    /// established peer has the peer's declared max size minus the framing as its budget.
    pub fn hello_offers_within(&self, budget: u32) -> usize {
        let offered = self.offers.iter().filter(|o| !o.majors.is_empty()).count();
        let budget = budget as usize;
        (0..=offered)
            .rev()
            .find(|&n| wire::hello_worst_len(self, n) <= budget)
            .unwrap_or(0)
    }
}

/// Why a [`Config`] is refused by [`Config::check`]. Codes 601–620 (docs/errors.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigError {
    /// `rto_initial` outside 20–5 000 ms.
    RtoInitial,
    /// `rto_max` below `rto_initial` or above 60 000 ms.
    RtoMax,
    /// `max_hello` or `max_reply` outside 1–16.
    SendCount,
    /// `reprobe_initial` neither 0 nor within 1 000–600 000 ms.
    ReprobeInitial,
    /// `reprobe_max` below `reprobe_initial` or above 3 600 000 ms.
    ReprobeMax,
    /// `reprobe_jitter_pct` above 50.
    Jitter,
    /// `min_retry_after` above 10 000 ms or above `rto_max`.
    MinRetryAfter,
    /// `max_size` below the binding's floor or above 2^28 − 1.
    MaxSize,
    /// `reassembly` or `transfers` out of range, one of them 0 without the other, or
    /// reassembly with a max size below 512 (MOX-CHK-051).
    Reassembly,
    /// An extension id that cannot be encoded, or `mox.core` itself.
    InvalidExtension,
    /// A GREASE value (extension, major or feature) in the configuration.
    Grease,
    /// The same extension offered twice.
    DuplicateOffer,
    /// An offer with neither majors nor sunset majors.
    EmptyOffer,
    /// More than 16 majors in one offer.
    TooManyMajors,
    /// A major of 0 or above `7F`, or a minor above `7F`.
    InvalidMajor,
    /// The same major twice in one offer.
    DuplicateMajor,
    /// A major both offered and sunset.
    SunsetOffered,
    /// A feature id of 0 or above 14 bits.
    InvalidFeature,
    /// The same feature twice.
    DuplicateFeature,
    /// The full hello would not fit the encoder's scratch space (design §5: bounded
    /// stack use); offer fewer extensions or majors.
    TooLarge,
}

impl ConfigError {
    /// The kebab-case class.
    pub const fn class(self) -> &'static str {
        match self {
            Self::RtoInitial => "rto-initial",
            Self::RtoMax => "rto-max",
            Self::SendCount => "send-count",
            Self::ReprobeInitial => "reprobe-initial",
            Self::ReprobeMax => "reprobe-max",
            Self::Jitter => "reprobe-jitter",
            Self::MinRetryAfter => "min-retry-after",
            Self::MaxSize => "max-size",
            Self::Reassembly => "reassembly",
            Self::InvalidExtension => "invalid-extension",
            Self::Grease => "grease-configured",
            Self::DuplicateOffer => "duplicate-offer",
            Self::EmptyOffer => "empty-offer",
            Self::TooManyMajors => "too-many-majors",
            Self::InvalidMajor => "invalid-major",
            Self::DuplicateMajor => "duplicate-major",
            Self::SunsetOffered => "sunset-offered",
            Self::InvalidFeature => "invalid-feature",
            Self::DuplicateFeature => "duplicate-feature",
            Self::TooLarge => "hello-too-large",
        }
    }

    /// The crate-wide numeric code (601–620).
    pub const fn code(self) -> u16 {
        601 + self as u16
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::RtoInitial => "rto_initial outside 20..=5000 ms",
            Self::RtoMax => "rto_max below rto_initial or above 60000 ms",
            Self::SendCount => "max_hello or max_reply outside 1..=16",
            Self::ReprobeInitial => "reprobe_initial neither 0 nor within 1000..=600000 ms",
            Self::ReprobeMax => "reprobe_max below reprobe_initial or above 3600000 ms",
            Self::Jitter => "reprobe_jitter_pct above 50",
            Self::MinRetryAfter => "min_retry_after above 10000 ms or above rto_max",
            Self::MaxSize => "max_size below the binding's floor or above 2^28 - 1",
            Self::Reassembly => "reassembly/transfers inconsistent or out of range",
            Self::InvalidExtension => "an extension id that cannot be offered",
            Self::Grease => "a GREASE value in the configuration",
            Self::DuplicateOffer => "an extension offered twice",
            Self::EmptyOffer => "an offer without majors or sunset majors",
            Self::TooManyMajors => "more than 16 majors in one offer",
            Self::InvalidMajor => "a major of 0 or above 7F, or a minor above 7F",
            Self::DuplicateMajor => "a major twice in one offer",
            Self::SunsetOffered => "a major both offered and sunset",
            Self::InvalidFeature => "a feature id of 0 or above 14 bits",
            Self::DuplicateFeature => "a feature twice",
            Self::TooLarge => "the full hello exceeds the encoder's scratch space",
        };
        f.write_str(text)
    }
}

impl core::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;
    use mox_codec::envelope::Owner;

    #[test]
    fn rto_doubles_with_cap_and_defaults_pass_check() {
        let t = Timers::DEFAULT;
        let seq: [u32; 6] = core::array::from_fn(|i| t.rto(i as u8 + 1));
        assert_eq!(seq, [250, 500, 1000, 2000, 4000, 4000]);
        assert_eq!(t.rto(255), 4000);
        assert_eq!(Config::<4, 4, 4>::new(Binding::Sysex).check(), Ok(()));
        let mut bad = Config::<4, 4, 4>::new(Binding::Sysex);
        bad.timers.rto_initial = 10;
        assert_eq!(bad.check(), Err(ConfigError::RtoInitial));
        bad = Config::new(Binding::Sysex);
        bad.features.push(263).unwrap();
        assert_eq!(bad.check(), Err(ConfigError::Grease));
        assert_eq!(ConfigError::TooLarge.code(), 620);
    }

    #[test]
    fn first_hello_truncates_to_the_floor() {
        let mut config = Config::<8, 4, 4>::new(Binding::Sysex);
        for n in 1..=8 {
            let offer = Offer::with(
                ExtensionId::new(Owner::MOX, n),
                &[(4, 0), (3, 0), (2, 0), (1, 0)],
            );
            config.offers.push(offer).unwrap();
        }
        let fit = config.first_hello_offers();
        assert!((1..8).contains(&fit), "{fit}");
        assert!(wire::hello_worst_len(&config, fit) <= 122);
        assert!(wire::hello_worst_len(&config, fit + 1) > 122);
    }

    /// MOX-NEG-063's figure: owner 7E, 4 extensions x 4 majors, 4 features, 2 GREASE
    /// fields, carrier 7D: the largest hello is 123 bytes; a three-byte owner adds 2 per
    /// offer.
    #[test]
    fn largest_hello_is_the_spec_figure() {
        let mut config = Config::<4, 4, 4>::new(Binding::Sysex);
        for n in 1..=4 {
            let offer = Offer::with(
                ExtensionId::new(Owner::MOX, n),
                &[(4, 0), (3, 0), (2, 0), (1, 0)],
            );
            config.offers.push(offer).unwrap();
        }
        for f in 1..=4 {
            config.features.push(f).unwrap();
        }
        let framing = config.framing() as usize;
        assert_eq!(wire::hello_worst_len(&config, 4) + framing, 123);
        assert_eq!(config.first_hello_offers(), 4);
        config.offers[0].ext = ExtensionId::new(Owner::ThreeByte(1, 2), 1);
        assert_eq!(wire::hello_worst_len(&config, 4) + framing, 125);
        // With a three-byte carrier: 127 bytes, still one unit; a second three-byte owner
        // makes 129, so the least preferred offer is left out.
        config.carrier = Owner::ThreeByte(0, 0x21);
        assert_eq!(
            wire::hello_worst_len(&config, 4) + config.framing() as usize,
            127
        );
        assert_eq!(config.first_hello_offers(), 4);
        config.offers[1].ext = ExtensionId::new(Owner::ThreeByte(1, 2), 2);
        assert_eq!(config.first_hello_offers(), 3);
        config.carrier = Owner::NON_COMMERCIAL;
        assert_eq!(
            config.first_hello_offers(),
            4,
            "127 with a one-byte carrier"
        );
    }
}
