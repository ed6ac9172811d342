//! The OSC binding (spec chapter 5): the body in the blob of a `/mox ,b` message, and
//! bundle groups of a `/mox` element with its plain-OSC fallback elements.
//!
//! ```
//! use mox_codec::envelope::osc::{encode, encoded_len, packet_body};
//!
//! let body = [0x00, 0x7E, 0x01, 0x01, 0x00, 0x01];
//! let mut out = [0u8; 24];
//! let n = encode(&body, &mut out)?;
//! assert_eq!(n, encoded_len(body.len()));
//! assert_eq!(&out[..12], b"/mox\0\0\0\0,b\0\0");
//! assert_eq!(packet_body(&out[..n]), Ok(&body[..]));
//! # Ok::<(), mox_codec::envelope::EncodeError>(())
//! ```
use super::{body::first_8bit, EncodeError, NotMox};
use crate::osc::builder::BundleBuilder;
use crate::osc::{
    Arg, Bundle, DecodeConfig, DecodeError, DecodeErrorKind as Kind, Elements, Message, Packet,
    TimeTag,
};

/// The address of every MOX OSC message, compared literally (never as a pattern).
pub const ADDRESS: &str = "/mox";

/// `"/mox"` and `",b"`, each padded to 4 bytes: the fixed start of a MOX OSC message.
const PREFIX: [u8; 12] = *b"/mox\0\0\0\0,b\0\0";

/// The body of a MOX OSC message: the first argument, a blob, of a message whose address is
/// exactly `/mox`. Later arguments are ignored (room for the binding to grow, design §4.2).
///
/// # Errors
/// [`NotMox::OtherAddress`], [`NotMox::Untyped`] (no type-tag string: required here),
/// [`NotMox::NoBlob`] (no first argument, or not a blob) and [`NotMox::Osc`] (the first
/// argument does not decode).
pub fn body_of<'a>(message: &Message<'a>) -> Result<&'a [u8], NotMox> {
    if message.address() != ADDRESS {
        return Err(NotMox::OtherAddress);
    }
    if message.untyped_payload().is_some() {
        return Err(NotMox::Untyped);
    }
    // MOX-OSC-004: a first tag other than `b` is not MOX, with no class, even when the OSC
    // layer cannot read that tag's argument (as `message_body` says for the same bytes).
    if message
        .type_tags()
        .is_some_and(|tags| !tags.starts_with('b'))
    {
        return Err(NotMox::NoBlob);
    }
    match message.args().next() {
        Some(Ok(Arg::Blob(body))) => Ok(body),
        Some(Err(error)) => Err(NotMox::Osc(error)),
        _ => Err(NotMox::NoBlob),
    }
}

/// [`body_of`] for a packet: a bundle is not a MOX message (iterate it with [`groups`]).
///
/// # Errors
/// As [`message_body`]; [`NotMox::Osc`] when a bundle does not decode, [`NotMox::Bundle`]
/// for a bundle.
pub fn packet_body(bytes: &[u8]) -> Result<&[u8], NotMox> {
    if bytes.first() == Some(&b'/') {
        return message_body(bytes);
    }
    match Packet::decode(bytes).map_err(NotMox::Osc)? {
        Packet::Message(message) => body_of(&message),
        Packet::Bundle(_) => Err(NotMox::Bundle),
    }
}

