//! The argument reader: walks a type-tag string and the argument data together, checking
//! every size against the data before use.
use super::visit::dispatch;
use super::{
    Arg, ArgVisitor, Array, DecodeError, DecodeErrorKind as Kind, MidiMessage, Rgba, TimeTag,
};

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
///
/// Offsets for errors are not tracked as the cursor moves: both slices borrow the outermost
/// packet, so an offset is a slice's address minus the packet's (`origin`), worked out only
/// when an error is reported.
#[derive(Clone, Copy)]
pub(super) struct Cursor<'a> {
    tags: &'a [u8],
    data: &'a [u8],
    /// Bytes of the same packet already checked to be UTF-8 (possibly empty): a string that
    /// lies inside is sliced out of it instead of being checked again.
    text: &'a str,
    /// Address of byte 0 of the outermost packet.
    origin: usize,
    max_blob_size: u32,
    max_array_depth: u8,
    /// Array nesting of the items this cursor yields (0 for a message's own arguments).
    depth: u8,
}

impl core::fmt::Debug for Cursor<'_> {
    /// Offsets rather than `origin`, an address, which would make the output differ from
    /// run to run.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut out = f.debug_struct("Cursor");
        out.field("tags", &self.tags).field("data", &self.data);
        if self.origin != 0 {
            // (An array's items, re-read without offsets, have no origin.)
            out.field("tag_offset", &self.offset_of(self.tags))
                .field("data_offset", &self.data_offset());
        }
        out.field("max_blob_size", &self.max_blob_size)
            .field("max_array_depth", &self.max_array_depth)
            .field("depth", &self.depth)
            .finish()
    }
}

impl<'a> Cursor<'a> {
    /// A cursor over `tags` and `data`, which sit at `data_offset` in the outermost packet
    /// (`tags` being part of the same packet).
    pub(super) fn new(
        tags: &'a [u8],
        data: &'a [u8],
        data_offset: usize,
        limits: ReadLimits,
        text: &'a str,
    ) -> Self {
        Cursor {
            tags,
            data,
            text,
            origin: data.as_ptr().addr().wrapping_sub(data_offset),
            max_blob_size: limits.max_blob_size,
            max_array_depth: limits.max_array_depth,
            depth: 0,
        }
    }

    /// A cursor with nothing to read.
    pub(super) const fn empty() -> Self {
        Cursor {
            tags: &[],
            data: &[],
            text: "",
            origin: 0,
            max_blob_size: 0,
            max_array_depth: 0,
            depth: 0,
        }
    }

