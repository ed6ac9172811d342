//! Chunking of payloads larger than a peer's maximum SysEx size, and reassembly with
//! bounded memory (`spec/mox.md`, chapter "Chunking", requirements `MOX-CHK-*`).
//!
//! ```
//! use mox_codec::sysex::chunk::{Accepted, Reassembler, Splitter};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // 300 payload bytes for a peer that accepts SysEx messages of at most 128 bytes; the
//! // caller's envelope (F0, manufacturer id, MOX header, F7) adds 16 bytes to each message.
//! let payload = [0x2A_u8; 300];
//! let splitter = Splitter::new(&payload, 5, 128, 16)?;
//! assert_eq!(splitter.chunk_count(), 3);
//! assert_eq!(splitter.chunk_payload_len(), 128 - 16 - 7);
//!
//! // The receiver: 2 transfers in flight, 512 bytes each, no heap.
//! let mut receiver: Reassembler<2, 512> = Reassembler::new();
//! let mut message = [0u8; 128];
//! let mut now_ms = 0; // the caller's clock, in milliseconds
//! let mut completed = false;
//! for chunk in splitter {
//!     let len = chunk.encode(&mut message)?; // the chunk header and payload
//!     // ...the caller wraps `message[..len]` in its envelope and sends it; the peer's
//!     // envelope decoder hands the same bytes to its reassembler:
//!     match receiver.accept(now_ms, 0, &message[..len])? {
//!         Accepted::InProgress { received, total, .. } => assert!(received < total),
//!         Accepted::Complete { payload: whole, .. } => {
//!             assert_eq!(whole, &payload[..]);
//!             completed = true;
//!         }
//!         _ => unreachable!(),
//!     }
//!     now_ms += 20;
//! }
//! assert!(completed);
//! assert_eq!(receiver.in_flight(), 0);
//! # Ok(())
//! # }
//! ```
//!
//! # Wire form
//! Each chunk is a 7-byte [`ChunkHeader`] followed by its payload, every byte 7-bit:
//!
//! | byte | field | rule |
//! |---|---|---|
//! | 0 | transfer id | `00`–`7F`, unique per sender among its transfers in flight |
//! | 1–2 | total chunks, 14-bit LSB first | `0` = unknown (streaming sender) |
//! | 3–4 | this chunk's number, 14-bit LSB first | from `1`; `0` = the sender abandons |
//! | 5–6 | this chunk's payload length, 14-bit LSB first | bytes after it are ignored |
//!
//! The numbering is MIDI-CI Property Exchange's (M2-103-UM, "Number of Chunks in Data
//! Field" / "Number of This Chunk"); the spec chapter explains what MOX changed and why.
//!
//! # Memory and time
//! [`Reassembler`] holds `TRANSFERS` fixed slots of `BYTES` bytes each and nothing else: its
//! size is `size_of::<Reassembler<T, B>>()`, about `T × (B + 32)` bytes (see
//! [`DefaultReassembler`]). It reads no clock: every call that can time a transfer out
//! takes the caller's `now` in milliseconds, and time going backwards is tolerated.
//!
//! Nothing here allocates or panics, whatever the input.
use core::fmt;

/// Bytes of a [`ChunkHeader`] on the wire.
pub const HEADER_LEN: usize = 7;
/// The largest chunk count and chunk number: 14 bits.
pub const MAX_CHUNKS: u16 = 0x3FFF;
/// The largest payload of one chunk: its length field has 14 bits.
pub const MAX_CHUNK_PAYLOAD: usize = 0x3FFF;
/// The largest transfer id: 7 bits.
pub const MAX_TRANSFER_ID: u8 = 0x7F;
/// Total-chunks value meaning "not known yet" (a streaming sender, `MOX-CHK-012`).
pub const UNKNOWN_TOTAL: u16 = 0;
/// Chunk number of the chunk by which a sender abandons a transfer (`MOX-CHK-014`).
pub const ABANDON_NUMBER: u16 = 0;
/// The SysEx size every MOX receiver accepts, before negotiation says more: MIDI-CI's floor
/// for all devices (M2-101-UM §5.5.3). A sender that knows nothing of its peer chunks to it.
pub const SYSEX_SIZE_FLOOR: usize = 128;
/// The SysEx size MIDI-CI requires of devices that initiate Property Exchange (§5.5.3);
/// MOX asks it of receivers that reassemble (`MOX-CHK-051`).
pub const REASSEMBLING_SYSEX_SIZE_FLOOR: usize = 512;

/// Transfers in flight in a [`DefaultReassembler`].
pub const DEFAULT_MAX_TRANSFERS: usize = 4;
/// Bytes of reassembled payload per transfer in a [`DefaultReassembler`].
pub const DEFAULT_MAX_PAYLOAD: usize = 1024;
/// Default of [`ReassemblerConfig::stale_timeout_ms`]: 3 s, the time MIDI-CI initiators
/// wait for Discovery replies (M2-101-UM §5.5.5), and about 18 times what a 512-byte chunk
/// takes on a 31 250 baud DIN link.
pub const DEFAULT_STALE_TIMEOUT_MS: u64 = 3000;

/// A reassembler with the default capacity: [`DEFAULT_MAX_TRANSFERS`] transfers of
/// [`DEFAULT_MAX_PAYLOAD`] bytes. It takes 4 248 bytes on 64-bit targets and 4 208 on
/// 32-bit Arm (tested).
pub type DefaultReassembler = Reassembler<DEFAULT_MAX_TRANSFERS, DEFAULT_MAX_PAYLOAD>;

// The footprint the docs promise, checked by every 32-bit Arm build.
#[cfg(target_arch = "arm")]
const _: () = assert!(core::mem::size_of::<DefaultReassembler>() == 4208);

const fn is_7bit(byte: u8) -> bool {
    byte & 0x80 == 0
}

fn first_8bit(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| !is_7bit(b))
}

/// A 14-bit value from two 7-bit bytes, least significant first (MIDI-CI §5.2.1).
const fn u14(lsb: u8, msb: u8) -> u16 {
    (lsb as u16 & 0x7F) | ((msb as u16 & 0x7F) << 7)
}

/// The two 7-bit bytes of a 14-bit value, least significant first.
const fn u14_bytes(value: u16) -> [u8; 2] {
    [(value & 0x7F) as u8, ((value >> 7) & 0x7F) as u8]
}

// ---------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------

/// The 7-byte header in front of every chunk's payload (`MOX-CHK-001`).
///
/// Every value is in range by construction: [`ChunkHeader::new`] and
/// [`ChunkHeader::parse`] refuse anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChunkHeader {
    transfer_id: u8,
    total: u16,
    number: u16,
    payload_len: u16,
}

impl ChunkHeader {
    /// A header, or `None` when a field is out of range: `transfer_id` above
    /// [`MAX_TRANSFER_ID`], `total`, `number` or `payload_len` above 14 bits, or a `number`
    /// above a known `total` (`MOX-CHK-013`).
    pub const fn new(transfer_id: u8, total: u16, number: u16, payload_len: u16) -> Option<Self> {
        if transfer_id > MAX_TRANSFER_ID
            || total > MAX_CHUNKS
            || number > MAX_CHUNKS
            || payload_len > MAX_CHUNK_PAYLOAD as u16
            || (total != UNKNOWN_TOTAL && number > total)
        {
            return None;
        }
        Some(Self {
            transfer_id,
            total,
            number,
            payload_len,
        })
    }

    /// The header of the chunk that abandons transfer `transfer_id` (`MOX-CHK-014`): number
    /// `0`, total `0`, no payload. `None` if `transfer_id` is above [`MAX_TRANSFER_ID`].
    pub const fn abandon(transfer_id: u8) -> Option<Self> {
        Self::new(transfer_id, UNKNOWN_TOTAL, ABANDON_NUMBER, 0)
    }

    /// The transfer this chunk belongs to, `0`–`127`.
    pub const fn transfer_id(&self) -> u8 {
        self.transfer_id
    }

    /// The declared number of chunks, or [`UNKNOWN_TOTAL`].
    pub const fn total(&self) -> u16 {
        self.total
    }

    /// This chunk's number, from `1`; [`ABANDON_NUMBER`] for an abandon chunk.
    pub const fn number(&self) -> u16 {
        self.number
    }

    /// Bytes of payload after the header.
    pub const fn payload_len(&self) -> u16 {
        self.payload_len
    }