/// The body of one OSC message given as bytes (a packet, or a bundle element's bytes) by
/// MOX-OSC-004 in its resolved order: first the address, taken as the bytes before the first
/// NUL, so that a message that is not at `/mox` is [`NotMox::OtherAddress`] however broken
/// it is; then the address string's terminator and padding; the type-tag string (present,
/// terminated, padded with `00`, not `,` alone, first tag `b`); then the blob's size
/// (negative, above the OSC layer's blob limit, past the end) and padding. The type tags
/// after the `b` and every byte after the blob's padding are never read (MOX-OSC-005), so
/// `/mox ,bX`, `/mox ,b[` or a tag byte `FF` after the `b` do not matter. A decoded
/// [`Message`] cannot stand in for this: the OSC layer refuses such messages whole.
///
/// # Errors
/// [`NotMox::OtherAddress`]; [`NotMox::Osc`] with the OSC layer's class
/// (`unterminated-string`, `nonzero-padding`, `truncated`, `bad-blob-size`,
/// `blob-too-large`, and the packet-level `misaligned-size`, `packet-too-large`);
/// [`NotMox::Untyped`]; [`NotMox::NoBlob`].
pub fn message_body(bytes: &[u8]) -> Result<&[u8], NotMox> {
    let config = DecodeConfig::DEFAULT;
    let fail = |kind, offset| NotMox::Osc(DecodeError::new(kind, offset));
    let address = bytes.split(|&b| b == 0).next().unwrap_or_default();
    if address != ADDRESS.as_bytes() {
        return Err(NotMox::OtherAddress);
    }
    if bytes.len() > config.max_packet_size as usize {
        return Err(fail(Kind::PacketTooLarge, 0));
    }
    if bytes.len() % 4 != 0 {
        return Err(fail(Kind::MisalignedSize, 0));
    }
    let (_, mut pos) = osc_string(bytes, 0)?;
    if bytes.get(pos) != Some(&b',') {
        return Err(NotMox::Untyped);
    }
    let (tags, after) = osc_string(bytes, pos)?;
    if tags.get(1) != Some(&b'b') {
        return Err(NotMox::NoBlob);
    }
    pos = after;
    let Some(size) = bytes.get(pos..pos + 4) else {
        return Err(fail(Kind::Truncated, pos));
    };
    let size = i32::from_be_bytes([size[0], size[1], size[2], size[3]]);
    let Ok(size) = usize::try_from(size) else {
        return Err(fail(Kind::BadBlobSize, pos));
    };
    if size > config.max_blob_size as usize {
        return Err(fail(Kind::BlobTooLarge, pos));
    }
    let start = pos + 4;
    let end = start + size;
    let Some(padded) = bytes.get(start..end.div_ceil(4) * 4) else {
        return Err(fail(Kind::Truncated, start));
    };
    let (blob, padding) = padded.split_at(size);
    if let Some(i) = padding.iter().position(|&b| b != 0) {
        return Err(fail(Kind::NonzeroPadding, end + i));
    }
    Ok(blob)
}

/// The OSC-string at `pos` (without its NUL) and the position after its padding.
fn osc_string(bytes: &[u8], pos: usize) -> Result<(&[u8], usize), NotMox> {
    let fail = |kind, offset| NotMox::Osc(DecodeError::new(kind, offset));
    let rest = bytes.get(pos..).unwrap_or_default();
    let Some(nul) = rest.iter().position(|&b| b == 0) else {
        return Err(fail(Kind::UnterminatedString, pos));
    };
    let after = pos + (nul + 1).div_ceil(4) * 4;
    let Some(padding) = bytes.get(pos + nul + 1..after) else {
        return Err(fail(Kind::Truncated, bytes.len()));
    };
    if let Some(i) = padding.iter().position(|&b| b != 0) {
        return Err(fail(Kind::NonzeroPadding, pos + nul + 1 + i));
    }
    Ok((&rest[..nul], after))
}

/// Exact size of the `/mox ,b <body>` message for a body of `body_len` bytes.
pub const fn encoded_len(body_len: usize) -> usize {
    // Saturating: no buffer that large exists, so `encode` then reports it as too small.
    (body_len.saturating_add(3) / 4 * 4).saturating_add(PREFIX.len() + 4)
}