    /// The type tags not yet read (all of them for a new cursor).
    pub(super) const fn tags(&self) -> &'a [u8] {
        self.tags
    }

    /// Offset in the outermost packet of where `slice` starts.
    #[inline]
    fn offset_of(&self, slice: &[u8]) -> usize {
        slice.as_ptr().addr().wrapping_sub(self.origin)
    }

    /// Offset of the next data byte.
    #[inline]
    fn data_offset(&self) -> usize {
        self.offset_of(self.data)
    }

    /// Nothing after an error can be read reliably (OSC arguments are not self-delimiting):
    /// empties the cursor so that it yields nothing more.
    #[cold]
    fn fail<T>(&mut self, kind: Kind, offset: usize) -> Result<T, DecodeError> {
        // Empty, but still inside the packet (so `Debug` shows sensible offsets).
        self.tags = self.tags.get(self.tags.len()..).unwrap_or_default();
        self.data = self.data.get(self.data.len()..).unwrap_or_default();
        Err(DecodeError::new(kind, offset))
    }

    #[inline]
    fn take4(&mut self) -> Result<[u8; 4], DecodeError> {
        match self.data.split_first_chunk::<4>() {
            Some((head, rest)) => {
                self.data = rest;
                Ok(*head)
            }
            None => self.fail(Kind::Truncated, self.data_offset()),
        }
    }

    #[inline]
    fn take8(&mut self) -> Result<[u8; 8], DecodeError> {
        match self.data.split_first_chunk::<8>() {
            Some((head, rest)) => {
                self.data = rest;
                Ok(*head)
            }
            None => self.fail(Kind::Truncated, self.data_offset()),
        }
    }

    #[inline]
    fn take_str(&mut self) -> Result<&'a str, DecodeError> {
        if let Some((text, rest)) = split_str(self.data, self.text) {
            self.data = rest;
            return Ok(text);
        }
        match read_str_exact(self.data, self.data_offset()) {
            Ok((text, len)) => {
                self.data = self.data.get(len..).unwrap_or_default();
                Ok(text)
            }
            Err(error) => self.fail(error.kind(), error.offset()),
        }
    }

    fn take_blob(&mut self) -> Result<&'a [u8], DecodeError> {
        let size_offset = self.data_offset();
        let size = i32::from_be_bytes(self.take4()?);
        let Ok(size) = usize::try_from(size) else {
            return self.fail(Kind::BadBlobSize, size_offset);
        };
        if size > self.max_blob_size as usize {
            return self.fail(Kind::BlobTooLarge, size_offset);
        }
        let padded = pad4(size);
        let Some((chunk, rest)) = self.data.split_at_checked(padded) else {
            return self.fail(Kind::Truncated, size_offset + 4);
        };
        let (blob, padding) = chunk.split_at(size);
        if let Err(error) = check_padding(padding, size_offset + 4 + size) {
            return self.fail(error.kind(), error.offset());
        }
        self.data = rest;
        Ok(blob)
    }

    /// Reads one non-array argument whose tag has already been consumed; `tags` is where the
    /// tag was (for errors).
    #[inline]
    fn read_scalar(&mut self, tag: u8, tags: &'a [u8]) -> Result<Arg<'a>, DecodeError> {
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
                let offset = self.data_offset();
                match char::from_u32(u32::from_be_bytes(self.take4()?)) {
                    Some(c) => Arg::Char(c),
                    None => return self.fail(Kind::InvalidChar, offset),
                }
            }
            b'r' => Arg::Color(Rgba::from_bytes(self.take4()?)),
            b'm' => Arg::Midi(MidiMessage::from_bytes(self.take4()?)),
            b'T' => Arg::True,
            b'F' => Arg::False,
            b'N' => Arg::Nil,
            b'I' => Arg::Impulse,
            b']' => return self.fail(Kind::UnbalancedArray, self.offset_of(tags)),
            _ => return self.fail(Kind::UnknownTypeTag, self.offset_of(tags)),
        })
    }

    /// Reads an array whose `[` (at the start of `open`) has been consumed: checks every
    /// item (iteratively, with a depth counter instead of recursion) and returns a view of
    /// exactly its items.
    fn read_array(&mut self, open: &'a [u8]) -> Result<Arg<'a>, DecodeError> {
        let max = self.max_array_depth as usize;
        if self.depth as usize + 1 > max {
            return self.fail(Kind::ArrayTooDeep, self.offset_of(open));
        }
        let (items_tags, items_data) = (self.tags, self.data);
        let mut level = 1usize;
        loop {
            let here = self.tags;
            let Some((&tag, rest)) = here.split_first() else {
                return self.fail(Kind::UnbalancedArray, self.offset_of(open));
            };
            self.tags = rest;
            match tag {
                b'[' => {
                    level += 1;
                    if self.depth as usize + level > max {
                        return self.fail(Kind::ArrayTooDeep, self.offset_of(here));
                    }
                }
                b']' => {
                    level -= 1;
                    if level == 0 {
                        break;
                    }
                }
                _ => {
                    self.read_scalar(tag, here)?;
                }
            }
        }
        let tags_len = items_tags.len() - self.tags.len() - 1;
        let data_len = items_data.len() - self.data.len();
        let view = ArrayView {
            tags: items_tags.get(..tags_len).unwrap_or_default(),
            data: items_data.get(..data_len).unwrap_or_default(),
        };
        Ok(Arg::Array(Array(ArrayRepr::Wire(view))))
    }
}

