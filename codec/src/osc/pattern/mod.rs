//! OSC address patterns, method addresses, and matching one against the other.
//!
//! A message carries a [`Pattern`]; a receiver's address space holds methods, each at an
//! [`Address`]. They are different types so that the two cannot be swapped by accident:
//! several libraries passed the *received* string as the pattern and the method's name as
//! the address (supercollider#4687, 8devices/OSC-Embedded#1, CNMAT/OSC), which both matches
//! wrongly and lets a peer feed wildcards into code that never expected them.
//!
//! ```
//! use mox_codec::osc::pattern::{Address, Pattern};
//!
//! let pattern = Pattern::new("/strip/[1-4]/{fader,ring}")?;
//! assert!(pattern.matches(&Address::new("/strip/2/fader")?));
//! assert!(!pattern.matches(&Address::new("/strip/5/fader")?));
//!
//! // OSC 1.1's `//` crosses part boundaries, including none at all.
//! let anywhere = Pattern::new("//fader")?;
//! assert!(anywhere.matches(&Address::new("/fader")?));
//! assert!(anywhere.matches(&Address::new("/strip/2/fader")?));
//! # Ok::<(), mox_codec::osc::pattern::PatternError>(())
//! ```
//!
//! # Addresses (OSC 1.0, "OSC Address Spaces and OSC Addresses")
//! An address starts with `/` and is a sequence of `/`-separated parts. Every part is
//! non-empty and consists of printable ASCII (`!` to `~`) other than the characters the
//! spec reserves: space `#` `*` `,` `/` `?` `[` `]` `{` `}`. So `/` alone, `/a/` and
//! `/a//b` are not addresses.
//!
//! # Patterns (OSC 1.0, "OSC Message Dispatching and Pattern Matching"; OSC 1.1 §3.4)
//! A pattern starts with `/`, and each of its parts is separated from the previous one by
//! `/` (the next address part) or `//` (any number of address parts, then the next one).
//! Inside a part, matched against exactly one address part:
//! - a character that may appear in an address matches itself (case-sensitive);
//! - `?` matches any one character;
//! - `*` matches any run of characters, **including the empty one** (rosc's matcher did not
//!   until rosc PR#66, so `/a*` failed to match `/a`);
//! - `[abc]` matches one listed character, `[a-z]` one in the inclusive range, and `[!…]` one
//!   character *not* listed. A `-` first (after any `!`) or last is literal. Every bracket
//!   lists at least one character, so `[]` and `[!]` are errors;
//! - `{foo,bar}` matches any one of the comma-separated strings.
//!
//! Decisions where the specs are silent or implementations disagree (each pinned by a vector
//! in `vectors/osc/match.json`, flagged where another answer is acceptable):
//! - **Reversed ranges** such as `[z-a]` are an error ([`PatternError::ReversedRange`]).
//!   POSIX leaves them undefined, and liblo and JavaOSC read them as the set `{z, a}`;
//!   rejecting makes the disagreement visible instead of silently matching differently.
//! - **Empty alternatives are allowed**: the spec calls the alternatives "strings", and the
//!   empty string is one. `/fader{,2}` matches `/fader` and `/fader2`, and `{}` matches only
//!   the empty string.
//! - **Groups hold plain characters**: no wildcards inside `{}` or `[]`, no nesting, and no
//!   group spans a `/`. The spec defines no meaning for those, so they are errors rather
//!   than guesses.
//! - **`//` is XPath's abbreviated descendant step.** OSC 1.1 (NIME 2009 paper §3.4):
//!   "OSC 1.1 inherits the path multiple-level wildcard-matching operator `//` from XPath",
//!   which "overcomes the limitation of the OSC 1.0 `*` operator that only matches up to `/`
//!   boundaries". In XPath `a//b` is `a/descendant-or-self::node()/b`, so `//b` skips *zero*
//!   or more address parts and then matches one part against `b`: `/a//b` matches `/a/b`,
//!   `/a/x/b` and `/a/x/y/b`, and `//b` alone matches `/b`. This is also what JavaOSC's
//!   `OSCPatternAddressMessageSelector` implements. As in XPath's grammar a part must follow
//!   `//`, so a trailing `//` is an error (JavaOSC lets it match the rest of the address),
//!   and so are `///` and a trailing `/` (empty parts).
//!
//! # Cost
//! Matching runs in `O(|pattern| × |address|)` steps and constant memory (two 256-bit sets
//! on the stack), whatever the pattern, so a hostile pattern such as `/*a*a*a*a*a*b` or
//! `//a//a//a//b` cannot make a receiver spin (CNMAT/OSC's fuzzing found unbounded scans in
//! its matcher, reached through the received address). How:
//! - Across parts, `//` is the only operator that lets a pattern part match at different
//!   address positions, and it matches whole parts. That is classic glob matching over an
//!   alphabet of parts, where the greedy algorithm that only ever backtracks to the *latest*
//!   `//` is exact; with it each pair (pattern part, address part) is compared at most once.
//! - Inside one part, `{}` alternatives of different lengths defeat greedy matching, so each
//!   comparison runs a Thompson NFA whose states are the byte positions of the pattern part,
//!   held in a bitset: one pass over the pattern part per address character.
//!
//! Hence a pattern part is at most [`MAX_PART_LEN`] bytes, the bitset's size. Validation is
//! one linear pass, and [`PatternLimits`] caps the pattern's length.

