//! OSC messages: an address pattern, a type-tag string and arguments.
use super::args::{read_str, scan_str, utf8_prefix, utf8_window, Cursor, ReadLimits, ReprIter};
use super::visit::{dispatch, FnVisitor};
use super::{
    Arg, ArgVisitor, DecodeConfig, DecodeError, DecodeErrorKind as Kind, Packet, PacketVisitor,
};

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
    /// with `/` and to be 4-aligned; `offset` is where `bytes` sits in the outermost packet.
    ///
    /// The fast path: strings scanned a word at a time, the address and type tags checked
    /// for UTF-8 in one go, the result written straight into the `Packet`.
    #[inline(always)]
    pub(super) fn decode_packet(
        bytes: &'a [u8],
        offset: usize,
        config: &DecodeConfig,
    ) -> Result<Packet<'a>, DecodeError> {
        Self::decode_at(bytes, offset, config).map(Packet::Message)
    }

    /// [`Message::decode_packet`] without the `Packet`.
    #[inline(always)]
    pub(super) fn decode_at(
        bytes: &'a [u8],
        offset: usize,
        config: &DecodeConfig,
    ) -> Result<Self, DecodeError> {
        match Self::decode_fast(bytes, offset, config) {
            Some(message) => Ok(message),
            None => Self::decode_exact(bytes, offset, config),
        }
    }

    /// Decodes the message at the start of `bytes` and passes it to `visitor` (see
    /// [`Message::decode_packet`]). The fast path and the exact decoder each call the
    /// visitor, so that the fast path's view stays in registers.
    #[inline(always)]
    pub(super) fn visit_at<V: PacketVisitor<'a> + ?Sized>(
        bytes: &'a [u8],
        offset: usize,
        config: &DecodeConfig,
        visitor: &mut V,
    ) -> Result<(), V::Error> {
        match Self::decode_fast(bytes, offset, config) {
            Some(message) => visitor.message(&message),
            None => Self::visit_exact(bytes, offset, config, visitor),
        }
    }

    /// [`Message::decode_exact`], then the visitor.
    #[cold]
    #[inline(never)]
    fn visit_exact<V: PacketVisitor<'a> + ?Sized>(
        bytes: &'a [u8],
        offset: usize,
        config: &DecodeConfig,
        visitor: &mut V,
    ) -> Result<(), V::Error> {
        visitor.message(&Self::decode_exact(bytes, offset, config)?)
    }

    /// The fast path of [`Message::decode_at`]: `None` for anything unusual (then
    /// [`Message::decode_exact`] decides, and finds the exact error).
    #[inline(always)]
    fn decode_fast(bytes: &'a [u8], offset: usize, config: &DecodeConfig) -> Option<Self> {
        macro_rules! exact {
            () => {
                return None
            };
        }
        macro_rules! or_exact {
            ($e:expr) => {
                match $e {
                    Some(v) => v,
                    None => exact!(),
                }
            };
        }
        let address = or_exact!(scan_str(bytes));
        let rest = or_exact!(bytes.get(address.len..));
        if rest.first() != Some(&b',') {
            // No type-tag string (rare): the exact decoder handles it, so that the view
            // built here is always `Body::Wire` and stays in registers.
            exact!();
        }
        let tags = or_exact!(scan_str(rest));
        let (tag_bytes, data) = or_exact!(rest.split_at_checked(tags.len));
        let type_tags = or_exact!(tag_bytes.get(1..tags.nul));
        if type_tags.len() > config.max_arguments as usize {
            exact!();
        }
        let header = address.len + tags.len;
        // The text checked to be UTF-8: the address, and usually some or all of the type
        // tags (which are checked on their own when they are not ASCII).
        let text = if !tags.ascii {
            or_exact!(core::str::from_utf8(type_tags).ok());
            or_exact!(utf8_prefix(bytes, address.nul, address.len))
        } else if let Some(b's' | b'S') = type_tags.first() {
            // The first argument is a string: the whole message is often text (as is
            // `/feeooblah ,sif "beans" 1 2.0`), and then one check covers every string.
            // (A string left out of the window is checked on its own when read.)
            let window = or_exact!(bytes.get(..utf8_window(bytes, header, bytes.len())));
            match core::str::from_utf8(window) {
                Ok(text) => text,
                Err(e) if e.valid_up_to() >= header => {
                    or_exact!(bytes
                        .get(..e.valid_up_to())
                        .and_then(|b| core::str::from_utf8(b).ok()))
                }
                Err(_) => exact!(),
            }
        } else {
            or_exact!(utf8_prefix(bytes, address.nul, header))
        };
        let limits = ReadLimits {
            max_blob_size: config.max_blob_size,
            max_array_depth: config.max_array_depth,
        };
        let cursor = Cursor::new(type_tags, data, offset + header, limits, text);
        Some(Message {
            address: or_exact!(text.get(..address.nul)),
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
        let cursor = Cursor::new(
            type_tags.as_bytes(),
            data,
            rest_offset + tags_len,
            limits,
            "",
        );
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

    /// Reads every argument, in order, passing each to the method of `visitor` for its type
    /// (see [`ArgVisitor`]); stops at the first error, a decode error (after the arguments
    /// before it, exactly as [`Message::args`] yields them) or one that `visitor` returns.
    ///
    /// The same values and errors as iterating [`Message::args`], checked the same way, but
    /// faster: each value goes straight from the data to its method, with no
    /// `Option<Result<Arg, DecodeError>>` in between and nothing to dispatch on again.
    /// This is what the benchmarks measure.
    #[inline(always)]
    pub fn visit_args<V: ArgVisitor<'a> + ?Sized>(&self, visitor: &mut V) -> Result<(), V::Error> {
        match &self.body {
            Body::Wire { cursor } => cursor.visit(visitor),
            Body::Items(items) => items.iter().try_for_each(|arg| dispatch(visitor, *arg)),
            Body::Untyped { .. } => Ok(()),
        }
    }

    /// Passes every argument to `f`, in order, and stops at the first error: a decode error
    /// (after the arguments before it, exactly as [`Message::args`] yields them) or one
    /// that `f` returns. This is [`Message::visit_args`] with every argument as an [`Arg`]:
    /// the same values as `for arg in message.args() { f(arg?)? }`, usually faster.
    ///
    /// ```
    /// use mox_codec::osc::{Arg, DecodeError, Packet};
    ///
    /// let bytes = b"/mix\0\0\0\0,if\0\0\0\0\x07\x3f\0\0\0";
    /// let Packet::Message(message) = Packet::decode(bytes)? else { unreachable!() };
    /// let mut sum = 0.0;
    /// message.try_for_each_arg(|arg| {
    ///     match arg {
    ///         Arg::Int(i) => sum += f64::from(i),
    ///         Arg::Float(x) => sum += f64::from(x),
    ///         _ => {}
    ///     }
    ///     Ok::<(), DecodeError>(())
    /// })?;
    /// assert_eq!(sum, 7.5);
    /// # Ok::<(), DecodeError>(())
    /// ```
    #[inline]
    pub fn try_for_each_arg<E, F>(&self, f: F) -> Result<(), E>
    where
        E: From<DecodeError>,
        F: FnMut(Arg<'a>) -> Result<(), E>,
    {
        self.visit_args(&mut FnVisitor(f))
    }

    /// Reads every argument; the first error, if any.
    pub fn validate(&self) -> Result<(), DecodeError> {
        self.try_for_each_arg(|_| Ok(()))
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