impl<'a> Cursor<'a> {
    /// Internal iteration: passes every remaining argument to the method of `v` for its
    /// type, in order, and stops at the first error (from the data or from `v`). Gives
    /// exactly what iterating with [`Iterator::next`] gives, but each value goes straight
    /// from the data to its method, without an `Option<Result<Arg, DecodeError>>` in
    /// between. Anything unusual (a failed check, a string that is not valid UTF-8 or not
    /// well formed, a bad array) hands the rest to the iterator, which finds the exact
    /// error.
    #[inline(always)]
    pub(super) fn visit<V: ArgVisitor<'a> + ?Sized>(&self, v: &mut V) -> Result<(), V::Error> {
        let mut tags = self.tags;
        let mut data = self.data;
        // Hands the rest, from the current argument on, to the iterator.
        macro_rules! slow {
            ($here:expr) => {
                return self.finish($here.0, $here.1, v)
            };
        }
        macro_rules! word {
            ($n:literal, $here:expr) => {
                match data.split_first_chunk::<$n>() {
                    Some((head, rest)) => {
                        data = rest;
                        *head
                    }
                    None => slow!($here),
                }
            };
        }
        loop {
            // The current tag and its data, for `slow!`.
            let here = (tags, data);
            let Some((&tag, rest)) = tags.split_first() else {
                break;
            };
            tags = rest;
            match tag {
                b'i' => v.int(i32::from_be_bytes(word!(4, here)))?,
                b'f' => v.float(f32::from_bits(u32::from_be_bytes(word!(4, here))))?,
                b's' | b'S' => {
                    let Some((text, rest)) = split_str(data, self.text) else {
                        slow!(here);
                    };
                    data = rest;
                    if tag == b's' {
                        v.string(text)?;
                    } else {
                        v.symbol(text)?;
                    }
                }
                b'b' => {
                    let size = u32::from_be_bytes(word!(4, here));
                    // Negative sizes (as an i32) are above every limit, which is < 2^31.
                    if size > self.max_blob_size || size > i32::MAX as u32 {
                        slow!(here);
                    }
                    let size = size as usize;
                    let Some((chunk, rest)) = data.split_at_checked(pad4(size)) else {
                        slow!(here);
                    };
                    let (blob, padding) = chunk.split_at(size);
                    if padding.iter().any(|&b| b != 0) {
                        slow!(here);
                    }
                    data = rest;
                    v.blob(blob)?;
                }
                b'h' => v.long(i64::from_be_bytes(word!(8, here)))?,
                b't' => v.time_tag(TimeTag::from_bits(u64::from_be_bytes(word!(8, here))))?,
                b'd' => v.double(f64::from_bits(u64::from_be_bytes(word!(8, here))))?,
                b'c' => match char::from_u32(u32::from_be_bytes(word!(4, here))) {
                    Some(c) => v.char(c)?,
                    None => slow!(here),
                },
                b'r' => v.color(Rgba::from_bytes(word!(4, here)))?,
                b'm' => v.midi(MidiMessage::from_bytes(word!(4, here)))?,
                b'T' => v.bool(true)?,
                b'F' => v.bool(false)?,
                b'N' => v.nil()?,
                b'I' => v.impulse()?,
                b'[' => {
                    let Some((array, rest_tags, rest_data)) = self.array_at(tags, data, here.0)
                    else {
                        slow!(here);
                    };
                    (tags, data) = (rest_tags, rest_data);
                    v.array(array)?;
                }
                _ => slow!(here),
            }
        }
        // (An array's data is cut to fit its items exactly, so it is never left over.)
        if !data.is_empty() {
            slow!((tags, data));
        }
        Ok(())
    }

    /// This cursor, moved to `tags` and `data` (the unread rest of its own).
    #[inline]
    fn at(&self, tags: &'a [u8], data: &'a [u8]) -> Self {
        Cursor {
            tags,
            data,
            ..*self
        }
    }

    /// [`Cursor::read_array`] from `tags` and `data` (`open` being where its `[` is): the
    /// array and the tags and data after it, or `None` on any error. Out of line, like
    /// [`Cursor::finish`].
    #[inline(never)]
    fn array_at(
        &self,
        tags: &'a [u8],
        data: &'a [u8],
        open: &'a [u8],
    ) -> Option<(Array<'a>, &'a [u8], &'a [u8])> {
        let mut cursor = self.at(tags, data);
        match cursor.read_array(open) {
            Ok(Arg::Array(array)) => Some((array, cursor.tags, cursor.data)),
            _ => None,
        }
    }

    /// The rest of [`Cursor::visit`] from `tags` and `data` on, through the iterator. Out
    /// of line, so that the fast loop does not keep the fields only this needs.
    #[cold]
    #[inline(never)]
    fn finish<V: ArgVisitor<'a> + ?Sized>(
        &self,
        tags: &'a [u8],
        data: &'a [u8],
        v: &mut V,
    ) -> Result<(), V::Error> {
        for arg in self.at(tags, data) {
            dispatch(v, arg?)?;
        }
        Ok(())
    }
}