    /// Whether this chunk abandons its transfer.
    pub const fn is_abandon(&self) -> bool {
        self.number == ABANDON_NUMBER
    }

    /// Whether this is the last chunk of its transfer: its number equals the declared
    /// total. A streaming sender declares the total only in the last chunk (`MOX-CHK-012`).
    pub const fn is_final(&self) -> bool {
        self.total != UNKNOWN_TOTAL && self.number == self.total
    }

    /// The 7 header bytes.
    pub const fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let [t0, t1] = u14_bytes(self.total);
        let [n0, n1] = u14_bytes(self.number);
        let [l0, l1] = u14_bytes(self.payload_len);
        [self.transfer_id, t0, t1, n0, n1, l0, l1]
    }

    /// Reads a chunk: the header, then exactly [`payload_len`](Self::payload_len) payload
    /// bytes. Bytes after the payload are ignored (`MOX-CHK-003`), so a later revision can
    /// append fields.
    ///
    /// Errors: [`ChunkErrorKind::Truncated`], [`ChunkErrorKind::NotSevenBit`] (in the
    /// header or the payload) and [`ChunkErrorKind::ChunkCountMismatch`] (a number above
    /// the declared total).
    pub fn parse(chunk: &[u8]) -> Result<(Self, &[u8]), ChunkError> {
        let Some((header, rest)) = chunk.split_first_chunk::<HEADER_LEN>() else {
            let kind = match first_8bit(chunk) {
                Some(_) => ChunkErrorKind::NotSevenBit,
                None => ChunkErrorKind::Truncated,
            };
            return Err(ChunkError::new(kind, None, None));
        };
        if first_8bit(header).is_some() {
            return Err(ChunkError::new(ChunkErrorKind::NotSevenBit, None, None));
        }
        let [transfer_id, t0, t1, n0, n1, l0, l1] = *header;
        let (total, number, payload_len) = (u14(t0, t1), u14(n0, n1), u14(l0, l1));
        let error = |kind| ChunkError::new(kind, Some(transfer_id), Some(number));
        let Some(payload) = rest.get(..usize::from(payload_len)) else {
            return Err(error(ChunkErrorKind::Truncated));
        };
        if first_8bit(payload).is_some() {
            return Err(error(ChunkErrorKind::NotSevenBit));
        }
        match Self::new(transfer_id, total, number, payload_len) {
            Some(header) => Ok((header, payload)),
            // Every field came from 7-bit bytes, so only the numbering can be wrong.
            None => Err(error(ChunkErrorKind::ChunkCountMismatch)),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Splitter
// ---------------------------------------------------------------------------------------

/// Why a payload cannot be split, or a chunk not written.
///
/// [`SplitError::class`] is the language-neutral class of the vector corpus and
/// [`SplitError::code`] the stable number exported to C, in the block 451–469 of the
/// crate-wide code space (`docs/errors.md`); retired codes are never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SplitError {
    /// The peer's maximum SysEx size leaves no room for payload after the framing overhead
    /// and the chunk header; it must be at least `minimum` bytes.
    MaxSizeTooSmall {
        /// The smallest maximum that carries one payload byte per chunk.
        minimum: usize,
    },
    /// The payload needs `needed` chunks, more than [`MAX_CHUNKS`].
    TooManyChunks {
        /// Chunks the payload would need at this maximum size.
        needed: usize,
    },
    /// Payload byte `offset` has its high bit set; SysEx carries 7-bit bytes only (encode
    /// 8-bit data first, see [`sevenbit`](super::sevenbit)).
    NotSevenBit {
        /// Offset of the first such byte in the payload.
        offset: usize,
    },
    /// The transfer id is above [`MAX_TRANSFER_ID`].
    BadTransferId,
    /// The output buffer is too small for the chunk; `needed` bytes are required.
    BufferTooSmall {
        /// Header plus payload bytes of the chunk.
        needed: usize,
    },
}

impl SplitError {
    /// The language-neutral error class of the vector corpus.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::MaxSizeTooSmall { .. } => "max-size-too-small",
            Self::TooManyChunks { .. } => "too-many-chunks",
            Self::NotSevenBit { .. } => "payload-not-seven-bit",
            Self::BadTransferId => "bad-transfer-id",
            Self::BufferTooSmall { .. } => "buffer-too-small",
        }
    }

    /// The stable numeric code (as exported to C and JavaScript).
    pub const fn code(&self) -> u16 {
        match self {
            Self::MaxSizeTooSmall { .. } => 451,
            Self::TooManyChunks { .. } => 452,
            Self::NotSevenBit { .. } => 453,
            Self::BadTransferId => 454,
            Self::BufferTooSmall { .. } => 455,
        }
    }
}

impl fmt::Display for SplitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MaxSizeTooSmall { minimum } => write!(
                f,
                "maximum SysEx size leaves no room for payload; at least {minimum} bytes needed"
            ),
            Self::TooManyChunks { needed } => write!(
                f,
                "payload needs {needed} chunks, more than the {MAX_CHUNKS} a header can number"
            ),
            Self::NotSevenBit { offset } => {
                write!(f, "payload byte {offset} has its high bit set")
            }
            Self::BadTransferId => f.write_str("transfer id above 127"),
            Self::BufferTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} bytes needed")
            }
        }?;
        write!(f, " ({})", self.class())
    }
}

impl core::error::Error for SplitError {}

/// Payload bytes per chunk for a peer accepting SysEx messages of `max_sysex_size` bytes
/// (F0 and F7 included, as MIDI-CI counts it) when the caller's envelope adds
/// `framing_overhead` bytes (F0 and F7 included) around each chunk.
///
/// It is the room left after the envelope and the chunk header, capped at
/// [`MAX_CHUNK_PAYLOAD`].
pub fn chunk_payload_capacity(
    max_sysex_size: usize,
    framing_overhead: usize,
) -> Result<usize, SplitError> {
    let capacity = max_sysex_size
        .saturating_sub(framing_overhead)
        .saturating_sub(HEADER_LEN)
        .min(MAX_CHUNK_PAYLOAD);
    if capacity == 0 {
        return Err(SplitError::MaxSizeTooSmall {
            minimum: framing_overhead
                .saturating_add(HEADER_LEN)
                .saturating_add(1),
        });
    }
    Ok(capacity)
}

/// The number of chunks [`Splitter::new`] makes of `payload_len` bytes, without a payload
/// at hand. An empty payload still takes one (empty) chunk.
pub fn chunk_count(
    payload_len: usize,
    max_sysex_size: usize,
    framing_overhead: usize,
) -> Result<u16, SplitError> {
    let capacity = chunk_payload_capacity(max_sysex_size, framing_overhead)?;
    let needed = payload_len.div_ceil(capacity).max(1);
    match u16::try_from(needed) {
        Ok(count) if count <= MAX_CHUNKS => Ok(count),
        _ => Err(SplitError::TooManyChunks { needed }),
    }
}

/// One chunk: its header and a slice of the payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Chunk<'p> {
    /// The header.
    pub header: ChunkHeader,
    /// The payload bytes this chunk carries.
    pub payload: &'p [u8],
}

impl Chunk<'_> {
    /// Bytes [`encode`](Self::encode) writes: header plus payload.
    pub const fn encoded_len(&self) -> usize {
        HEADER_LEN + self.payload.len()
    }

    /// Writes the header and the payload to the start of `out`; returns the bytes written.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, SplitError> {
        let needed = self.encoded_len();
        let Some(out) = out.get_mut(..needed) else {
            return Err(SplitError::BufferTooSmall { needed });
        };
        let (header, payload) = out.split_at_mut(HEADER_LEN);
        header.copy_from_slice(&self.header.to_bytes());
        payload.copy_from_slice(self.payload);
        Ok(needed)
    }
}

/// Splits a payload into chunks that fit a peer's maximum SysEx size (`MOX-CHK-020`…).
///
/// Every chunk but the last carries [`chunk_payload_len`](Self::chunk_payload_len) bytes;
/// the last carries the rest (`MOX-CHK-021`). Iterate it for [`Chunk`]s, or call
/// [`write_next`](Self::write_next) to write each into a buffer. It borrows the payload and
/// never allocates.
#[derive(Clone, Debug)]
pub struct Splitter<'p> {
    payload: &'p [u8],
    transfer_id: u8,
    chunk_len: usize,
    total: u16,
    next: u16,
    declare_total: bool,
}

