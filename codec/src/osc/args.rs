//! The argument reader: walks a type-tag string and the argument data together, checking
//! every size against the data before use.
use super::{Arg, Array, DecodeError, DecodeErrorKind as Kind, MidiMessage, Rgba, TimeTag};

/// Rounds a length up to the next multiple of 4 (OSC's alignment), saturating.
pub(super) const fn pad4(len: usize) -> usize {
    match len.checked_add(3) {
        Some(n) => n & !3,
        None => usize::MAX & !3,
    }
}

/// The limits the reader needs, copied out of `DecodeConfig` so views stay small.
#[derive(Clone, Copy, Debug)]
pub(super) struct ReadLimits {
    pub(super) max_blob_size: u32,
    pub(super) max_array_depth: u8,
}

/// A position in a message's type tags and argument data.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cursor<'a> {
    tags: &'a [u8],
    data: &'a [u8],
    /// Absolute offset of `tags[0]` in the outermost packet.
    tag_offset: usize,
    /// Absolute offset of `data[0]` in the outermost packet.
    data_offset: usize,
    limits: ReadLimits,
    /// Array nesting of the items this cursor yields (0 for a message's own arguments).
    depth: u8,
    /// Only a message's own arguments must account for every data byte; an array's data is
    /// cut to fit its items exactly.
    check_trailing: bool,
    done: bool,
}

impl<'a> Cursor<'a> {
    pub(super) const fn new(
        tags: &'a [u8],
        tag_offset: usize,
        data: &'a [u8],
        data_offset: usize,
        limits: ReadLimits,
    ) -> Self {
        Cursor {
            tags,
            data,
            tag_offset,
            data_offset,
            limits,
            depth: 0,
            check_trailing: true,
            done: false,
        }
    }

    #[inline]
    fn err<T>(kind: Kind, offset: usize) -> Result<T, DecodeError> {
        Err(DecodeError::new(kind, offset))
    }

    #[inline]
    fn take4(&mut self) -> Result<[u8; 4], DecodeError> {
        match self.data.split_first_chunk::<4>() {
            Some((head, rest)) => {
                self.data = rest;
                self.data_offset += 4;
                Ok(*head)
            }
            None => Self::err(Kind::Truncated, self.data_offset),
        }
    }

    #[inline]
    fn take8(&mut self) -> Result<[u8; 8], DecodeError> {
        match self.data.split_first_chunk::<8>() {
            Some((head, rest)) => {
                self.data = rest;
                self.data_offset += 8;
                Ok(*head)
            }
            None => Self::err(Kind::Truncated, self.data_offset),
        }
    }

    #[inline]
    fn take_str(&mut self) -> Result<&'a str, DecodeError> {
        let (s, len) = read_str(self.data, self.data_offset)?;
        self.data = self.data.get(len..).unwrap_or_default();
        self.data_offset += len;
        Ok(s)
    }

    fn take_blob(&mut self) -> Result<&'a [u8], DecodeError> {
        let size_offset = self.data_offset;
        let size = i32::from_be_bytes(self.take4()?);
        let Ok(size) = usize::try_from(size) else {
            return Self::err(Kind::BadBlobSize, size_offset);
        };
        if size > self.limits.max_blob_size as usize {
            return Self::err(Kind::BlobTooLarge, size_offset);
        }
        let padded = pad4(size);
        let Some((chunk, rest)) = self.data.split_at_checked(padded) else {
            return Self::err(Kind::Truncated, self.data_offset);
        };
        let (blob, padding) = chunk.split_at(size);
        check_padding(padding, self.data_offset + size)?;
        self.data = rest;
        self.data_offset += padded;
        Ok(blob)
    }

    /// Reads one non-array argument whose tag has already been consumed.
    #[inline]
    fn read_scalar(&mut self, tag: u8, tag_offset: usize) -> Result<Arg<'a>, DecodeError> {
        Ok(match tag {
            b'i' => Arg::Int(i32::from_be_bytes(self.take4()?)),
            b'f' => Arg::Float(f32::from_bits(u32::from_be_bytes(self.take4()?))),
            b's' => Arg::String(self.take_str()?),
            b'S' => Arg::Symbol(self.take_str()?),
            b'b' => Arg::Blob(self.take_blob()?),
            b'h' => Arg::Long(i64::from_be_bytes(self.take8()?)),
            b't' => Arg::TimeTag(TimeTag::from_bits(u64::from_be_bytes(self.take8()?))),
            b'd' => Arg::Double(f64::from_bits(u64::from_be_bytes(self.take8()?))),
            b'c' => {
                let offset = self.data_offset;
                match char::from_u32(u32::from_be_bytes(self.take4()?)) {
                    Some(c) => Arg::Char(c),
                    None => return Self::err(Kind::InvalidChar, offset),
                }
            }
            b'r' => Arg::Color(Rgba::from_bytes(self.take4()?)),
            b'm' => Arg::Midi(MidiMessage::from_bytes(self.take4()?)),
            b'T' => Arg::True,
            b'F' => Arg::False,
            b'N' => Arg::Nil,
            b'I' => Arg::Impulse,
            b']' => return Self::err(Kind::UnbalancedArray, tag_offset),
            _ => return Self::err(Kind::UnknownTypeTag, tag_offset),
        })
    }

    /// Reads an array whose `[` has been consumed: checks every item (iteratively, with a
    /// depth counter instead of recursion) and returns a view of exactly its items.
    fn read_array(&mut self, open_offset: usize) -> Result<Arg<'a>, DecodeError> {
        let max = self.limits.max_array_depth as usize;
        if self.depth as usize + 1 > max {
            return Self::err(Kind::ArrayTooDeep, open_offset);
        }
        let (items_tags, items_tag_offset) = (self.tags, self.tag_offset);
        let (items_data, items_data_offset) = (self.data, self.data_offset);
        let mut level = 1usize;
        loop {
            let Some((&tag, rest)) = self.tags.split_first() else {
                return Self::err(Kind::UnbalancedArray, open_offset);
            };
            let tag_offset = self.tag_offset;
            self.tags = rest;
            self.tag_offset += 1;
            match tag {
                b'[' => {
                    level += 1;
                    if self.depth as usize + level > max {
                        return Self::err(Kind::ArrayTooDeep, tag_offset);
                    }
                }
                b']' => {
                    level -= 1;
                    if level == 0 {
                        break;
                    }
                }
                _ => {
                    self.read_scalar(tag, tag_offset)?;
                }
            }
        }
        let tags_len = self.tag_offset - items_tag_offset - 1;
        let data_len = self.data_offset - items_data_offset;
        let inner = Cursor {
            tags: items_tags.get(..tags_len).unwrap_or_default(),
            data: items_data.get(..data_len).unwrap_or_default(),
            tag_offset: items_tag_offset,
            data_offset: items_data_offset,
            limits: self.limits,
            depth: self.depth + 1,
            check_trailing: false,
            done: false,
        };
        Ok(Arg::Array(Array(ArrayRepr::Wire(inner))))
    }
}