impl<'a> Iterator for Cursor<'a> {
    type Item = Result<Arg<'a>, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let here = self.tags;
        let Some((&tag, rest)) = here.split_first() else {
            // Every data byte must belong to an argument. (An array's data is cut to fit
            // its items exactly, so it is never left over.)
            if !self.data.is_empty() {
                let offset = self.data_offset();
                return Some(self.fail(Kind::TrailingData, offset));
            }
            return None;
        };
        self.tags = rest;
        Some(if tag == b'[' {
            self.read_array(here)
        } else {
            self.read_scalar(tag, here)
        })
    }
}

/// Reads an OSC-string at the start of `data` (which starts 4-aligned): the text, then the
/// total length including its 1–4 NULs.
#[inline]
pub(super) fn read_str(data: &[u8], offset: usize) -> Result<(&str, usize), DecodeError> {
    if let Some(scan) = scan_str(data) {
        if let Some(Ok(text)) = data.get(..scan.nul).map(core::str::from_utf8) {
            return Ok((text, scan.len));
        }
    }
    read_str_exact(data, offset)
}

/// A well-formed OSC-string found by [`scan_str`].
#[derive(Clone, Copy, Debug)]
pub(super) struct StrScan {
    /// Index of the terminating NUL (= length of the text).
    pub(super) nul: usize,
    /// Length including the NULs: a multiple of 4.
    pub(super) len: usize,
    /// Whether the text is ASCII (and so valid UTF-8).
    pub(super) ascii: bool,
}

/// The fast path for OSC-strings: scans `data` a 4-byte word at a time for the first NUL
/// (an OSC-string always ends in the word holding its first NUL) and checks that the rest
/// of that word, the padding, is zero. `None` when the string is not well-formed (no NUL
/// in whole words, or nonzero padding): [`read_str_exact`] then finds the exact error.
/// Does not check UTF-8, but says whether the text is ASCII.
#[inline(always)]
pub(super) fn scan_str(data: &[u8]) -> Option<StrScan> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut rest = data;
    let mut start = 0;
    let mut high_bits = 0;
    // Two words at a time while 8 bytes remain.
    while let Some((word, tail)) = rest.split_first_chunk::<8>() {
        let word = u64::from_le_bytes(*word);
        // Exact for the lowest-addressed zero byte (borrows only run towards later bytes).
        let zeros = word.wrapping_sub(ONES) & !word & HIGH;
        if zeros != 0 {
            let k = (zeros.trailing_zeros() / 8) as usize;
            // The string ends with the 4-byte word holding its first NUL; from the NUL on,
            // that word must be zero.
            let len = (k | 3) + 1;
            let string = word & (u64::MAX >> (64 - 8 * len));
            if string >> (8 * k) != 0 {
                return None; // nonzero padding
            }
            // Padding bytes are zero, so they do not disturb the ASCII check.
            let ascii = (high_bits | string) & HIGH == 0;
            return Some(StrScan {
                nul: start + k,
                len: start + len,
                ascii,
            });
        }
        high_bits |= word;
        start += 8;
        rest = tail;
    }
    let (word, _) = rest.split_first_chunk::<4>()?;
    let word = u32::from_le_bytes(*word);
    let zeros = word.wrapping_sub(0x0101_0101) & !word & 0x8080_8080;
    if zeros == 0 {
        return None;
    }
    let k = (zeros.trailing_zeros() / 8) as usize;
    if word >> (8 * k) != 0 {
        return None; // nonzero padding
    }
    let ascii = (high_bits | u64::from(word)) & HIGH == 0;
    Some(StrScan {
        nul: start + k,
        len: start + 4,
        ascii,
    })
}