mod matcher;
mod syntax;
#[cfg(test)]
mod tests;

use core::fmt;

/// The longest pattern part (the bytes between two separators) any [`Pattern`] may have.
///
/// Matching keeps one bit per byte position of a pattern part in a fixed-size set, so that
/// it needs no allocation; this is that set's size less one.
pub const MAX_PART_LEN: usize = 255;

/// An OSC address pattern: what a message carries to select the methods it goes to.
///
/// It borrows the string it was validated from. Build one with [`Pattern::new`] or
/// [`Pattern::with_limits`]; see the [module documentation](self) for the syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pattern<'a>(&'a str);

/// The address of a method in a receiver's address space: what a [`Pattern`] is matched
/// against. It contains no wildcards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address<'a>(&'a str);

/// Caps on a pattern, checked by [`Pattern::with_limits`].
///
/// Matching cost is polynomial whatever the limits; they cap the time one received message
/// can take, which grows with the pattern's length. A small device can lower them to fit
/// its own address space, since a pattern far longer than every address it serves is
/// rarely legitimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct PatternLimits {
    /// The longest pattern accepted, in bytes. Default: 1024.
    pub max_len: usize,
    /// The longest pattern part accepted, in bytes. Default (and ceiling): [`MAX_PART_LEN`];
    /// a larger value acts as [`MAX_PART_LEN`].
    pub max_part_len: usize,
}

impl PatternLimits {
    /// The defaults: `max_len` 1024 bytes, `max_part_len` [`MAX_PART_LEN`] (255) bytes.
    ///
    /// 1024 bytes leave room for any pattern in a typical 1500-byte UDP datagram while
    /// keeping one match against a 1 KiB address to a few million byte comparisons.
    pub const DEFAULT: Self = Self {
        max_len: 1024,
        max_part_len: MAX_PART_LEN,
    };

    /// These limits with `max_len` set to `max_len` bytes.
    #[must_use]
    pub const fn with_max_len(mut self, max_len: usize) -> Self {
        self.max_len = max_len;
        self
    }

    /// These limits with `max_part_len` set to `max_part_len` bytes (values above
    /// [`MAX_PART_LEN`] act as [`MAX_PART_LEN`]).
    #[must_use]
    pub const fn with_max_part_len(mut self, max_part_len: usize) -> Self {
        self.max_part_len = max_part_len;
        self
    }
}

impl Default for PatternLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl<'a> Pattern<'a> {
    /// Validates `pattern` under [`PatternLimits::DEFAULT`].
    pub fn new(pattern: &'a str) -> Result<Self, PatternError> {
        Self::with_limits(pattern, PatternLimits::DEFAULT)
    }

    /// Validates `pattern` under `limits`.
    pub fn with_limits(pattern: &'a str, limits: PatternLimits) -> Result<Self, PatternError> {
        syntax::check_pattern(pattern.as_bytes(), limits)?;
        Ok(Self(pattern))
    }

