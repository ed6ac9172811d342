//! OSC 1.0 stream framing: each packet preceded by its length as a big-endian int32.
//!
//! OSC 1.0 ("OSC Packets", stream transports): "the stream should begin with an int32
//! giving the size of the first packet, followed by the contents of the first packet,
//! followed by the size of the second packet, etc."
use super::{advance, limited, FrameError};
use crate::osc::EncodeError;

/// Size of the length prefix.
pub const PREFIX_LEN: usize = 4;

/// Exact size of `packet` once framed by [`encode`]: the packet plus 4.
pub fn encoded_len(packet: &[u8]) -> usize {
    packet.len().saturating_add(PREFIX_LEN)
}

/// The 4-byte prefix for a packet of `packet_len` bytes, for senders that write the prefix
/// and the packet separately (vectored I/O) instead of copying the packet.
///
/// # Errors
/// [`EncodeError::TooLarge`] when `packet_len` exceeds `i32::MAX`.
pub fn prefix(packet_len: usize) -> Result<[u8; PREFIX_LEN], EncodeError> {
    let len = i32::try_from(packet_len).map_err(|_| EncodeError::TooLarge)?;
    Ok(len.to_be_bytes())
}

/// Writes the length prefix and `packet` into the front of `out` and returns the number of
/// bytes written.
///
/// # Errors
/// [`EncodeError::TooLarge`] when the packet is longer than `i32::MAX` bytes;
/// [`EncodeError::BufferTooSmall`] with the exact size when `out` is shorter than
/// [`encoded_len`]. `out` is left untouched on error.
pub fn encode(packet: &[u8], out: &mut [u8]) -> Result<usize, EncodeError> {
    let prefix = prefix(packet.len())?;
    let needed = encoded_len(packet);
    let Some(out) = out.get_mut(..needed) else {
        return Err(EncodeError::BufferTooSmall { needed });
    };
    let (head, body) = out.split_at_mut(PREFIX_LEN.min(needed));
    head.copy_from_slice(&prefix);
    body.copy_from_slice(packet);
    Ok(needed)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Reading the prefix; `have` of its bytes are in `bytes`.
    Prefix { have: u8, bytes: [u8; PREFIX_LEN] },
    /// Storing a frame of `declared` bytes; `have` are stored.
    Body { declared: usize, have: usize },
    /// Skipping `remaining` bytes of a frame over the limit.
    Skip { remaining: u32 },
    /// After a negative prefix: dropping everything until reset.
    Failed,
}

const START: Phase = Phase::Prefix {
    have: 0,
    bytes: [0; PREFIX_LEN],
};

/// The decoding state without the buffer, shared with [`AutoDecoder`](super::AutoDecoder).
#[derive(Clone, Copy, Debug)]
pub(super) struct LengthPrefixState {
    phase: Phase,
}

impl LengthPrefixState {
    pub(super) const fn new() -> Self {
        Self { phase: START }
    }

    pub(super) fn is_failed(&self) -> bool {
        self.phase == Phase::Failed
    }

