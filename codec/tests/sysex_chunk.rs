//! Properties of chunking and reassembly (`spec/mox.md`, chapter "Chunking"): the splitter
//! fits any maximum, split → reassemble gives the payload back, and no order, duplication,
//! loss or corruption of chunks makes the reassembler panic, exceed its limits, or complete
//! with bytes other than the ones the sender split. Test names cite the `MOX-CHK-*`
//! requirement they check.
use std::collections::HashMap;

use mox_codec::sysex::chunk::{
    chunk_count, Accepted, ChunkError, ChunkErrorKind, ChunkHeader, Reassembler, ReassemblerConfig,
    SplitError, Splitter, TransferKey, HEADER_LEN, MAX_CHUNKS,
};
use proptest::prelude::*;

const TRANSFERS: usize = 3;
const BYTES: usize = 4096;
type Receiver = Reassembler<TRANSFERS, BYTES>;

fn seven_bit_payload(max_len: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(0u8..0x80, 0..=max_len)
}

/// Every chunk of `payload`, encoded.
fn encoded_chunks(splitter: Splitter<'_>) -> Vec<Vec<u8>> {
    splitter
        .map(|chunk| {
            let mut bytes = vec![0; chunk.encoded_len()];
            assert_eq!(chunk.encode(&mut bytes), Ok(bytes.len()));
            bytes
        })
        .collect()
}

