//! Builders that write a message or bundle straight into a caller's buffer, one argument or
//! element at a time, and cannot produce a malformed packet: addresses and strings are
//! checked as they are added, array brackets must balance, nesting stays within what a
//! default decoder accepts, and a nested bundle may not be timed before its parent.
//!
//! ```
//! use mox_codec::osc::builder::{BundleBuilder, MessageBuilder};
//! use mox_codec::osc::{Packet, TimeTag};
//!
//! let mut buf = [0u8; 128];
//! let mut message = MessageBuilder::new(&mut buf, "/mixer/strip/1")?;
//! message.float(0.75)?.begin_array()?.int(1)?.int(2)?.end_array()?.string("main")?;
//! let len = message.finish()?;
//! assert!(Packet::decode(&buf[..len]).is_ok());
//!
//! let mut bundle = BundleBuilder::new(&mut buf, TimeTag::IMMEDIATELY)?;
//! bundle.message("/a", |m| m.int(1).map(drop))?;
//! bundle.message("/b", |m| m.impulse().map(drop))?;
//! let len = bundle.finish();
//! assert_eq!(len, 16 + (4 + 12) + (4 + 8));
//! # Ok::<(), mox_codec::osc::EncodeError>(())
//! ```
//!
//! The message builder does not know the number of arguments up front, so it keeps the type
//! tags at the far end of the buffer while the argument data grows from the front, and moves
//! them into place in [`MessageBuilder::finish`]. Use [`Message::encode`](super::Message::encode)
//! when the arguments are known as a slice: it computes the exact size first.
use super::args::pad4;
use super::encode::{check_address, string_len, Writer, MAX_ARGUMENTS};
use super::{Arg, DecodeConfig, EncodeError, MidiMessage, Packet, Rgba, TimeTag, BUNDLE_TAG};

const MAX_ARRAY_DEPTH: u8 = DecodeConfig::DEFAULT.max_array_depth;
const MAX_BUNDLE_DEPTH: u8 = DecodeConfig::DEFAULT.max_bundle_depth;

/// Writes one message into a caller's buffer; see the [module docs](self).
#[derive(Debug)]
pub struct MessageBuilder<'b> {
    buf: &'b mut [u8],
    /// End of the address, where the type-tag string will go.
    data_start: usize,
    data_end: usize,
    /// Tags so far, stored reversed in the last `tag_count` bytes of `buf`.
    tag_count: usize,
    open_arrays: u8,
}

impl<'b> MessageBuilder<'b> {
    /// Starts a message at the front of `buf`.
    pub fn new(buf: &'b mut [u8], address: &str) -> Result<Self, EncodeError> {
        check_address(address)?;
        let mut writer = Writer::new(buf, 0);
        writer.string(address.as_bytes())?;
        let data_start = writer.pos();
        Ok(MessageBuilder {
            buf,
            data_start,
            data_end: data_start,
            tag_count: 0,
            open_arrays: 0,
        })
    }

    /// Bytes the message needs if it were finished now.
    fn needed_now(&self, extra_data: usize, extra_tags: usize) -> usize {
        self.data_end + extra_data + string_len(1 + self.tag_count + extra_tags)
    }

    /// Records `tag` and returns the slot for its `len` data bytes.
    fn push(&mut self, tag: u8, len: usize) -> Result<&mut [u8], EncodeError> {
        let tags_after = self.tag_count + 1;
        if tags_after > MAX_ARGUMENTS {
            return Err(EncodeError::TooManyArguments);
        }
        if self.data_end + len + tags_after > self.buf.len() {
            return Err(EncodeError::BufferTooSmall {
                needed: self.needed_now(len, 1),
            });
        }
        let tag_at = self.buf.len() - tags_after;
        if let Some(slot) = self.buf.get_mut(tag_at) {
            *slot = tag;
        }
        self.tag_count = tags_after;
        let start = self.data_end;
        self.data_end += len;
        Ok(self.buf.get_mut(start..self.data_end).unwrap_or_default())
    }

    fn fixed<const N: usize>(&mut self, tag: u8, bytes: [u8; N]) -> Result<&mut Self, EncodeError> {
        self.push(tag, N)?.copy_from_slice(&bytes);
        Ok(self)
    }

    fn text(&mut self, tag: u8, text: &str) -> Result<&mut Self, EncodeError> {
        if text.as_bytes().contains(&0) {
            return Err(EncodeError::StringContainsNul);
        }
        let slot = self.push(tag, string_len(text.len()))?;
        let (head, padding) = slot.split_at_mut(text.len());
        head.copy_from_slice(text.as_bytes());
        padding.fill(0);
        Ok(self)
    }