    /// The pattern as it was given.
    pub const fn as_str(&self) -> &'a str {
        self.0
    }

    /// Whether the pattern contains no operator at all, so that it matches exactly the
    /// address spelled the same; a dispatcher can then use a table lookup instead of
    /// matching against every method.
    pub fn is_literal(&self) -> bool {
        !self
            .0
            .bytes()
            .any(|b| matches!(b, b'*' | b'?' | b'[' | b'{'))
            && !self.0.contains("//")
    }

    /// Whether this pattern selects the method at `address`.
    ///
    /// Takes `O(self.as_str().len() × address.as_str().len())` steps in the worst case and no
    /// memory beyond a few dozen bytes of stack; see the [module documentation](self).
    pub fn matches(&self, address: &Address<'_>) -> bool {
        let mut work = 0;
        matcher::matches(self.0.as_bytes(), address.0.as_bytes(), &mut work)
    }
}

impl<'a> Address<'a> {
    /// Validates `address` against the OSC 1.0 address rules.
    pub fn new(address: &'a str) -> Result<Self, PatternError> {
        syntax::check_address(address.as_bytes())?;
        Ok(Self(address))
    }

    /// The address as it was given.
    pub const fn as_str(&self) -> &'a str {
        self.0
    }

    /// The parts between the slashes, in order; there is at least one and none is empty.
    pub fn parts(&self) -> impl Iterator<Item = &'a str> + 'a {
        // Validation guarantees a leading '/', so the first split item is the empty prefix.
        self.0.split('/').skip(1)
    }
}

impl<'a> TryFrom<&'a str> for Pattern<'a> {
    type Error = PatternError;

    fn try_from(pattern: &'a str) -> Result<Self, PatternError> {
        Self::new(pattern)
    }
}

impl<'a> TryFrom<&'a str> for Address<'a> {
    type Error = PatternError;

    fn try_from(address: &'a str) -> Result<Self, PatternError> {
        Self::new(address)
    }
}

impl AsRef<str> for Pattern<'_> {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Address<'_> {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl fmt::Display for Pattern<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for Address<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Why a string is not a valid [`Pattern`] or [`Address`].
///
/// Offsets are byte offsets into the string given. The `Address…` variants come only from
/// [`Address::new`]; all others only from [`Pattern::new`] and [`Pattern::with_limits`].
/// [`PatternError::class`] gives the vector corpus's error class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PatternError {
    /// The address is empty or does not start with `/`.
    AddressNoLeadingSlash,
    /// The address has an empty part: `/` alone, `//` inside, or a trailing `/`.
    AddressEmptyPart {
        /// Where the empty part would start.
        offset: usize,
    },
    /// The address contains a character that OSC 1.0 forbids in a part, or one outside
    /// printable ASCII.
    AddressInvalidChar {
        /// Where the character starts.
        offset: usize,
        /// Its first byte.
        byte: u8,
    },
    /// The pattern is empty or does not start with `/`.
    NoLeadingSlash,
    /// The pattern has an empty part: `/` alone, `///`, or a trailing `/` or `//`.
    EmptyPart {
        /// Where the empty part would start.
        offset: usize,
    },
    /// The pattern contains a character that no address can contain and that is not an
    /// operator where it stands (for example a space, `#`, a `,` outside braces, a wildcard
    /// inside a group, or anything outside printable ASCII).
    InvalidChar {
        /// Where the character starts.
        offset: usize,
        /// Its first byte.
        byte: u8,
    },
    /// A `[` has no `]` before the end of its part.
    UnclosedBracket {
        /// Where the `[` is.
        offset: usize,
    },
    /// A `{` has no `}` before the end of its part.
    UnclosedBrace {
        /// Where the `{` is.
        offset: usize,
    },
    /// A `]` with no `[` before it.
    UnmatchedBracket {
        /// Where the `]` is.
        offset: usize,
    },
    /// A `}` with no `{` before it.
    UnmatchedBrace {
        /// Where the `}` is.
        offset: usize,
    },
    /// A `[` or `{` inside a bracket or brace group.
    NestedGroup {
        /// Where the inner `[` or `{` is.
        offset: usize,
    },
    /// A bracket lists no character: `[]` or `[!]`.
    EmptyBracket {
        /// Where the `[` is.
        offset: usize,
    },
    /// A range whose end sorts before its start, such as `[z-a]`.
    ReversedRange {
        /// Where the range's first character is.
        offset: usize,
    },
    /// The pattern is longer than [`PatternLimits::max_len`].
    TooLong {
        /// The pattern's length in bytes.
        len: usize,
        /// The limit in force.
        max: usize,
    },
    /// A pattern part is longer than [`PatternLimits::max_part_len`] (or [`MAX_PART_LEN`]).
    PartTooLong {
        /// Where the part starts.
        offset: usize,
        /// The limit in force.
        max: usize,
    },
}

