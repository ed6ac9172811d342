//! A receiver that works out the framing from the first byte of the stream.
//!
//! OSC 1.0 peers send a length prefix and OSC 1.1 peers send SLIP, and neither announces
//! which (outside DNS-SD's `framing=slip` TXT key). liblo's TCP server guesses from the
//! start of each connection (`detect_slip()` in `src/server.c`); MOX does the same with the
//! simpler rule of [`Framing::detect`].
use super::length_prefix::LengthPrefixState;
use super::slip::SlipState;
use super::{limited, FrameError, Framing};

/// Incremental decoder that detects SLIP or length-prefix framing from the first byte of the
/// stream, then behaves exactly like [`SlipDecoder`](super::SlipDecoder) or
/// [`LengthPrefixDecoder`](super::LengthPrefixDecoder), recovery rules included.
///
/// The choice holds until [`reset`](Self::reset) or [`finish`](Self::finish): one connection
/// uses one framing. Use it for one connection at a time.
///
/// ```
/// use mox_codec::osc::stream::{AutoDecoder, Framing};
///
/// let mut decoder = AutoDecoder::new([0u8; 64]);
/// assert_eq!(decoder.framing(), None);
/// let mut input: &[u8] = b"\0\0\0\x04/a\0\0";
/// assert_eq!(decoder.feed(&mut input), Some(Ok(&b"/a\0\0"[..])));
/// assert_eq!(decoder.framing(), Some(Framing::LengthPrefix));
///
/// decoder.reset();
/// let mut input: &[u8] = b"\xc0/a\0\0\xc0";
/// assert_eq!(decoder.feed(&mut input), Some(Ok(&b"/a\0\0"[..])));
/// assert_eq!(decoder.framing(), Some(Framing::Slip));
/// ```
#[derive(Clone, Debug)]
pub struct AutoDecoder<B> {
    buf: B,
    max_frame: usize,
    framing: Option<Framing>,
    slip: SlipState,
    length_prefix: LengthPrefixState,
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> AutoDecoder<B> {
    /// A decoder whose frame capacity is the whole of `buf` (for a `Vec`, its length, not
    /// its capacity: pass `vec![0; n]`).
    pub const fn new(buf: B) -> Self {
        Self::with_max_frame(buf, usize::MAX)
    }

    /// A decoder that accepts frames up to `max_frame` bytes, or the length of `buf` if that
    /// is smaller.
    pub const fn with_max_frame(buf: B, max_frame: usize) -> Self {
        Self {
            buf,
            max_frame,
            framing: None,
            slip: SlipState::new(),
            length_prefix: LengthPrefixState::new(),
        }
    }

    /// The framing detected for the current stream; `None` until its first byte arrives.
    pub fn framing(&self) -> Option<Framing> {
        self.framing
    }

    /// The largest frame accepted, in bytes.
    pub fn frame_capacity(&self) -> usize {
        self.buf.as_ref().len().min(self.max_frame)
    }

    /// Consumes bytes from the front of `input` until a frame completes (returned, borrowed
    /// from the decoder's buffer until the next call), an error is found, or `input` is used
    /// up (`None`; the state is kept for the next chunk). The first byte of the stream fixes
    /// the framing. Call it in a loop until it returns `None`.
    #[must_use = "a returned frame or error is consumed from the input and not reported again"]
    pub fn feed<'s>(&'s mut self, input: &mut &[u8]) -> Option<Result<&'s [u8], FrameError>> {
        let framing = match self.framing {
            Some(framing) => framing,
            None => {
                let framing = Framing::detect(*input.first()?);
                self.framing = Some(framing);
                framing
            }
        };
        let limit = self.frame_capacity();
        let buf = limited(self.buf.as_mut(), limit);
        let event = match framing {
            Framing::Slip => self.slip.feed(buf, input),
            Framing::LengthPrefix => self.length_prefix.feed(buf, input),
        }?;
        Some(event.map(|len| self.buf.as_ref().get(..len).unwrap_or_default()))
    }

    /// Signals the end of the stream, reporting an incomplete frame as the detected framing's
    /// decoder would. The decoder is then ready for a new stream, framing undetected.
    pub fn finish(&mut self) -> Result<(), FrameError> {
        let result = match self.framing {
            Some(Framing::Slip) => self.slip.finish(),
            Some(Framing::LengthPrefix) => self.length_prefix.finish(),
            None => Ok(()),
        };
        self.reset();
        result
    }

    /// Whether a negative length prefix stopped decoding (length-prefix framing only; see
    /// [`LengthPrefixDecoder`](super::LengthPrefixDecoder)).
    pub fn is_failed(&self) -> bool {
        self.framing == Some(Framing::LengthPrefix) && self.length_prefix.is_failed()
    }

    /// Forgets the detected framing and any partial frame, as for a new connection.
    pub fn reset(&mut self) {
        self.framing = None;
        self.slip = SlipState::new();
        self.length_prefix = LengthPrefixState::new();
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> B {
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osc::stream::tests::{collect_split, Event, FOO_I1};
    use crate::osc::stream::{length_prefix, slip};
    use std::vec::Vec;

    #[test]
    fn detection_rule() {
        assert_eq!(Framing::detect(0xc0), Framing::Slip);
        assert_eq!(Framing::detect(b'/'), Framing::Slip);
        assert_eq!(Framing::detect(b'#'), Framing::Slip);
        for byte in (0..=255u8).filter(|b| ![0xc0, b'/', b'#'].contains(b)) {
            assert_eq!(Framing::detect(byte), Framing::LengthPrefix);
        }
    }

    #[test]
    fn nothing_is_detected_from_empty_input() {
        let mut decoder = AutoDecoder::new([0u8; 8]);
        let mut input: &[u8] = &[];
        assert_eq!(decoder.feed(&mut input), None);
        assert_eq!(decoder.framing(), None);
        assert_eq!(decoder.finish(), Ok(()));
    }

    #[test]
    fn detects_each_framing_at_every_split() {
        let mut wire = [0u8; 64];
        let n = slip::encode(FOO_I1, &mut wire).unwrap();
        let mut double_end = wire[..n].to_vec();
        double_end.extend_from_slice(&double_end.clone());
        let two = vec![Event::Frame(FOO_I1.to_vec()), Event::Frame(FOO_I1.to_vec())];
        collect_split(|| AutoDecoder::new([0u8; 32]), &double_end, &two);

        // Single-END SLIP starts with the packet itself: '/' or '#'.
        let mut single_end = FOO_I1.to_vec();
        single_end.push(slip::END);
        single_end.extend_from_slice(b"#bundle\0\0\0\0\0\0\0\0\x01");
        single_end.push(slip::END);
        let expected = vec![
            Event::Frame(FOO_I1.to_vec()),
            Event::Frame(b"#bundle\0\0\0\0\0\0\0\0\x01".to_vec()),
        ];
        collect_split(|| AutoDecoder::new([0u8; 32]), &single_end, &expected);

        let n = length_prefix::encode(FOO_I1, &mut wire).unwrap();
        let mut prefixed = wire[..n].to_vec();
        prefixed.extend_from_slice(&prefixed.clone());
        collect_split(|| AutoDecoder::new([0u8; 32]), &prefixed, &two);
    }

    #[test]
    fn reports_detected_framing_and_resets_it() {
        let mut decoder = AutoDecoder::new(Vec::from([0u8; 32]));
        let mut input: &[u8] = &[0, 0];
        assert_eq!(decoder.feed(&mut input), None);
        assert_eq!(decoder.framing(), Some(Framing::LengthPrefix));
        assert_eq!(
            decoder.finish(),
            Err(FrameError::TruncatedPrefix { received: 2 })
        );
        assert_eq!(decoder.framing(), None);
        let mut input: &[u8] = &[slip::END, b'/'];
        assert_eq!(decoder.feed(&mut input), None);
        assert_eq!(decoder.framing(), Some(Framing::Slip));
        assert_eq!(
            decoder.finish(),
            Err(FrameError::TruncatedFrame {
                received: 1,
                expected: None
            })
        );
    }

    #[test]
    fn negative_length_fails_until_reset() {
        let mut decoder = AutoDecoder::new([0u8; 32]);
        let mut input: &[u8] = &[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0];
        assert_eq!(
            decoder.feed(&mut input),
            Some(Err(FrameError::NegativeLength { declared: -1 }))
        );
        assert_eq!(decoder.framing(), Some(Framing::LengthPrefix));
        assert_eq!(decoder.feed(&mut input), None);
        assert!(decoder.is_failed());
        decoder.reset();
        assert!(!decoder.is_failed());
    }

    #[test]
    fn limit_applies_to_both_framings() {
        let mut decoder = AutoDecoder::with_max_frame([0u8; 32], 4);
        assert_eq!(decoder.frame_capacity(), 4);
        let mut input: &[u8] = b"\xc0/abcdefg\xc0";
        assert_eq!(
            decoder.feed(&mut input),
            Some(Err(FrameError::FrameTooLarge { limit: 4 }))
        );
        decoder.reset();
        let mut input: &[u8] = b"\0\0\0\x08/abcdefg";
        assert_eq!(
            decoder.feed(&mut input),
            Some(Err(FrameError::LengthTooLarge {
                declared: 8,
                limit: 4
            }))
        );
    }
}