/// The fast path of an OSC-string read: the text (checked to be UTF-8, or found inside
/// `checked`, bytes of the same packet already checked) and the data after the string, or
/// `None` for anything [`read_str_exact`] has to look at.
#[inline(always)]
pub(super) fn split_str<'a>(data: &'a [u8], checked: &'a str) -> Option<(&'a str, &'a [u8])> {
    let scan = scan_str(data)?;
    let (chunk, rest) = data.split_at_checked(scan.len)?;
    let text = match slice_of(checked, chunk.get(..scan.nul)?) {
        Some(text) => text,
        None => utf8_prefix(chunk, scan.nul, scan.len)?.get(..scan.nul)?,
    };
    Some((text, rest))
}

/// The part of `checked` at the same address as `bytes`, if `checked` covers all of them
/// (then they are the same bytes, so they are valid UTF-8).
#[inline(always)]
pub(super) fn slice_of<'a>(checked: &'a str, bytes: &[u8]) -> Option<&'a str> {
    let start = bytes.as_ptr().addr().wrapping_sub(checked.as_ptr().addr());
    checked.get(start..start.checked_add(bytes.len())?)
}

/// Checks `bytes[..n]` as UTF-8 for an `n` between `min` and `max`, which the caller knows
/// to be text or zero padding (so any such `n` gives the same verdict on the first `min`
/// bytes): the `&str`, or `None` if it is not UTF-8.
///
/// `n` is chosen for speed only. `core::str::from_utf8` steps a byte at a time (about 11
/// instructions a byte) up to the first 8-aligned address, then checks ASCII 16 bytes per
/// step (about 7 instructions), then finishes the last 0–15 bytes a byte at a time (about
/// 5 each). So the cheapest `n` ends a whole number of 16-byte steps after the alignment
/// point, when that covers `min`: `/feeooblah\0\0,sif\0\0\0\0` costs 57 instructions as
/// its first 16 bytes, 115 as the 10 of the address alone.
#[inline(always)]
pub(super) fn utf8_prefix(bytes: &[u8], min: usize, max: usize) -> Option<&str> {
    core::str::from_utf8(bytes.get(..utf8_window(bytes, min, max))?).ok()
}

/// The `n` of [`utf8_prefix`].
#[inline(always)]
pub(super) fn utf8_window(bytes: &[u8], min: usize, max: usize) -> usize {
    let head = bytes.as_ptr().addr().wrapping_neg() & 7;
    let blocks = max.saturating_sub(head) & !15;
    if blocks != 0 && head + blocks >= min {
        head + blocks
    } else {
        min
    }
}

/// Reads an OSC-string a byte at a time and reports the first problem exactly.
#[cold]
#[inline(never)]
pub(super) fn read_str_exact(data: &[u8], offset: usize) -> Result<(&str, usize), DecodeError> {
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
        Err(e) => Err(DecodeError::new(
            Kind::InvalidUtf8,
            offset + e.valid_up_to(),
        )),
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
    Wire(ArrayView<'a>),
}

/// A decoded array: exactly the type tags between its brackets and the data of its items,
/// all of which [`Cursor::read_array`] has checked. Kept small (it sits inside every
/// [`Arg`]): reading the items again cannot fail, so no limits or offsets are needed.
#[derive(Clone, Copy, Debug)]
pub(super) struct ArrayView<'a> {
    tags: &'a [u8],
    data: &'a [u8],
}

impl<'a> ArrayRepr<'a> {
    pub(super) fn iter(&self) -> ReprIter<'a> {
        match *self {
            ArrayRepr::Items(items) => ReprIter::Items(items.iter()),
            ArrayRepr::Wire(view) => ReprIter::Wire(Cursor {
                tags: view.tags,
                data: view.data,
                text: "",
                // Unused: the items were checked against the real limits already, and
                // reading them again gives the same results, so no error can arise.
                origin: 0,
                max_blob_size: u32::MAX,
                max_array_depth: u8::MAX,
                depth: 0,
            }),
        }
    }
}

/// Iterator over arguments from either source.
#[derive(Clone, Debug)]
pub(super) enum ReprIter<'a> {
    Items(core::slice::Iter<'a, Arg<'a>>),
    Wire(Cursor<'a>),
}

impl<'a> Iterator for ReprIter<'a> {
    type Item = Result<Arg<'a>, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            ReprIter::Items(items) => items.next().map(|arg| Ok(*arg)),
            ReprIter::Wire(cursor) => cursor.next(),
        }
    }
}
