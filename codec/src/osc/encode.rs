//! Encoding into caller-provided buffers. Sizes are computed exactly before anything is
//! written, so a too-small buffer is reported (with the size needed) and left unwritten past
//! what fits.
use super::args::{pad4, ArrayRepr};
use super::bundle::BUNDLE_TAG;
use super::{Arg, Array, Bundle, DecodeConfig, EncodeError, Message, Packet};

/// Deepest array nesting the encoder produces: what a default decoder accepts.
const MAX_ARRAY_DEPTH: u8 = DecodeConfig::DEFAULT.max_array_depth;
/// Deepest bundle nesting the encoder produces: what a default decoder accepts.
const MAX_BUNDLE_DEPTH: u8 = DecodeConfig::DEFAULT.max_bundle_depth;
/// Most type tags (brackets included) the encoder writes in one message: what a default
/// decoder accepts.
pub(super) const MAX_ARGUMENTS: usize = DecodeConfig::DEFAULT.max_arguments as usize;

/// Length of an OSC-string holding `text`: the text, then 1–4 NULs to a multiple of 4.
pub(super) const fn string_len(text_len: usize) -> usize {
    // A slice's length is at most `isize::MAX`, so this cannot overflow (same result as
    // `pad4(text_len + 1)`, without its saturation branch).
    text_len.wrapping_add(4) & !3
}

pub(super) fn check_address(address: &str) -> Result<(), EncodeError> {
    if !address.starts_with('/') || has_nul(address.as_bytes()) {
        return Err(EncodeError::BadAddress);
    }
    Ok(())
}

#[inline]
fn check_string(text: &str) -> Result<(), EncodeError> {
    if has_nul(text.as_bytes()) {
        return Err(EncodeError::StringContainsNul);
    }
    Ok(())
}

/// Whether `bytes` holds a NUL, a word at a time (the last word may overlap the one before
/// it), so short strings, most OSC strings, cost a few instructions instead of a `memchr`
/// call.
#[inline]
fn has_nul(bytes: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero_in = |word: u64| word.wrapping_sub(LO) & !word & HI != 0;
    if let Some(last) = bytes.last_chunk::<8>() {
        let mut rest = bytes;
        while let Some((word, tail)) = rest.split_first_chunk::<8>() {
            if zero_in(u64::from_le_bytes(*word)) {
                return true;
            }
            rest = tail;
        }
        return !rest.is_empty() && zero_in(u64::from_le_bytes(*last));
    }
    if let (Some(first), Some(last)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let zero_in = |word: u32| word.wrapping_sub(0x0101_0101) & !word & 0x8080_8080 != 0;
        return zero_in(u32::from_le_bytes(*first)) || zero_in(u32::from_le_bytes(*last));
    }
    // At most 3 bytes: a short loop (`contains` would call `memchr`).
    #[allow(clippy::manual_contains)]
    let found = bytes.iter().any(|&b| b == 0);
    found
}

/// Writes the OSC-string for `text` into `slot`, which is exactly `string_len(text.len())`
/// bytes: the last word (which holds the NUL and any padding) is zeroed with one store, then
/// the text is copied over its start.
#[inline]
fn put_string(slot: &mut [u8], text: &[u8]) {
    if let Some((_, last)) = slot.split_last_chunk_mut::<4>() {
        *last = [0; 4];
    }
    if let Some(head) = slot.get_mut(..text.len()) {
        copy_short(head, text);
    }
}

/// `dst.copy_from_slice(src)` for slices of equal length; up to 32 bytes with two (possibly
/// overlapping) moves instead of a `memcpy` call.
#[inline]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    #[inline(always)]
    fn two<const N: usize>(dst: &mut [u8], src: &[u8]) -> bool {
        if let (Some(head), Some(tail)) = (src.first_chunk::<N>(), src.last_chunk::<N>()) {
            let (head, tail) = (*head, *tail);
            if let Some(d) = dst.first_chunk_mut::<N>() {
                *d = head;
            }
            if let Some(d) = dst.last_chunk_mut::<N>() {
                *d = tail;
            }
            return true;
        }
        false
    }
    let len = src.len();
    if len > 32 || dst.len() != len {
        dst.copy_from_slice(src);
    } else if !(two::<16>(dst, src) || two::<8>(dst, src) || two::<4>(dst, src)) {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = *s;
        }
    }
}

