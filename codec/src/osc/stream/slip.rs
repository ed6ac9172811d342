//! SLIP framing (RFC 1055) with OSC 1.1's double END.
//!
//! OSC 1.1 puts an `END` before *and* after each packet so that a receiver that joined
//! mid-stream, or saw line noise, loses at most the packet in progress: the leading `END`
//! closes whatever garbage came before. The decoder treats the empty frames this produces
//! (`END END`) as nothing, which is also why it accepts single-END streams.
use super::{advance, limited, FrameError};
use crate::osc::EncodeError;

/// Frame delimiter.
pub const END: u8 = 0xC0;
/// Escape: the next byte stands for `END` or `ESC`.
pub const ESC: u8 = 0xDB;
/// After `ESC`: a data byte `0xC0`.
pub const ESC_END: u8 = 0xDC;
/// After `ESC`: a data byte `0xDB`.
pub const ESC_ESC: u8 = 0xDD;

/// Exact size of `packet` once SLIP-encoded by [`encode`]: the packet, one extra byte per
/// `0xC0` or `0xDB` in it, and the two `END`s.
pub fn encoded_len(packet: &[u8]) -> usize {
    let escapes = packet.iter().filter(|&&b| b == END || b == ESC).count();
    // Saturating: a slice near `isize::MAX` bytes would overflow, and no buffer that large
    // exists, so `encode` then reports it as too small.
    packet.len().saturating_add(escapes).saturating_add(2)
}

/// Writes `packet` SLIP-encoded with a double END (`END`, escaped packet, `END`) into the
/// front of `out` and returns the number of bytes written.
///
/// An empty packet encodes as `END END`, which a receiver ignores.
///
/// # Errors
/// [`EncodeError::BufferTooSmall`] with the exact size when `out` is shorter than
/// [`encoded_len`]; `out` is then left untouched.
pub fn encode(packet: &[u8], out: &mut [u8]) -> Result<usize, EncodeError> {
    let needed = encoded_len(packet);
    let Some(out) = out.get_mut(..needed) else {
        return Err(EncodeError::BufferTooSmall { needed });
    };
    // `out` is exactly `needed` long, so the writer never runs dry; walking an iterator keeps
    // the loop free of index checks that could panic.
    let mut slots = out.iter_mut();
    let mut put = |byte: u8| {
        if let Some(slot) = slots.next() {
            *slot = byte;
        }
    };
    put(END);
    for &byte in packet {
        match byte {
            END => {
                put(ESC);
                put(ESC_END);
            }
            ESC => {
                put(ESC);
                put(ESC_ESC);
            }
            other => put(other),
        }
    }
    put(END);
    Ok(needed)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Storing frame bytes.
    Data,
    /// The previous byte was `ESC`.
    Escaped,
    /// Dropping a bad or oversized frame up to the next `END`.
    Discard,
}

/// The decoding state without the buffer, shared with [`AutoDecoder`](super::AutoDecoder).
#[derive(Clone, Copy, Debug)]
pub(super) struct SlipState {
    /// Bytes of the current frame stored so far.
    len: usize,
    mode: Mode,
}

impl SlipState {
    pub(super) const fn new() -> Self {
        Self {
            len: 0,
            mode: Mode::Data,
        }
    }