/// Feeds `chunks` in order; returns every completed payload.
fn feed(receiver: &mut Receiver, sender: u32, chunks: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut completed = Vec::new();
    for chunk in chunks {
        if let Ok(Accepted::Complete { payload, .. }) = receiver.accept(0, sender, chunk) {
            completed.push(payload.to_vec());
        }
        assert!(receiver.in_flight() <= TRANSFERS);
    }
    completed
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mox_chk_020_022_split_fits_the_maximum_and_round_trips(
        payload in seven_bit_payload(3000),
        max_sysex in 1usize..700,
        overhead in 0usize..40,
        streaming in any::<bool>(),
    ) {
        let splitter = match Splitter::new(&payload, 17, max_sysex, overhead) {
            Ok(splitter) => splitter,
            Err(SplitError::MaxSizeTooSmall { minimum }) => {
                prop_assert!(max_sysex <= overhead + HEADER_LEN);
                prop_assert_eq!(minimum, overhead + HEADER_LEN + 1);
                return Ok(());
            }
            Err(SplitError::TooManyChunks { needed }) => {
                prop_assert!(needed > usize::from(MAX_CHUNKS));
                return Ok(());
            }
            Err(other) => return Err(TestCaseError::fail(format!("{other}"))),
        };
        let capacity = max_sysex - overhead - HEADER_LEN;
        let expected_count = payload.len().div_ceil(capacity).max(1);
        prop_assert_eq!(usize::from(splitter.chunk_count()), expected_count);
        prop_assert_eq!(chunk_count(payload.len(), max_sysex, overhead), Ok(splitter.chunk_count()));
        prop_assert_eq!(splitter.len(), expected_count);
        let splitter = if streaming { splitter.streaming() } else { splitter };
        let chunks = encoded_chunks(splitter);
        prop_assert_eq!(chunks.len(), expected_count);
        for (index, chunk) in chunks.iter().enumerate() {
            // MOX-CHK-020: the whole message, envelope included, fits the peer's maximum.
            prop_assert!(chunk.len() + overhead <= max_sysex);
            // MOX-CHK-021: every chunk but the last is full.
            if index + 1 < chunks.len() {
                prop_assert_eq!(chunk.len(), HEADER_LEN + capacity);
            }
        }
        let mut receiver = Receiver::new();
        let completed = feed(&mut receiver, 0, &chunks);
        if payload.len() <= receiver.config().max_payload_limit() {
            prop_assert_eq!(completed, vec![payload]);
        } else {
            prop_assert!(completed.is_empty());
        }
        prop_assert_eq!(receiver.in_flight(), 0);
    }

    /// Chunks picked at random from two payloads' transfers (ids 1 and 2), their abandon
    /// chunks and truncated copies, from one sender or another, in any order, repeated or
    /// missing. (Corrupted bytes are not in the mix: chunking has no checksum, so a payload
    /// byte or a consistently corrupted total goes unnoticed; integrity is the envelope's.)
    #[test]
    fn mox_chk_043_any_order_duplication_or_loss_never_yields_a_wrong_payload(
        first in seven_bit_payload(600),
        second in seven_bit_payload(600),
        max_sysex in 12usize..200,
        picks in proptest::collection::vec((any::<u16>(), 0u8..8, 0u64..2000), 0..200),
    ) {
        let Ok(a) = Splitter::new(&first, 1, max_sysex, 0) else { return Ok(()) };
        let Ok(b) = Splitter::new(&second, 2, max_sysex, 0) else { return Ok(()) };
        let (a, b) = (encoded_chunks(a), encoded_chunks(b));
        let mut receiver = Receiver::with_config(ReassemblerConfig::new().stale_timeout_ms(500));
        let mut now = 0u64;
        for (pick, variant, step) in picks {
            now += step;
            let (chunks, id) = if pick % 2 == 0 { (&a, 1) } else { (&b, 2) };
            let mut chunk = chunks[usize::from(pick / 2) % chunks.len()].clone();
            let mut sender = 0;
            match variant {
                // The abandon chunk of this transfer.
                0 => chunk = ChunkHeader::abandon(id).unwrap().to_bytes().to_vec(),
                // A chunk of another sender's transfer with the same id.
                1 => sender = 1,
                // A truncated chunk.
                2 => chunk.truncate(chunk.len() / 2),
                _ => {}
            }
            let outcome = receiver.accept(now, sender, &chunk);
            if let Ok(Accepted::Complete { transfer_id, payload }) = outcome {
                let expected: &[u8] = if transfer_id == 1 { &first } else { &second };
                prop_assert_eq!(payload, expected);
            }
            prop_assert!(receiver.in_flight() <= TRANSFERS);
        }
    }

    /// In order, with retransmissions of earlier chunks between them: completes exactly once,
    /// with the payload (`MOX-CHK-032`).
    #[test]
    fn mox_chk_032_retransmissions_do_not_disturb_a_transfer(
        payload in seven_bit_payload(2000),
        max_sysex in 9usize..300,
        repeats in proptest::collection::vec(any::<u16>(), 0..40),
    ) {
        let Ok(splitter) = Splitter::new(&payload, 3, max_sysex, 0) else { return Ok(()) };
        let chunks = encoded_chunks(splitter);
        let mut stream = Vec::new();
        let mut repeats = repeats.into_iter();
        for (index, chunk) in chunks.iter().enumerate() {
            stream.push(chunk.clone());
            if index + 1 < chunks.len() {
                if let Some(pick) = repeats.next() {
                    stream.push(chunks[usize::from(pick) % (index + 1)].clone());
                }
            }
        }
        let mut receiver = Receiver::new();
        prop_assert_eq!(feed(&mut receiver, 9, &stream), vec![payload]);
    }

    /// Two senders, same transfer id, interleaved; one loses a chunk. The other completes
    /// untouched (`MOX-CHK-031`).
    #[test]
    fn mox_chk_031_an_error_in_one_transfer_leaves_the_others_alone(
        good in seven_bit_payload(1500),
        bad in seven_bit_payload(1500),
        max_sysex in 9usize..200,
        lost in any::<usize>(),
        order in proptest::collection::vec(any::<bool>(), 0..400),
    ) {
        let Ok(good_split) = Splitter::new(&good, 5, max_sysex, 0) else { return Ok(()) };
        let Ok(bad_split) = Splitter::new(&bad, 5, max_sysex, 0) else { return Ok(()) };
        let good_chunks = encoded_chunks(good_split);
        let mut bad_chunks = encoded_chunks(bad_split);
        if bad_chunks.len() > 1 {
            bad_chunks.remove(lost % bad_chunks.len());
        }
        let (mut g, mut b) = (good_chunks.iter(), bad_chunks.iter());
        let mut order = order.into_iter();
        let mut receiver = Receiver::new();
        let mut completed = Vec::new();
        loop {
            let (sender, chunk) = match order.next().unwrap_or(true) {
                true => match g.next() {
                    Some(chunk) => (1, chunk),
                    None => match b.next() { Some(chunk) => (2, chunk), None => break },
                },
                false => match b.next() {
                    Some(chunk) => (2, chunk),
                    None => match g.next() { Some(chunk) => (1, chunk), None => break },
                },
            };
            if let Ok(Accepted::Complete { payload, .. }) = receiver.accept(0, sender, chunk) {
                completed.push((sender, payload.to_vec()));
            }
        }
        prop_assert!(completed.contains(&(1, good.clone())));
        for (sender, payload) in completed {
            // The damaged transfer completes only if the lost chunk was its only one.
            prop_assert!(sender == 1 || bad_chunks.len() == 1 || payload == bad);
        }
    }

    /// Arbitrary (possibly nonsensical) chunks: the reassembler's completions agree with a
    /// model that concatenates the chunks it reported as accepted, and memory stays bounded.
    #[test]
    fn mox_chk_030_completions_agree_with_the_accepted_chunks(
        ops in proptest::collection::vec(
            (0u32..2, 0u8..3, 0u16..5, 0u16..5, proptest::collection::vec(0u8..4, 0..4), 0u64..400),
            0..300,
        ),
        max_payload in 0usize..24,
    ) {
        let config = ReassemblerConfig::new().max_payload(max_payload).stale_timeout_ms(300);
        let mut receiver = Receiver::with_config(config);
        let mut model = Model::new(300);
        let mut now = 0u64;
        for (sender, id, total, number, payload, step) in ops {
            now += step;
            let Some(header) = ChunkHeader::new(id, total, number, payload.len() as u16) else {
                continue;
            };
            let mut chunk = header.to_bytes().to_vec();
            chunk.extend_from_slice(&payload);
            let outcome = receiver.accept(now, sender, &chunk);
            model.check(now, sender, &header, &payload, outcome, max_payload)?;
            prop_assert!(receiver.in_flight() <= TRANSFERS);
            model.sync(&receiver, now)?;
            if step > 300 {
                while let Some(key) = receiver.poll_expired(now) {
                    prop_assert!(model.is_stale(&key, now));
                    model.in_flight.remove(&key);
                }
                prop_assert!(receiver.next_deadline().is_none_or(|at| at > now));
            }
        }
    }
}

