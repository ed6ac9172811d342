//! OSC messages: an address pattern, a type-tag string and arguments.
use super::args::{read_str, scan_str, Cursor, ReadLimits, ReprIter};
use super::{Arg, DecodeConfig, DecodeError, DecodeErrorKind as Kind};

/// An OSC message: either a zero-copy view of received bytes, or an address and argument
/// values to encode.
///
/// Decoding is lazy and single-pass: [`Packet::decode`](super::Packet::decode) checks the
/// address and the type-tag string; each argument is checked as [`Message::args`] reads it
/// (every declared size against the data, padding, UTF-8). [`Message::validate`] reads them
/// all. On an unknown type tag the arguments before it are still yielded, then one error,
/// then nothing: OSC arguments carry no length, so nothing after it can be read without
/// guessing.
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    address: &'a str,
    body: Body<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Body<'a> {
    Items(&'a [Arg<'a>]),
    /// The cursor holds the type tags (checked to be UTF-8) and the argument data.
    Wire {
        cursor: Cursor<'a>,
    },
    /// Received without a type-tag string (OSC 1.0: "implementations should be robust").
    Untyped {
        payload: &'a [u8],
    },
}

impl<'a> Message<'a> {
    /// A message to encode. The address and values are checked when encoding.
    pub const fn new(address: &'a str, args: &'a [Arg<'a>]) -> Self {
        Message {
            address,
            body: Body::Items(args),
        }
    }

    /// Decodes the message at the start of `bytes`, which the caller has checked to start
    /// with `/` and to be 4-aligned. `offset` is where `bytes` sits in the outermost packet.
    #[inline]
    pub(super) fn decode_at(
        bytes: &'a [u8],
        offset: usize,
        config: &DecodeConfig,
    ) -> Result<Self, DecodeError> {
        match Self::decode_well_formed(bytes, offset, config) {
            Some(message) => Ok(message),
            None => Self::decode_exact(bytes, offset, config),
        }
    }

    /// The fast path: strings scanned a word at a time, the type tags checked for ASCII
    /// instead of full UTF-8 validation. `None` for anything unusual; [`Self::decode_exact`]
    /// then decides (and finds the exact error).
    #[inline]
    fn decode_well_formed(bytes: &'a [u8], offset: usize, config: &DecodeConfig) -> Option<Self> {
        if bytes.first() != Some(&b'/') {
            return None;
        }
        let address = scan_str(bytes)?;
        let (address_bytes, rest) = bytes.split_at_checked(address.len)?;
        let address_text = core::str::from_utf8(address_bytes.get(..address.nul)?).ok()?;
        if rest.first() != Some(&b',') {
            return Some(Message {
                address: address_text,
                body: Body::Untyped { payload: rest },
            });
        }
        let tags = scan_str(rest)?;
        let (tag_bytes, data) = rest.split_at_checked(tags.len)?;
        let type_tags = tag_bytes.get(1..tags.nul)?;
        if !tags.ascii && core::str::from_utf8(type_tags).is_err() {
            return None;
        }
        if type_tags.len() > config.max_arguments as usize {
            return None;
        }
        let limits = ReadLimits {
            max_blob_size: config.max_blob_size,
            max_array_depth: config.max_array_depth,
        };
        let cursor = Cursor::new(type_tags, data, offset + address.len + tags.len, limits);
        Some(Message {
            address: address_text,
            body: Body::Wire { cursor },
        })
    }

    /// The reference decoder, byte by byte: the result for any input, with the exact error.
    #[cold]
    #[inline(never)]
    fn decode_exact(
        bytes: &'a [u8],
        offset: usize,
        config: &DecodeConfig,
    ) -> Result<Self, DecodeError> {
        if bytes.first() != Some(&b'/') {
            return Err(DecodeError::new(Kind::BadAddress, offset));
        }
        let (address, address_len) = read_str(bytes, offset)?;
        let rest = bytes.get(address_len..).unwrap_or_default();
        let rest_offset = offset + address_len;
        if rest.first() != Some(&b',') {
            return Ok(Message {
                address,
                body: Body::Untyped { payload: rest },
            });
        }
        let (tags, tags_len) = read_str(rest, rest_offset)?;
        let type_tags = tags.get(1..).unwrap_or_default();
        if type_tags.len() > config.max_arguments as usize {
            return Err(DecodeError::new(Kind::TooManyArguments, rest_offset));
        }
        let limits = ReadLimits {
            max_blob_size: config.max_blob_size,
            max_array_depth: config.max_array_depth,
        };
        // `read_str` checked that `tags_len` bytes are there (so `data` keeps its address).
        let data = rest.get(tags_len..).unwrap_or_default();
        let cursor = Cursor::new(type_tags.as_bytes(), data, rest_offset + tags_len, limits);
        Ok(Message {
            address,
            body: Body::Wire { cursor },
        })
    }

    /// The address pattern, exactly as carried (for a received message it may contain
    /// wildcards: match it with [`pattern`](super::pattern)).
    pub const fn address(&self) -> &'a str {
        self.address
    }

    /// The type tags as received, without the leading `,`. `None` for a message received
    /// without a type-tag string, and for a message built from values.
    pub const fn type_tags(&self) -> Option<&'a str> {
        match self.body {
            // Checked to be UTF-8 when decoded, so this never gives `None`.
            Body::Wire { cursor } => match core::str::from_utf8(cursor.tags()) {
                Ok(tags) => Some(tags),
                Err(_) => None,
            },
            _ => None,
        }
    }

    /// The bytes after the address of a message received without a type-tag string (which
    /// cannot be interpreted without knowing the sender's types), else `None`.
    pub const fn untyped_payload(&self) -> Option<&'a [u8]> {
        match self.body {
            Body::Untyped { payload } => Some(payload),
            _ => None,
        }
    }

    /// The argument values of a message built with [`Message::new`].
    #[inline]
    pub(super) const fn items(&self) -> Option<&'a [Arg<'a>]> {
        match self.body {
            Body::Items(items) => Some(items),
            _ => None,
        }
    }

    /// The arguments, each checked as it is read. After the first error the iterator ends.
    /// A message without a type-tag string has no readable arguments.
    pub fn args(&self) -> Args<'a> {
        Args(match self.body {
            Body::Items(items) => ReprIter::Items(items.iter()),
            Body::Wire { cursor } => ReprIter::Wire(cursor),
            Body::Untyped { .. } => ReprIter::Wire(Cursor::empty()),
        })
    }

    /// Reads every argument; the first error, if any.
    pub fn validate(&self) -> Result<(), DecodeError> {
        self.args().try_for_each(|arg| arg.map(drop))
    }
}

impl PartialEq for Message<'_> {
    /// Same address and same arguments (floats compared by bits); a message without a
    /// type-tag string equals only another one with the same payload.
    fn eq(&self, other: &Self) -> bool {
        self.address == other.address
            && self.untyped_payload() == other.untyped_payload()
            && self.args().eq(other.args())
    }
}

/// Iterator over a message's arguments; see [`Message::args`].
#[derive(Clone, Debug)]
pub struct Args<'a>(ReprIter<'a>);

impl<'a> Iterator for Args<'a> {
    type Item = Result<Arg<'a>, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

impl core::iter::FusedIterator for Args<'_> {}