impl<'p> Splitter<'p> {
    /// A splitter of `payload` into transfer `transfer_id` for a peer whose maximum SysEx
    /// size is `max_sysex_size`, with `framing_overhead` bytes of envelope per message (see
    /// [`chunk_payload_capacity`]).
    ///
    /// Errors: [`SplitError::BadTransferId`], [`SplitError::MaxSizeTooSmall`],
    /// [`SplitError::TooManyChunks`], [`SplitError::NotSevenBit`].
    pub fn new(
        payload: &'p [u8],
        transfer_id: u8,
        max_sysex_size: usize,
        framing_overhead: usize,
    ) -> Result<Self, SplitError> {
        if transfer_id > MAX_TRANSFER_ID {
            return Err(SplitError::BadTransferId);
        }
        let chunk_len = chunk_payload_capacity(max_sysex_size, framing_overhead)?;
        let total = chunk_count(payload.len(), max_sysex_size, framing_overhead)?;
        if let Some(offset) = first_8bit(payload) {
            return Err(SplitError::NotSevenBit { offset });
        }
        Ok(Self {
            payload,
            transfer_id,
            chunk_len,
            total,
            next: 1,
            declare_total: true,
        })
    }

    /// Numbers the chunks as a streaming sender does: total [`UNKNOWN_TOTAL`] in every
    /// chunk but the last, which declares its own number (`MOX-CHK-012`). For tests and for
    /// senders that forward a stream; a sender with the whole payload declares the total.
    #[must_use]
    pub fn streaming(mut self) -> Self {
        self.declare_total = false;
        self
    }

    /// Chunks in the transfer, known before the first is made.
    pub const fn chunk_count(&self) -> u16 {
        self.total
    }

    /// Payload bytes in every chunk but the last.
    pub const fn chunk_payload_len(&self) -> usize {
        self.chunk_len
    }

    /// Chunks not yet produced.
    pub const fn remaining(&self) -> u16 {
        // `next` runs from 1 to `total + 1`.
        self.total.saturating_add(1).saturating_sub(self.next)
    }

    /// The header of the chunk that abandons this transfer (`MOX-CHK-014`), for a sender
    /// that must stop before the last chunk.
    pub fn abandon_header(&self) -> ChunkHeader {
        ChunkHeader {
            transfer_id: self.transfer_id,
            total: UNKNOWN_TOTAL,
            number: ABANDON_NUMBER,
            payload_len: 0,
        }
    }

    /// The next chunk without consuming it.
    pub fn peek(&self) -> Option<Chunk<'p>> {
        if self.next == 0 || self.next > self.total {
            return None;
        }
        let start = usize::from(self.next - 1).checked_mul(self.chunk_len)?;
        let end = start.saturating_add(self.chunk_len).min(self.payload.len());
        let payload = self.payload.get(start..end)?;
        let total = if self.declare_total || self.next == self.total {
            self.total
        } else {
            UNKNOWN_TOTAL
        };
        let header = ChunkHeader::new(
            self.transfer_id,
            total,
            self.next,
            u16::try_from(payload.len()).ok()?,
        )?;
        Some(Chunk { header, payload })
    }

    /// Writes the next chunk (header and payload) to the start of `out`: `Ok(Some(len))`,
    /// or `Ok(None)` once every chunk was written. On [`SplitError::BufferTooSmall`] the
    /// splitter stays where it was.
    pub fn write_next(&mut self, out: &mut [u8]) -> Result<Option<usize>, SplitError> {
        let Some(chunk) = self.peek() else {
            return Ok(None);
        };
        let len = chunk.encode(out)?;
        self.next = self.next.saturating_add(1);
        Ok(Some(len))
    }
}

impl<'p> Iterator for Splitter<'p> {
    type Item = Chunk<'p>;

    fn next(&mut self) -> Option<Chunk<'p>> {
        let chunk = self.peek()?;
        self.next = self.next.saturating_add(1);
        Some(chunk)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let remaining = usize::from(self.remaining());
        (remaining, Some(remaining))
    }
}

impl ExactSizeIterator for Splitter<'_> {}

// ---------------------------------------------------------------------------------------
// Reassembly outcomes and errors
// ---------------------------------------------------------------------------------------

/// A transfer as the reassembler names it: the caller's sender number and the transfer id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TransferKey {
    /// The `sender` the caller passed to [`Reassembler::accept`].
    pub sender: u32,
    /// The transfer id from the chunk header.
    pub transfer_id: u8,
}

/// What an accepted chunk did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Accepted<'a> {
    /// The chunk was stored; more are expected.
    InProgress {
        /// The transfer id.
        transfer_id: u8,
        /// Chunks received so far (this chunk's number).
        received: u16,
        /// The declared total, or [`UNKNOWN_TOTAL`].
        total: u16,
    },
    /// A first chunk that differs from the stored first chunk of a transfer in flight under
    /// the same key: the sender started over, so the old transfer was discarded and this
    /// one began (`MOX-CHK-033`).
    Restarted {
        /// The transfer id.
        transfer_id: u8,
        /// The declared total, or [`UNKNOWN_TOTAL`].
        total: u16,
    },
    /// The transfer is complete; its slot is free again.
    Complete {
        /// The transfer id.
        transfer_id: u8,
        /// The reassembled payload: borrowed from the reassembler, or from the chunk itself
        /// for a one-chunk transfer.
        payload: &'a [u8],
    },
}

impl Accepted<'_> {
    /// The language-neutral outcome class of the vector corpus.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::InProgress { .. } => "chunk-accepted",
            Self::Restarted { .. } => "transfer-restarted",
            Self::Complete { .. } => "transfer-complete",
        }
    }

    /// The transfer id.
    pub const fn transfer_id(&self) -> u8 {
        match self {
            Self::InProgress { transfer_id, .. }
            | Self::Restarted { transfer_id, .. }
            | Self::Complete { transfer_id, .. } => *transfer_id,
        }
    }
}

/// Why a chunk was not used, or a transfer ended unfinished.
///
/// The numeric values are stable (the C and WASM bindings export them) and are in the block
/// 471–499 of the crate-wide code space (`docs/errors.md`); new kinds get new numbers and
/// retired numbers are never reused. [`ChunkErrorKind::class`] gives the language-neutral
/// error class used by the vector corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(u16)]
pub enum ChunkErrorKind {
    /// Fewer than 7 header bytes, or fewer payload bytes than the header declares.
    Truncated = 471,
    /// A header or payload byte has its high bit set.
    NotSevenBit = 472,
    /// A chunk numbered 2 or more for a transfer not in flight: its first chunk was lost,
    /// or the transfer already ended (`MOX-CHK-035`). The chunk is ignored.
    OutOfSequence = 473,
    /// A chunk numbered above the next expected one: the chunks between were lost. The
    /// transfer is discarded (`MOX-CHK-034`).
    MissingChunk = 474,
    /// A chunk already received, byte for byte (a retransmission). It is ignored and the
    /// transfer goes on (`MOX-CHK-032`).
    DuplicateChunk = 475,
    /// A chunk numbered 2 or more, already received, with different content or header.
    /// The transfer is discarded (`MOX-CHK-033`).
    ConflictingChunk = 476,
    /// The declared total differs from the first chunk's, or a chunk's number exceeds its
    /// declared total, or a streaming transfer runs past [`MAX_CHUNKS`] (`MOX-CHK-036`).
    /// An in-flight transfer is discarded.
    ChunkCountMismatch = 477,
    /// A chunk that is not the last has a payload length other than the first chunk's, or
    /// the last chunk is longer, or a first chunk that is not the last is empty
    /// (`MOX-CHK-037`). An in-flight transfer is discarded.
    ChunkLengthMismatch = 478,
    /// The transfer is (or declares it will be) larger than
    /// [`ReassemblerConfig::max_payload`] (`MOX-CHK-038`). It is discarded or not started.
    TransferTooLarge = 479,
    /// A new transfer while [`ReassemblerConfig::max_transfers`] are in flight and none is
    /// stale. The new transfer is refused; the others are untouched (`MOX-CHK-039`).
    TooManyTransfers = 480,
    /// The sender abandoned the transfer (chunk number `0`); it is discarded if it was in
    /// flight (`MOX-CHK-042`).
    Abandoned = 481,
    /// The transfer received no chunk for longer than
    /// [`ReassemblerConfig::stale_timeout_ms`]; it is discarded and the chunk that arrived
    /// late is ignored (`MOX-CHK-040`).
    TimedOut = 482,
}