    /// Consumes `input` until a frame completes (its length in `buf`), an error, or the end
    /// of `input` (`None`). `buf` is the whole frame capacity.
    pub(super) fn feed(
        &mut self,
        buf: &mut [u8],
        input: &mut &[u8],
    ) -> Option<Result<usize, FrameError>> {
        loop {
            match self.phase {
                Phase::Prefix {
                    mut have,
                    mut bytes,
                } => {
                    while let Some(slot) = bytes.get_mut(usize::from(have)) {
                        let Some((&byte, rest)) = input.split_first() else {
                            self.phase = Phase::Prefix { have, bytes };
                            return None;
                        };
                        *input = rest;
                        *slot = byte;
                        have += 1;
                    }
                    let declared = i32::from_be_bytes(bytes);
                    let Ok(declared_u32) = u32::try_from(declared) else {
                        self.phase = Phase::Failed;
                        return Some(Err(FrameError::NegativeLength { declared }));
                    };
                    match usize::try_from(declared_u32) {
                        Ok(0) => {
                            self.phase = START;
                            return Some(Ok(0));
                        }
                        Ok(len) if len <= buf.len() => {
                            self.phase = Phase::Body {
                                declared: len,
                                have: 0,
                            };
                        }
                        _ => {
                            self.phase = Phase::Skip {
                                remaining: declared_u32,
                            };
                            return Some(Err(FrameError::LengthTooLarge {
                                declared: declared_u32,
                                limit: buf.len(),
                            }));
                        }
                    }
                }
                Phase::Body { declared, have } => {
                    let n = declared.saturating_sub(have).min(input.len());
                    let end = have.saturating_add(n);
                    if let (Some(dst), Some(src)) = (buf.get_mut(have..end), input.get(..n)) {
                        dst.copy_from_slice(src);
                    }
                    advance(input, n);
                    if end < declared {
                        self.phase = Phase::Body {
                            declared,
                            have: end,
                        };
                        return None;
                    }
                    self.phase = START;
                    return Some(Ok(declared));
                }
                Phase::Skip { remaining } => {
                    let n = usize::try_from(remaining)
                        .unwrap_or(usize::MAX)
                        .min(input.len());
                    advance(input, n);
                    // `n` is at most `remaining`, so it fits in a u32.
                    let left = remaining.saturating_sub(u32::try_from(n).unwrap_or(u32::MAX));
                    if left > 0 {
                        self.phase = Phase::Skip { remaining: left };
                        return None;
                    }
                    self.phase = START;
                }
                Phase::Failed => {
                    *input = &[];
                    return None;
                }
            }
        }
    }

    /// Ends the stream: reports a frame or prefix left incomplete, then starts afresh.
    pub(super) fn finish(&mut self) -> Result<(), FrameError> {
        let phase = core::mem::replace(&mut self.phase, START);
        match phase {
            Phase::Prefix { have: 0, .. } => Ok(()),
            Phase::Prefix { have, .. } => Err(FrameError::TruncatedPrefix { received: have }),
            Phase::Body { declared, have } => Err(FrameError::TruncatedFrame {
                received: have,
                expected: Some(declared),
            }),
            // Already reported when the prefix was read.
            Phase::Skip { .. } | Phase::Failed => Ok(()),
        }
    }
}

