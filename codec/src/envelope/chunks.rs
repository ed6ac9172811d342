//! Step 7 of the receiver pipeline (spec §15.5): chunks (`H=1`) through a bounded
//! reassembler, with the message-header comparison of MOX-SYX-072 on top of chapter 11.
use super::receiver::{ChunkMessage, Outcome, ReceiverDesc};
use super::Header;
use crate::sysex::chunk::{
    Accepted, ChunkErrorKind, ChunkHeader, Reassembler, ReassemblerConfig, TransferKey,
};

/// A [`Reassembler`] of `TRANSFERS` transfers of up to `BYTES` bytes each, plus the first
/// chunk's message header of each transfer in flight, so that a chunk whose header differs
/// is told apart (MOX-SYX-072): at the expected number or as a retransmission it ends the
/// transfer (`chunk-conflicting`); numbered 1, it starts a new one (`transfer-restarted`).
///
/// Transfer keys (MOX-SYX-072): with `A=1` the source node id; with `A=0` the caller's
/// `link` number (31 bits; bit 31 is set internally so links and node ids never meet).
///
/// ```
/// use mox_codec::envelope::{ChunkReceiver, Outcome, ReceiverDesc, Limits};
///
/// let receiver = ReceiverDesc { node_id: 0x42, limits: Limits::DEFAULT, extensions: &[] };
/// let mut chunks: ChunkReceiver<4, 1024> = ChunkReceiver::new();
/// # let unit: &[u8] = &[0xF0, 0x7D, 0x4D, 0x4F, 0x58, 0x04, 0x7E, 0x01, 0x01, 0x00, 0x01, 0xF7];
/// let outcome = match receiver.receive_sysex(unit) {
///     Outcome::Chunk(chunk) => chunks.accept(&receiver, 0, 7, &chunk),
///     other => other,
/// };
/// assert_eq!(outcome.class(), "rejected"); // this receiver supports no extension
/// ```
pub struct ChunkReceiver<const TRANSFERS: usize, const BYTES: usize> {
    reassembler: Reassembler<TRANSFERS, BYTES>,
    /// One entry per slot, plus `spare`: with at most `TRANSFERS` in flight before a chunk,
    /// one entry is always free for the transfer that chunk may start.
    firsts: [Option<First>; TRANSFERS],
    spare: Option<First>,
}

/// What the receiver keeps of a transfer in flight besides the reassembler's slot: the
/// first chunk's header, and (mirroring the slot) the number expected next and the time of
/// the last accepted chunk, so that a chunk under another header is classified by the rule
/// chapter 11 would apply to it (rules 3, 6–10 of §11.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct First {
    key: TransferKey,
    header: Header,
    next: u16,
    last_ms: u64,
}

impl<const TRANSFERS: usize, const BYTES: usize> Default for ChunkReceiver<TRANSFERS, BYTES> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const TRANSFERS: usize, const BYTES: usize> ChunkReceiver<TRANSFERS, BYTES> {
    /// An empty receiver with the default [`ReassemblerConfig`].
    pub const fn new() -> Self {
        Self::with_config(ReassemblerConfig::new())
    }

    /// An empty receiver with `config` (stale timeout, and limits below the capacity).
    pub const fn with_config(config: ReassemblerConfig) -> Self {
        Self {
            reassembler: Reassembler::with_config(config),
            firsts: [None; TRANSFERS],
            spare: None,
        }
    }

    /// The reassembler (transfers in flight, deadlines, `poll_expired`).
    pub fn reassembler(&mut self) -> &mut Reassembler<TRANSFERS, BYTES> {
        &mut self.reassembler
    }

    /// Takes one chunk that [`ReceiverDesc::receive`] returned as [`Outcome::Chunk`], at the
    /// caller's time `now_ms`, from `link`. Returns [`Outcome::Consumed`] with the chapter 11
    /// class for a chunk that does not complete a message, or the outcome of steps 8–10 for
    /// the message a chunk completes (with the first chunk's header).
    pub fn accept<'a, 'r>(
        &'a mut self,
        desc: &ReceiverDesc<'r>,
        now_ms: u64,
        link: u32,
        chunk: &ChunkMessage<'a, 'r>,
    ) -> Outcome<'a, 'r> {
        let header = *chunk.header();
        let consumed = |class: &'static str, code: Option<u8>| Outcome::Consumed {
            header,
            class,
            reply: code.and_then(|code| desc.reply_to(&header, code)),
        };
        // §11.2 first: a chunk that does not parse touches no transfer (MOX-RCV-050).
        let chunk_header = match ChunkHeader::parse(chunk.section()) {
            Ok((chunk_header, _)) => chunk_header,
            Err(error) => return consumed(error.class(), reply_code(error.kind())),
        };
        let sender = match header.addresses {
            Some(addresses) => addresses.source,
            None => link | 0x8000_0000,
        };
        let key = TransferKey {
            sender,
            transfer_id: chunk_header.transfer_id(),
        };
        let number = chunk_header.number();
        let single = number == 1 && chunk_header.is_final();
        let timeout = self.reassembler.config().stale_timeout_limit_ms();
        let Self {
            reassembler,
            firsts,
            spare,
        } = self;
        // Every chunk that gets this far moves the clock of every transfer in flight
        // (MOX-CHK-041), in the reassembler and in the first-chunk entries alike, before any
        // rule looks at staleness; the conflicting-chunk path below never calls `accept`.
        reassembler.reanchor_clock(now_ms);
        for entry in entries_mut(firsts, spare).flatten() {
            entry.last_ms = entry.last_ms.min(now_ms);
        }
        // The transfer's entry.
        let mut first = None;
        if reassembler.is_in_flight(key) && !single {
            first = entries(firsts, spare)
                .flatten()
                .find(|entry| entry.key == key)
                .copied();
        }
        let stale = first.is_some_and(|f| now_ms.saturating_sub(f.last_ms) > timeout);
        let differs = first.is_some_and(|f| !same_message(&f.header, &header));
        // Where this chunk's transfer will be remembered if it starts one: the key's own
        // entry, else one whose transfer is not in flight (there is always one).
        let target = entries(firsts, spare)
            .position(|entry| entry.is_some_and(|f| f.key == key))
            .or_else(|| {
                entries(firsts, spare).position(|entry| match entry {
                    None => true,
                    Some(f) => !reassembler.is_in_flight(f.key),
                })
            });
        let started = |next| {
            Some(First {
                key,
                header,
                next,
                last_ms: now_ms,
            })
        };