/// Writes `/mox ,b <body>`; returns the bytes written.
///
/// # Errors
/// [`NotSevenBit`](EncodeError::NotSevenBit) (offset in `body`: bodies are 7-bit on OSC
/// too, design §4.2), [`OutOfRange`](EncodeError::OutOfRange) for a body an int32 cannot
/// size, [`BufferTooSmall`](EncodeError::BufferTooSmall). Nothing is written on error.
pub fn encode(body: &[u8], out: &mut [u8]) -> Result<usize, EncodeError> {
    if let Some(offset) = first_8bit(body) {
        return Err(EncodeError::NotSevenBit { offset });
    }
    let size = i32::try_from(body.len()).map_err(|_| EncodeError::OutOfRange)?;
    let needed = encoded_len(body.len());
    let Some(out) = out.get_mut(..needed) else {
        return Err(EncodeError::BufferTooSmall { needed });
    };
    out.fill(0);
    let mut cursor = super::header::Cursor { out, at: 0 };
    cursor.put(&PREFIX);
    cursor.put(&size.to_be_bytes());
    cursor.put(body);
    Ok(needed)
}

/// Exact size of the bundle [`encode_group`] writes.
///
/// # Errors
/// As [`encode_group`], except [`EncodeError::BufferTooSmall`].
pub fn group_len(body: &[u8], fallback: &[Packet<'_>]) -> Result<usize, EncodeError> {
    if let Some(offset) = first_8bit(body) {
        return Err(EncodeError::NotSevenBit { offset });
    }
    let mut len = encoded_len(body.len()).saturating_add(16 + 4);
    for packet in fallback {
        let element = packet
            .encoded_len()
            .map_err(EncodeError::FallbackNotEncodable)?;
        len = len.saturating_add(4).saturating_add(element);
    }
    Ok(len)
}

/// Writes a bundle (timetag "immediately") holding `/mox ,b <body>` followed by its
/// `fallback` elements, the plain-OSC rendering of the same message (design §4.2 rule 3).
/// Returns the bytes written.
///
/// # Errors
/// [`NotSevenBit`](EncodeError::NotSevenBit), [`FallbackNotEncodable`](EncodeError::FallbackNotEncodable),
/// [`BufferTooSmall`](EncodeError::BufferTooSmall) with the exact size. Nothing is written
/// on error.
pub fn encode_group(
    body: &[u8],
    fallback: &[Packet<'_>],
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    let needed = group_len(body, fallback)?;
    let Some(out) = out.get_mut(..needed) else {
        return Err(EncodeError::BufferTooSmall { needed });
    };
    let mut builder =
        BundleBuilder::new(out, TimeTag::IMMEDIATELY).map_err(EncodeError::FallbackNotEncodable)?;
    let args = [Arg::Blob(body)];
    builder
        .packet(&Packet::Message(Message::new(ADDRESS, &args)))
        .map_err(EncodeError::FallbackNotEncodable)?;
    for packet in fallback {
        builder
            .packet(packet)
            .map_err(EncodeError::FallbackNotEncodable)?;
    }
    Ok(builder.finish())
}

/// Whether a bundle element is a `/mox` element (by address alone: a `/mox` message that
/// carries no body still heads a group, so its fallback is never taken for a plain message).
fn is_mox_element(element: &Result<Packet<'_>, DecodeError>) -> bool {
    matches!(element, Ok(Packet::Message(message)) if message.address() == ADDRESS)
}

/// A bundle's elements as the group rule reads them (design §4.2 rule 3): a `/mox` element
/// and the non-`/mox` elements after it, up to the next `/mox` element or the end of the
/// bundle, form a group; the others are its fallback.
///
/// A receiver that supports the message's extension and major acts on the MOX message and
/// not on its fallback ([`Outcome::suppresses_fallback`](super::Outcome::suppresses_fallback));
/// any other receiver acts on the fallback as a plain peer would. Nested bundles are their
/// own scope: call `groups` on them. A bundle element that fails to decode is yielded as the
/// error in its place; one whose size runs past the bundle ends the iteration after it.
///
/// ```
/// use mox_codec::envelope::osc::{encode_group, groups, Group};
/// use mox_codec::osc::{Arg, Message, Packet};
///
/// let args = [Arg::Float(0.5)];
/// let fallback = [Packet::Message(Message::new("/strip/3/fader", &args))];
/// let mut buf = [0u8; 128];
/// let n = encode_group(&[0x00, 0x7E, 0x01, 0x01, 0x00, 0x01], &fallback, &mut buf).unwrap();
/// let Ok(Packet::Bundle(bundle)) = Packet::decode(&buf[..n]) else { panic!() };
/// let mut items = groups(&bundle);
/// let Some(Group::Mox { body, fallback }) = items.next() else { panic!() };
/// assert_eq!(body, Ok(&[0x00, 0x7E, 0x01, 0x01, 0x00, 0x01][..]));
/// assert_eq!(fallback.count(), 1);
/// assert!(items.next().is_none());
/// ```
pub fn groups<'a>(bundle: &Bundle<'a>) -> Groups<'a> {
    Groups {
        elements: bundle.elements(),
    }
}

