//! OSC bundles: `#bundle\0`, a timetag, and size-prefixed elements.
use super::{DecodeConfig, DecodeError, DecodeErrorKind as Kind, Packet, PacketVisitor, TimeTag};

/// The 8 bytes every bundle starts with.
pub const BUNDLE_TAG: &[u8; 8] = b"#bundle\0";

/// An OSC bundle: either a zero-copy view of received bytes, or a timetag and elements to
/// encode.
///
/// Elements are decoded as they are iterated. Each element has a size, so a correctly sized
/// but malformed element is an error for that element alone and its siblings still decode;
/// an element whose size runs past the bundle ends the iteration with an error, since the
/// framing after it cannot be trusted.
#[derive(Clone, Copy, Debug)]
pub struct Bundle<'a> {
    timetag: TimeTag,
    body: Body<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Body<'a> {
    Items(&'a [Packet<'a>]),
    Wire {
        elements: &'a [u8],
        offset: usize,
        depth: u8,
        config: DecodeConfig,
    },
}

impl<'a> Bundle<'a> {
    /// A bundle to encode.
    pub const fn new(timetag: TimeTag, elements: &'a [Packet<'a>]) -> Self {
        Bundle {
            timetag,
            body: Body::Items(elements),
        }
    }

    /// Decodes a bundle at depth `depth` (1 = outermost) from `bytes`, which start with `#`
    /// and are 4-aligned; `offset` is where they sit in the outermost packet.
    #[inline]
    pub(super) fn decode_at(
        bytes: &'a [u8],
        offset: usize,
        depth: u8,
        config: &DecodeConfig,
    ) -> Result<Self, DecodeError> {
        if depth > config.max_bundle_depth {
            return Err(DecodeError::new(Kind::BundleTooDeep, offset));
        }
        let Some((header, rest)) = bytes.split_first_chunk::<8>() else {
            return Err(DecodeError::new(Kind::BadBundleHeader, offset));
        };
        if header != BUNDLE_TAG {
            return Err(DecodeError::new(Kind::BadBundleHeader, offset));
        }
        let Some((timetag, elements)) = rest.split_first_chunk::<8>() else {
            return Err(DecodeError::new(Kind::Truncated, offset + 8));
        };
        Ok(Bundle {
            timetag: TimeTag::from_bits(u64::from_be_bytes(*timetag)),
            body: Body::Wire {
                elements,
                offset: offset + 16,
                depth,
                config: *config,
            },
        })
    }

    /// When the bundle's contents take effect ([`TimeTag::IMMEDIATELY`] for "now").
    pub const fn timetag(&self) -> TimeTag {
        self.timetag
    }

    /// The elements of a bundle built with [`Bundle::new`].
    #[inline]
    pub(super) const fn items(&self) -> Option<&'a [Packet<'a>]> {
        match self.body {
            Body::Items(items) => Some(items),
            Body::Wire { .. } => None,
        }
    }

    /// The elements, each decoded as it is read.
    pub fn elements(&self) -> Elements<'a> {
        Elements(match self.body {
            Body::Items(items) => ElementsRepr::Items(items.iter()),
            Body::Wire {
                elements,
                offset,
                depth,
                config,
            } => ElementsRepr::Wire {
                data: elements,
                offset,
                depth,
                config,
                done: false,
            },
        })
    }

    /// Passes the bundle to `visitor`: [`PacketVisitor::bundle`], every element in order
    /// (recursively), then [`PacketVisitor::bundle_end`]; stops at the first error. The
    /// same calls and the same first error as iterating [`Bundle::elements`] and visiting
    /// each element with [`Packet::visit`], but a received bundle's elements are decoded
    /// straight into the visitor, without a `Result<Packet, DecodeError>` for each.
    #[inline(never)]
    pub fn visit<V: PacketVisitor<'a> + ?Sized>(&self, visitor: &mut V) -> Result<(), V::Error> {
        visitor.bundle(self.timetag)?;
        match self.body {
            Body::Items(items) => {
                for packet in items {
                    packet.visit(visitor)?;
                }
            }
            Body::Wire {
                elements,
                offset,
                depth,
                config,
            } => {
                let (mut data, mut offset) = (elements, offset);
                while let Some(element) = next_element(&mut data, &mut offset) {
                    let (element, element_offset) = element?;
                    Packet::visit_element(element, element_offset, depth + 1, &config, visitor)?;
                }
            }
        }
        visitor.bundle_end()
    }

    /// Decodes every element, recursively (bounded by the bundle depth limit); the first
    /// error, if any.
    pub fn validate(&self) -> Result<(), DecodeError> {
        self.elements()
            .try_for_each(|element| element.and_then(|packet| packet.validate()))
    }
}

impl PartialEq for Bundle<'_> {
    /// Same timetag and equal elements.
    fn eq(&self, other: &Self) -> bool {
        self.timetag == other.timetag && self.elements().eq(other.elements())
    }
}

/// Iterator over a bundle's elements; see [`Bundle::elements`].
#[derive(Clone, Debug)]
pub struct Elements<'a>(ElementsRepr<'a>);

#[derive(Clone, Debug)]
enum ElementsRepr<'a> {
    Items(core::slice::Iter<'a, Packet<'a>>),
    Wire {
        data: &'a [u8],
        offset: usize,
        depth: u8,
        config: DecodeConfig,
        done: bool,
    },
}

impl<'a> Iterator for Elements<'a> {
    type Item = Result<Packet<'a>, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let (data, offset, depth, config, done) = match &mut self.0 {
            ElementsRepr::Items(items) => return items.next().map(|packet| Ok(*packet)),
            ElementsRepr::Wire {
                data,
                offset,
                depth,
                config,
                done,
            } => (data, offset, *depth, config, done),
        };
        if *done {
            return None;
        }
        match next_element(data, offset)? {
            Ok((element, element_offset)) => Some(Packet::decode_element(
                element,
                element_offset,
                depth + 1,
                config,
            )),
            Err(error) => {
                *done = true;
                Some(Err(error))
            }
        }
    }
}

/// Splits the next size-prefixed element off `data` (which sits at `offset` in the
/// outermost packet): the element and its offset, or the framing error (after which
/// nothing more can be read); `None` at the end.
#[inline(always)]
fn next_element<'a>(
    data: &mut &'a [u8],
    offset: &mut usize,
) -> Option<Result<(&'a [u8], usize), DecodeError>> {
    if data.is_empty() {
        return None;
    }
    let size_offset = *offset;
    let fail = |kind| Some(Err(DecodeError::new(kind, size_offset)));
    let Some((size, rest)) = data.split_first_chunk::<4>() else {
        return fail(Kind::Truncated);
    };
    let size = i32::from_be_bytes(*size);
    let Ok(size) = usize::try_from(size) else {
        return fail(Kind::BadElementSize);
    };
    if size % 4 != 0 {
        return fail(Kind::BadElementSize);
    }
    let Some((element, rest)) = rest.split_at_checked(size) else {
        return fail(Kind::ElementOverrun);
    };
    *data = rest;
    *offset += 4 + size;
    Some(Ok((element, size_offset + 4)))
}

impl core::iter::FusedIterator for Elements<'_> {}