    /// Appends `i`.
    pub fn int(&mut self, value: i32) -> Result<&mut Self, EncodeError> {
        self.fixed(b'i', value.to_be_bytes())
    }
    /// Appends `f`.
    pub fn float(&mut self, value: f32) -> Result<&mut Self, EncodeError> {
        self.fixed(b'f', value.to_bits().to_be_bytes())
    }
    /// Appends `s`.
    pub fn string(&mut self, value: &str) -> Result<&mut Self, EncodeError> {
        self.text(b's', value)
    }
    /// Appends `S`.
    pub fn symbol(&mut self, value: &str) -> Result<&mut Self, EncodeError> {
        self.text(b'S', value)
    }
    /// Appends `b`.
    pub fn blob(&mut self, value: &[u8]) -> Result<&mut Self, EncodeError> {
        let size = i32::try_from(value.len()).map_err(|_| EncodeError::TooLarge)?;
        let slot = self.push(b'b', 4 + pad4(value.len()))?;
        let (size_field, rest) = slot.split_at_mut(4);
        size_field.copy_from_slice(&size.to_be_bytes());
        let (head, padding) = rest.split_at_mut(value.len());
        head.copy_from_slice(value);
        padding.fill(0);
        Ok(self)
    }
    /// Appends `h`.
    pub fn long(&mut self, value: i64) -> Result<&mut Self, EncodeError> {
        self.fixed(b'h', value.to_be_bytes())
    }
    /// Appends `t`.
    pub fn time_tag(&mut self, value: TimeTag) -> Result<&mut Self, EncodeError> {
        self.fixed(b't', value.to_bits().to_be_bytes())
    }
    /// Appends `d`.
    pub fn double(&mut self, value: f64) -> Result<&mut Self, EncodeError> {
        self.fixed(b'd', value.to_bits().to_be_bytes())
    }
    /// Appends `c`.
    pub fn char(&mut self, value: char) -> Result<&mut Self, EncodeError> {
        self.fixed(b'c', u32::from(value).to_be_bytes())
    }
    /// Appends `r`.
    pub fn color(&mut self, value: Rgba) -> Result<&mut Self, EncodeError> {
        self.fixed(b'r', value.to_bytes())
    }
    /// Appends `m`.
    pub fn midi(&mut self, value: MidiMessage) -> Result<&mut Self, EncodeError> {
        self.fixed(b'm', value.to_bytes())
    }
    /// Appends `T` or `F`.
    pub fn bool(&mut self, value: bool) -> Result<&mut Self, EncodeError> {
        self.push(if value { b'T' } else { b'F' }, 0)?;
        Ok(self)
    }
    /// Appends `N`.
    pub fn nil(&mut self) -> Result<&mut Self, EncodeError> {
        self.push(b'N', 0)?;
        Ok(self)
    }
    /// Appends `I` (impulse).
    pub fn impulse(&mut self) -> Result<&mut Self, EncodeError> {
        self.push(b'I', 0)?;
        Ok(self)
    }
    /// Opens an array (`[`); close it with [`end_array`](Self::end_array).
    pub fn begin_array(&mut self) -> Result<&mut Self, EncodeError> {
        if self.open_arrays >= MAX_ARRAY_DEPTH {
            return Err(EncodeError::ArrayTooDeep);
        }
        self.push(b'[', 0)?;
        self.open_arrays += 1;
        Ok(self)
    }
    /// Closes the innermost open array (`]`).
    pub fn end_array(&mut self) -> Result<&mut Self, EncodeError> {
        if self.open_arrays == 0 {
            return Err(EncodeError::UnbalancedArray);
        }
        self.push(b']', 0)?;
        self.open_arrays -= 1;
        Ok(self)
    }

    /// Appends any argument; an array's items are appended recursively (bounded by the
    /// array depth limit).
    pub fn arg(&mut self, arg: &Arg<'_>) -> Result<&mut Self, EncodeError> {
        match *arg {
            Arg::Int(v) => self.int(v),
            Arg::Float(v) => self.float(v),
            Arg::String(v) => self.string(v),
            Arg::Blob(v) => self.blob(v),
            Arg::Long(v) => self.long(v),
            Arg::TimeTag(v) => self.time_tag(v),
            Arg::Double(v) => self.double(v),
            Arg::Symbol(v) => self.symbol(v),
            Arg::Char(v) => self.char(v),
            Arg::Color(v) => self.color(v),
            Arg::Midi(v) => self.midi(v),
            Arg::True => self.bool(true),
            Arg::False => self.bool(false),
            Arg::Nil => self.nil(),
            Arg::Impulse => self.impulse(),
            Arg::Array(array) => {
                self.begin_array()?;
                for item in array.iter() {
                    self.arg(&item.map_err(|error| EncodeError::Undecodable { error })?)?;
                }
                self.end_array()
            }
        }
    }

