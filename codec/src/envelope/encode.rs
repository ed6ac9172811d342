//! Writing bodies: a header, fields in the given order, and the CRC when `K=1`.
use super::body::first_8bit;
use super::fields::field_len;
use super::header::Cursor;
use super::{crc, varint, EncodeError, Field, FieldId, Header};

/// Something [`encode_body`] can write as a field: a decoded [`Field`] or an
/// `(id, value)` pair, by value or by reference.
pub trait AsField<'f> {
    /// The id and the value bytes.
    fn as_field(&self) -> (FieldId, &'f [u8]);
}

impl<'f> AsField<'f> for Field<'f> {
    fn as_field(&self) -> (FieldId, &'f [u8]) {
        (self.id(), self.value())
    }
}

impl<'f> AsField<'f> for (FieldId, &'f [u8]) {
    fn as_field(&self) -> (FieldId, &'f [u8]) {
        *self
    }
}

impl<'f, T: AsField<'f>> AsField<'f> for &T {
    fn as_field(&self) -> (FieldId, &'f [u8]) {
        (**self).as_field()
    }
}

/// Exact size of the body [`encode_body`] writes, after the same checks.
///
/// # Errors
/// As [`encode_body`], except [`EncodeError::BufferTooSmall`].
pub fn body_len<'f, I, T>(header: &Header, fields: I) -> Result<usize, EncodeError>
where
    I: IntoIterator<Item = T>,
    T: AsField<'f>,
{
    header.check_encodable()?;
    if header.chunked {
        return Err(EncodeError::ChunkFlagMismatch);
    }
    let mut len = header.encoded_len();
    for field in fields {
        let (id, value) = field.as_field();
        if value.len() > varint::MAX as usize {
            return Err(EncodeError::OutOfRange);
        }
        let start = len + id.encoded_len() + varint::encoded_len(value.len() as u32);
        if let Some(at) = first_8bit(value) {
            return Err(EncodeError::NotSevenBit { offset: start + at });
        }
        len += field_len(id, value.len());
    }
    Ok(len + if header.check { 2 } else { 0 })
}

/// Writes a body (`H=0`): `header`, then each `(id, value)` of `fields` as a TLV in the
/// given order, then the CRC-14/DARC when `header.check` is set. Returns the bytes written.
///
/// `fields` takes anything that yields `(FieldId, &[u8])` or a decoded [`Field`], so
/// re-encoding a decoded body is `encode_body(body.header(), body.fields(), out)`, and
/// gives back the same bytes, unknown fields included: varints are minimal and the CRC is a
/// function of the rest. `fields` is iterated twice (size, then write), so nothing is
/// written when an error is returned.
///
/// # Errors
/// [`InvalidOwner`](EncodeError::InvalidOwner) or [`OutOfRange`](EncodeError::OutOfRange)
/// for a header value that does not fit; [`ChunkFlagMismatch`](EncodeError::ChunkFlagMismatch)
/// when `header.chunked` is set (use [`encode_chunk_body`]);
/// [`OutOfRange`](EncodeError::OutOfRange) for a value longer than 262 143 bytes;
/// [`NotSevenBit`](EncodeError::NotSevenBit) with the offset in the body where the byte
/// would go; [`BufferTooSmall`](EncodeError::BufferTooSmall).
pub fn encode_body<'f, I, T>(
    header: &Header,
    fields: I,
    out: &mut [u8],
) -> Result<usize, EncodeError>
where
    I: IntoIterator<Item = T>,
    I::IntoIter: Clone,
    T: AsField<'f>,
{
    let fields = fields.into_iter();
    let needed = body_len(header, fields.clone())?;
    let Some(out) = out.get_mut(..needed) else {
        return Err(EncodeError::BufferTooSmall { needed });
    };
    let at = header.write(out);
    let mut cursor = Cursor { out, at };
    for field in fields {
        let (id, value) = field.as_field();
        put_varint(&mut cursor, id.value());
        put_varint(&mut cursor, value.len() as u32);
        cursor.put(value);
    }
    finish(cursor, header.check);
    Ok(needed)
}

/// Exact size of the body [`encode_chunk_body`] writes, after the same checks.
///
/// # Errors
/// As [`encode_chunk_body`], except [`EncodeError::BufferTooSmall`].
pub fn chunk_body_len(header: &Header, chunk: &[u8]) -> Result<usize, EncodeError> {
    header.check_encodable()?;
    if !header.chunked {
        return Err(EncodeError::ChunkFlagMismatch);
    }
    let start = header.encoded_len();
    if let Some(at) = first_8bit(chunk) {
        return Err(EncodeError::NotSevenBit { offset: start + at });
    }
    Ok(start + chunk.len() + if header.check { 2 } else { 0 })
}

