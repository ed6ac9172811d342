//! OSC packets: a message or a bundle.
use super::{Bundle, DecodeConfig, DecodeError, DecodeErrorKind as Kind, Message, PacketVisitor};

/// An OSC packet: the unit a datagram or a stream frame carries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Packet<'a> {
    /// A message (first byte `/`).
    Message(Message<'a>),
    /// A bundle (first byte `#`).
    Bundle(Bundle<'a>),
}

impl<'a> Packet<'a> {
    /// Decodes `bytes` with the default [`DecodeConfig`]. See [`Packet::decode_with`].
    #[inline]
    pub fn decode(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        Self::decode_with(bytes, &DecodeConfig::DEFAULT)
    }

    /// Decodes the packet in `bytes`, borrowing from them.
    ///
    /// This checks the packet's size and header (and a message's address and type-tag
    /// string); arguments and bundle elements are checked as they are read, so a bad
    /// element does not hide its good siblings. Use [`Packet::validate`] to check everything
    /// at once.
    #[inline]
    pub fn decode_with(bytes: &'a [u8], config: &DecodeConfig) -> Result<Self, DecodeError> {
        if bytes.is_empty() {
            return Err(DecodeError::new(Kind::EmptyPacket, 0));
        }
        if bytes.len() > config.max_packet_size as usize {
            return Err(DecodeError::new(Kind::PacketTooLarge, 0));
        }
        if bytes.len() % 4 != 0 {
            return Err(DecodeError::new(Kind::MisalignedSize, 0));
        }
        Self::decode_element(bytes, 0, 1, config)
    }

    /// Decodes `bytes` with the default [`DecodeConfig`] and passes the packet to `visitor`.
    /// See [`Packet::visit_bytes_with`].
    #[inline]
    pub fn visit_bytes<V: PacketVisitor<'a> + ?Sized>(
        bytes: &'a [u8],
        visitor: &mut V,
    ) -> Result<(), V::Error> {
        Self::visit_bytes_with(bytes, &DecodeConfig::DEFAULT, visitor)
    }

    /// Decodes the packet in `bytes` and passes it to `visitor` (see [`PacketVisitor`]) in
    /// one pass; stops at the first error, a decode error or one that `visitor` returns.
    ///
    /// The same calls, with the same values, and the same first error as
    /// `Packet::decode_with(bytes, config)` followed by [`Packet::visit`], but faster on
    /// bundles: their elements are decoded straight into the visitor, with no
    /// `Result<Packet, DecodeError>` built for each. Unlike [`Bundle::elements`], the visit
    /// does not go on past a bad element; iterate the elements to read its siblings.
    /// This is what the benchmarks measure.
    #[inline]
    pub fn visit_bytes_with<V: PacketVisitor<'a> + ?Sized>(
        bytes: &'a [u8],
        config: &DecodeConfig,
        visitor: &mut V,
    ) -> Result<(), V::Error> {
        if bytes.is_empty() {
            return Err(DecodeError::new(Kind::EmptyPacket, 0).into());
        }
        if bytes.len() > config.max_packet_size as usize {
            return Err(DecodeError::new(Kind::PacketTooLarge, 0).into());
        }
        if bytes.len() % 4 != 0 {
            return Err(DecodeError::new(Kind::MisalignedSize, 0).into());
        }
        Self::visit_element(bytes, 0, 1, config, visitor)
    }

    /// Passes the packet to `visitor`: a message to [`PacketVisitor::message`], a bundle as
    /// described for [`Bundle::visit`]; stops at the first error.
    #[inline]
    pub fn visit<V: PacketVisitor<'a> + ?Sized>(&self, visitor: &mut V) -> Result<(), V::Error> {
        match self {
            Packet::Message(message) => visitor.message(message),
            Packet::Bundle(bundle) => bundle.visit(visitor),
        }
    }

    /// [`Packet::decode_element`], then [`Packet::visit`].
    #[inline(always)]
    pub(super) fn visit_element<V: PacketVisitor<'a> + ?Sized>(
        bytes: &'a [u8],
        offset: usize,
        bundle_depth: u8,
        config: &DecodeConfig,
        visitor: &mut V,
    ) -> Result<(), V::Error> {
        match bytes.first() {
            None => Err(DecodeError::new(Kind::EmptyPacket, offset).into()),
            Some(b'/') => Message::visit_at(bytes, offset, config, visitor),
            Some(b'#') => Bundle::decode_at(bytes, offset, bundle_depth, config)?.visit(visitor),
            Some(_) => Err(DecodeError::new(Kind::UnknownPacketType, offset).into()),
        }
    }

    /// Decodes a packet or bundle element whose size is already known to be a multiple of 4.
    #[inline]
    pub(super) fn decode_element(
        bytes: &'a [u8],
        offset: usize,
        bundle_depth: u8,
        config: &DecodeConfig,
    ) -> Result<Self, DecodeError> {
        match bytes.first() {
            None => Err(DecodeError::new(Kind::EmptyPacket, offset)),
            Some(b'/') => Message::decode_packet(bytes, offset, config),
            Some(b'#') => {
                Bundle::decode_at(bytes, offset, bundle_depth, config).map(Packet::Bundle)
            }
            Some(_) => Err(DecodeError::new(Kind::UnknownPacketType, offset)),
        }
    }

    /// Reads the whole packet (every argument, every element, recursively); the first error
    /// in reading order, if any.
    pub fn validate(&self) -> Result<(), DecodeError> {
        match self {
            Packet::Message(message) => message.validate(),
            Packet::Bundle(bundle) => bundle.validate(),
        }
    }
}

impl<'a> From<Message<'a>> for Packet<'a> {
    fn from(message: Message<'a>) -> Self {
        Packet::Message(message)
    }
}

impl<'a> From<Bundle<'a>> for Packet<'a> {
    fn from(bundle: Bundle<'a>) -> Self {
        Packet::Bundle(bundle)
    }
}