    /// Moves the type tags into place; returns the message's length.
    pub fn finish(self) -> Result<usize, EncodeError> {
        if self.open_arrays != 0 {
            return Err(EncodeError::UnbalancedArray);
        }
        let MessageBuilder {
            buf,
            data_start,
            data_end,
            tag_count,
            ..
        } = self;
        let tags_len = string_len(1 + tag_count);
        let data_len = data_end - data_start;
        let total = data_start + tags_len + data_len;
        if total > buf.len() {
            return Err(EncodeError::BufferTooSmall { needed: total });
        }
        let len = buf.len();
        let region = buf.get_mut(data_start..).unwrap_or_default();
        let region_len = len - data_start;
        // Tags were pushed from the end backwards; put them in reading order.
        region
            .get_mut(region_len - tag_count..)
            .unwrap_or_default()
            .reverse();
        if tags_len + data_len <= region_len - tag_count {
            // Room between data and tags: shift the data, then copy the tags forward.
            region.copy_within(..data_len, tags_len);
            region.copy_within(region_len - tag_count.., 1);
        } else {
            // Nearly full buffer: rotate the tags to the front, then open the gaps.
            region.rotate_right(tag_count);
            region.copy_within(tag_count..tag_count + data_len, tags_len);
            region.copy_within(..tag_count, 1);
        }
        if let Some(comma) = region.first_mut() {
            *comma = b',';
        }
        region
            .get_mut(1 + tag_count..tags_len)
            .unwrap_or_default()
            .fill(0);
        Ok(total)
    }
}

/// Writes one bundle into a caller's buffer; see the [module docs](self).
#[derive(Debug)]
pub struct BundleBuilder<'b> {
    buf: &'b mut [u8],
    pos: usize,
    timetag: TimeTag,
    depth: u8,
}

impl<'b> BundleBuilder<'b> {
    /// Starts a bundle at the front of `buf`.
    pub fn new(buf: &'b mut [u8], timetag: TimeTag) -> Result<Self, EncodeError> {
        Self::at_depth(buf, timetag, 1)
    }

    fn at_depth(buf: &'b mut [u8], timetag: TimeTag, depth: u8) -> Result<Self, EncodeError> {
        if depth > MAX_BUNDLE_DEPTH {
            return Err(EncodeError::BundleTooDeep);
        }
        let mut writer = Writer::new(buf, 0);
        writer.bytes(BUNDLE_TAG)?;
        writer.bytes(&timetag.to_bits().to_be_bytes())?;
        Ok(BundleBuilder {
            buf,
            pos: 16,
            timetag,
            depth,
        })
    }

    /// Writes one element with `write` (which returns the element's length) after a 4-byte
    /// hole, then fills the hole with that length.
    fn element(
        &mut self,
        write: impl FnOnce(&mut [u8]) -> Result<usize, EncodeError>,
    ) -> Result<&mut Self, EncodeError> {
        let start = self.pos;
        let Some(body) = self.buf.get_mut(start + 4..) else {
            return Err(EncodeError::BufferTooSmall { needed: start + 4 });
        };
        let size = write(body).map_err(|e| match e {
            EncodeError::BufferTooSmall { needed } => EncodeError::BufferTooSmall {
                needed: start + 4 + needed,
            },
            other => other,
        })?;
        let size_field = i32::try_from(size).map_err(|_| EncodeError::TooLarge)?;
        Writer::new(self.buf, start).bytes(&size_field.to_be_bytes())?;
        self.pos = start + 4 + size;
        Ok(self)
    }

    /// Appends an encoded packet as an element.
    pub fn packet(&mut self, packet: &Packet<'_>) -> Result<&mut Self, EncodeError> {
        if let Packet::Bundle(bundle) = packet {
            if bundle.timetag() < self.timetag {
                return Err(EncodeError::TimeTagBeforeEnclosing);
            }
        }
        let depth = self.depth;
        self.element(|body| packet.encode_at(body, depth))
    }

    /// Appends a message element written by `build`.
    pub fn message(
        &mut self,
        address: &str,
        build: impl FnOnce(&mut MessageBuilder<'_>) -> Result<(), EncodeError>,
    ) -> Result<&mut Self, EncodeError> {
        self.element(|body| {
            let mut message = MessageBuilder::new(body, address)?;
            build(&mut message)?;
            message.finish()
        })
    }

    /// Appends a nested bundle written by `build`. Its timetag may not be earlier than this
    /// bundle's (OSC 1.0).
    pub fn bundle(
        &mut self,
        timetag: TimeTag,
        build: impl FnOnce(&mut BundleBuilder<'_>) -> Result<(), EncodeError>,
    ) -> Result<&mut Self, EncodeError> {
        if timetag < self.timetag {
            return Err(EncodeError::TimeTagBeforeEnclosing);
        }
        let depth = self.depth + 1;
        self.element(|body| {
            let mut nested = BundleBuilder::at_depth(body, timetag, depth)?;
            build(&mut nested)?;
            Ok(nested.finish())
        })
    }

    /// The bundle's length.
    pub fn finish(self) -> usize {
        self.pos
    }
}
