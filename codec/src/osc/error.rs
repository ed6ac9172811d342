//! Decode and encode errors: a precise kind plus the byte offset where it was found.
use core::fmt;

/// What went wrong while decoding an OSC packet.
///
/// The numeric values are stable (the C and WASM bindings export them) and are in the block
/// 1–99 of the crate-wide code space (`docs/errors.md`); new kinds get new numbers and
/// retired numbers are never reused. [`DecodeErrorKind::class`] gives the language-neutral
/// error class used by the vector corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(u16)]
pub enum DecodeErrorKind {
    /// The packet has no bytes.
    EmptyPacket = 1,
    /// The packet (or a bundle element) is not a multiple of 4 bytes long.
    MisalignedSize = 2,
    /// The first byte is neither `/` (message) nor `#` (bundle).
    UnknownPacketType = 3,
    /// The packet starts with `#` but not with the 8 bytes `#bundle\0`.
    BadBundleHeader = 4,
    /// A message's address does not start with `/`.
    BadAddress = 5,
    /// The data ends before an item that the packet declares.
    Truncated = 6,
    /// An OSC-string has no terminating NUL before the end of the packet.
    UnterminatedString = 7,
    /// A padding byte after a string or blob is not zero.
    NonzeroPadding = 8,
    /// A string is not valid UTF-8 (OSC 1.0 asks for ASCII; MOX accepts UTF-8).
    InvalidUtf8 = 9,
    /// A type tag this decoder does not know. Arguments before it decoded; none after it can
    /// be, since OSC arguments do not carry their own length.
    UnknownTypeTag = 10,
    /// A `]` without a `[`, or a `[` without its `]`.
    UnbalancedArray = 11,
    /// Arrays nest deeper than [`DecodeConfig::max_array_depth`](super::DecodeConfig).
    ArrayTooDeep = 12,
    /// Bundles nest deeper than [`DecodeConfig::max_bundle_depth`](super::DecodeConfig).
    BundleTooDeep = 13,
    /// A bundle element's size is negative or not a multiple of 4.
    BadElementSize = 14,
    /// A bundle element's size runs past the end of its bundle.
    ElementOverrun = 15,
    /// A blob's size is negative.
    BadBlobSize = 16,
    /// A blob is larger than [`DecodeConfig::max_blob_size`](super::DecodeConfig).
    BlobTooLarge = 17,
    /// A `c` argument is not a Unicode scalar value.
    InvalidChar = 18,
    /// The packet is larger than [`DecodeConfig::max_packet_size`](super::DecodeConfig).
    PacketTooLarge = 19,
    /// The type-tag string has more tags than [`DecodeConfig::max_arguments`](super::DecodeConfig).
    TooManyArguments = 20,
    /// Bytes remain after the last argument the type-tag string declares.
    TrailingData = 21,
}

impl DecodeErrorKind {
    /// The language-neutral error class of the vector corpus (`vectors/README.md`).
    pub const fn class(self) -> &'static str {
        match self {
            Self::EmptyPacket => "empty-packet",
            Self::MisalignedSize => "misaligned-size",
            Self::UnknownPacketType => "unknown-packet-type",
            Self::BadBundleHeader => "bad-bundle-header",
            Self::BadAddress => "bad-address",
            Self::Truncated => "truncated",
            Self::UnterminatedString => "unterminated-string",
            Self::NonzeroPadding => "nonzero-padding",
            Self::InvalidUtf8 => "invalid-utf8",
            Self::UnknownTypeTag => "unknown-type-tag",
            Self::UnbalancedArray => "unbalanced-array",
            Self::ArrayTooDeep => "array-too-deep",
            Self::BundleTooDeep => "bundle-too-deep",
            Self::BadElementSize => "bad-element-size",
            Self::ElementOverrun => "element-overrun",
            Self::BadBlobSize => "bad-blob-size",
            Self::BlobTooLarge => "blob-too-large",
            Self::InvalidChar => "invalid-char",
            Self::PacketTooLarge => "packet-too-large",
            Self::TooManyArguments => "too-many-arguments",
            Self::TrailingData => "trailing-data",
        }
    }

    /// The stable numeric code (as exported to C and JavaScript).
    pub const fn code(self) -> u16 {
        self as u16
    }

    const fn describe(self) -> &'static str {
        match self {
            Self::EmptyPacket => "empty packet",
            Self::MisalignedSize => "size is not a multiple of 4",
            Self::UnknownPacketType => "packet starts with neither '/' nor '#'",
            Self::BadBundleHeader => "bundle does not start with \"#bundle\\0\"",
            Self::BadAddress => "address does not start with '/'",
            Self::Truncated => "data ends before a declared item",
            Self::UnterminatedString => "string has no terminating NUL",
            Self::NonzeroPadding => "padding byte is not zero",
            Self::InvalidUtf8 => "string is not valid UTF-8",
            Self::UnknownTypeTag => "unknown type tag; later arguments are undecodable",
            Self::UnbalancedArray => "unbalanced array brackets in type tags",
            Self::ArrayTooDeep => "arrays nested deeper than the configured limit",
            Self::BundleTooDeep => "bundles nested deeper than the configured limit",
            Self::BadElementSize => "bundle element size is negative or not a multiple of 4",
            Self::ElementOverrun => "bundle element runs past the end of its bundle",
            Self::BadBlobSize => "blob size is negative",
            Self::BlobTooLarge => "blob larger than the configured limit",
            Self::InvalidChar => "'c' argument is not a Unicode scalar value",
            Self::PacketTooLarge => "packet larger than the configured limit",
            Self::TooManyArguments => "more type tags than the configured limit",
            Self::TrailingData => "bytes after the last declared argument",
        }
    }
}