impl PatternError {
    /// The language-neutral error class of the vector corpus (`vectors/README.md`):
    /// `invalid-address`, `invalid-pattern`, or `pattern-too-complex`.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::AddressNoLeadingSlash
            | Self::AddressEmptyPart { .. }
            | Self::AddressInvalidChar { .. } => "invalid-address",
            Self::TooLong { .. } | Self::PartTooLong { .. } => "pattern-too-complex",
            Self::NoLeadingSlash
            | Self::EmptyPart { .. }
            | Self::InvalidChar { .. }
            | Self::UnclosedBracket { .. }
            | Self::UnclosedBrace { .. }
            | Self::UnmatchedBracket { .. }
            | Self::UnmatchedBrace { .. }
            | Self::NestedGroup { .. }
            | Self::EmptyBracket { .. }
            | Self::ReversedRange { .. } => "invalid-pattern",
        }
    }

    /// The byte offset the error points at, where there is one.
    pub const fn offset(&self) -> Option<usize> {
        match *self {
            Self::AddressNoLeadingSlash | Self::NoLeadingSlash => Some(0),
            Self::AddressEmptyPart { offset }
            | Self::AddressInvalidChar { offset, .. }
            | Self::EmptyPart { offset }
            | Self::InvalidChar { offset, .. }
            | Self::UnclosedBracket { offset }
            | Self::UnclosedBrace { offset }
            | Self::UnmatchedBracket { offset }
            | Self::UnmatchedBrace { offset }
            | Self::NestedGroup { offset }
            | Self::EmptyBracket { offset }
            | Self::ReversedRange { offset }
            | Self::PartTooLong { offset, .. } => Some(offset),
            Self::TooLong { .. } => None,
        }
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::AddressNoLeadingSlash => f.write_str("address does not start with '/'"),
            Self::AddressEmptyPart { offset } => {
                write!(f, "address has an empty part at byte {offset}")
            }
            Self::AddressInvalidChar { offset, byte } => {
                write!(
                    f,
                    "address has forbidden byte 0x{byte:02x} at byte {offset}"
                )
            }
            Self::NoLeadingSlash => f.write_str("pattern does not start with '/'"),
            Self::EmptyPart { offset } => write!(f, "pattern has an empty part at byte {offset}"),
            Self::InvalidChar { offset, byte } => {
                write!(
                    f,
                    "pattern has forbidden byte 0x{byte:02x} at byte {offset}"
                )
            }
            Self::UnclosedBracket { offset } => {
                write!(f, "'[' at byte {offset} is not closed in its part")
            }
            Self::UnclosedBrace { offset } => {
                write!(f, "'{{' at byte {offset} is not closed in its part")
            }
            Self::UnmatchedBracket { offset } => write!(f, "']' at byte {offset} has no '['"),
            Self::UnmatchedBrace { offset } => write!(f, "'}}' at byte {offset} has no '{{'"),
            Self::NestedGroup { offset } => {
                write!(f, "group nested inside a group at byte {offset}")
            }
            Self::EmptyBracket { offset } => {
                write!(f, "bracket at byte {offset} lists no character")
            }
            Self::ReversedRange { offset } => {
                write!(f, "range at byte {offset} ends before it starts")
            }
            Self::TooLong { len, max } => {
                write!(f, "pattern is {len} bytes long, the limit is {max}")
            }
            Self::PartTooLong { offset, max } => {
                write!(
                    f,
                    "pattern part at byte {offset} is longer than {max} bytes"
                )
            }
        }
    }
}

impl core::error::Error for PatternError {}