impl<'a> Iterator for Cursor<'a> {
    type Item = Result<Arg<'a>, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let Some((&tag, rest)) = self.tags.split_first() else {
            self.done = true;
            if self.check_trailing && !self.data.is_empty() {
                return Some(Self::err(Kind::TrailingData, self.data_offset));
            }
            return None;
        };
        let tag_offset = self.tag_offset;
        self.tags = rest;
        self.tag_offset += 1;
        let item = if tag == b'[' {
            self.read_array(tag_offset)
        } else {
            self.read_scalar(tag, tag_offset)
        };
        // Nothing after an error can be read reliably: OSC arguments are not self-delimiting.
        self.done = item.is_err();
        Some(item)
    }
}

/// Reads an OSC-string at the start of `data` (which starts 4-aligned): the text, then the
/// total length including its 1–4 NULs.
#[inline]
pub(super) fn read_str(data: &[u8], offset: usize) -> Result<(&str, usize), DecodeError> {
    let Some(nul) = data.iter().position(|&b| b == 0) else {
        return Err(DecodeError::new(Kind::UnterminatedString, offset));
    };
    let len = pad4(nul + 1);
    let Some(chunk) = data.get(..len) else {
        return Err(DecodeError::new(Kind::Truncated, offset + data.len()));
    };
    let (text, padding) = chunk.split_at(nul);
    check_padding(padding, offset + nul)?;
    match core::str::from_utf8(text) {
        Ok(s) => Ok((s, len)),
        Err(e) => Err(DecodeError::new(Kind::InvalidUtf8, offset + e.valid_up_to())),
    }
}

#[inline]
fn check_padding(padding: &[u8], offset: usize) -> Result<(), DecodeError> {
    match padding.iter().position(|&b| b != 0) {
        None => Ok(()),
        Some(i) => Err(DecodeError::new(Kind::NonzeroPadding, offset + i)),
    }
}

/// Where an array's items come from.
#[derive(Clone, Copy, Debug)]
pub(super) enum ArrayRepr<'a> {
    Items(&'a [Arg<'a>]),
    Wire(Cursor<'a>),
}

impl<'a> ArrayRepr<'a> {
    pub(super) fn iter(&self) -> ReprIter<'a> {
        match *self {
            ArrayRepr::Items(items) => ReprIter::Items(items.iter()),
            ArrayRepr::Wire(cursor) => ReprIter::Wire(cursor),
        }
    }
}

/// Iterator over arguments from either source.
#[derive(Clone, Debug)]
pub(super) enum ReprIter<'a> {
    Items(core::slice::Iter<'a, Arg<'a>>),
    Wire(Cursor<'a>),
    Empty,
}

impl<'a> Iterator for ReprIter<'a> {
    type Item = Result<Arg<'a>, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            ReprIter::Items(items) => items.next().map(|arg| Ok(*arg)),
            ReprIter::Wire(cursor) => cursor.next(),
            ReprIter::Empty => None,
        }
    }
}