    /// Consumes `input` until a frame completes (its length in `buf`), an error, or the end
    /// of `input` (`None`). `buf` is the whole frame capacity.
    pub(super) fn feed(
        &mut self,
        buf: &mut [u8],
        input: &mut &[u8],
    ) -> Option<Result<usize, FrameError>> {
        loop {
            match self.mode {
                Mode::Data => {
                    // Copy the run of plain bytes in one go: TCP reads are mostly payload.
                    let run = input
                        .iter()
                        .position(|&b| b == END || b == ESC)
                        .unwrap_or(input.len());
                    if run > 0 {
                        let end = self.len.saturating_add(run);
                        let (Some(dst), Some(src)) = (buf.get_mut(self.len..end), input.get(..run))
                        else {
                            // The run does not fit; none of this frame will be stored.
                            advance(input, run);
                            return Some(Err(self.overflow(buf.len())));
                        };
                        dst.copy_from_slice(src);
                        self.len = end;
                        advance(input, run);
                    }
                    let (&byte, rest) = input.split_first()?;
                    *input = rest;
                    if byte == ESC {
                        self.mode = Mode::Escaped;
                    } else if self.len > 0 {
                        let len = self.len;
                        self.len = 0;
                        return Some(Ok(len));
                    }
                    // Otherwise an empty frame: the second END of `END END`, or a leading one.
                }
                Mode::Escaped => {
                    let (&byte, rest) = input.split_first()?;
                    *input = rest;
                    let decoded = match byte {
                        ESC_END => END,
                        ESC_ESC => ESC,
                        END => {
                            // The END still delimits, so the next frame starts clean.
                            self.len = 0;
                            self.mode = Mode::Data;
                            return Some(Err(FrameError::BadEscape { byte }));
                        }
                        _ => {
                            self.len = 0;
                            self.mode = Mode::Discard;
                            return Some(Err(FrameError::BadEscape { byte }));
                        }
                    };
                    let Some(slot) = buf.get_mut(self.len) else {
                        return Some(Err(self.overflow(buf.len())));
                    };
                    *slot = decoded;
                    self.len += 1;
                    self.mode = Mode::Data;
                }
                Mode::Discard => match input.iter().position(|&b| b == END) {
                    Some(at) => {
                        advance(input, at + 1);
                        self.mode = Mode::Data;
                    }
                    None => {
                        *input = &[];
                        return None;
                    }
                },
            }
        }
    }

    fn overflow(&mut self, limit: usize) -> FrameError {
        self.len = 0;
        self.mode = Mode::Discard;
        FrameError::FrameTooLarge { limit }
    }

    /// Ends the stream: reports a frame left open, then starts afresh.
    pub(super) fn finish(&mut self) -> Result<(), FrameError> {
        let state = core::mem::replace(self, Self::new());
        match state.mode {
            Mode::Data if state.len == 0 => Ok(()),
            Mode::Data | Mode::Escaped => Err(FrameError::TruncatedFrame {
                received: state.len,
                expected: None,
            }),
            // Already reported when the frame went bad.
            Mode::Discard => Ok(()),
        }
    }
}