/// Size of one argument's data (not its tag); arrays add their items' tags to `tags`.
#[inline(always)]
fn measure_arg(arg: &Arg<'_>, depth: u8, tags: &mut usize) -> Result<usize, EncodeError> {
    *tags += 1;
    Ok(match arg {
        Arg::Int(_) | Arg::Float(_) | Arg::Char(_) | Arg::Color(_) | Arg::Midi(_) => 4,
        Arg::Long(_) | Arg::Double(_) | Arg::TimeTag(_) => 8,
        Arg::String(s) | Arg::Symbol(s) => {
            check_string(s)?;
            string_len(s.len())
        }
        Arg::Blob(b) => {
            if i32::try_from(b.len()).is_err() {
                return Err(EncodeError::TooLarge);
            }
            4 + pad4(b.len())
        }
        Arg::True | Arg::False | Arg::Nil | Arg::Impulse => 0,
        Arg::Array(array) => measure_array(array, depth, tags)?,
    })
}

/// [`measure_arg`] for an array (kept out of line: arrays are rare, scalars hot).
#[inline(never)]
fn measure_array(array: &Array<'_>, depth: u8, tags: &mut usize) -> Result<usize, EncodeError> {
    if depth >= MAX_ARRAY_DEPTH {
        return Err(EncodeError::ArrayTooDeep);
    }
    *tags += 1; // the closing ']'
    let mut len = 0usize;
    match array.0 {
        ArrayRepr::Items(items) => {
            for item in items {
                len = len.saturating_add(measure_arg(item, depth + 1, tags)?);
            }
        }
        ArrayRepr::Wire(_) => {
            for item in array.iter() {
                let item = item.map_err(|error| EncodeError::Undecodable { error })?;
                len = len.saturating_add(measure_arg(&item, depth + 1, tags)?);
            }
        }
    }
    Ok(len)
}

/// A bounds-checked writer over the caller's buffer. The caller has checked the total size,
/// so a failing write means a bug; it still reports instead of panicking.
pub(super) struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl<'b> Writer<'b> {
    pub(super) fn new(buf: &'b mut [u8], pos: usize) -> Self {
        Writer { buf, pos }
    }

    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    #[inline]
    pub(super) fn bytes(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        let end = self.pos + bytes.len();
        match self.buf.get_mut(self.pos..end) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.pos = end;
                Ok(())
            }
            None => Err(EncodeError::BufferTooSmall { needed: end }),
        }
    }

    /// Zero bytes up to the next multiple of 4 (padding is always written, never assumed).
    #[inline]
    pub(super) fn pad(&mut self) -> Result<(), EncodeError> {
        let end = pad4(self.pos);
        match self.buf.get_mut(self.pos..end) {
            Some(dst) => {
                dst.fill(0);
                self.pos = end;
                Ok(())
            }
            None => Err(EncodeError::BufferTooSmall { needed: end }),
        }
    }

    /// A bundle element: encoded after a 4-byte hole, then the hole is filled with the size
    /// written (one pass).
    #[inline]
    fn element(&mut self, element: &Packet<'_>, depth: u8) -> Result<(), EncodeError> {
        let start = self.pos;
        let body = self.buf.get_mut(start + 4..).unwrap_or_default();
        let size = element.encode_at(body, depth)?;
        let size_field = i32::try_from(size).map_err(|_| EncodeError::TooLarge)?;
        self.bytes(&size_field.to_be_bytes())?;
        self.pos += size;
        Ok(())
    }

    /// An OSC-string: text, NUL, padding.
    #[inline]
    pub(super) fn string(&mut self, text: &[u8]) -> Result<(), EncodeError> {
        self.bytes(text)?;
        self.bytes(&[0])?;
        self.pad()
    }

    #[inline]
    fn data(&mut self, arg: &Arg<'_>, tags: &mut Writer<'_>) -> Result<(), EncodeError> {
        tags.bytes(&[arg.tag()])?;
        match arg {
            Arg::Int(v) => self.bytes(&v.to_be_bytes()),
            Arg::Float(v) => self.bytes(&v.to_bits().to_be_bytes()),
            Arg::String(s) | Arg::Symbol(s) => self.string(s.as_bytes()),
            Arg::Blob(b) => {
                let size = i32::try_from(b.len()).map_err(|_| EncodeError::TooLarge)?;
                self.bytes(&size.to_be_bytes())?;
                self.bytes(b)?;
                self.pad()
            }
            Arg::Long(v) => self.bytes(&v.to_be_bytes()),
            Arg::TimeTag(t) => self.bytes(&t.to_bits().to_be_bytes()),
            Arg::Double(v) => self.bytes(&v.to_bits().to_be_bytes()),
            Arg::Char(c) => self.bytes(&u32::from(*c).to_be_bytes()),
            Arg::Color(c) => self.bytes(&c.to_bytes()),
            Arg::Midi(m) => self.bytes(&m.to_bytes()),
            Arg::True | Arg::False | Arg::Nil | Arg::Impulse => Ok(()),
            Arg::Array(array) => {
                for item in array.iter() {
                    let item = item.map_err(|error| EncodeError::Undecodable { error })?;
                    self.data(&item, tags)?;
                }
                tags.bytes(b"]")
            }
        }
    }
}

