//! The field section: TLV fields `id (varint) | length (varint) | value` (design §3.3).
use super::varint::{self, VarintFault};
use super::{DecodeError, DecodeErrorKind, FieldId};

/// Default of [`Limits::max_fields`]: 64 fields per field list (design §3.3).
pub const DEFAULT_MAX_FIELDS: u16 = 64;
/// Default of [`Limits::max_depth`]: records nest at most 4 deep (design §3.3).
pub const DEFAULT_MAX_DEPTH: u8 = 4;

/// Limits that bound the work a field section can cause.
///
/// `max_fields` applies to each field list separately: the message's own fields, and the
/// fields inside each `record` value. A receiver that keeps one list in a fixed array of 64
/// entries is safe, and the work stays linear in the bytes (every field takes at least 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Limits {
    /// Most fields in one field list. Default [`DEFAULT_MAX_FIELDS`].
    pub max_fields: u16,
    /// Deepest record nesting: a record among the message's fields is depth 1. Default
    /// [`DEFAULT_MAX_DEPTH`]; `0` refuses every record value.
    pub max_depth: u8,
}

impl Limits {
    /// The documented defaults (64 fields, depth 4).
    pub const DEFAULT: Limits = Limits {
        max_fields: DEFAULT_MAX_FIELDS,
        max_depth: DEFAULT_MAX_DEPTH,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// One field, borrowed from the body: its id, its value bytes and the whole TLV as received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Field<'a> {
    id: FieldId,
    value: &'a [u8],
    raw: &'a [u8],
    offset: usize,
}

impl<'a> Field<'a> {
    /// The id, flags included.
    pub const fn id(&self) -> FieldId {
        self.id
    }

    /// The value bytes (7-bit; for `utf8`, `bytes` and `f32` still Mcoded7-packed).
    pub const fn value(&self) -> &'a [u8] {
        self.value
    }

    /// The whole TLV as received: id, length and value. A pass-through writes exactly
    /// these bytes.
    pub const fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Offset of the field's first byte in the body it was decoded from.
    pub const fn offset(&self) -> usize {
        self.offset
    }
}

/// Reads one TLV at the start of `bytes` (which sit at `base` in the body): the field and its
/// length. Errors carry body offsets.
pub(crate) fn read_field(bytes: &[u8], base: usize) -> Result<(Field<'_>, usize), DecodeError> {
    let overrun = DecodeError::new(DecodeErrorKind::FieldOverrun, base);
    let varint_at = |at: usize| match varint::read(bytes.get(at..).unwrap_or_default()) {
        Ok(ok) => Ok(ok),
        Err(VarintFault::Truncated) => Err(overrun),
        Err(VarintFault::Bad(error)) => Err(error.shifted(base + at)),
    };
    let (id, id_len) = varint_at(0)?;
    let (len, len_len) = varint_at(id_len)?;
    let start = id_len + len_len;
    let end = start.saturating_add(len as usize);
    let (Some(value), Some(raw)) = (bytes.get(start..end), bytes.get(..end)) else {
        return Err(overrun);
    };
    if let Some(at) = value.iter().position(|&b| b & 0x80 != 0) {
        return Err(DecodeError::new(
            DecodeErrorKind::NotSevenBit,
            base + start + at,
        ));
    }
    // `varint::read` never yields more than 18 bits, so the id is always in range.
    let id = FieldId::from_value(id).ok_or(overrun)?;
    Ok((
        Field {
            id,
            value,
            raw,
            offset: base,
        },
        end,
    ))
}

/// A validated field list: every TLV is complete, minimal and 7-bit, and there are at most
/// `max_fields` of them. Iterating it cannot fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldSection<'a> {
    bytes: &'a [u8],
    base: usize,
    count: u16,
}

impl FieldSection<'static> {
    /// A section with no fields.
    pub const EMPTY: Self = Self {
        bytes: &[],
        base: 0,
        count: 0,
    };
}

impl<'a> FieldSection<'a> {
    /// Validates `bytes` as a field list (the whole of them: they must end exactly at the
    /// last field's last byte) under `limits.max_fields`.
    ///
    /// # Errors
    /// [`FieldOverrun`](DecodeErrorKind::FieldOverrun) (at the start of the field that runs
    /// past the end), [`VarintOverlong`](DecodeErrorKind::VarintOverlong),
    /// [`VarintTooLong`](DecodeErrorKind::VarintTooLong),
    /// [`NotSevenBit`](DecodeErrorKind::NotSevenBit), and
    /// [`TooManyFields`](DecodeErrorKind::TooManyFields) at the first field over the limit.
    pub fn parse(bytes: &'a [u8], limits: &Limits) -> Result<Self, DecodeError> {
        Self::parse_at(bytes, 0, limits)
    }