impl ChunkErrorKind {
    /// The language-neutral error class of the vector corpus.
    pub const fn class(self) -> &'static str {
        match self {
            Self::Truncated => "chunk-truncated",
            Self::NotSevenBit => "chunk-not-seven-bit",
            Self::OutOfSequence => "chunk-out-of-sequence",
            Self::MissingChunk => "chunk-missing",
            Self::DuplicateChunk => "chunk-duplicate",
            Self::ConflictingChunk => "chunk-conflicting",
            Self::ChunkCountMismatch => "chunk-count-mismatch",
            Self::ChunkLengthMismatch => "chunk-length-mismatch",
            Self::TransferTooLarge => "transfer-too-large",
            Self::TooManyTransfers => "too-many-transfers",
            Self::Abandoned => "transfer-abandoned",
            Self::TimedOut => "transfer-timed-out",
        }
    }

    /// The stable numeric code (as exported to C and JavaScript).
    pub const fn code(self) -> u16 {
        self as u16
    }

    const fn describe(self) -> &'static str {
        match self {
            Self::Truncated => "chunk shorter than its header declares",
            Self::NotSevenBit => "chunk byte has its high bit set",
            Self::OutOfSequence => "chunk of a transfer that is not in flight",
            Self::MissingChunk => "chunks missing before this one",
            Self::DuplicateChunk => "chunk received twice",
            Self::ConflictingChunk => "chunk received twice with different content",
            Self::ChunkCountMismatch => "chunk count or number contradicts the declared total",
            Self::ChunkLengthMismatch => "chunk payload length differs from the first chunk's",
            Self::TransferTooLarge => "transfer larger than the configured limit",
            Self::TooManyTransfers => "too many transfers in flight",
            Self::Abandoned => "sender abandoned the transfer",
            Self::TimedOut => "transfer timed out",
        }
    }
}

/// A chunk the reassembler did not use, with what it knew of the chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChunkError {
    kind: ChunkErrorKind,
    transfer_id: Option<u8>,
    number: Option<u16>,
    ended_transfer: bool,
}

impl ChunkError {
    const fn new(kind: ChunkErrorKind, transfer_id: Option<u8>, number: Option<u16>) -> Self {
        Self {
            kind,
            transfer_id,
            number,
            ended_transfer: false,
        }
    }

    const fn at(kind: ChunkErrorKind, header: &ChunkHeader, ended_transfer: bool) -> Self {
        Self {
            kind,
            transfer_id: Some(header.transfer_id),
            number: Some(header.number),
            ended_transfer,
        }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ChunkErrorKind {
        self.kind
    }

    /// The chunk's transfer id, if its header could be read.
    pub const fn transfer_id(&self) -> Option<u8> {
        self.transfer_id
    }

    /// The chunk's number, if its header could be read.
    pub const fn chunk_number(&self) -> Option<u16> {
        self.number
    }

    /// Whether a transfer in flight was discarded because of this chunk.
    pub const fn ended_transfer(&self) -> bool {
        self.ended_transfer
    }

    /// The language-neutral error class of the vector corpus.
    pub const fn class(&self) -> &'static str {
        self.kind.class()
    }

    /// The stable numeric code (as exported to C and JavaScript).
    pub const fn code(&self) -> u16 {
        self.kind.code()
    }
}

impl fmt::Display for ChunkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.describe())?;
        if let Some(id) = self.transfer_id {
            write!(f, " (transfer {id}")?;
            if let Some(number) = self.number {
                write!(f, ", chunk {number}")?;
            }
            f.write_str(")")?;
        }
        if self.ended_transfer {
            f.write_str("; transfer discarded")?;
        }
        write!(f, " ({})", self.kind.class())
    }
}

impl core::error::Error for ChunkError {}

// ---------------------------------------------------------------------------------------
// Reassembler
// ---------------------------------------------------------------------------------------

/// Limits of a [`Reassembler`], at most its compile-time capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReassemblerConfig {
    max_transfers: usize,
    max_payload: usize,
    stale_timeout_ms: u64,
}

impl Default for ReassemblerConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl ReassemblerConfig {
    /// The defaults: as many transfers and bytes as the reassembler holds (its `TRANSFERS`
    /// and `BYTES`), and [`DEFAULT_STALE_TIMEOUT_MS`].
    pub const fn new() -> Self {
        Self {
            max_transfers: usize::MAX,
            max_payload: usize::MAX,
            stale_timeout_ms: DEFAULT_STALE_TIMEOUT_MS,
        }
    }

    /// Multi-chunk transfers in flight at once (one-chunk transfers need no slot); at
    /// most the reassembler's `TRANSFERS`.
    #[must_use]
    pub const fn max_transfers(mut self, transfers: usize) -> Self {
        self.max_transfers = transfers;
        self
    }

    /// Bytes of a reassembled payload; at most the reassembler's `BYTES`.
    #[must_use]
    pub const fn max_payload(mut self, bytes: usize) -> Self {
        self.max_payload = bytes;
        self
    }

    /// Milliseconds without an accepted chunk after which a transfer is stale.
    #[must_use]
    pub const fn stale_timeout_ms(mut self, ms: u64) -> Self {
        self.stale_timeout_ms = ms;
        self
    }

    /// The transfers-in-flight limit.
    pub const fn max_transfers_limit(&self) -> usize {
        self.max_transfers
    }

    /// The payload-size limit.
    pub const fn max_payload_limit(&self) -> usize {
        self.max_payload
    }

    /// The stale timeout in milliseconds.
    pub const fn stale_timeout_limit_ms(&self) -> u64 {
        self.stale_timeout_ms
    }
}

#[derive(Clone, Debug)]
struct Slot<const BYTES: usize> {
    in_use: bool,
    transfer_id: u8,
    /// The total the first chunk declared: fixed for the transfer.
    total: u16,
    /// The number the next chunk must carry.
    next: u16,
    /// Payload length of the first chunk, which every chunk but the last repeats.
    first_len: u16,
    sender: u32,
    len: usize,
    last_activity_ms: u64,
    data: [u8; BYTES],
}

impl<const BYTES: usize> Slot<BYTES> {
    const EMPTY: Self = Self {
        in_use: false,
        transfer_id: 0,
        total: 0,
        next: 0,
        first_len: 0,
        sender: 0,
        len: 0,
        last_activity_ms: 0,
        data: [0; BYTES],
    };

    fn is_stale(&self, now_ms: u64, timeout_ms: u64) -> bool {
        self.in_use && now_ms.saturating_sub(self.last_activity_ms) > timeout_ms
    }

    fn key(&self) -> TransferKey {
        TransferKey {
            sender: self.sender,
            transfer_id: self.transfer_id,
        }
    }

    /// The stored bytes of chunk `number` (not the last), if they were stored.
    fn stored_chunk(&self, number: u16) -> Option<&[u8]> {
        let len = usize::from(self.first_len);
        let start = usize::from(number.checked_sub(1)?).checked_mul(len)?;
        self.data
            .get(..self.len)?
            .get(start..start.checked_add(len)?)
    }
}

/// Reassembles chunked transfers from any number of senders in fixed memory: `TRANSFERS`
/// transfers in flight, `BYTES` payload bytes each (`MOX-CHK-030`).
///
/// Feed it every chunk with [`accept`](Self::accept); call
/// [`poll_expired`](Self::poll_expired) from time to time (at
/// [`next_deadline`](Self::next_deadline) at the latest) to learn of transfers that timed
/// out. Transfers under different [`TransferKey`]s never affect each other
/// (`MOX-CHK-031`).
#[derive(Clone, Debug)]
pub struct Reassembler<const TRANSFERS: usize, const BYTES: usize> {
    config: ReassemblerConfig,
    slots: [Slot<BYTES>; TRANSFERS],
}

impl<const TRANSFERS: usize, const BYTES: usize> Default for Reassembler<TRANSFERS, BYTES> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const TRANSFERS: usize, const BYTES: usize> Reassembler<TRANSFERS, BYTES> {
    /// A reassembler using all its capacity, with the default stale timeout.
    pub const fn new() -> Self {
        Self::with_config(ReassemblerConfig::new())
    }