/// Writes the arguments of a message built from values: the tags into `tags` (from index
/// 1), the data into `data`, both sized exactly by [`Message::layout`].
struct ItemWriter<'b> {
    tags: &'b mut [u8],
    tag_pos: usize,
    data: &'b mut [u8],
    pos: usize,
}

impl ItemWriter<'_> {
    #[inline]
    fn tag(&mut self, tag: u8) -> Result<(), EncodeError> {
        match self.tags.get_mut(self.tag_pos) {
            Some(slot) => {
                *slot = tag;
                self.tag_pos += 1;
                Ok(())
            }
            None => Err(EncodeError::BufferTooSmall {
                needed: self.tag_pos + 1,
            }),
        }
    }

    /// The next `len` data bytes.
    #[inline]
    fn slot(&mut self, len: usize) -> Result<&mut [u8], EncodeError> {
        let start = self.pos;
        let end = start + len;
        match self.data.get_mut(start..end) {
            Some(slot) => {
                self.pos = end;
                Ok(slot)
            }
            None => Err(EncodeError::BufferTooSmall { needed: end }),
        }
    }

    #[inline]
    fn fixed<const N: usize>(&mut self, bytes: [u8; N]) -> Result<(), EncodeError> {
        let start = self.pos;
        match self
            .data
            .get_mut(start..)
            .and_then(|rest| rest.first_chunk_mut::<N>())
        {
            Some(slot) => {
                *slot = bytes;
                self.pos = start + N;
                Ok(())
            }
            None => Err(EncodeError::BufferTooSmall { needed: start + N }),
        }
    }

    #[inline]
    fn arg(&mut self, arg: &Arg<'_>) -> Result<(), EncodeError> {
        match arg {
            Arg::Int(v) => self.scalar(b'i', v.to_be_bytes()),
            Arg::Float(v) => self.scalar(b'f', v.to_bits().to_be_bytes()),
            Arg::String(s) => self.string(b's', s),
            Arg::Symbol(s) => self.string(b'S', s),
            Arg::Blob(b) => self.blob(b),
            Arg::Long(v) => self.scalar(b'h', v.to_be_bytes()),
            Arg::TimeTag(t) => self.scalar(b't', t.to_bits().to_be_bytes()),
            Arg::Double(v) => self.scalar(b'd', v.to_bits().to_be_bytes()),
            Arg::Char(c) => self.scalar(b'c', u32::from(*c).to_be_bytes()),
            Arg::Color(c) => self.scalar(b'r', c.to_bytes()),
            Arg::Midi(m) => self.scalar(b'm', m.to_bytes()),
            Arg::True => self.tag(b'T'),
            Arg::False => self.tag(b'F'),
            Arg::Nil => self.tag(b'N'),
            Arg::Impulse => self.tag(b'I'),
            Arg::Array(array) => {
                // Out of line and by value, so that the writer's fields can stay in
                // registers on the hot (scalar) path.
                let writer = ItemWriter {
                    tags: core::mem::take(&mut self.tags),
                    tag_pos: self.tag_pos,
                    data: core::mem::take(&mut self.data),
                    pos: self.pos,
                };
                *self = writer.array(array)?;
                Ok(())
            }
        }
    }

    #[inline]
    fn scalar<const N: usize>(&mut self, tag: u8, bytes: [u8; N]) -> Result<(), EncodeError> {
        self.tag(tag)?;
        self.fixed(bytes)
    }

    #[inline]
    fn string(&mut self, tag: u8, text: &str) -> Result<(), EncodeError> {
        self.tag(tag)?;
        put_string(self.slot(string_len(text.len()))?, text.as_bytes());
        Ok(())
    }

    #[inline]
    fn blob(&mut self, blob: &[u8]) -> Result<(), EncodeError> {
        self.tag(b'b')?;
        let size = i32::try_from(blob.len()).map_err(|_| EncodeError::TooLarge)?;
        self.fixed(size.to_be_bytes())?;
        let slot = self.slot(pad4(blob.len()))?;
        if blob.len() % 4 != 0 {
            if let Some((_, last)) = slot.split_last_chunk_mut::<4>() {
                *last = [0; 4];
            }
        }
        if let Some(head) = slot.get_mut(..blob.len()) {
            head.copy_from_slice(blob);
        }
        Ok(())
    }

    #[inline(never)]
    fn array(mut self, array: &Array<'_>) -> Result<Self, EncodeError> {
        self.tag(b'[')?;
        match array.0 {
            ArrayRepr::Items(items) => {
                for item in items {
                    self.arg(item)?;
                }
            }
            ArrayRepr::Wire(_) => {
                for item in array.iter() {
                    let item = item.map_err(|error| EncodeError::Undecodable { error })?;
                    self.arg(&item)?;
                }
            }
        }
        self.tag(b']')?;
        Ok(self)
    }
}