/// What the reassembler reported so far, per transfer: the bytes of the chunks it accepted
/// and when it last accepted one (time only moves forward in the test that uses it).
struct Model {
    timeout_ms: u64,
    in_flight: HashMap<TransferKey, (Vec<u8>, u64)>,
}

impl Model {
    fn new(timeout_ms: u64) -> Self {
        Self {
            timeout_ms,
            in_flight: HashMap::new(),
        }
    }

    fn is_stale(&self, key: &TransferKey, now: u64) -> bool {
        self.in_flight
            .get(key)
            .is_some_and(|(_, last)| now - last > self.timeout_ms)
    }

    fn check(
        &mut self,
        now: u64,
        sender: u32,
        header: &ChunkHeader,
        payload: &[u8],
        outcome: Result<Accepted<'_>, ChunkError>,
        max_payload: usize,
    ) -> Result<(), TestCaseError> {
        let key = TransferKey {
            sender,
            transfer_id: header.transfer_id(),
        };
        match outcome {
            Ok(Accepted::InProgress { received, .. }) => {
                prop_assert_eq!(received, header.number());
                if received == 1 {
                    // A first chunk under a key in flight starts over only if that one
                    // went stale; otherwise it is a restart and says so.
                    prop_assert!(!self.in_flight.contains_key(&key) || self.is_stale(&key, now));
                    self.in_flight.insert(key, (payload.to_vec(), now));
                } else {
                    prop_assert!(!self.is_stale(&key, now), "stale transfer went on");
                    let stored = self.in_flight.get_mut(&key);
                    prop_assert!(stored.is_some(), "chunk accepted for no transfer");
                    if let Some((stored, last)) = stored {
                        stored.extend_from_slice(payload);
                        *last = now;
                    }
                }
            }
            Ok(Accepted::Restarted { .. }) => {
                prop_assert_eq!(header.number(), 1);
                prop_assert!(self.in_flight.contains_key(&key));
                self.in_flight.insert(key, (payload.to_vec(), now));
            }
            Ok(Accepted::Complete {
                transfer_id,
                payload: whole,
            }) => {
                prop_assert_eq!(transfer_id, header.transfer_id());
                prop_assert!(header.is_final());
                prop_assert!(whole.len() <= max_payload);
                if header.number() == 1 {
                    prop_assert_eq!(whole, payload);
                } else {
                    prop_assert!(!self.is_stale(&key, now), "stale transfer completed");
                    let (mut expected, _) = self.in_flight.remove(&key).unwrap_or_default();
                    expected.extend_from_slice(payload);
                    prop_assert_eq!(whole, &expected[..]);
                }
            }
            Ok(_) => prop_assert!(false, "unknown outcome"),
            Err(error) => {
                if error.kind() == ChunkErrorKind::TimedOut {
                    prop_assert!(self.is_stale(&key, now));
                }
                if error.ended_transfer() {
                    prop_assert!(self.in_flight.remove(&key).is_some());
                }
            }
        }
        Ok(())
    }