    /// A reassembler with `config`, its limits lowered to the capacity (`TRANSFERS`
    /// transfers, `BYTES` bytes).
    pub const fn with_config(config: ReassemblerConfig) -> Self {
        let max_transfers = if config.max_transfers < TRANSFERS {
            config.max_transfers
        } else {
            TRANSFERS
        };
        let max_payload = if config.max_payload < BYTES {
            config.max_payload
        } else {
            BYTES
        };
        Self {
            config: ReassemblerConfig {
                max_transfers,
                max_payload,
                stale_timeout_ms: config.stale_timeout_ms,
            },
            slots: [Slot::EMPTY; TRANSFERS],
        }
    }

    /// The configuration in force (after lowering to the capacity).
    pub const fn config(&self) -> ReassemblerConfig {
        self.config
    }

    /// Multi-chunk transfers in flight.
    pub fn in_flight(&self) -> usize {
        self.slots.iter().filter(|slot| slot.in_use).count()
    }

    /// Whether a transfer is in flight under `key`.
    pub fn is_in_flight(&self, key: TransferKey) -> bool {
        self.find(key.sender, key.transfer_id).is_some()
    }

    /// Discards every transfer in flight (for example when the link to the peers resets).
    pub fn clear(&mut self) {
        for slot in &mut self.slots {
            slot.in_use = false;
        }
    }

    /// Discards the transfer under `key`, if any: for a receiver that gives up on its own.
    /// Returns whether one was in flight.
    pub fn discard(&mut self, key: TransferKey) -> bool {
        match self.find(key.sender, key.transfer_id) {
            Some(index) => self.free(index),
            None => false,
        }
    }

    /// The earliest time (caller's clock, milliseconds) after which a transfer in flight
    /// is stale if no chunk arrives for it; `None` with nothing in flight.
    pub fn next_deadline(&self) -> Option<u64> {
        self.slots
            .iter()
            .filter(|slot| slot.in_use)
            .map(|slot| {
                slot.last_activity_ms
                    .saturating_add(self.config.stale_timeout_ms)
                    .saturating_add(1)
            })
            .min()
    }

    /// Discards one transfer that is stale at `now_ms` and returns its key; `None` when no
    /// transfer is stale. Call it until it returns `None` (at most `TRANSFERS` times)
    /// (`MOX-CHK-040`).
    #[must_use]
    pub fn poll_expired(&mut self, now_ms: u64) -> Option<TransferKey> {
        self.reanchor_clock(now_ms);
        let timeout = self.config.stale_timeout_ms;
        let slot = self
            .slots
            .iter_mut()
            .find(|slot| slot.is_stale(now_ms, timeout))?;
        slot.in_use = false;
        Some(slot.key())
    }