/// Incremental SLIP decoder with a bounded, caller-provided frame buffer.
///
/// Accepts double-END (OSC 1.1) and single-END streams. Behaviour on bad input, each
/// reported once as an event:
/// - `ESC` followed by anything but `ESC_END`/`ESC_ESC`: [`FrameError::BadEscape`]; the
///   frame is dropped up to and including the next `END`.
/// - A frame longer than [`frame_capacity`](Self::frame_capacity):
///   [`FrameError::FrameTooLarge`] as soon as the first byte that does not fit arrives; the
///   rest is dropped up to the next `END`. Nothing beyond the buffer is stored.
/// - Bytes before the first `END` (a receiver joining mid-packet, or noise) form a frame
///   like any other; [`Packet::decode`](crate::osc::Packet::decode) rejects it if it is not
///   a packet.
///
/// ```
/// use mox_codec::osc::stream::{FrameError, SlipDecoder};
///
/// let mut decoder = SlipDecoder::new([0u8; 8]);
/// let mut input: &[u8] = b"\xc0/a\0\0\xc0\xc0\xdb\x01\xc0\xc0/b\0\0\xc0";
/// assert_eq!(decoder.feed(&mut input), Some(Ok(&b"/a\0\0"[..])));
/// assert_eq!(decoder.feed(&mut input), Some(Err(FrameError::BadEscape { byte: 0x01 })));
/// assert_eq!(decoder.feed(&mut input), Some(Ok(&b"/b\0\0"[..])));
/// assert_eq!(decoder.feed(&mut input), None);
/// ```
#[derive(Clone, Debug)]
pub struct SlipDecoder<B> {
    buf: B,
    max_frame: usize,
    state: SlipState,
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> SlipDecoder<B> {
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
            state: SlipState::new(),
        }
    }

    /// The largest frame accepted, in decoded bytes.
    pub fn frame_capacity(&self) -> usize {
        self.buf.as_ref().len().min(self.max_frame)
    }

    /// Consumes bytes from the front of `input` until a frame completes (returned, borrowed
    /// from the decoder's buffer until the next call), an error is found, or `input` is used
    /// up (`None`; the partial frame is kept for the next chunk). Empty frames produce no
    /// event. Call it in a loop until it returns `None`.
    #[must_use = "a returned frame or error is consumed from the input and not reported again"]
    pub fn feed<'s>(&'s mut self, input: &mut &[u8]) -> Option<Result<&'s [u8], FrameError>> {
        let limit = self.frame_capacity();
        let event = self.state.feed(limited(self.buf.as_mut(), limit), input)?;
        Some(event.map(|len| self.buf.as_ref().get(..len).unwrap_or_default()))
    }

    /// Signals the end of the stream. Reports [`FrameError::TruncatedFrame`] if a frame was
    /// started and not closed by `END` (in a single-END stream, the last packet before the
    /// connection dropped); a frame already reported as bad is not reported again. The
    /// decoder is then ready for a new stream.
    pub fn finish(&mut self) -> Result<(), FrameError> {
        self.state.finish()
    }

    /// Forgets any partial frame and starts afresh, as for a new connection.
    pub fn reset(&mut self) {
        self.state = SlipState::new();
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

    fn slip(packets: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for packet in packets {
            let mut buf = vec![0; encoded_len(packet)];
            let n = encode(packet, &mut buf).unwrap();
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    fn decode_all(cap: usize, stream: &[u8]) -> Vec<Event> {
        collect(&mut SlipDecoder::new(vec![0; cap]), stream)
    }

    #[test]
    fn encodes_double_end_with_escapes() {
        let mut out = [0xa5; 16];
        assert_eq!(encoded_len(&[1, END, 2, ESC, 3]), 9);
        assert_eq!(encode(&[1, END, 2, ESC, 3], &mut out), Ok(9));
        assert_eq!(out[..9], [END, 1, ESC, ESC_END, 2, ESC, ESC_ESC, 3, END]);
        assert_eq!(out[9], 0xa5);
        assert_eq!(encode(&[], &mut out), Ok(2));
        assert_eq!(out[..2], [END, END]);
    }

    #[test]
    fn encode_reports_exact_size_and_leaves_buffer_alone() {
        let mut out = [0xa5; 8];
        assert_eq!(
            encode(&[END; 4], &mut out),
            Err(EncodeError::BufferTooSmall { needed: 10 })
        );
        assert_eq!(out, [0xa5; 8]);
        assert_eq!(encode(&[1; 6], &mut out), Ok(8));
    }

    #[test]
    fn every_split_gives_the_same_events() {
        let with_escapes = [
            b'/', b'x', 0, 0, b',', b'b', 0, 0, 0, 0, 0, 4, END, ESC, END, ESC,
        ];
        let stream = slip(&[FOO_I1, &with_escapes, b"/z\0\0"]);
        let expected = vec![
            Event::Frame(FOO_I1.to_vec()),
            Event::Frame(with_escapes.to_vec()),
            Event::Frame(b"/z\0\0".to_vec()),
        ];
        collect_split(|| SlipDecoder::new([0u8; 64]), &stream, &expected);
    }

    #[test]
    fn single_end_stream() {
        let mut stream = FOO_I1.to_vec();
        stream.push(END);
        stream.extend_from_slice(b"/z\0\0");
        stream.push(END);
        let expected = vec![
            Event::Frame(FOO_I1.to_vec()),
            Event::Frame(b"/z\0\0".to_vec()),
        ];
        collect_split(|| SlipDecoder::new([0u8; 64]), &stream, &expected);
    }

    #[test]
    fn empty_frames_produce_nothing() {
        assert_eq!(decode_all(8, &[END; 7]), []);
        assert_eq!(
            decode_all(8, &[END, END, 1, END, END, END]),
            [Event::Frame(vec![1])]
        );
    }

    #[test]
    fn bad_escape_drops_the_rest_of_the_frame() {
        let stream = [END, 1, ESC, 0x41, ESC, ESC_END, 2, END, END, 3, END];
        let expected = vec![
            Event::Error(FrameError::BadEscape { byte: 0x41 }),
            Event::Frame(vec![3]),
        ];
        assert_eq!(decode_all(8, &stream), expected);
        collect_split(|| SlipDecoder::new([0u8; 8]), &stream, &expected);
    }

    #[test]
    fn esc_esc_is_a_bad_escape() {
        let stream = [END, 1, ESC, ESC, ESC_END, END, 3, END];
        let expected = vec![
            Event::Error(FrameError::BadEscape { byte: ESC }),
            Event::Frame(vec![3]),
        ];
        collect_split(|| SlipDecoder::new([0u8; 8]), &stream, &expected);
    }

    #[test]
    fn esc_end_is_a_bad_escape_and_the_end_still_delimits() {
        let stream = [END, 1, ESC, END, 3, END];
        let expected = vec![
            Event::Error(FrameError::BadEscape { byte: END }),
            Event::Frame(vec![3]),
        ];
        collect_split(|| SlipDecoder::new([0u8; 8]), &stream, &expected);
    }

    #[test]
    fn overflow_is_reported_once_and_recovers() {
        // Frames of exactly the capacity fit; one byte more, escaped or not, does not.
        let stream = slip(&[&[7; 4], &[7; 5], &[7, 7, 7, 7, END], &[8; 40], &[9; 4]]);
        let too_large = Event::Error(FrameError::FrameTooLarge { limit: 4 });
        let expected = vec![
            Event::Frame(vec![7; 4]),
            too_large.clone(),
            too_large.clone(),
            too_large,
            Event::Frame(vec![9; 4]),
        ];
        collect_split(|| SlipDecoder::new([0u8; 4]), &stream, &expected);
        collect_split(
            || SlipDecoder::with_max_frame([0u8; 64], 4),
            &stream,
            &expected,
        );
    }

    #[test]
    fn escaped_bytes_count_once_toward_capacity() {
        let stream = slip(&[&[END, ESC, END, ESC]]);
        let expected = vec![Event::Frame(vec![END, ESC, END, ESC])];
        collect_split(|| SlipDecoder::new([0u8; 4]), &stream, &expected);
    }

    #[test]
    fn zero_capacity_rejects_every_frame() {
        let expected = vec![Event::Error(FrameError::FrameTooLarge { limit: 0 })];
        assert_eq!(decode_all(0, &[END, 1, 2, END, END]), expected);
    }

    #[test]
    fn leading_noise_is_a_frame_of_its_own() {
        // A receiver that joins mid-packet sees its tail, then the double-END stream.
        let mut stream = vec![0x00, 0x01, 0xff];
        stream.extend_from_slice(&slip(&[FOO_I1]));
        let expected = vec![
            Event::Frame(vec![0x00, 0x01, 0xff]),
            Event::Frame(FOO_I1.to_vec()),
        ];
        collect_split(|| SlipDecoder::new([0u8; 64]), &stream, &expected);
    }

    #[test]
    fn finish_reports_truncation() {
        let mut decoder = SlipDecoder::new([0u8; 8]);
        let mut input: &[u8] = &[END, 1, 2];
        assert_eq!(decoder.feed(&mut input), None);
        assert_eq!(
            decoder.finish(),
            Err(FrameError::TruncatedFrame {
                received: 2,
                expected: None
            })
        );
        // finish starts a fresh stream.
        assert_eq!(decoder.finish(), Ok(()));
        let mut input: &[u8] = &[END, ESC];
        assert_eq!(decoder.feed(&mut input), None);
        assert_eq!(
            decoder.finish(),
            Err(FrameError::TruncatedFrame {
                received: 0,
                expected: None
            })
        );
        // A frame dropped for overflow is not reported a second time.
        let mut input: &[u8] = &[1; 20];
        assert_eq!(
            decoder.feed(&mut input),
            Some(Err(FrameError::FrameTooLarge { limit: 8 }))
        );
        assert_eq!(decoder.feed(&mut input), None);
        assert_eq!(decoder.finish(), Ok(()));
    }

    #[test]
    fn reset_drops_a_partial_frame() {
        let mut decoder = SlipDecoder::new([0u8; 8]);
        let mut input: &[u8] = &[END, 1, 2, ESC];
        assert_eq!(decoder.feed(&mut input), None);
        decoder.reset();
        let mut input: &[u8] = &[3, END];
        assert_eq!(decoder.feed(&mut input), Some(Ok(&[3][..])));
    }

    #[test]
    fn works_with_borrowed_and_vec_buffers() {
        let mut storage = [0u8; 16];
        let mut borrowed = SlipDecoder::new(&mut storage[..]);
        let mut input: &[u8] = &[END, 5, END];
        assert_eq!(borrowed.feed(&mut input), Some(Ok(&[5][..])));
        assert_eq!(borrowed.frame_capacity(), 16);
        let owned = SlipDecoder::new(vec![0u8; 3]);
        assert_eq!(owned.frame_capacity(), 3);
        assert_eq!(
            SlipDecoder::with_max_frame(vec![0u8; 3], 9).frame_capacity(),
            3
        );
        assert_eq!(owned.into_inner().len(), 3);
    }
}