        if differs && !stale && !chunk_header.is_abandon() {
            if number == 1 {
                // A different first chunk under the same key is a new transfer (rule 7,
                // MOX-SYX-072), even when its chunk bytes equal the stored ones.
                reassembler.discard(key);
                set(firsts, spare, target, started(2));
                return match reassembler.accept(now_ms, sender, chunk.section()) {
                    Ok(Accepted::Complete { payload, .. }) => {
                        desc.receive_reassembled(&header, payload)
                    }
                    Ok(_) => consumed("transfer-restarted", None),
                    Err(error) => {
                        set(firsts, spare, target, None);
                        consumed(error.class(), reply_code(error.kind()))
                    }
                };
            }
            if first.is_some_and(|f| number <= f.next) {
                // The expected chunk, or one before it, under another header: two messages
                // are mixed (rules 8 and 10 with MOX-SYX-072, MOX-RCV-054).
                reassembler.discard(key);
                forget(firsts, spare, key);
                return consumed("chunk-conflicting", Some(0x25));
            }
            // Above the expected number: chunk-missing, whatever the header.
        }
        match reassembler.accept(now_ms, sender, chunk.section()) {
            Ok(Accepted::Complete { payload, .. }) => {
                // The message is the first chunk's header with the reassembled section
                // (MOX-RCV-052); a one-chunk transfer is its own first chunk.
                let message = match first {
                    Some(f) if !single && !stale => f.header,
                    _ => header,
                };
                if !single {
                    forget(firsts, spare, key);
                }
                desc.receive_reassembled(&message, payload)
            }
            Ok(accepted) => {
                match accepted {
                    Accepted::InProgress { received, .. } if number > 1 => {
                        for entry in entries_mut(firsts, spare).flatten() {
                            if entry.key == key {
                                entry.next = received.saturating_add(1);
                                entry.last_ms = now_ms;
                            }
                        }
                    }
                    _ => set(firsts, spare, target, started(2)),
                }
                consumed(accepted.class(), None)
            }
            Err(error) => {
                if error.ended_transfer() {
                    forget(firsts, spare, key);
                }
                consumed(error.class(), reply_code(error.kind()))
            }
        }
    }
}

/// The remembered transfers: the per-slot entries, then the spare.
fn entries<'e>(
    firsts: &'e [Option<First>],
    spare: &'e Option<First>,
) -> impl Iterator<Item = &'e Option<First>> {
    firsts.iter().chain(core::iter::once(spare))
}

fn entries_mut<'e>(
    firsts: &'e mut [Option<First>],
    spare: &'e mut Option<First>,
) -> impl Iterator<Item = &'e mut Option<First>> {
    firsts.iter_mut().chain(core::iter::once(spare))
}

fn set(
    firsts: &mut [Option<First>],
    spare: &mut Option<First>,
    index: Option<usize>,
    value: Option<First>,
) {
    let Some(index) = index else { return };
    if let Some(entry) = entries_mut(firsts, spare).nth(index) {
        *entry = value;
    }
}

fn forget(firsts: &mut [Option<First>], spare: &mut Option<First>, key: TransferKey) {
    for entry in entries_mut(firsts, spare) {
        if entry.is_some_and(|f| f.key == key) {
            *entry = None;
        }
    }
}

/// Whether two chunk headers describe the same message: equal but for `K` (MOX-SYX-071).
fn same_message(a: &Header, b: &Header) -> bool {
    Header { check: false, ..*a } == Header { check: false, ..*b }
}

/// The error-reply code of a chunk class (spec MOX-ERR-031); `None` for the classes that
/// never get one.
pub const fn reply_code(kind: ChunkErrorKind) -> Option<u8> {
    match kind {
        ChunkErrorKind::OutOfSequence => Some(0x21),
        ChunkErrorKind::MissingChunk => Some(0x22),
        ChunkErrorKind::TimedOut => Some(0x23),
        ChunkErrorKind::ConflictingChunk => Some(0x25),
        ChunkErrorKind::ChunkLengthMismatch => Some(0x0C),
        ChunkErrorKind::ChunkCountMismatch => Some(0x0D),
        ChunkErrorKind::TransferTooLarge => Some(0x09),
        ChunkErrorKind::TooManyTransfers => Some(0x44),
        ChunkErrorKind::Truncated => Some(0x41),
        _ => None,
    }
}