    /// Transfers the reassembler dropped without a report: only stale ones may be
    /// (reclaimed for a new transfer).
    fn sync(&mut self, receiver: &Receiver, now: u64) -> Result<(), TestCaseError> {
        let gone: Vec<_> = self
            .in_flight
            .keys()
            .filter(|key| !receiver.is_in_flight(**key))
            .copied()
            .collect();
        for key in gone {
            prop_assert!(self.is_stale(&key, now), "live transfer vanished: {key:?}");
            self.in_flight.remove(&key);
        }
        prop_assert!(receiver.in_flight() == self.in_flight.len());
        Ok(())
    }
}

#[test]
fn mox_chk_040_caller_time_drives_timeouts() {
    let payload = [0x33u8; 100];
    let chunks = encoded_chunks(Splitter::new(&payload, 1, 30, 0).unwrap());
    let config = ReassemblerConfig::new().stale_timeout_ms(250);
    let mut receiver = Receiver::with_config(config);
    // Chunks 249 ms apart keep the transfer alive however long it takes.
    let mut now = 0;
    for chunk in &chunks[..chunks.len() - 1] {
        assert!(receiver.accept(now, 0, chunk).is_ok());
        assert_eq!(receiver.poll_expired(now), None);
        now += 250;
    }
    assert!(matches!(
        receiver.accept(now, 0, &chunks[chunks.len() - 1]),
        Ok(Accepted::Complete { payload: p, .. }) if p == payload
    ));
    // One pause of 251 ms ends it.
    receiver.accept(10_000, 0, &chunks[0]).unwrap();
    assert_eq!(receiver.next_deadline(), Some(10_251));
    assert_eq!(
        receiver.accept(10_251, 0, &chunks[1]).unwrap_err().kind(),
        ChunkErrorKind::TimedOut
    );
    assert_eq!(receiver.in_flight(), 0);
}

#[test]
fn splitting_and_reassembling_allocate_nothing() {
    let payload = [0x55u8; 3000];
    let mut receiver = Box::new(Receiver::new());
    let mut buf = [0u8; 128];
    let info = allocation_counter::measure(|| {
        let mut splitter = Splitter::new(&payload, 1, 128, 10).unwrap();
        let mut done = false;
        while let Some(len) = splitter.write_next(&mut buf).unwrap() {
            if let Ok(Accepted::Complete { payload: whole, .. }) =
                receiver.accept(0, 0, &buf[..len])
            {
                done = whole == payload;
            }
        }
        assert!(done);
    });
    assert_eq!(info.count_total, 0);
}
