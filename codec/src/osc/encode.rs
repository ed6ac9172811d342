//! Encoding into caller-provided buffers. Sizes are computed exactly before anything is
//! written, so a too-small buffer is reported (with the size needed) and left unwritten past
//! what fits.
use super::args::pad4;
use super::bundle::BUNDLE_TAG;
use super::{Arg, Bundle, DecodeConfig, EncodeError, Message, Packet};

/// Deepest array nesting the encoder produces: what a default decoder accepts.
const MAX_ARRAY_DEPTH: u8 = DecodeConfig::DEFAULT.max_array_depth;
/// Deepest bundle nesting the encoder produces: what a default decoder accepts.
const MAX_BUNDLE_DEPTH: u8 = DecodeConfig::DEFAULT.max_bundle_depth;

/// Length of an OSC-string holding `text`: the text, then 1–4 NULs to a multiple of 4.
pub(super) const fn string_len(text_len: usize) -> usize {
    pad4(text_len + 1)
}

pub(super) fn check_address(address: &str) -> Result<(), EncodeError> {
    if !address.starts_with('/') || address.as_bytes().contains(&0) {
        return Err(EncodeError::BadAddress);
    }
    Ok(())
}

fn check_string(text: &str) -> Result<(), EncodeError> {
    if text.as_bytes().contains(&0) {
        return Err(EncodeError::StringContainsNul);
    }
    Ok(())
}

/// Size of one argument's data (not its tag); arrays add their items' tags to `tags`.
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
        Arg::Array(array) => {
            if depth >= MAX_ARRAY_DEPTH {
                return Err(EncodeError::ArrayTooDeep);
            }
            *tags += 1; // the closing ']'
            let mut len = 0usize;
            for item in array.iter() {
                let item = item.map_err(|error| EncodeError::Undecodable { error })?;
                len = len.saturating_add(measure_arg(&item, depth + 1, tags)?);
            }
            len
        }
    })
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

/// Where a message's parts go: sizes computed in one pass over the arguments.
struct Layout {
    address_len: usize,
    /// Type tags, array brackets included (the `,` and NUL not).
    tag_count: usize,
    total: usize,
}

impl Message<'_> {
    fn layout(&self) -> Result<Layout, EncodeError> {
        check_address(self.address())?;
        let address_len = string_len(self.address().len());
        if let Some(payload) = self.untyped_payload() {
            return Ok(Layout { address_len, tag_count: 0, total: address_len + payload.len() });
        }
        let mut tag_count = 0usize;
        let mut data = 0usize;
        for arg in self.args() {
            let arg = arg.map_err(|error| EncodeError::Undecodable { error })?;
            data = data.saturating_add(measure_arg(&arg, 0, &mut tag_count)?);
        }
        let total = address_len.saturating_add(string_len(1 + tag_count)).saturating_add(data);
        if i32::try_from(total).is_err() {
            return Err(EncodeError::TooLarge);
        }
        Ok(Layout { address_len, tag_count, total })
    }

    /// The exact encoded size, after checking that the message can be encoded.
    pub fn encoded_len(&self) -> Result<usize, EncodeError> {
        self.layout().map(|layout| layout.total)
    }

    /// Encodes into `buf`; returns the number of bytes written. The output is canonical
    /// OSC; a message received without a type-tag string is written back without one, byte
    /// for byte.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        let Layout { address_len, tag_count, total } = self.layout()?;
        let Some(out) = buf.get_mut(..total) else {
            return Err(EncodeError::BufferTooSmall { needed: total });
        };
        let (head, data) = out.split_at_mut(address_len);
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
        for element in self.elements() {
            let element = element.map_err(|error| EncodeError::Undecodable { error })?;
            len = len.saturating_add(4).saturating_add(element.encoded_len_at(depth)?);
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
        for element in self.elements() {
            let element = element.map_err(|error| EncodeError::Undecodable { error })?;
            // Encode after a 4-byte hole, then fill the hole with the size written: one pass.
            let start = writer.pos();
            let body = writer.buf.get_mut(start + 4..).unwrap_or_default();
            let size = element.encode_at(body, depth)?;
            let size_field = i32::try_from(size).map_err(|_| EncodeError::TooLarge)?;
            writer.bytes(&size_field.to_be_bytes())?;
            writer.pos += size;
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
            Err(EncodeError::BufferTooSmall { .. }) => {
                Err(EncodeError::BufferTooSmall { needed: self.encoded_len()? })
            }
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