    /// [`parse`](Self::parse) for a section that sits at `base` in its body, so that
    /// offsets (of errors and of [`Field::offset`]) are body offsets.
    pub fn parse_at(bytes: &'a [u8], base: usize, limits: &Limits) -> Result<Self, DecodeError> {
        let mut at = 0usize;
        let mut count = 0u16;
        while at < bytes.len() {
            if count >= limits.max_fields {
                return Err(DecodeError::new(DecodeErrorKind::TooManyFields, base + at));
            }
            let (_, len) = read_field(bytes.get(at..).unwrap_or_default(), base + at)?;
            at += len;
            count += 1;
        }
        Ok(Self { bytes, base, count })
    }

    /// The fields in wire order.
    pub fn iter(&self) -> Fields<'a> {
        Fields {
            rest: self.bytes,
            offset: self.base,
        }
    }

    /// Number of fields.
    pub const fn len(&self) -> usize {
        self.count as usize
    }

    /// Whether there are no fields.
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The section's bytes, exactly as received.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Offset of the section in its body.
    pub const fn offset(&self) -> usize {
        self.base
    }
}

impl<'a> IntoIterator for &FieldSection<'a> {
    type Item = Field<'a>;
    type IntoIter = Fields<'a>;

    fn into_iter(self) -> Fields<'a> {
        self.iter()
    }
}

/// The fields of a [`FieldSection`], in wire order.
#[derive(Clone, Debug)]
pub struct Fields<'a> {
    rest: &'a [u8],
    offset: usize,
}

impl<'a> Iterator for Fields<'a> {
    type Item = Field<'a>;

    fn next(&mut self) -> Option<Field<'a>> {
        // The section was validated, so this only fails for bytes that never came from
        // `FieldSection::parse`; ending the iteration then is the safe answer.
        let (field, len) = read_field(self.rest, self.offset).ok()?;
        self.rest = self.rest.get(len..).unwrap_or_default();
        self.offset += len;
        Some(field)
    }
}

impl core::iter::FusedIterator for Fields<'_> {}

/// Bytes one field takes on the wire: id, length and value.
pub const fn field_len(id: FieldId, value_len: usize) -> usize {
    id.encoded_len() + varint::encoded_len(value_len as u32) + value_len
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecodeErrorKind::*;

    #[test]
    fn worked_example_fields() {
        let bytes = [
            0x00, 0x01, 0x03, 0x08, 0x02, 0x00, 0x40, 0x10, 0x03, 0x7F, 0x20, 0x00,
        ];
        let section = FieldSection::parse_at(&bytes, 6, &Limits::DEFAULT).unwrap();
        assert_eq!(section.len(), 3);
        let fields: Vec<_> = section.iter().collect();
        assert_eq!(fields[0].id().value(), 0x00);
        assert_eq!(fields[0].value(), &[0x03]);
        assert_eq!(fields[1].value(), &[0x00, 0x40]);
        assert_eq!(fields[2].raw(), &[0x10, 0x03, 0x7F, 0x20, 0x00]);
        assert_eq!(fields[2].offset(), 6 + 7);
    }

    #[test]
    fn section_errors() {
        let err = |bytes: &[u8], max: u16| {
            let limits = Limits {
                max_fields: max,
                max_depth: 4,
            };
            FieldSection::parse_at(bytes, 10, &limits)
                .map(|s| s.len())
                .map_err(|e| (e.kind(), e.offset()))
        };
        assert_eq!(err(&[], 0), Ok(0));
        assert_eq!(err(&[0x00, 0x00], 1), Ok(1));
        assert_eq!(err(&[0x00, 0x00, 0x08, 0x00], 1), Err((TooManyFields, 12)));
        assert_eq!(err(&[0x00], 64), Err((FieldOverrun, 10)));
        assert_eq!(err(&[0x00, 0x02, 0x01], 64), Err((FieldOverrun, 10)));
        assert_eq!(err(&[0x00, 0x00, 0x08, 0x40], 64), Err((FieldOverrun, 12)));
        assert_eq!(err(&[0x40, 0x00, 0x00], 64), Err((VarintOverlong, 11)));
        assert_eq!(err(&[0x00, 0x40, 0x40, 0x40], 64), Err((VarintTooLong, 13)));
        assert_eq!(err(&[0x00, 0x01, 0x80], 64), Err((NotSevenBit, 12)));
    }
}