/// Where a message's parts go: sizes computed in one pass over the arguments.
struct Layout {
    address_len: usize,
    /// Type tags, array brackets included (the `,` and NUL not).
    tag_count: usize,
    total: usize,
}

impl Message<'_> {
    #[inline(always)]
    fn layout(&self) -> Result<Layout, EncodeError> {
        check_address(self.address())?;
        let address_len = string_len(self.address().len());
        if let Some(payload) = self.untyped_payload() {
            return Ok(Layout {
                address_len,
                tag_count: 0,
                total: address_len + payload.len(),
            });
        }
        let mut tag_count = 0usize;
        let mut data = 0usize;
        if let Some(items) = self.items() {
            // Built from values: no decoding, no copies.
            for arg in items {
                data = data.saturating_add(measure_arg(arg, 0, &mut tag_count)?);
            }
        } else {
            for arg in self.args() {
                let arg = arg.map_err(|error| EncodeError::Undecodable { error })?;
                data = data.saturating_add(measure_arg(&arg, 0, &mut tag_count)?);
            }
        }
        if tag_count > MAX_ARGUMENTS {
            return Err(EncodeError::TooManyArguments);
        }
        let total = address_len
            .saturating_add(string_len(1 + tag_count))
            .saturating_add(data);
        if i32::try_from(total).is_err() {
            return Err(EncodeError::TooLarge);
        }
        Ok(Layout {
            address_len,
            tag_count,
            total,
        })
    }

    /// The exact encoded size, after checking that the message can be encoded.
    pub fn encoded_len(&self) -> Result<usize, EncodeError> {
        self.layout().map(|layout| layout.total)
    }

    /// Encodes into `buf`; returns the number of bytes written. The output is canonical
    /// OSC; a message received without a type-tag string is written back without one, byte
    /// for byte.
    #[inline]
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        let Layout {
            address_len,
            tag_count,
            total,
        } = self.layout()?;
        let Some(out) = buf.get_mut(..total) else {
            return Err(EncodeError::BufferTooSmall { needed: total });
        };
        let (head, data) = out.split_at_mut(address_len);
        if let Some(items) = self.items() {
            put_string(head, self.address().as_bytes());
            let (tags, data) = data.split_at_mut(string_len(1 + tag_count));
            if let Some((_, last)) = tags.split_last_chunk_mut::<4>() {
                *last = [0; 4];
            }
            if let Some(comma) = tags.first_mut() {
                *comma = b',';
            }
            let mut writer = ItemWriter {
                tags,
                tag_pos: 1,
                data,
                pos: 0,
            };
            for arg in items {
                writer.arg(arg)?;
            }
            return Ok(total);
        }
        Writer::new(head, 0).string(self.address().as_bytes())?;
        if let Some(payload) = self.untyped_payload() {
            return Writer::new(data, 0).bytes(payload).map(|()| total);
        }
        // The tag string's length is known from the layout, so tags and data are written
        // in one pass, each at its own position.
        let (tag_buf, data_buf) = data.split_at_mut(string_len(1 + tag_count));
        let mut tags = Writer::new(tag_buf, 0);
        tags.bytes(b",")?;
        let mut writer = Writer::new(data_buf, 0);
        for arg in self.args() {
            let arg = arg.map_err(|error| EncodeError::Undecodable { error })?;
            writer.data(&arg, &mut tags)?;
        }
        tags.bytes(&[0])?;
        tags.pad()?;
        Ok(total)
    }
}

