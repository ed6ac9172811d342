//! OSC messages: an address pattern, a type-tag string and arguments.
use super::args::{read_str, Cursor, ReadLimits, ReprIter};
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
    Wire { type_tags: &'a str, cursor: Cursor<'a> },
    /// Received without a type-tag string (OSC 1.0: "implementations should be robust").
    Untyped { payload: &'a [u8] },
}

impl<'a> Message<'a> {
    /// A message to encode. The address and values are checked when encoding.
    pub const fn new(address: &'a str, args: &'a [Arg<'a>]) -> Self {
        Message { address, body: Body::Items(args) }
    }

    /// Decodes the message at the start of `bytes`, which the caller has checked to start
    /// with `/` and to be 4-aligned. `offset` is where `bytes` sits in the outermost packet.
    pub(super) fn decode_at(
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
            return Ok(Message { address, body: Body::Untyped { payload: rest } });
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
        let data = rest.get(tags_len..).unwrap_or_default();
        let cursor =
            Cursor::new(type_tags.as_bytes(), rest_offset + 1, data, rest_offset + tags_len, limits);
        Ok(Message { address, body: Body::Wire { type_tags, cursor } })
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
            Body::Wire { type_tags, .. } => Some(type_tags),
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

    /// The arguments, each checked as it is read. After the first error the iterator ends.
    /// A message without a type-tag string has no readable arguments.
    pub fn args(&self) -> Args<'a> {
        Args(match self.body {
            Body::Items(items) => ReprIter::Items(items.iter()),
            Body::Wire { cursor, .. } => ReprIter::Wire(cursor),
            Body::Untyped { .. } => ReprIter::Empty,
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