/// Incremental OSC 1.0 length-prefix decoder with a bounded, caller-provided frame buffer.
///
/// Behaviour on unusual input, each error reported once as an event:
/// - Length 0: delivered as an empty frame (`Some(Ok(&[]))`), unlike SLIP's empty frames:
///   here the peer declared a packet, and [`Packet::decode`](crate::osc::Packet::decode)
///   reports it as `empty-packet` rather than the stream layer hiding it.
/// - Length over [`frame_capacity`](Self::frame_capacity):
///   [`FrameError::LengthTooLarge`] as soon as the prefix is read; the declared bytes are
///   then skipped without being stored, and decoding resumes at the next prefix.
/// - Negative length: [`FrameError::NegativeLength`]. A corrupt prefix means every later
///   boundary is a guess, and guessing could deliver attacker-shaped frames, so the decoder
///   drops all further input without events until [`reset`](Self::reset) or
///   [`finish`](Self::finish); [`is_failed`](Self::is_failed) tells. The caller should
///   close the connection.
///
/// ```
/// use mox_codec::osc::stream::{FrameError, LengthPrefixDecoder};
///
/// let mut decoder = LengthPrefixDecoder::new([0u8; 8]);
/// let mut input: &[u8] = b"\0\0\0\x04/a\0\0\0\0\0\x10................\0\0\0\x04/b\0\0";
/// assert_eq!(decoder.feed(&mut input), Some(Ok(&b"/a\0\0"[..])));
/// assert_eq!(
///     decoder.feed(&mut input),
///     Some(Err(FrameError::LengthTooLarge { declared: 16, limit: 8 }))
/// );
/// assert_eq!(decoder.feed(&mut input), Some(Ok(&b"/b\0\0"[..])));
/// assert_eq!(decoder.feed(&mut input), None);
/// ```
#[derive(Clone, Debug)]
pub struct LengthPrefixDecoder<B> {
    buf: B,
    max_frame: usize,
    state: LengthPrefixState,
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> LengthPrefixDecoder<B> {
    /// A decoder whose frame capacity is the whole of `buf` (for a `Vec`, its length, not
    /// its capacity: pass `vec![0; n]`).
    pub const fn new(buf: B) -> Self {
        Self::with_max_frame(buf, usize::MAX)
    }

    /// A decoder that accepts frames up to `max_frame` bytes, or the length of `buf` if that
    /// is smaller (for instance a size limit negotiated with the peer).
    pub const fn with_max_frame(buf: B, max_frame: usize) -> Self {
        Self {
            buf,
            max_frame,
            state: LengthPrefixState::new(),
        }
    }

    /// The largest frame accepted, in bytes (not counting the prefix).
    pub fn frame_capacity(&self) -> usize {
        self.buf.as_ref().len().min(self.max_frame)
    }

    /// Consumes bytes from the front of `input` until a frame completes (returned, borrowed
    /// from the decoder's buffer until the next call), an error is found, or `input` is used
    /// up (`None`; the partial frame is kept for the next chunk). Call it in a loop until it
    /// returns `None`.
    #[must_use = "a returned frame or error is consumed from the input and not reported again"]
    pub fn feed<'s>(&'s mut self, input: &mut &[u8]) -> Option<Result<&'s [u8], FrameError>> {
        let limit = self.frame_capacity();
        let event = self.state.feed(limited(self.buf.as_mut(), limit), input)?;
        Some(event.map(|len| self.buf.as_ref().get(..len).unwrap_or_default()))
    }

    /// Signals the end of the stream. Reports [`FrameError::TruncatedPrefix`] or
    /// [`FrameError::TruncatedFrame`] if the stream stopped inside a prefix or a frame; a
    /// frame already reported (too large, or the stream failed) is not reported again. The
    /// decoder is then ready for a new stream.
    pub fn finish(&mut self) -> Result<(), FrameError> {
        self.state.finish()
    }

    /// Whether a negative length prefix stopped decoding; see the type's documentation.
    pub fn is_failed(&self) -> bool {
        self.state.is_failed()
    }

    /// Forgets any partial frame and a failure, and starts afresh, as for a new connection.
    pub fn reset(&mut self) {
        self.state = LengthPrefixState::new();
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> B {
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osc::stream::tests::{collect, collect_split, Event, FOO_I1};
    use std::vec::Vec;

    fn framed(packets: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for packet in packets {
            let mut buf = vec![0; encoded_len(packet)];
            let n = encode(packet, &mut buf).unwrap();
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    #[test]
    fn encodes_prefix_then_packet() {
        let mut out = [0xa5; 24];
        assert_eq!(encode(FOO_I1, &mut out), Ok(20));
        assert_eq!(out[..4], [0, 0, 0, 16]);
        assert_eq!(&out[4..20], FOO_I1);
        assert_eq!(out[20], 0xa5);
        assert_eq!(prefix(0x0102_0304), Ok([1, 2, 3, 4]));
        assert_eq!(prefix(i32::MAX as usize + 1), Err(EncodeError::TooLarge));
    }

    #[test]
    fn encode_reports_exact_size_and_leaves_buffer_alone() {
        let mut out = [0xa5; 19];
        assert_eq!(
            encode(FOO_I1, &mut out),
            Err(EncodeError::BufferTooSmall { needed: 20 })
        );
        assert_eq!(out, [0xa5; 19]);
    }

    #[test]
    fn every_split_gives_the_same_events() {
        let stream = framed(&[FOO_I1, b"/z\0\0", &[0xc0; 12]]);
        let expected = vec![
            Event::Frame(FOO_I1.to_vec()),
            Event::Frame(b"/z\0\0".to_vec()),
            Event::Frame(vec![0xc0; 12]),
        ];
        collect_split(|| LengthPrefixDecoder::new([0u8; 16]), &stream, &expected);
    }

    #[test]
    fn zero_length_is_an_empty_frame() {
        let stream = framed(&[b"", b"/z\0\0", b""]);
        let expected = vec![
            Event::Frame(vec![]),
            Event::Frame(b"/z\0\0".to_vec()),
            Event::Frame(vec![]),
        ];
        collect_split(|| LengthPrefixDecoder::new([0u8; 4]), &stream, &expected);
        // Even with no room at all.
        collect_split(
            || LengthPrefixDecoder::new([0u8; 0]),
            &framed(&[b""]),
            &[Event::Frame(vec![])],
        );
    }

    #[test]
    fn too_large_is_skipped_without_storing() {
        let stream = framed(&[&[1; 4], &[2; 5], &[3; 4]]);
        let expected = vec![
            Event::Frame(vec![1; 4]),
            Event::Error(FrameError::LengthTooLarge {
                declared: 5,
                limit: 4,
            }),
            Event::Frame(vec![3; 4]),
        ];
        collect_split(|| LengthPrefixDecoder::new([0u8; 4]), &stream, &expected);
        collect_split(
            || LengthPrefixDecoder::with_max_frame([0u8; 64], 4),
            &stream,
            &expected,
        );
    }

    #[test]
    fn huge_declared_length_is_skipped_in_bounded_memory() {
        let mut decoder = LengthPrefixDecoder::new([0u8; 8]);
        let mut input: &[u8] = &[0x7f, 0xff, 0xff, 0xff, 1, 2, 3];
        assert_eq!(
            decoder.feed(&mut input),
            Some(Err(FrameError::LengthTooLarge {
                declared: 0x7fff_ffff,
                limit: 8
            }))
        );
        assert_eq!(decoder.feed(&mut input), None);
        for _ in 0..100 {
            let mut chunk: &[u8] = &[0; 1000];
            assert_eq!(decoder.feed(&mut chunk), None);
            assert!(chunk.is_empty());
        }
        // Stream ends while skipping: already reported, so nothing more.
        assert_eq!(decoder.finish(), Ok(()));
    }

    #[test]
    fn negative_length_fails_the_stream_until_reset() {
        let mut stream = framed(&[FOO_I1]);
        stream.extend_from_slice(&[0xff, 0xff, 0xff, 0xfc]);
        stream.extend_from_slice(&framed(&[FOO_I1]));
        let expected = vec![
            Event::Frame(FOO_I1.to_vec()),
            Event::Error(FrameError::NegativeLength { declared: -4 }),
        ];
        collect_split(|| LengthPrefixDecoder::new([0u8; 16]), &stream, &expected);

        let mut decoder = LengthPrefixDecoder::new([0u8; 16]);
        assert_eq!(collect(&mut decoder, &stream), expected);
        assert!(decoder.is_failed());
        let good = framed(&[FOO_I1]);
        let mut input = &good[..];
        assert_eq!(decoder.feed(&mut input), None);
        assert!(input.is_empty());
        decoder.reset();
        assert!(!decoder.is_failed());
        let mut input = &good[..];
        assert_eq!(decoder.feed(&mut input), Some(Ok(FOO_I1)));
    }

    #[test]
    fn finish_reports_truncation() {
        let mut decoder = LengthPrefixDecoder::new([0u8; 16]);
        let mut input: &[u8] = &[0, 0];
        assert_eq!(decoder.feed(&mut input), None);
        assert_eq!(
            decoder.finish(),
            Err(FrameError::TruncatedPrefix { received: 2 })
        );
        assert_eq!(decoder.finish(), Ok(()));
        let mut input: &[u8] = &[0, 0, 0, 16, b'/', b'f'];
        assert_eq!(decoder.feed(&mut input), None);
        assert_eq!(
            decoder.finish(),
            Err(FrameError::TruncatedFrame {
                received: 2,
                expected: Some(16)
            })
        );
        // A failed stream ends quietly and the next one starts clean.
        let mut input: &[u8] = &[0x80, 0, 0, 0, 1];
        assert_eq!(
            decoder.feed(&mut input),
            Some(Err(FrameError::NegativeLength { declared: i32::MIN }))
        );
        assert_eq!(decoder.finish(), Ok(()));
        assert!(!decoder.is_failed());
    }
}
