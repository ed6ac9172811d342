//! OSC bundles: `#bundle\0`, a timetag, and size-prefixed elements.
use super::{DecodeConfig, DecodeError, DecodeErrorKind as Kind, Packet, TimeTag};

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
        if *done || data.is_empty() {
            return None;
        }
        let size_offset = *offset;
        let fail = |kind| Some(Err(DecodeError::new(kind, size_offset)));
        let Some((size, rest)) = data.split_first_chunk::<4>() else {
            *done = true;
            return fail(Kind::Truncated);
        };
        let size = i32::from_be_bytes(*size);
        let Ok(size) = usize::try_from(size) else {
            *done = true;
            return fail(Kind::BadElementSize);
        };
        if size % 4 != 0 {
            *done = true;
            return fail(Kind::BadElementSize);
        }
        let Some((element, rest)) = rest.split_at_checked(size) else {
            *done = true;
            return fail(Kind::ElementOverrun);
        };
        *data = rest;
        *offset += 4 + size;
        Some(Packet::decode_element(
            element,
            size_offset + 4,
            depth + 1,
            config,
        ))
    }
}

impl core::iter::FusedIterator for Elements<'_> {}