    /// Takes one chunk (header and payload, as [`ChunkHeader::parse`] reads it) from
    /// `sender` at `now_ms`.
    ///
    /// `sender` is any number the caller uses to tell senders apart (a node id, a port
    /// number; `0` when one reassembler serves one peer): transfer ids are unique per
    /// sender only.
    ///
    /// A one-chunk transfer completes at once with a payload borrowed from `chunk`, and
    /// never occupies a slot. An `Err` describes a chunk that was not used;
    /// [`ChunkError::ended_transfer`] says whether it also discarded a transfer in flight.
    pub fn accept<'a>(
        &'a mut self,
        now_ms: u64,
        sender: u32,
        chunk: &'a [u8],
    ) -> Result<Accepted<'a>, ChunkError> {
        self.reanchor_clock(now_ms);
        let (header, payload) = ChunkHeader::parse(chunk)?;
        let mut found = self.find(sender, header.transfer_id);

        if header.is_abandon() {
            let ended = found.is_some_and(|index| self.free(index));
            return Err(ChunkError::at(ChunkErrorKind::Abandoned, &header, ended));
        }

        if header.number == 1 && header.is_final() {
            // One chunk is the whole transfer: nothing to store, nothing in flight to touch.
            if payload.len() > self.config.max_payload {
                let error = ChunkErrorKind::TransferTooLarge;
                return Err(ChunkError::at(error, &header, false));
            }
            return Ok(Accepted::Complete {
                transfer_id: header.transfer_id,
                payload,
            });
        }

        if let Some(index) = found {
            let timeout = self.config.stale_timeout_ms;
            if self
                .slots
                .get(index)
                .is_some_and(|s| s.is_stale(now_ms, timeout))
            {
                self.free(index);
                if header.number != 1 {
                    return Err(ChunkError::at(ChunkErrorKind::TimedOut, &header, true));
                }
                found = None;
            }
        }

        match found {
            None if header.number == 1 => self.start(now_ms, sender, &header, payload, false),
            None => Err(ChunkError::at(
                ChunkErrorKind::OutOfSequence,
                &header,
                false,
            )),
            Some(index) => self.continue_transfer(index, now_ms, sender, &header, payload),
        }
    }

    fn continue_transfer<'a>(
        &'a mut self,
        index: usize,
        now_ms: u64,
        sender: u32,
        header: &ChunkHeader,
        payload: &[u8],
    ) -> Result<Accepted<'a>, ChunkError> {
        let Some(slot) = self.slots.get(index) else {
            return Err(ChunkError::at(ChunkErrorKind::OutOfSequence, header, false));
        };
        if header.number < slot.next {
            let same =
                header.total == slot.total && slot.stored_chunk(header.number) == Some(payload);
            if same {
                // A retransmission: harmless, but it does not prove the sender is still
                // going, so it does not keep the transfer alive.
                return Err(ChunkError::at(
                    ChunkErrorKind::DuplicateChunk,
                    header,
                    false,
                ));
            }
            if header.number == 1 {
                return self.start(now_ms, sender, header, payload, true);
            }
            self.free(index);
            return Err(ChunkError::at(
                ChunkErrorKind::ConflictingChunk,
                header,
                true,
            ));
        }

        let max_payload = self.config.max_payload;
        let Some(slot) = self.slots.get_mut(index) else {
            return Err(ChunkError::at(ChunkErrorKind::OutOfSequence, header, false));
        };
        let fail = |slot: &mut Slot<BYTES>, kind| {
            slot.in_use = false;
            Err(ChunkError::at(kind, header, true))
        };
        if header.number > slot.next {
            return fail(slot, ChunkErrorKind::MissingChunk);
        }

        let is_final = header.is_final();
        let total_consistent = if slot.total == UNKNOWN_TOTAL {
            header.total == UNKNOWN_TOTAL || is_final
        } else {
            header.total == slot.total
        };
        if !total_consistent || (!is_final && header.number == MAX_CHUNKS) {
            return fail(slot, ChunkErrorKind::ChunkCountMismatch);
        }
        let first_len = usize::from(slot.first_len);
        let length_consistent = if is_final {
            payload.len() <= first_len
        } else {
            payload.len() == first_len
        };
        if !length_consistent {
            return fail(slot, ChunkErrorKind::ChunkLengthMismatch);
        }
        let end = slot.len.saturating_add(payload.len());
        if end > max_payload {
            return fail(slot, ChunkErrorKind::TransferTooLarge);
        }
        let Some(target) = slot.data.get_mut(slot.len..end) else {
            return fail(slot, ChunkErrorKind::TransferTooLarge);
        };
        target.copy_from_slice(payload);
        slot.len = end;
        slot.next = header.number.saturating_add(1);
        slot.last_activity_ms = now_ms;

        if is_final {
            slot.in_use = false;
            let payload = slot.data.get(..slot.len).unwrap_or(&[]);
            return Ok(Accepted::Complete {
                transfer_id: header.transfer_id,
                payload,
            });
        }
        Ok(Accepted::InProgress {
            transfer_id: header.transfer_id,
            received: header.number,
            total: slot.total,
        })
    }

    /// Starts a transfer with its first chunk (not the last one), in the slot it replaces
    /// when `restart`, else in a free slot.
    fn start<'a>(
        &'a mut self,
        now_ms: u64,
        sender: u32,
        header: &ChunkHeader,
        payload: &[u8],
        restart: bool,
    ) -> Result<Accepted<'a>, ChunkError> {
        // A restart discards the old transfer whatever happens to the new one.
        let replaced = if restart {
            self.find(sender, header.transfer_id)
                .is_some_and(|index| self.free(index))
        } else {
            false
        };
        if payload.is_empty() {
            return Err(ChunkError::at(
                ChunkErrorKind::ChunkLengthMismatch,
                header,
                replaced,
            ));
        }
        // With every chunk but the last as long as this one, a known total bounds the size.
        let smallest = usize::from(header.total.saturating_sub(1))
            .saturating_mul(payload.len())
            .max(payload.len());
        if smallest > self.config.max_payload {
            let error = ChunkErrorKind::TransferTooLarge;
            return Err(ChunkError::at(error, header, replaced));
        }
        let Some(index) = self.free_slot(now_ms) else {
            let error = ChunkErrorKind::TooManyTransfers;
            return Err(ChunkError::at(error, header, replaced));
        };
        let Some(slot) = self.slots.get_mut(index) else {
            let error = ChunkErrorKind::TooManyTransfers;
            return Err(ChunkError::at(error, header, replaced));
        };
        let Some(target) = slot.data.get_mut(..payload.len()) else {
            let error = ChunkErrorKind::TransferTooLarge;
            return Err(ChunkError::at(error, header, replaced));
        };
        target.copy_from_slice(payload);
        slot.in_use = true;
        slot.sender = sender;
        slot.transfer_id = header.transfer_id;
        slot.total = header.total;
        slot.next = 2;
        slot.first_len = header.payload_len;
        slot.len = payload.len();
        slot.last_activity_ms = now_ms;
        Ok(if replaced {
            Accepted::Restarted {
                transfer_id: header.transfer_id,
                total: header.total,
            }
        } else {
            Accepted::InProgress {
                transfer_id: header.transfer_id,
                received: 1,
                total: header.total,
            }
        })
    }

    /// A free slot within the configured limit; stale transfers are reclaimed when the
    /// limit is reached, live ones never (`MOX-CHK-039`).
    fn free_slot(&mut self, now_ms: u64) -> Option<usize> {
        if self.in_flight() >= self.config.max_transfers {
            let timeout = self.config.stale_timeout_ms;
            for slot in &mut self.slots {
                if slot.is_stale(now_ms, timeout) {
                    slot.in_use = false;
                }
            }
            if self.in_flight() >= self.config.max_transfers {
                return None;
            }
        }
        self.slots.iter().position(|slot| !slot.in_use)
    }

    fn find(&self, sender: u32, transfer_id: u8) -> Option<usize> {
        self.slots
            .iter()
            .position(|s| s.in_use && s.sender == sender && s.transfer_id == transfer_id)
    }

    fn free(&mut self, index: usize) -> bool {
        match self.slots.get_mut(index) {
            Some(slot) if slot.in_use => {
                slot.in_use = false;
                true
            }
            _ => false,
        }
    }

    /// A clock that went backwards restarts every transfer's stale timer at `now_ms`, so a
    /// transfer outlives the jump by at most the stale timeout (`MOX-CHK-041`).
    /// Lowers the last activity of every transfer in flight to `now_ms` when the clock went
    /// backwards (`MOX-CHK-041`). [`accept`](Self::accept) and
    /// [`poll_expired`](Self::poll_expired) do it themselves; a caller that handles a
    /// chunk without passing it to `accept` (the envelope's header checks) calls it so that
    /// every chunk moves the clock the same way.
    pub fn reanchor_clock(&mut self, now_ms: u64) {
        for slot in &mut self.slots {
            if slot.in_use && slot.last_activity_ms > now_ms {
                slot.last_activity_ms = now_ms;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(id: u8, total: u16, number: u16, payload: &[u8]) -> Vec<u8> {
        let len = u16::try_from(payload.len()).unwrap();
        let header = ChunkHeader::new(id, total, number, len).unwrap();
        let mut bytes = header.to_bytes().to_vec();
        bytes.extend_from_slice(payload);
        bytes
    }

    fn kind<T>(result: Result<T, ChunkError>) -> ChunkErrorKind {
        match result {
            Err(error) => error.kind(),
            Ok(_) => panic!("expected an error"),
        }
    }

    #[test]
    fn mox_chk_001_002_header_layout_is_lsb_first_14_bit() {
        let header = ChunkHeader::new(0x05, 300, 129, 0x3FFF).unwrap();
        // 300 = 2 × 128 + 44; 129 = 1 × 128 + 1.
        assert_eq!(header.to_bytes(), [0x05, 44, 2, 1, 1, 0x7F, 0x7F]);
        let mut bytes = header.to_bytes().to_vec();
        bytes.extend(core::iter::repeat_n(0x11, 0x3FFF));
        let (parsed, payload) = ChunkHeader::parse(&bytes).unwrap();
        assert_eq!(parsed, header);
        assert_eq!(payload.len(), 0x3FFF);
    }

    #[test]
    fn header_fields_out_of_range_are_refused() {
        assert!(ChunkHeader::new(0x80, 1, 1, 0).is_none());
        assert!(ChunkHeader::new(0, 0x4000, 1, 0).is_none());
        assert!(ChunkHeader::new(0, 0, 0x4000, 0).is_none());
        assert!(ChunkHeader::new(0, 1, 1, 0x4000).is_none());
        assert!(ChunkHeader::new(0, 2, 3, 0).is_none(), "MOX-CHK-013");
        assert!(ChunkHeader::new(0, 0, 3, 0).is_some(), "unknown total");
        assert!(ChunkHeader::abandon(0x7F).unwrap().is_abandon());
    }

    #[test]
    fn mox_chk_003_parse_checks_lengths_and_ignores_trailing_bytes() {
        assert_eq!(
            kind(ChunkHeader::parse(&[1, 1, 0, 1, 0, 0])),
            ChunkErrorKind::Truncated
        );
        let mut bytes = chunk(1, 1, 1, &[1, 2, 3]);
        let error = ChunkHeader::parse(&bytes[..9]).unwrap_err();
        assert_eq!(error.kind(), ChunkErrorKind::Truncated);
        assert_eq!(
            (error.transfer_id(), error.chunk_number()),
            (Some(1), Some(1))
        );
        bytes.extend_from_slice(&[0x7E, 0x7D]);
        let (_, payload) = ChunkHeader::parse(&bytes).unwrap();
        assert_eq!(payload, [1, 2, 3]);
    }

    #[test]
    fn mox_chk_004_eight_bit_bytes_are_refused() {
        assert_eq!(
            kind(ChunkHeader::parse(&[0x81])),
            ChunkErrorKind::NotSevenBit
        );
        let mut bytes = chunk(1, 1, 1, &[1, 2, 3]);
        bytes[3] |= 0x80;
        assert_eq!(
            kind(ChunkHeader::parse(&bytes)),
            ChunkErrorKind::NotSevenBit
        );
        let mut bytes = chunk(1, 1, 1, &[1, 2, 3]);
        bytes[8] = 0xF7;
        assert_eq!(
            kind(ChunkHeader::parse(&bytes)),
            ChunkErrorKind::NotSevenBit
        );
        // Number 3 of 2, built by hand since `ChunkHeader::new` refuses it.
        let bytes = [1, 2, 0, 3, 0, 0, 0];
        assert_eq!(
            kind(ChunkHeader::parse(&bytes)),
            ChunkErrorKind::ChunkCountMismatch
        );
    }

    #[test]
    fn mox_chk_020_splitter_fits_the_peer_maximum() {
        let payload = [7u8; 1000];
        let splitter = Splitter::new(&payload, 3, 128, 20).unwrap();
        assert_eq!(splitter.chunk_payload_len(), 128 - 20 - HEADER_LEN);
        assert_eq!(splitter.chunk_count(), 10); // 1000 / 101, rounded up
        assert_eq!(chunk_count(1000, 128, 20), Ok(10));
        let mut buf = [0u8; 128 - 20];
        let mut sizes = Vec::new();
        let mut splitter = splitter;
        while let Some(len) = splitter.write_next(&mut buf).unwrap() {
            sizes.push(len);
        }
        assert_eq!(sizes.len(), 10);
        assert!(sizes[..9].iter().all(|&len| len == 128 - 20));
        assert_eq!(sizes[9], HEADER_LEN + 1000 - 9 * 101);
    }

    #[test]
    fn splitter_refusals() {
        assert_eq!(
            Splitter::new(&[1], 0, 27, 20).unwrap_err(),
            SplitError::MaxSizeTooSmall { minimum: 28 }
        );
        assert!(Splitter::new(&[1], 0, 28, 20).is_ok());
        assert_eq!(
            chunk_count(usize::from(MAX_CHUNKS) + 1, 8, 0),
            Err(SplitError::TooManyChunks {
                needed: usize::from(MAX_CHUNKS) + 1
            })
        );
        assert_eq!(chunk_count(usize::from(MAX_CHUNKS), 8, 0), Ok(MAX_CHUNKS));
        assert_eq!(
            Splitter::new(&[1, 0x80], 0, 128, 0).unwrap_err(),
            SplitError::NotSevenBit { offset: 1 }
        );
        assert_eq!(
            Splitter::new(&[1], 128, 128, 0).unwrap_err(),
            SplitError::BadTransferId
        );
        let mut splitter = Splitter::new(&[1, 2, 3], 0, 128, 0).unwrap();
        let mut small = [0u8; 9];
        assert_eq!(
            splitter.write_next(&mut small),
            Err(SplitError::BufferTooSmall { needed: 10 })
        );
        assert_eq!(splitter.remaining(), 1, "a failed write does not advance");
        // The chunk payload is capped by its 14-bit length field.
        assert_eq!(chunk_payload_capacity(1 << 20, 0), Ok(MAX_CHUNK_PAYLOAD));
    }

    #[test]
    fn empty_payload_is_one_empty_chunk() {
        let mut splitter = Splitter::new(&[], 9, 128, 0).unwrap();
        let chunk = splitter.next().unwrap();
        assert_eq!(chunk.header, ChunkHeader::new(9, 1, 1, 0).unwrap());
        assert!(splitter.next().is_none());
        let mut receiver: Reassembler<1, 16> = Reassembler::new();
        let mut bytes = [0u8; HEADER_LEN];
        chunk.encode(&mut bytes).unwrap();
        assert!(matches!(
            receiver.accept(0, 0, &bytes),
            Ok(Accepted::Complete { payload: [], .. })
        ));
    }

    #[test]
    fn mox_chk_012_streaming_numbering_declares_the_total_last() {
        let payload = [1u8; 25];
        let headers: Vec<_> = Splitter::new(&payload, 1, 17, 0)
            .unwrap()
            .streaming()
            .map(|chunk| (chunk.header.total(), chunk.header.number()))
            .collect();
        assert_eq!(headers, [(0, 1), (0, 2), (3, 3)]);
    }

    #[test]
    fn mox_chk_032_duplicates_are_ignored_and_reported() {
        let mut receiver: Reassembler<2, 64> = Reassembler::new();
        let first = chunk(4, 2, 1, &[1, 2]);
        assert!(receiver.accept(0, 0, &first).is_ok());
        let error = receiver.accept(1, 0, &first).unwrap_err();
        assert_eq!(error.kind(), ChunkErrorKind::DuplicateChunk);
        assert!(!error.ended_transfer());
        let last = chunk(4, 2, 2, &[3]);
        assert_eq!(
            receiver.accept(2, 0, &last),
            Ok(Accepted::Complete {
                transfer_id: 4,
                payload: &[1, 2, 3]
            })
        );
        // After completion the transfer is gone: a late copy of its last chunk is reported.
        assert_eq!(
            kind(receiver.accept(3, 0, &last)),
            ChunkErrorKind::OutOfSequence
        );
    }

    #[test]
    fn mox_chk_033_different_first_chunk_restarts_a_later_one_conflicts() {
        let mut receiver: Reassembler<2, 64> = Reassembler::new();
        receiver.accept(0, 0, &chunk(4, 3, 1, &[1, 2])).unwrap();
        receiver.accept(0, 0, &chunk(4, 3, 2, &[3, 4])).unwrap();
        assert_eq!(
            receiver.accept(0, 0, &chunk(4, 3, 1, &[9, 9])),
            Ok(Accepted::Restarted {
                transfer_id: 4,
                total: 3
            })
        );
        receiver.accept(0, 0, &chunk(4, 3, 2, &[3, 4])).unwrap();
        let error = receiver.accept(0, 0, &chunk(4, 3, 2, &[3, 5])).unwrap_err();
        assert_eq!(error.kind(), ChunkErrorKind::ConflictingChunk);
        assert!(error.ended_transfer());
        assert_eq!(receiver.in_flight(), 0);
    }

    #[test]
    fn mox_chk_034_a_gap_discards_the_transfer() {
        let mut receiver: Reassembler<2, 64> = Reassembler::new();
        receiver.accept(0, 0, &chunk(4, 3, 1, &[1, 2])).unwrap();
        let error = receiver.accept(0, 0, &chunk(4, 3, 3, &[5])).unwrap_err();
        assert_eq!(error.kind(), ChunkErrorKind::MissingChunk);
        assert!(error.ended_transfer());
        assert_eq!(
            kind(receiver.accept(0, 0, &chunk(4, 3, 2, &[3, 4]))),
            ChunkErrorKind::OutOfSequence
        );
    }

    #[test]
    fn mox_chk_036_total_mismatch_discards_the_transfer() {
        let mut receiver: Reassembler<2, 64> = Reassembler::new();
        receiver.accept(0, 0, &chunk(4, 3, 1, &[1, 2])).unwrap();
        assert_eq!(
            kind(receiver.accept(0, 0, &chunk(4, 4, 2, &[3, 4]))),
            ChunkErrorKind::ChunkCountMismatch
        );
        assert_eq!(receiver.in_flight(), 0);
        // Streaming: a total may appear only in the last chunk, as its own number.
        receiver.accept(0, 0, &chunk(4, 0, 1, &[1, 2])).unwrap();
        assert_eq!(
            kind(receiver.accept(0, 0, &chunk(4, 5, 2, &[3, 4]))),
            ChunkErrorKind::ChunkCountMismatch
        );
        receiver.accept(0, 0, &chunk(4, 0, 1, &[1, 2])).unwrap();
        assert_eq!(
            receiver.accept(0, 0, &chunk(4, 2, 2, &[3])),
            Ok(Accepted::Complete {
                transfer_id: 4,
                payload: &[1, 2, 3]
            })
        );
    }

    #[test]
    fn mox_chk_037_chunk_lengths_must_match_the_first() {
        let mut receiver: Reassembler<2, 64> = Reassembler::new();
        receiver.accept(0, 0, &chunk(4, 3, 1, &[1, 2])).unwrap();
        assert_eq!(
            kind(receiver.accept(0, 0, &chunk(4, 3, 2, &[3]))),
            ChunkErrorKind::ChunkLengthMismatch
        );
        receiver.accept(0, 0, &chunk(4, 2, 1, &[1, 2])).unwrap();
        assert_eq!(
            kind(receiver.accept(0, 0, &chunk(4, 2, 2, &[3, 4, 5]))),
            ChunkErrorKind::ChunkLengthMismatch
        );
        assert_eq!(
            kind(receiver.accept(0, 0, &chunk(4, 2, 1, &[]))),
            ChunkErrorKind::ChunkLengthMismatch
        );
        assert_eq!(receiver.in_flight(), 0);
    }

    #[test]
    fn mox_chk_038_too_large_is_refused_early_and_late() {
        let config = ReassemblerConfig::new().max_payload(10);
        let mut receiver: Reassembler<2, 64> = Reassembler::with_config(config);
        assert_eq!(receiver.config().max_payload_limit(), 10);
        // Declared: 4 chunks of 4 bytes cannot fit 10 bytes.
        let error = receiver.accept(0, 0, &chunk(1, 4, 1, &[0; 4])).unwrap_err();
        assert_eq!(error.kind(), ChunkErrorKind::TransferTooLarge);
        assert!(!error.ended_transfer());
        assert_eq!(
            kind(receiver.accept(0, 0, &chunk(1, 1, 1, &[0; 11]))),
            ChunkErrorKind::TransferTooLarge
        );
        // Streaming: found out when the limit is crossed.
        for number in 1..=2 {
            receiver
                .accept(0, 0, &chunk(1, 0, number, &[0; 4]))
                .unwrap();
        }
        let error = receiver.accept(0, 0, &chunk(1, 0, 3, &[0; 4])).unwrap_err();
        assert_eq!(error.kind(), ChunkErrorKind::TransferTooLarge);
        assert!(error.ended_transfer());
        // The capacity caps the configuration.
        let big = ReassemblerConfig::new()
            .max_payload(1 << 20)
            .max_transfers(99);
        let receiver: Reassembler<2, 64> = Reassembler::with_config(big);
        assert_eq!(receiver.config().max_payload_limit(), 64);
        assert_eq!(receiver.config().max_transfers_limit(), 2);
    }

    #[test]
    fn mox_chk_039_a_full_reassembler_refuses_new_transfers_and_keeps_the_old() {
        let mut receiver: Reassembler<2, 64> = Reassembler::new();
        receiver.accept(0, 1, &chunk(1, 3, 1, &[1])).unwrap();
        receiver.accept(0, 2, &chunk(1, 2, 1, &[2])).unwrap();
        let error = receiver.accept(10, 3, &chunk(1, 2, 1, &[3])).unwrap_err();
        assert_eq!(error.kind(), ChunkErrorKind::TooManyTransfers);
        // One-chunk transfers need no slot.
        assert!(receiver.accept(10, 3, &chunk(1, 1, 1, &[3])).is_ok());
        // Sender 1 keeps its transfer alive; sender 2's goes stale and its slot is taken.
        let late = DEFAULT_STALE_TIMEOUT_MS + 1;
        receiver
            .accept(late - 10, 1, &chunk(1, 3, 2, &[1]))
            .unwrap();
        assert!(receiver.accept(late, 3, &chunk(1, 2, 1, &[3])).is_ok());
        let key = |sender| TransferKey {
            sender,
            transfer_id: 1,
        };
        assert!(receiver.is_in_flight(key(1)));
        assert!(!receiver.is_in_flight(key(2)));
        assert!(receiver.is_in_flight(key(3)));
        assert_eq!(
            receiver.accept(late, 1, &chunk(1, 3, 3, &[1])),
            Ok(Accepted::Complete {
                transfer_id: 1,
                payload: &[1, 1, 1]
            })
        );
    }

    #[test]
    fn mox_chk_040_stale_transfers_expire_by_poll_and_by_late_chunks() {
        let config = ReassemblerConfig::new().stale_timeout_ms(100);
        let mut receiver: Reassembler<2, 64> = Reassembler::with_config(config);
        receiver.accept(1000, 7, &chunk(1, 3, 1, &[1])).unwrap();
        receiver.accept(1050, 7, &chunk(2, 3, 1, &[1])).unwrap();
        assert_eq!(receiver.next_deadline(), Some(1101));
        assert_eq!(receiver.poll_expired(1100), None);
        assert_eq!(
            receiver.poll_expired(1101),
            Some(TransferKey {
                sender: 7,
                transfer_id: 1
            })
        );
        assert_eq!(receiver.poll_expired(1101), None);
        // A duplicate does not keep a transfer alive.
        assert_eq!(
            kind(receiver.accept(1140, 7, &chunk(2, 3, 1, &[1]))),
            ChunkErrorKind::DuplicateChunk
        );
        let error = receiver.accept(1151, 7, &chunk(2, 3, 2, &[1])).unwrap_err();
        assert_eq!(error.kind(), ChunkErrorKind::TimedOut);
        assert!(error.ended_transfer());
        assert_eq!(receiver.in_flight(), 0);
        assert_eq!(receiver.next_deadline(), None);
    }

    #[test]
    fn mox_chk_041_time_going_backwards_restarts_the_stale_timer() {
        let config = ReassemblerConfig::new().stale_timeout_ms(100);
        let mut receiver: Reassembler<1, 64> = Reassembler::with_config(config);
        receiver
            .accept(1_000_000, 0, &chunk(1, 3, 1, &[1]))
            .unwrap();
        assert_eq!(receiver.poll_expired(5), None);
        assert_eq!(receiver.next_deadline(), Some(106));
        assert_eq!(
            receiver.accept(50, 0, &chunk(1, 3, 2, &[1])),
            Ok(Accepted::InProgress {
                transfer_id: 1,
                received: 2,
                total: 3
            })
        );
        assert!(receiver.poll_expired(151).is_some());
    }

    #[test]
    fn mox_chk_042_abandon_discards_only_its_transfer() {
        let mut receiver: Reassembler<2, 64> = Reassembler::new();
        receiver.accept(0, 0, &chunk(1, 3, 1, &[1])).unwrap();
        receiver.accept(0, 0, &chunk(2, 3, 1, &[2])).unwrap();
        let abandon = ChunkHeader::abandon(1).unwrap().to_bytes();
        let error = receiver.accept(0, 0, &abandon).unwrap_err();
        assert_eq!(error.kind(), ChunkErrorKind::Abandoned);
        assert!(error.ended_transfer());
        let error = receiver.accept(0, 0, &abandon).unwrap_err();
        assert!(!error.ended_transfer());
        assert_eq!(receiver.in_flight(), 1);
        assert!(receiver.discard(TransferKey {
            sender: 0,
            transfer_id: 2
        }));
        assert_eq!(receiver.in_flight(), 0);
    }

    #[test]
    fn mox_chk_044_one_chunk_transfer_leaves_the_transfer_in_flight_alone() {
        let mut receiver: Reassembler<1, 64> = Reassembler::new();
        receiver.accept(0, 0, &chunk(1, 2, 1, &[1])).unwrap();
        let single = chunk(1, 1, 1, &[9]);
        assert_eq!(
            receiver.accept(0, 0, &single),
            Ok(Accepted::Complete {
                transfer_id: 1,
                payload: &[9]
            })
        );
        assert_eq!(
            receiver.accept(0, 0, &chunk(1, 2, 2, &[2])),
            Ok(Accepted::Complete {
                transfer_id: 1,
                payload: &[1, 2]
            })
        );
    }

    #[test]
    fn streaming_transfer_cannot_run_past_the_last_number() {
        let mut receiver: Reassembler<1, 64> = Reassembler::new();
        receiver.accept(0, 0, &chunk(1, 0, 1, &[])).unwrap_err();
        receiver.accept(0, 0, &chunk(1, 0, 1, &[1])).unwrap();
        // Forge the state of a transfer at its last possible number.
        receiver.slots[0].next = MAX_CHUNKS;
        receiver.slots[0].len = 0;
        assert_eq!(
            kind(receiver.accept(0, 0, &chunk(1, 0, MAX_CHUNKS, &[1]))),
            ChunkErrorKind::ChunkCountMismatch
        );
    }

    #[test]
    fn classes_and_codes_are_stable() {
        let kinds = [
            (ChunkErrorKind::Truncated, "chunk-truncated", 471),
            (ChunkErrorKind::NotSevenBit, "chunk-not-seven-bit", 472),
            (ChunkErrorKind::OutOfSequence, "chunk-out-of-sequence", 473),
            (ChunkErrorKind::MissingChunk, "chunk-missing", 474),
            (ChunkErrorKind::DuplicateChunk, "chunk-duplicate", 475),
            (ChunkErrorKind::ConflictingChunk, "chunk-conflicting", 476),
            (
                ChunkErrorKind::ChunkCountMismatch,
                "chunk-count-mismatch",
                477,
            ),
            (
                ChunkErrorKind::ChunkLengthMismatch,
                "chunk-length-mismatch",
                478,
            ),
            (ChunkErrorKind::TransferTooLarge, "transfer-too-large", 479),
            (ChunkErrorKind::TooManyTransfers, "too-many-transfers", 480),
            (ChunkErrorKind::Abandoned, "transfer-abandoned", 481),
            (ChunkErrorKind::TimedOut, "transfer-timed-out", 482),
        ];
        for (kind, class, code) in kinds {
            assert_eq!((kind.class(), kind.code()), (class, code));
        }
        let error = ChunkError::at(
            ChunkErrorKind::MissingChunk,
            &ChunkHeader::new(3, 9, 5, 0).unwrap(),
            true,
        );
        assert_eq!(
            error.to_string(),
            "chunks missing before this one (transfer 3, chunk 5); transfer discarded \
             (chunk-missing)"
        );
        assert_eq!(
            SplitError::TooManyChunks { needed: 20000 }.to_string(),
            "payload needs 20000 chunks, more than the 16383 a header can number \
             (too-many-chunks)"
        );
    }

    #[test]
    fn default_reassembler_footprint() {
        let size = core::mem::size_of::<DefaultReassembler>();
        #[cfg(target_pointer_width = "64")]
        assert_eq!(size, 4248);
        assert!(size <= DEFAULT_MAX_TRANSFERS * (DEFAULT_MAX_PAYLOAD + 32) + 24);
    }
}