/// Writes a chunk body (`H=1`): `header`, the chunk (a chapter 11 chunk header and payload,
/// as [`Chunk::encode`](crate::sysex::chunk::Chunk::encode) writes it), then the CRC when
/// `header.check` is set. Each chunk of a transfer repeats the message's header
/// (design §3.5).
///
/// # Errors
/// As [`encode_body`]; [`ChunkFlagMismatch`](EncodeError::ChunkFlagMismatch) when
/// `header.chunked` is clear.
pub fn encode_chunk_body(
    header: &Header,
    chunk: &[u8],
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    let needed = chunk_body_len(header, chunk)?;
    let Some(out) = out.get_mut(..needed) else {
        return Err(EncodeError::BufferTooSmall { needed });
    };
    let at = header.write(out);
    let mut cursor = Cursor { out, at };
    cursor.put(chunk);
    finish(cursor, header.check);
    Ok(needed)
}

/// The bytes a chunk body adds around its chunk: what
/// [`Splitter::new`](crate::sysex::chunk::Splitter::new) takes as `overhead` together with
/// the binding's framing (design §3.5).
pub const fn chunk_overhead(header: &Header) -> usize {
    header.encoded_len() + if header.check { 2 } else { 0 }
}

fn put_varint(cursor: &mut Cursor<'_>, value: u32) {
    if let Some((bytes, len)) = varint::to_bytes(value) {
        cursor.put(bytes.get(..len).unwrap_or_default());
    }
}

/// Appends the CRC over everything written so far, when `check` is set.
fn finish(mut cursor: Cursor<'_>, check: bool) {
    if check {
        let covered = cursor.out.get(..cursor.at).unwrap_or_default();
        let crc = crc::to_bytes(crc::crc14(covered));
        cursor.put(&crc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::{ExtensionId, Owner};

    fn header() -> Header {
        Header::new(ExtensionId::new(Owner::MOX, 1), 1, 0, 0x01)
    }

    fn id(value: u32) -> FieldId {
        FieldId::from_value(value).unwrap()
    }

    #[test]
    fn refuses_without_writing() {
        let mut out = [0xA5u8; 16];
        let fields = [(id(0x00), &[0x01, 0x80][..])];
        // The byte would sit after the 6-byte header, the id and the length.
        assert_eq!(
            encode_body(&header(), &fields, &mut out),
            Err(EncodeError::NotSevenBit { offset: 6 + 2 + 1 })
        );
        let mut chunked = header();
        chunked.chunked = true;
        assert_eq!(
            encode_body(&chunked, &[] as &[(FieldId, &[u8])], &mut out),
            Err(EncodeError::ChunkFlagMismatch)
        );
        assert_eq!(
            encode_chunk_body(&header(), &[], &mut out),
            Err(EncodeError::ChunkFlagMismatch)
        );
        assert_eq!(
            encode_chunk_body(&chunked, &[0x90], &mut out),
            Err(EncodeError::NotSevenBit { offset: 6 })
        );
        let huge = vec![0u8; varint::MAX as usize + 1];
        assert_eq!(
            body_len(&header(), [(id(0), &huge[..])]),
            Err(EncodeError::OutOfRange)
        );
        let fields = [(id(0x00), &[0x01; 9][..])];
        assert_eq!(
            encode_body(&header(), &fields, &mut out),
            Err(EncodeError::BufferTooSmall { needed: 17 })
        );
        assert_eq!(out, [0xA5; 16]);
    }

    #[test]
    fn chunk_bodies_and_overhead() {
        let mut chunked = header();
        chunked.chunked = true;
        chunked.check = true;
        assert_eq!(chunk_overhead(&chunked), 6 + 2);
        let mut out = [0u8; 16];
        let n = encode_chunk_body(
            &chunked,
            &[0x05, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00],
            &mut out,
        )
        .unwrap();
        assert_eq!(n, 6 + 7 + 2);
        assert_eq!(out[0], 0x05);
        assert_eq!(
            crc::crc14(&out[..n - 2]),
            crc::from_bytes([out[n - 2], out[n - 1]])
        );
    }
}