/// One item of [`groups`].
#[derive(Clone, Debug)]
pub enum Group<'a> {
    /// An element before the bundle's first `/mox` element: in no group, handled as plain
    /// OSC.
    Plain(Result<Packet<'a>, DecodeError>),
    /// A `/mox` element and its fallback elements.
    Mox {
        /// The MOX body ([`body_of`] the `/mox` message).
        body: Result<&'a [u8], NotMox>,
        /// The fallback elements, in order.
        fallback: Fallback<'a>,
    },
}

/// Iterator over a bundle's groups; see [`groups`].
#[derive(Clone, Debug)]
pub struct Groups<'a> {
    elements: Elements<'a>,
}

impl<'a> Iterator for Groups<'a> {
    type Item = Group<'a>;

    fn next(&mut self) -> Option<Group<'a>> {
        let element = self.elements.next()?;
        if !is_mox_element(&element) {
            return Some(Group::Plain(element));
        }
        let body = match element {
            Ok(Packet::Message(message)) => body_of(&message),
            _ => Err(NotMox::NoBlob),
        };
        let start = self.elements.clone();
        let mut remaining = 0usize;
        loop {
            let mut probe = self.elements.clone();
            match probe.next() {
                Some(next) if !is_mox_element(&next) => {
                    self.elements = probe;
                    remaining += 1;
                }
                _ => break,
            }
        }
        Some(Group::Mox {
            body,
            fallback: Fallback {
                elements: start,
                remaining,
            },
        })
    }
}

impl core::iter::FusedIterator for Groups<'_> {}

/// The fallback elements of one group.
#[derive(Clone, Debug)]
pub struct Fallback<'a> {
    elements: Elements<'a>,
    remaining: usize,
}

impl<'a> Iterator for Fallback<'a> {
    type Item = Result<Packet<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        self.elements.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_fixed_prefix_and_padding() {
        let mut out = [0xA5u8; 24];
        let n = encode(&[0x01, 0x02, 0x03, 0x04, 0x05], &mut out).unwrap();
        assert_eq!(n, 24);
        assert_eq!(&out[..16], b"/mox\0\0\0\0,b\0\0\0\0\0\x05");
        assert_eq!(&out[16..], &[1, 2, 3, 4, 5, 0, 0, 0]);
        assert_eq!(packet_body(&out[..n]), Ok(&[1u8, 2, 3, 4, 5][..]));
        assert_eq!(encoded_len(0), 16);
        assert_eq!(
            encode(&[0x80], &mut out),
            Err(EncodeError::NotSevenBit { offset: 0 })
        );
    }