/// An error found while decoding, with the byte offset (from the start of the outermost
/// packet) where it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    offset: usize,
}

impl DecodeError {
    /// An error of `kind` at byte `offset`.
    pub const fn new(kind: DecodeErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }

    /// What went wrong.
    pub const fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// Byte offset from the start of the outermost packet.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The language-neutral error class of the vector corpus.
    pub const fn class(&self) -> &'static str {
        self.kind.class()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {} ({})",
            self.kind.describe(),
            self.offset,
            self.kind.class()
        )
    }
}

impl core::error::Error for DecodeError {}

/// What went wrong while encoding. Encoding never produces a packet that a default
/// [`DecodeConfig`](super::DecodeConfig) would reject for its structure (nesting depth,
/// number of type tags). Sizes are not capped at the decoder's defaults, which receivers
/// configure: a 100 KiB blob is valid OSC over TCP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeError {
    /// The output buffer is too small; `needed` bytes are required (as far as known when the
    /// builder ran out of room, the exact total for one-shot encoders).
    BufferTooSmall {
        /// Bytes required.
        needed: usize,
    },
    /// The address is empty, does not start with `/`, or contains a NUL.
    BadAddress,
    /// A string or symbol contains a NUL byte, which OSC-strings cannot carry.
    StringContainsNul,
    /// A blob, bundle element or packet is larger than an int32 size field can describe.
    TooLarge,
    /// Arrays nest deeper than the default decoder accepts.
    ArrayTooDeep,
    /// Bundles nest deeper than the default decoder accepts.
    BundleTooDeep,
    /// More type tags (array brackets included) than the default decoder accepts.
    TooManyArguments,
    /// A builder finished with an array still open, or closed one it never opened.
    UnbalancedArray,
    /// A builder was asked to nest a bundle timed earlier than its parent (OSC 1.0: a
    /// contained bundle's timetag must be at least the enclosing one's).
    TimeTagBeforeEnclosing,
    /// The value to encode came from a decoded packet that is malformed at `offset`, or
    /// its type tags are missing; it cannot be re-encoded faithfully.
    Undecodable {
        /// The decode error that stopped re-encoding.
        error: DecodeError,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BufferTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} bytes needed")
            }
            Self::BadAddress => f.write_str("address must start with '/' and contain no NUL"),
            Self::StringContainsNul => f.write_str("string contains a NUL byte"),
            Self::TooLarge => f.write_str("item too large for an int32 size field"),
            Self::ArrayTooDeep => f.write_str("arrays nested too deep"),
            Self::BundleTooDeep => f.write_str("bundles nested too deep"),
            Self::TooManyArguments => f.write_str("more type tags than a default decoder accepts"),
            Self::UnbalancedArray => f.write_str("unbalanced array"),
            Self::TimeTagBeforeEnclosing => {
                f.write_str("nested bundle's timetag is earlier than its parent's")
            }
            Self::Undecodable { error } => {
                write!(f, "cannot re-encode a malformed packet: {error}")
            }
        }
    }
}

impl core::error::Error for EncodeError {}