impl Bundle<'_> {
    fn encoded_len_at(&self, depth: u8) -> Result<usize, EncodeError> {
        if depth > MAX_BUNDLE_DEPTH {
            return Err(EncodeError::BundleTooDeep);
        }
        let mut len = 16usize;
        if let Some(items) = self.items() {
            for element in items {
                len = len
                    .saturating_add(4)
                    .saturating_add(element.encoded_len_at(depth)?);
            }
        } else {
            for element in self.elements() {
                let element = element.map_err(|error| EncodeError::Undecodable { error })?;
                len = len
                    .saturating_add(4)
                    .saturating_add(element.encoded_len_at(depth)?);
            }
        }
        if i32::try_from(len).is_err() {
            return Err(EncodeError::TooLarge);
        }
        Ok(len)
    }

    fn encode_at(&self, buf: &mut [u8], depth: u8) -> Result<usize, EncodeError> {
        if depth > MAX_BUNDLE_DEPTH {
            return Err(EncodeError::BundleTooDeep);
        }
        let mut writer = Writer::new(buf, 0);
        writer.bytes(BUNDLE_TAG)?;
        writer.bytes(&self.timetag().to_bits().to_be_bytes())?;
        if let Some(items) = self.items() {
            for element in items {
                writer.element(element, depth)?;
            }
        } else {
            for element in self.elements() {
                let element = element.map_err(|error| EncodeError::Undecodable { error })?;
                writer.element(&element, depth)?;
            }
        }
        Ok(writer.pos())
    }

    /// The exact encoded size, after checking that the bundle can be encoded.
    pub fn encoded_len(&self) -> Result<usize, EncodeError> {
        self.encoded_len_at(1)
    }

    /// Encodes into `buf`; returns the number of bytes written.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        match self.encode_at(buf, 1) {
            // Report the whole size needed, not just how far the writer got.
            Err(EncodeError::BufferTooSmall { .. }) => Err(EncodeError::BufferTooSmall {
                needed: self.encoded_len()?,
            }),
            other => other,
        }
    }
}

impl Packet<'_> {
    fn encoded_len_at(&self, depth: u8) -> Result<usize, EncodeError> {
        match self {
            Packet::Message(message) => message.encoded_len(),
            Packet::Bundle(bundle) => bundle.encoded_len_at(depth + 1),
        }
    }

    /// Encodes as an element of a bundle at `depth` (0 when not inside a bundle).
    pub(super) fn encode_at(&self, buf: &mut [u8], depth: u8) -> Result<usize, EncodeError> {
        match self {
            Packet::Message(message) => message.encode(buf),
            Packet::Bundle(bundle) => bundle.encode_at(buf, depth + 1),
        }
    }

    /// The exact encoded size, after checking that the packet can be encoded.
    pub fn encoded_len(&self) -> Result<usize, EncodeError> {
        self.encoded_len_at(0)
    }

    /// Encodes into `buf`; returns the number of bytes written.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        match self {
            Packet::Message(message) => message.encode(buf),
            Packet::Bundle(bundle) => bundle.encode(buf),
        }
    }

    /// Encodes into a new `Vec`.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> Result<alloc::vec::Vec<u8>, EncodeError> {
        let mut buf = alloc::vec![0; self.encoded_len()?];
        let len = self.encode(&mut buf)?;
        buf.truncate(len);
        Ok(buf)
    }
}

impl Message<'_> {
    /// Encodes into a new `Vec`.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> Result<alloc::vec::Vec<u8>, EncodeError> {
        Packet::Message(*self).to_vec()
    }
}

impl Bundle<'_> {
    /// Encodes into a new `Vec`.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> Result<alloc::vec::Vec<u8>, EncodeError> {
        Packet::Bundle(*self).to_vec()
    }
}