    #[test]
    fn recognises_only_mox_with_a_blob() {
        let mut buf = [0u8; 64];
        let n = Message::new("/mox", &[Arg::Int(1)])
            .encode(&mut buf)
            .unwrap();
        assert_eq!(packet_body(&buf[..n]), Err(NotMox::NoBlob));
        let n = Message::new("/mox", &[]).encode(&mut buf).unwrap();
        assert_eq!(packet_body(&buf[..n]), Err(NotMox::NoBlob));
        let n = Message::new("/mox/x", &[Arg::Blob(&[0])])
            .encode(&mut buf)
            .unwrap();
        assert_eq!(packet_body(&buf[..n]), Err(NotMox::OtherAddress));
        let n = Message::new("/mo?", &[Arg::Blob(&[0])])
            .encode(&mut buf)
            .unwrap();
        assert_eq!(packet_body(&buf[..n]), Err(NotMox::OtherAddress));
        let n = Message::new("/mox", &[Arg::Blob(&[0]), Arg::Int(7)])
            .encode(&mut buf)
            .unwrap();
        assert_eq!(packet_body(&buf[..n]), Ok(&[0u8][..]));
        // Untyped: "/mox" then data, no type-tag string.
        assert_eq!(
            packet_body(b"/mox\0\0\0\0\0\0\0\x01\0\0\0\0"),
            Err(NotMox::Untyped)
        );
        assert!(matches!(packet_body(b"/mox"), Err(NotMox::Osc(_))));
    }

    #[test]
    fn a_mox_message_that_is_not_valid_osc_is_classified_by_the_osc_layer() {
        let class = |bytes: &[u8]| match message_body(bytes) {
            Err(NotMox::Osc(error)) => Some(error.class()),
            _ => None,
        };
        // MOX-OSC-004: the address string's padding, a missing NUL, the type-tag string.
        assert_eq!(
            class(b"/mox\0\0\0\x01,b\0\0\0\0\0\0"),
            Some("nonzero-padding")
        );
        assert_eq!(class(b"/mox"), Some("unterminated-string"));
        assert_eq!(class(b"/mox\0\0\0\0,bii"), Some("unterminated-string"));
        assert_eq!(
            class(b"/mox\0\0\0\0,b\0\x01\0\0\0\0"),
            Some("nonzero-padding")
        );
        // Another address stays a plain message, however broken its bytes.
        assert_eq!(message_body(b"/mo\0\x01"), Err(NotMox::OtherAddress));
        assert_eq!(message_body(b""), Err(NotMox::OtherAddress));
        assert_eq!(packet_body(b"/mox"), message_body(b"/mox"));
        // MOX-OSC-005: whatever follows the `b` in the type tags is never read.
        assert_eq!(
            message_body(b"/mox\0\0\0\0,b\xFF\0\0\0\0\x01\x05\0\0\0"),
            Ok(&[5u8][..])
        );
        assert_eq!(
            message_body(b"/mox\0\0\0\0,b[\0\0\0\0\x01\x05\0\0\0"),
            Ok(&[5u8][..])
        );
        assert_eq!(
            message_body(b"/mox\0\0\0\0,bX\0\0\0\0\x01\x05\0\0\0"),
            Ok(&[5u8][..])
        );
    }

    #[test]
    fn groups_split_at_each_mox_element() {
        let a = [Arg::Int(1)];
        let body1 = [Arg::Blob(&[0x10])];
        let body2 = [Arg::Blob(&[0x20])];
        let plain = Packet::Message(Message::new("/plain", &a));
        let mox1 = Packet::Message(Message::new("/mox", &body1));
        let mox2 = Packet::Message(Message::new("/mox", &body2));
        let elements = [plain, mox1, plain, plain, mox2, mox1, plain];
        let bundle = Bundle::new(TimeTag::IMMEDIATELY, &elements);
        let mut buf = [0u8; 512];
        let n = bundle.encode(&mut buf).unwrap();
        let Ok(Packet::Bundle(decoded)) = Packet::decode(&buf[..n]) else {
            panic!()
        };
        let shape: Vec<(Option<u8>, usize)> = groups(&decoded)
            .map(|group| match group {
                Group::Plain(packet) => {
                    assert!(packet.is_ok());
                    (None, 1)
                }
                Group::Mox { body, fallback } => (Some(body.unwrap()[0]), fallback.count()),
            })
            .collect();
        assert_eq!(
            shape,
            [(None, 1), (Some(0x10), 2), (Some(0x20), 0), (Some(0x10), 1)]
        );
    }
}
