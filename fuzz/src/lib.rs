//! Helpers shared by the stream fuzz targets: cutting the input into chunks and feeding a
//! deframer while checking what holds for every framing.
use mox_codec::osc::stream::{AutoDecoder, FrameError, LengthPrefixDecoder, SlipDecoder};

/// Frame buffer size of the decoders under test: small, so overflow paths are hit often.
pub const BUF: usize = 64;

/// One decoder event, owned.
pub type Event = Result<Vec<u8>, FrameError>;

/// A fuzz input for a deframer: two header bytes, then the stream.
///
/// - byte 0 picks the chunk sizes (0: the whole stream in one `feed`; otherwise a small
///   LCG seeded with it gives sizes 0..=12, empty chunks included);
/// - byte 1 below [`BUF`] is the decoder's `max_frame`; from [`BUF`] up, the buffer's length.
pub struct StreamInput<'a> {
    pub chunk_seed: u8,
    pub max_frame: usize,
    pub stream: &'a [u8],
}

impl<'a> StreamInput<'a> {
    pub fn parse(data: &'a [u8]) -> Option<Self> {
        let (&[chunk_seed, max_frame], stream) = data.split_first_chunk::<2>()?;
        let max_frame = if usize::from(max_frame) < BUF {
            usize::from(max_frame)
        } else {
            usize::MAX
        };
        Some(Self {
            chunk_seed,
            max_frame,
            stream,
        })
    }

    /// The stream cut as byte 0 says; the chunks always add up to the whole stream.
    pub fn chunks(&self) -> Vec<&'a [u8]> {
        if self.chunk_seed == 0 {
            return vec![self.stream];
        }
        let (mut rest, mut state) = (self.stream, self.chunk_seed);
        let mut chunks = Vec::new();
        while !rest.is_empty() {
            // Full-period LCG mod 256, so zero-size chunks cannot repeat forever.
            let (chunk, tail) = rest.split_at(usize::from(state % 13).min(rest.len()));
            chunks.push(chunk);
            rest = tail;
            state = state.wrapping_mul(37).wrapping_add(11);
        }
        chunks
    }

    /// The largest frame a decoder built by [`Deframer::make`] accepts.
    pub fn capacity(&self) -> usize {
        self.max_frame.min(BUF)
    }
}

/// The three decoders behind one face.
pub trait Deframer: Sized {
    fn make(max_frame: usize) -> Self;
    fn next_event(&mut self, input: &mut &[u8]) -> Option<Event>;
    fn end(&mut self) -> Result<(), FrameError>;
    fn capacity(&self) -> usize;
}

macro_rules! deframer {
    ($ty:ident) => {
        impl Deframer for $ty<[u8; BUF]> {
            fn make(max_frame: usize) -> Self {
                $ty::with_max_frame([0; BUF], max_frame)
            }
            fn next_event(&mut self, input: &mut &[u8]) -> Option<Event> {
                self.feed(input).map(|event| event.map(<[u8]>::to_vec))
            }
            fn end(&mut self) -> Result<(), FrameError> {
                self.finish()
            }
            fn capacity(&self) -> usize {
                self.frame_capacity()
            }
        }
    };
}
deframer!(SlipDecoder);
deframer!(LengthPrefixDecoder);
deframer!(AutoDecoder);

/// Feeds `chunks` in order, then calls `finish`. Checks that every event consumes input,
/// that `None` comes only once a chunk is used up (so everything fed is consumed), that no
/// frame exceeds the capacity and that size errors name the capacity.
pub fn feed_all<D: Deframer>(
    decoder: &mut D,
    chunks: &[&[u8]],
) -> (Vec<Event>, Result<(), FrameError>) {
    let capacity = decoder.capacity();
    let mut events = Vec::new();
    for &chunk in chunks {
        let mut input = chunk;
        loop {
            let before = input.len();
            let Some(event) = decoder.next_event(&mut input) else {
                break;
            };
            assert!(
                input.len() < before,
                "an event consumed no input: {event:?}"
            );
            match &event {
                Ok(frame) => assert!(
                    frame.len() <= capacity,
                    "frame of {} > {capacity}",
                    frame.len()
                ),
                Err(FrameError::FrameTooLarge { limit }) => assert_eq!(*limit, capacity),
                Err(FrameError::LengthTooLarge { declared, limit }) => {
                    assert_eq!(*limit, capacity);
                    assert!(*declared as usize > capacity);
                }
                Err(_) => {}
            }
            events.push(event);
        }
        assert!(
            input.is_empty(),
            "feed returned None with {} bytes left",
            input.len()
        );
    }
    let end = decoder.end();
    if let Err(FrameError::TruncatedFrame { received, .. }) = end {
        assert!(
            received <= capacity,
            "truncated frame of {received} > {capacity}"
        );
    }
    (events, end)
}

/// Runs `D` on `input` as cut by its header and in one piece; the two must agree (framing
/// does not depend on how the stream arrives). Returns the events and the `finish` result.
pub fn run<D: Deframer>(input: &StreamInput<'_>) -> (Vec<Event>, Result<(), FrameError>) {
    let mut decoder = D::make(input.max_frame);
    assert_eq!(decoder.capacity(), input.capacity());
    let chunked = feed_all(&mut decoder, &input.chunks());
    let whole = feed_all(&mut D::make(input.max_frame), &[input.stream]);
    assert_eq!(chunked, whole, "events depend on how the stream is chunked");
    // After `finish` the decoder starts afresh: the same stream gives the same events.
    assert_eq!(
        feed_all(&mut decoder, &[input.stream]),
        whole,
        "finish did not reset"
    );
    chunked
}
