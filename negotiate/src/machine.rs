//! The state machine of spec §8.7 (table §8.7.6). Each handler names the table rows it implements
//! (MOX-NEG-2nn = row nn).
use heapless::Vec;
use mox_codec::envelope::{Body, ExtensionId, BROADCAST};
use rand_core::Rng;

use crate::config::{Config, ConfigError, Limits, Offer};
use crate::types::{
    Agreed, Agreement, Event, FallbackReason, Gate, GoodbyeReason, Handled, Ignored, Instant,
    NodeId, Nonce, Role, Transmit, TransmitError,
};
use crate::wire::{self, code, msg, Draws, Received};

/// Draws a hello's GREASE can take (§B.2 item 2 with `MAX_PLANNED` = 4): 1 + 2·4 + 2 + 1 + 2 + 2.
const HELLO_DRAWS: usize = 16;
/// Draws a reply's GREASE can take: 1 + 2·4.
const REPLY_DRAWS: usize = 9;
/// Node ids are drawn below the reserved range (MOX-NEG-102).
const NODE_ID_RANGE: u32 = 0x0FFF_FF00;

/// The main states of spec §8.7.1; sub-states Probing' and Answering' are an
/// `Established` machine with a handshake slot in use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Before `start`.
    Idle,
    /// Sending hellos.
    Probing,
    /// Answering a hello.
    Answering,
    /// A session is in effect (possibly renegotiating).
    Established,
    /// Plain MIDI/OSC; answering hellos, re-probing on a timer.
    Fallback,
    /// After `close`.
    Closed,
}

/// An outgoing body, encoded at poll time from the stored state (design §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Pending {
    Hello,
    Reply,
    Confirm {
        dst: NodeId,
        echo: Nonce,
        digest: u16,
    },
    Goodbye {
        src: NodeId,
        dst: NodeId,
        reason: GoodbyeReason,
        session: Nonce,
        sender: Nonce,
    },
    Error {
        dst: NodeId,
        field: u32,
    },
}

/// A fixed queue kept compacted at the front, so equal contents compare equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Queue<T: Copy, const N: usize> {
    items: [Option<T>; N],
}

impl<T: Copy, const N: usize> Queue<T, N> {
    const fn new() -> Self {
        Self { items: [None; N] }
    }

    /// Appends; when full the oldest entry is dropped (the caller drains after every input,
    /// and one input queues at most 2).
    fn push(&mut self, item: T) {
        if self.items.iter().all(Option::is_some) {
            self.pop();
        }
        if let Some(slot) = self.items.iter_mut().find(|slot| slot.is_none()) {
            *slot = Some(item);
        }
    }

    fn front(&self) -> Option<T> {
        self.items.first().copied().flatten()
    }

    fn pop(&mut self) -> Option<T> {
        let first = self.front();
        self.items.rotate_left(1);
        if let Some(last) = self.items.last_mut() {
            *last = None;
        }
        first
    }
}

/// The initiator's handshake (Probing, Probing').
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Initiator {
    nonce: Nonce,
    dst: NodeId,
    offers: u8,
    draws: Draws<HELLO_DRAWS>,
    /// Digest of the hello as sent, known once it was first encoded.
    digest: Option<u16>,
    k: u8,
    saw_digest_mismatch: bool,
    saw_invalid: bool,
    /// An `E-retry` was taken since the last hello send (row 12: at most one per send).
    retry_taken: bool,
    /// A `41` was taken in this handshake (row 12: at most one per handshake).
    malformed_retried: bool,
}

/// The responder's handshake (Answering, Answering').
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Responder<const E: usize, const F: usize> {
    peer: NodeId,
    peer_nonce: Nonce,
    hello_digest: u16,
    nonce: Nonce,
    agreement: Agreement<E, F>,
    refused: Vec<(ExtensionId, u8), E>,
    peer_limits: Limits,
    draws: Draws<REPLY_DRAWS>,
    reply_digest: Option<u16>,
    k: u8,
    saw_digest_mismatch: bool,
    sent_at: u64,
}

/// An established session.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Session<const E: usize, const F: usize> {
    peer: NodeId,
    role: Role,
    own_nonce: Nonce,
    peer_nonce: Nonce,
    agreement: Agreement<E, F>,
    peer_limits: Limits,
    /// Responder: the hello this session answered, `(src, nonce, digest)` (row 21).
    hello: Option<(NodeId, Nonce, u16)>,
}

/// The reply accepted by the last `R-ok` and its confirm, kept while established by that
/// `R-ok` or in the Fallback it entered (`no-common-version`), to answer `R-dup` (rows 20,
/// 35).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Accepted {
    peer: NodeId,
    /// The reply's nonce, the confirm's echo.
    nonce: Nonce,
    digest: u16,
    /// When the confirm was last sent (MOX-NEG-095).
    sent_at: u64,
}

/// The negotiation machine of one point-to-point link (spec §8.7, design §5): sans-IO, no
/// allocation, one deadline at a time. `E` offers of up to `M` majors, `F` features.
///
/// Feed it [`start`](Self::start), received `mox.core` bodies
/// ([`handle_body`](Self::handle_body)), timeouts ([`handle_timeout`](Self::handle_timeout))
/// and API calls, then drain [`poll_transmit`](Self::poll_transmit) and
/// [`poll_event`](Self::poll_event) after each, and sleep until
/// [`poll_timeout`](Self::poll_timeout). At most 2 bodies and 2 events are queued per
/// input; the queues hold 4 each and drop the oldest when the caller does not drain them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Machine<const E: usize = 4, const M: usize = 4, const F: usize = 4> {
    config: Config<E, M, F>,
    state: State,
    id: Option<NodeId>,
    /// The id held before the last collision, for echoes (MOX-NEG-105).
    prev_id: Option<NodeId>,
    now: u64,
    deadline: Option<u64>,
    reprobe_base: u32,
    init: Option<Initiator>,
    resp: Option<Responder<E, F>>,
    session: Option<Session<E, F>>,
    /// `(source, nonce, digest)` of the candidate's hello; it outlives the answer until a
    /// new handshake or a new answer (§8.7.2), so that `H-dup` is told from `H-new`.
    candidate: Option<(NodeId, Nonce, u16)>,
    accepted: Option<Accepted>,
    refused: Vec<(ExtensionId, u8), E>,
    /// Digests of the last 4 distinct bodies sent, most recent first (MOX-NEG-105).
    echo: [Option<u16>; 4],
    out: Queue<Pending, 4>,
    events: Queue<Event, 4>,
}

fn limits_floor(config_floor: u32) -> Limits {
    Limits {
        max_size: config_floor,
        reassembly: 0,
        transfers: 0,
    }
}

impl<const E: usize, const M: usize, const F: usize> Machine<E, M, F> {
    /// A machine in `Idle`. The configuration is taken as it is: call
    /// [`Config::check`] first, or use [`try_new`](Self::try_new).
    pub const fn new(config: Config<E, M, F>) -> Self {
        let reprobe_base = config.timers.reprobe_initial;
        Self {
            config,
            state: State::Idle,
            id: None,
            prev_id: None,
            now: 0,
            deadline: None,
            reprobe_base,
            init: None,
            resp: None,
            session: None,
            candidate: None,
            accepted: None,
            refused: Vec::new(),
            echo: [None; 4],
            out: Queue::new(),
            events: Queue::new(),
        }
    }

    /// [`Config::check`], then [`new`](Self::new).
    ///
    /// # Errors
    /// The configuration's first failing rule.
    pub fn try_new(config: Config<E, M, F>) -> Result<Self, ConfigError> {
        config.check()?;
        Ok(Self::new(config))
    }

    /// The configuration in effect.
    pub fn config(&self) -> &Config<E, M, F> {
        &self.config
    }

    /// The main state (sub-states show as `Established`).
    pub fn state(&self) -> State {
        self.state
    }

    /// This node's id, once started.
    pub fn node_id(&self) -> Option<NodeId> {
        self.id
    }

    /// The agreement in effect, while established.
    pub fn agreement(&self) -> Option<&Agreement<E, F>> {
        self.session.as_ref().map(|s| &s.agreement)
    }

    /// The peer of the session in effect.
    pub fn peer(&self) -> Option<NodeId> {
        self.session.as_ref().map(|s| s.peer)
    }

    /// Extensions refused in the last completed handshake (`02` or `0E`, MOX-NEG-023).
    pub fn refused(&self) -> &[(ExtensionId, u8)] {
        &self.refused
    }

    /// The peer's declared limits as read (MOX-NEG-060, -061); the binding's floor and no
    /// reassembly until a session is established.
    pub fn peer_limits(&self) -> Limits {
        match &self.session {
            Some(session) => session.peer_limits,
            None => limits_floor(self.config.binding.floor()),
        }
    }

    /// The one pending deadline, if any (MOX-NEG-094).
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadline.map(Instant)
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop()
    }

    /// Whether a message with `A=1` from `src` (or `None` for `A=0`) of `ext` major `major`
    /// may be processed, or which error answers it (spec §8.6, MOX-NEG-080, -081).
    /// `mox.core` and unaddressed messages are never gated.
    pub fn gate(&self, src: Option<NodeId>, ext: ExtensionId, major: u8) -> Gate {
        let Some(src) = src else {
            return Gate::Accept;
        };
        if ext == ExtensionId::CORE {
            return Gate::Accept;
        }
        if let Some(session) = &self.session {
            if session.peer == src && session.agreement.major(&ext) == Some(major) {
                return Gate::Accept;
            }
        }
        let negotiating_with = match (&self.init, &self.resp) {
            (Some(init), _) => init.dst == BROADCAST || init.dst == src,
            (_, Some(resp)) => resp.peer == src,
            _ => false,
        };
        if negotiating_with {
            let wait = self.deadline.map_or(0, |d| d.saturating_sub(self.now));
            return Gate::NotReady {
                retry_after: wait.min(u64::from(wire::U21_MAX)) as u32,
            };
        }
        Gate::NotNegotiated
    }

    fn clamp(&mut self, now: Instant) -> u64 {
        self.now = self.now.max(now.0);
        self.now
    }

    fn reprobing(&self) -> bool {
        self.config.initiate && self.config.timers.reprobe_initial != 0
    }

    #[cfg(feature = "planted")]
    fn plant(&self, plant: crate::config::Plant) -> bool {
        self.config.plant == plant
    }

    #[cfg(not(feature = "planted"))]
    #[allow(clippy::unused_self)]
    fn plant(&self, _plant: PlantStub) -> bool {
        false
    }

    // -----------------------------------------------------------------------------------
    // API inputs

    /// `S` (rows 1, 39): draws the node id on first start, then probes (or, with
    /// `initiate` off, listens in Fallback without a deadline). Ignored in other states.
    pub fn start(&mut self, now: Instant, rng: &mut impl Rng) {
        let now = self.clamp(now);
        match self.state {
            State::Idle => {
                // Row 1, §B.2 item 1.
                self.id = Some(rng.next_u32() % NODE_ID_RANGE);
            }
            State::Closed => {} // Row 39: the id is kept (same power-up).
            _ => return,
        }
        if self.config.initiate {
            self.new_handshake(now, BROADCAST, rng);
            self.state = State::Probing;
        } else {
            self.state = State::Fallback;
            self.deadline = None;
        }
    }

    /// `C` (rows 37, 38): goodbye(`shutdown`) to the peer when established, or to the
    /// candidate when answering (the answer is abandoned), then `Closed`.
    pub fn close(&mut self, now: Instant) {
        self.clamp(now);
        match self.state {
            State::Idle | State::Closed => return,
            State::Established => {
                // Row 37: the peer only; a candidate of a sub-state is not told (row 38
                // names the main state Answering).
                if let (Some(session), Some(id)) = (&self.session, self.id) {
                    self.out.push(Pending::Goodbye {
                        src: id,
                        dst: session.peer,
                        reason: GoodbyeReason::Shutdown,
                        session: session.peer_nonce,
                        sender: session.own_nonce,
                    });
                }
                self.events.push(Event::FellBack {
                    reason: FallbackReason::Closed,
                });
            }
            State::Answering => self.abandon(GoodbyeReason::Shutdown), // Row 38.
            State::Probing | State::Fallback => {}                     // Row 38.
        }
        self.clear();
        self.state = State::Closed;
    }

    /// `U` (rows 26, 27, 40): new offers, stored in every state first (§8.7.5).
    /// Established: renegotiate hitlessly when every agreed major is still offered (row 26,
    /// sub-state Probing', an Answering' answer abandoned), else goodbye and start over
    /// (row 27). Probing: a new handshake to the same destination. Answering: the answer is
    /// abandoned when its selection names a major no longer offered (row 40).
    ///
    /// An answer-only machine (`initiate = false`, MOX-NEG-114) never starts a handshake:
    /// row 26 only abandons an Answering' answer and stays Established, rows 27 and 40 end
    /// in Fallback without a deadline.
    ///
    /// # Errors
    /// The new configuration fails [`Config::check`]; nothing changes.
    pub fn reconfigure(
        &mut self,
        now: Instant,
        offers: Vec<Offer<M>, E>,
        rng: &mut impl Rng,
    ) -> Result<(), ConfigError> {
        let now = self.clamp(now);
        let mut config = self.config.clone();
        config.offers = offers;
        config.check()?;
        self.config = config;
        match self.state {
            State::Probing => {
                // Row 40: a new nonce, the same destination.
                let dst = self.init.as_ref().map_or(BROADCAST, |i| i.dst);
                self.new_handshake(now, dst, rng);
            }
            State::Answering => {
                // Row 40.
                let Some(resp) = &self.resp else {
                    return Ok(());
                };
                if self.supports_all(&resp.agreement) {
                    return Ok(()); // The next hello uses the new offers.
                }
                let candidate = resp.peer;
                self.abandon(GoodbyeReason::Reconfigured);
                self.deadline = None;
                if self.config.initiate {
                    self.new_handshake(now, candidate, rng);
                    self.state = State::Probing;
                } else {
                    self.state = State::Fallback;
                }
            }
            State::Established => {
                let Some(session) = &self.session else {
                    return Ok(());
                };
                let (peer, peer_nonce, own_nonce) =
                    (session.peer, session.peer_nonce, session.own_nonce);
                if self.supports_all(&session.agreement) {
                    // Row 26.
                    if self.resp.is_some() {
                        self.abandon(GoodbyeReason::Reconfigured);
                        self.deadline = None;
                    }
                    if self.config.initiate {
                        self.new_handshake(now, peer, rng);
                    }
                } else {
                    // Row 27.
                    if let Some(id) = self.id {
                        self.out.push(Pending::Goodbye {
                            src: id,
                            dst: peer,
                            reason: GoodbyeReason::Reconfigured,
                            session: peer_nonce,
                            sender: own_nonce,
                        });
                    }
                    self.events.push(Event::FellBack {
                        reason: FallbackReason::Reconfigured,
                    });
                    self.clear();
                    if self.config.initiate {
                        self.new_handshake(now, peer, rng);
                        self.state = State::Probing;
                    } else {
                        self.state = State::Fallback;
                    }
                }
            }
            State::Idle | State::Fallback | State::Closed => {}
        }
        Ok(())
    }

    /// Whether the offers in effect still support every (extension, major) of `agreement`.
    fn supports_all(&self, agreement: &Agreement<E, F>) -> bool {
        agreement.extensions.iter().all(|a| {
            self.config
                .offer(&a.ext)
                .is_some_and(|o| o.minor_of(a.major).is_some())
        })
    }

    /// "Abandon the answer" (§8.7.5): goodbye(`reason`, the candidate's nonce, the own reply
    /// nonce) to the
    /// candidate, which may already be established by its confirm; the answer is dropped.
    fn abandon(&mut self, reason: GoodbyeReason) {
        if let (Some(resp), Some(id)) = (self.resp.take(), self.id) {
            self.out.push(Pending::Goodbye {
                src: id,
                dst: resp.peer,
                reason,
                session: resp.peer_nonce,
                sender: resp.nonce,
            });
        }
    }

    /// `T`: fires the deadline once when `now` has reached it (MOX-NEG-096); the next
    /// deadline counts from `now`.
    pub fn handle_timeout(&mut self, now: Instant, rng: &mut impl Rng) {
        let now = self.clamp(now);
        match self.deadline {
            Some(deadline) if now >= deadline => self.deadline = None,
            _ => return,
        }
        let timers = self.config.timers;
        let forget = self.plant(PlantStub::ForgetRetryLimit);
        let sub_state = self.state == State::Established;
        match self.state {
            State::Probing | State::Established if self.init.is_some() => {
                let Some(init) = &mut self.init else { return };
                if init.k < timers.max_hello || forget {
                    // Row 3 (row 30 in Probing').
                    init.k = init.k.saturating_add(1);
                    init.retry_taken = false;
                    let k = init.k;
                    self.out.push(Pending::Hello);
                    self.deadline = Some(now.saturating_add(u64::from(timers.rto(k))));
                } else {
                    // Rows 4, 29.
                    let reason = if init.saw_digest_mismatch {
                        FallbackReason::DigestMismatch
                    } else if init.saw_invalid {
                        FallbackReason::Garbage
                    } else {
                        FallbackReason::Silent
                    };
                    self.clear();
                    self.fall_back(now, reason, rng);
                }
            }
            State::Answering | State::Established if self.resp.is_some() => {
                let Some(resp) = &mut self.resp else { return };
                if resp.k < timers.max_reply || forget {
                    // Row 13 (row 25 in Answering').
                    resp.k = resp.k.saturating_add(1);
                    resp.sent_at = now;
                    let k = resp.k;
                    self.out.push(Pending::Reply);
                    self.deadline = Some(now.saturating_add(u64::from(timers.rto(k))));
                } else {
                    // Rows 14, 24: abandon the answer, both with the same reason.
                    let (reason, goodbye) = if resp.saw_digest_mismatch {
                        (
                            FallbackReason::DigestMismatch,
                            GoodbyeReason::DigestMismatch,
                        )
                    } else {
                        (FallbackReason::NoConfirm, GoodbyeReason::NoConfirm)
                    };
                    self.abandon(goodbye);
                    if !sub_state {
                        self.fall_back(now, reason, rng);
                    }
                }
            }
            State::Fallback => {
                // Row 33.
                self.reprobe_base = self
                    .reprobe_base
                    .saturating_mul(2)
                    .min(timers.reprobe_max.max(timers.reprobe_initial));
                self.accepted = None;
                self.new_handshake(now, BROADCAST, rng);
                self.state = State::Probing;
            }
            State::Idle
            | State::Closed
            | State::Probing
            | State::Answering
            | State::Established => {}
        }
    }

    // -----------------------------------------------------------------------------------
    // Received bodies

    /// One complete MOX body (reassembled if it was chunked, from the header byte through
    /// the CRC) that the pipeline delivered as `mox.core`, and the size of the unit it came
    /// in (for the own max-size check, `X-size`). Classified by the first matching line of MOX-NEG-101 (§8.7.2).
    ///
    /// # Errors
    /// [`Ignored`] says why nothing happened (for logs).
    pub fn handle_body(
        &mut self,
        now: Instant,
        body: &[u8],
        unit_len: usize,
        rng: &mut impl Rng,
    ) -> Result<Handled, Ignored> {
        let now = self.clamp(now);
        let id = match (self.state, self.id) {
            (State::Idle, _) | (_, None) => return Err(Ignored::NotStarted), // Row 2.
            (State::Closed, _) => return Err(Ignored::Closed),
            (_, Some(id)) => id,
        };
        let own_max = self.config.limits.max_size.max(self.config.binding.floor());
        if unit_len > own_max as usize {
            return Err(Ignored::TooLarge); // X-size.
        }
        let parsed = Body::parse(body, &mox_codec::envelope::Limits::DEFAULT)
            .map_err(|_| Ignored::Malformed)?;
        let header = parsed.header();
        if header.extension != ExtensionId::CORE || header.major != 1 || header.chunked {
            return Err(Ignored::NotCore);
        }
        let Some(addresses) = header.addresses else {
            return Err(Ignored::OtherDestination); // X-dst.
        };
        if addresses.destination != id && addresses.destination != BROADCAST {
            return Err(Ignored::OtherDestination);
        }
        // X-dst: only hellos and goodbyes (id-collision) are sent to broadcast.
        if addresses.destination == BROADCAST
            && header.msg_type != msg::HELLO
            && header.msg_type != msg::GOODBYE
        {
            return Err(Ignored::OtherDestination);
        }
        let received = Received {
            body: parsed,
            src: addresses.source,
            msg_type: header.msg_type,
        };
        if received.src == id || Some(received.src) == self.prev_id {
            // H-echo / M-echo (MOX-NEG-105), else H-coll (row 36) from the own id; from
            // the old id a body that is not an echo is classified as any other.
            if self.echo.contains(&Some(wire::digest(body))) {
                return Err(Ignored::Echo);
            }
            if received.src == id {
                self.collision(now, id, rng);
                return Ok(Handled::Collision);
            }
        }
        if received.has_unknown_critical(wire::known_ids(received.msg_type)) {
            return Err(Ignored::UnknownCritical);
        }
        match received.msg_type {
            msg::HELLO => self.on_hello(now, &received, body, rng),
            msg::REPLY => self.on_reply(now, &received, body, rng),
            msg::CONFIRM => self.on_confirm(now, &received, rng),
            msg::GOODBYE => self.on_goodbye(now, &received, rng),
            msg::ERROR => self.on_error(now, &received, rng),
            _ => Err(Ignored::NotNegotiation),
        }
    }

    /// Row 36.
    fn collision(&mut self, now: u64, old: NodeId, rng: &mut impl Rng) {
        // §B.2 item 5: up to 4 draws for an id that differs, then old XOR 1.
        let mut new = old ^ 1;
        for _ in 0..4 {
            let candidate = rng.next_u32() % NODE_ID_RANGE;
            if candidate != old {
                new = candidate;
                break;
            }
        }
        self.out.push(Pending::Goodbye {
            src: old,
            dst: BROADCAST,
            reason: GoodbyeReason::IdCollision,
            session: 0,
            sender: 0,
        });
        self.id = Some(new);
        self.prev_id = Some(old);
        self.events.push(Event::IdChanged { old, new });
        let was_established = self.state == State::Established;
        if was_established {
            self.events.push(Event::FellBack {
                reason: FallbackReason::IdCollision,
            });
        }
        self.clear();
        if self.config.initiate {
            self.new_handshake(now, BROADCAST, rng);
            self.state = State::Probing;
        } else {
            self.state = State::Fallback;
        }
    }

    fn on_hello(
        &mut self,
        now: u64,
        received: &Received<'_>,
        body: &[u8],
        rng: &mut impl Rng,
    ) -> Result<Handled, Ignored> {
        let Some(hello) = wire::Hello::parse(received) else {
            return Err(Ignored::BadHello); // H-bad.
        };
        let key = (received.src, hello.nonce, wire::digest(body));
        let session_hello = self.session.as_ref().is_some_and(|s| s.hello == Some(key));
        if self.candidate == Some(key) || session_hello {
            // H-dup.
            if self.resp.is_some() && self.candidate == Some(key) {
                // Rows 17, 25: resend the reply, rate-limited (MOX-NEG-095).
                return self.resend_reply(now);
            }
            // Row 21; elsewhere H-dup is not listed, so ignored.
            return Err(Ignored::Duplicate);
        }
        // H-new. Tie-break (rows 9, 10, 30): yield to a higher id, and whenever the own
        // hello is addressed to a node other than this hello's source, which cannot hear it
        // (MOX-NEG-103).
        let id = self.id.unwrap_or(0);
        let higher = if self.plant(PlantStub::InvertTieBreak) {
            received.src < id
        } else {
            received.src > id
        };
        let elsewhere = self
            .init
            .as_ref()
            .is_some_and(|i| i.dst != BROADCAST && i.dst != received.src);
        let yields = higher || elsewhere;
        match self.state {
            State::Probing => {
                if !yields {
                    return Err(Ignored::TieBreak); // Row 10.
                }
                // Row 9.
                self.init = None;
                self.answer(now, received.src, &hello, key.2, rng);
                self.state = State::Answering;
            }
            State::Answering | State::Fallback => {
                // Rows 18, 34.
                self.accepted = None;
                self.answer(now, received.src, &hello, key.2, rng);
                self.state = State::Answering;
            }
            State::Established => {
                if self.init.is_some() {
                    // Row 30: as rows 9-10, yielding into Answering'.
                    if !yields {
                        return Err(Ignored::TieBreak);
                    }
                    self.init = None;
                }
                // Rows 22, 25 (as 18): sub-state Answering'.
                if self.plant(PlantStub::UnconfirmedHelloReplaces) {
                    self.session = None;
                    self.state = State::Answering;
                }
                self.answer(now, received.src, &hello, key.2, rng);
            }
            State::Idle | State::Closed => return Err(Ignored::NotExpected),
        }
        Ok(Handled::HelloNew)
    }

    fn resend_reply(&mut self, now: u64) -> Result<Handled, Ignored> {
        let limit = u64::from(self.config.timers.rto_initial);
        let unlimited = self.plant(PlantStub::NoDuplicateRateLimit);
        let Some(resp) = &mut self.resp else {
            return Err(Ignored::NotExpected);
        };
        if !unlimited && now.saturating_sub(resp.sent_at) < limit {
            return Err(Ignored::RateLimited);
        }
        resp.sent_at = now;
        self.out.push(Pending::Reply);
        Ok(Handled::HelloDup)
    }

    /// Selection (§1.6, MOX-NEG-050), a new nonce and the reply's GREASE (§B.2 item 3),
    /// the reply queued and `k := 1`.
    fn answer(
        &mut self,
        now: u64,
        peer: NodeId,
        hello: &wire::Hello<'_>,
        hello_digest: u16,
        rng: &mut impl Rng,
    ) {
        let (agreement, refused) = self.select(hello);
        self.candidate = Some((peer, hello.nonce, hello_digest));
        let nonce = 1 + rng.next_u32() % wire::U28_MAX;
        let n = wire::reply_field_count(agreement.extensions.len(), refused.len());
        let draws = wire::draw_reply_grease(rng, self.config.grease, n);
        self.resp = Some(Responder {
            peer,
            peer_nonce: hello.nonce,
            hello_digest,
            nonce,
            agreement,
            refused,
            peer_limits: hello.limits.read_as(self.config.binding),
            draws,
            reply_digest: None,
            k: 1,
            saw_digest_mismatch: false,
            sent_at: now,
        });
        self.out.push(Pending::Reply);
        self.deadline = Some(now.saturating_add(u64::from(self.config.timers.rto_initial)));
    }

    /// The responder's selection (§1.6). Offers of extensions this node does not implement
    /// (GREASE included) get no entry; at most one entry per own extension, so the lists
    /// fit `E`.
    fn select(&self, hello: &wire::Hello<'_>) -> (Agreement<E, F>, Vec<(ExtensionId, u8), E>) {
        let mut agreement = Agreement {
            extensions: Vec::new(),
            features: Vec::new(),
        };
        let mut refused = Vec::new();
        let grease_ok = self.plant(PlantStub::GreaseSelectable);
        for offer in hello.offers() {
            let Some(own) = self.config.offer(&offer.ext) else {
                continue;
            };
            if agreement
                .extensions
                .iter()
                .any(|a: &Agreed| a.ext == offer.ext)
            {
                continue;
            }
            if self.plant(PlantStub::OwnHighestMajor) {
                if let Some(&(major, minor)) = own.majors.iter().max_by_key(|(m, _)| *m) {
                    let _ = agreement.extensions.push(Agreed {
                        ext: offer.ext,
                        major,
                        peer_minor: 0,
                        own_minor: minor,
                    });
                }
                continue;
            }
            let candidates = offer.majors().filter(|(m, _)| {
                let selectable = if mox_codec::envelope::grease::is_grease_value(u32::from(*m)) {
                    grease_ok
                } else {
                    own.minor_of(*m).is_some()
                };
                selectable && !own.sunset.contains(m)
            });
            let deprecated = |m: u8| own.is_deprecated(m) || hello.deprecates(&offer.ext, m);
            let chosen = candidates
                .clone()
                .find(|(m, _)| !deprecated(*m))
                .or_else(|| candidates.clone().next());
            match chosen {
                Some((major, peer_minor)) => {
                    let _ = agreement.extensions.push(Agreed {
                        ext: offer.ext,
                        major,
                        peer_minor,
                        own_minor: own.minor_of(major).unwrap_or(0),
                    });
                }
                None => {
                    // MOX-NEG-023: 0E when every offered major this node implements is
                    // one it has sunset (and there is one), else 02.
                    let mut implemented = offer.majors().filter(|(m, _)| {
                        !mox_codec::envelope::grease::is_grease_value(u32::from(*m))
                            && (own.minor_of(*m).is_some() || own.sunset.contains(m))
                    });
                    let sunset = implemented.clone().next().is_some()
                        && implemented.all(|(m, _)| own.sunset.contains(&m));
                    let code = if sunset {
                        code::VERSION_SUNSET
                    } else {
                        code::UNSUPPORTED_VERSION
                    };
                    let _ = refused.push((offer.ext, code));
                }
            }
        }
        for feature in hello.feature_ids() {
            let grease = mox_codec::envelope::grease::is_grease_value(u32::from(feature));
            if !grease
                && self.config.features.contains(&feature)
                && !agreement.features.contains(&feature)
            {
                let _ = agreement.features.push(feature);
            }
        }
        (agreement, refused)
    }

    fn on_reply(
        &mut self,
        now: u64,
        received: &Received<'_>,
        body: &[u8],
        rng: &mut impl Rng,
    ) -> Result<Handled, Ignored> {
        let digest = wire::digest(body);
        let unlimited = self.plant(PlantStub::NoDuplicateRateLimit);
        // R-dup (rows 20, 35): `accepted` is kept only while established by that R-ok or
        // in the Fallback it entered.
        if let Some(accepted) = &mut self.accepted {
            if accepted.digest == digest {
                let limit = u64::from(self.config.timers.rto_initial);
                if !unlimited && now.saturating_sub(accepted.sent_at) < limit {
                    return Err(Ignored::RateLimited);
                }
                accepted.sent_at = now;
                self.out.push(Pending::Confirm {
                    dst: accepted.peer,
                    echo: accepted.nonce,
                    digest,
                });
                return Ok(Handled::ReplyDup);
            }
        }
        let Some((echo, hello_digest)) = wire::reply_match(received) else {
            return Err(Ignored::Stale); // R-stale: no readable echo or digest.
        };
        let skip_echo = self.plant(PlantStub::SkipNonceEcho);
        let skip_validation = self.plant(PlantStub::SkipReplyValidation);
        let Some(init) = &mut self.init else {
            return Err(Ignored::Stale); // R-stale: not probing.
        };
        if init.dst != BROADCAST && init.dst != received.src {
            return Err(Ignored::Stale); // R-stale: the hello went to another node.
        }
        if echo != init.nonce && !skip_echo {
            return Err(Ignored::Stale); // R-stale.
        }
        if init.digest != Some(hello_digest) {
            init.saw_digest_mismatch = true; // Rows 6, 30.
            return Ok(Handled::ReplyDigestMismatch);
        }
        let offers = usize::from(init.offers);
        let checked = if skip_validation {
            Ok(())
        } else {
            self.validate(received, offers)
        };
        let reply = checked.and_then(|()| wire::Reply::parse(received));
        let reply = match reply {
            Ok(reply) => reply,
            Err(field) => {
                // Rows 7, 30: error 08 when eligible (MOX-ERR-020; the destination is the
                // own id, broadcast replies being X-dst), then count.
                if let Some(init) = &mut self.init {
                    init.saw_invalid = true;
                }
                if received.src < NODE_ID_RANGE {
                    self.out.push(Pending::Error {
                        dst: received.src,
                        field,
                    });
                }
                return Ok(Handled::ReplyInvalid);
            }
        };
        // R-ok: rows 5, 28.
        let Some(init) = self.init.take() else {
            return Err(Ignored::Stale);
        };
        let mut agreement = Agreement {
            extensions: Vec::new(),
            features: Vec::new(),
        };
        for entry in reply.agreed() {
            let own_minor = self
                .config
                .offer(&entry.ext)
                .and_then(|o| o.minor_of(entry.major))
                .unwrap_or(0);
            let _ = agreement.extensions.push(Agreed {
                ext: entry.ext,
                major: entry.major,
                peer_minor: entry.minor,
                own_minor,
            });
        }
        for feature in reply.feature_ids() {
            let _ = agreement.features.push(feature);
        }
        self.refused.clear();
        for entry in reply.refused() {
            let _ = self.refused.push(entry);
        }
        self.out.push(Pending::Confirm {
            dst: received.src,
            echo: reply.nonce,
            digest,
        });
        let accepted = Accepted {
            peer: received.src,
            nonce: reply.nonce,
            digest,
            sent_at: now,
        };
        if agreement.extensions.is_empty() {
            // MOX-NEG-024, "establish" with an empty agreement: the old agreement is
            // dropped, Fallback, and the confirm is re-sent for a duplicate (row 35).
            self.clear();
            self.fall_back(now, FallbackReason::NoCommonVersion, rng);
            self.accepted = Some(accepted);
            return Ok(Handled::ReplyOk);
        }
        self.resp = None;
        self.session = Some(Session {
            peer: received.src,
            role: Role::Initiator,
            own_nonce: init.nonce,
            peer_nonce: reply.nonce,
            agreement,
            peer_limits: reply.limits.read_as(self.config.binding),
            hello: None,
        });
        self.established(received.src, Role::Initiator, (init.nonce, reply.nonce));
        self.accepted = Some(accepted);
        Ok(Handled::ReplyOk)
    }

    /// The initiator's checks of MOX-NEG-051, in one pass over the fields in wire order:
    /// `Err` names the first offending field; an absent field (checked after the pass, in
    /// table order) is named by its id. `refused` entries are not checked (MOX-NEG-023).
    fn validate(&self, received: &Received<'_>, offers: usize) -> Result<(), u32> {
        use mox_codec::envelope::grease::is_grease_value;
        let included = || {
            self.config
                .offers
                .iter()
                .filter(|o| !o.majors.is_empty())
                .take(offers)
        };
        let mut last: Option<usize> = None;
        let mut seen = [false; 5]; // nonce, max size, reassembly, transfers, features
        for field in received.body.fields() {
            let v = field.value();
            let fid = field.id().value();
            let slot = match fid {
                wire::id::R_NONCE => Some((0, 4)),
                wire::id::R_MAX => Some((1, 4)),
                wire::id::R_REASSEMBLY => Some((2, 3)),
                wire::id::R_TRANSFERS => Some((3, 1)),
                _ => None,
            };
            let ok = if let Some((i, width)) = slot {
                let value = wire::uint(v, width);
                let fine = !seen[i] && value.is_some() && (i != 0 || value != Some(0));
                seen[i] = true;
                fine
            } else if fid == wire::id::R_FEATURES {
                let mut fine = !seen[4] && v.len() % 2 == 0 && !wire::has_repeated_pair(v);
                seen[4] = true;
                for pair in v.chunks_exact(2) {
                    let feature = u16::from(pair[0]) | (u16::from(pair[1]) << 7);
                    fine &= !is_grease_value(u32::from(feature))
                        && self.config.features.contains(&feature);
                }
                fine
            } else if fid == wire::id::R_AGREED {
                match wire::read_agreed(v) {
                    Some(entry) if !is_grease_value(u32::from(entry.major)) => {
                        match included().position(|o| o.ext == entry.ext) {
                            Some(index) => {
                                let offered = included()
                                    .nth(index)
                                    .is_some_and(|o| o.minor_of(entry.major).is_some());
                                // In offer order, and no extension twice.
                                let ordered = last.is_none_or(|l| index > l);
                                last = Some(index);
                                offered && ordered
                            }
                            None => false, // Not offered (GREASE extensions included).
                        }
                    }
                    _ => false,
                }
            } else {
                true
            };
            if !ok {
                return Err(fid);
            }
        }
        let ids = [
            wire::id::R_NONCE,
            wire::id::R_MAX,
            wire::id::R_REASSEMBLY,
            wire::id::R_TRANSFERS,
            wire::id::R_FEATURES,
        ];
        match seen.iter().zip(ids).find(|(seen, _)| !**seen) {
            Some((_, id)) => Err(id),
            None => Ok(()),
        }
    }

    fn on_confirm(
        &mut self,
        now: u64,
        received: &Received<'_>,
        rng: &mut impl Rng,
    ) -> Result<Handled, Ignored> {
        let (echo, digest) = wire::confirm(received);
        let skip_digest = self.plant(PlantStub::SkipConfirmDigest);
        let Some(resp) = &mut self.resp else {
            return Err(Ignored::Stale); // F-stale: not answering.
        };
        if received.src != resp.peer || echo != Some(resp.nonce) {
            return Err(Ignored::Stale); // F-stale.
        }
        if (digest.is_none() || resp.reply_digest != digest) && !skip_digest {
            resp.saw_digest_mismatch = true; // F-dig: rows 16, 25.
            return Ok(Handled::ConfirmDigestMismatch);
        }
        // F-ok: rows 15, 23.
        let Some(resp) = self.resp.take() else {
            return Err(Ignored::Stale);
        };
        self.refused = resp.refused.clone();
        if let Some(old) = &self.session {
            // Row 23: the candidate becomes the peer, then establish (which may fall back).
            if old.peer != resp.peer {
                self.events.push(Event::PeerRebooted {
                    old: old.peer,
                    new: resp.peer,
                });
            }
        }
        if resp.agreement.extensions.is_empty() {
            self.clear();
            self.fall_back(now, FallbackReason::NoCommonVersion, rng);
            return Ok(Handled::ConfirmOk);
        }
        self.init = None;
        self.session = Some(Session {
            peer: resp.peer,
            role: Role::Responder,
            own_nonce: resp.nonce,
            peer_nonce: resp.peer_nonce,
            agreement: resp.agreement,
            peer_limits: resp.peer_limits,
            hello: Some((resp.peer, resp.peer_nonce, resp.hello_digest)),
        });
        self.established(resp.peer, Role::Responder, (resp.peer_nonce, resp.nonce));
        Ok(Handled::ConfirmOk)
    }

    fn on_goodbye(
        &mut self,
        now: u64,
        received: &Received<'_>,
        rng: &mut impl Rng,
    ) -> Result<Handled, Ignored> {
        if self.state != State::Established {
            return Err(Ignored::NotExpected); // MOX-NEG-031; rows 8, 35.
        }
        let (reason, session_nonce, sender_nonce) = wire::goodbye(received);
        // MOX-NEG-030: absent or unknown reads as shutdown.
        let reason = reason.map_or(GoodbyeReason::Shutdown, GoodbyeReason::from_value);
        let skip = self.plant(PlantStub::SkipGoodbyeSession);
        let Some(session) = &self.session else {
            return Err(Ignored::OtherGoodbye);
        };
        // MOX-NEG-031; a goodbye from the own id was H-coll already.
        // Both nonces: the goodbye of an abandoned answer names the hello's nonce, which a
        // later answer to the same hello shares; the sender's reply nonce tells them apart.
        let same_session = session_nonce == Some(session.own_nonce)
            && sender_nonce.is_none_or(|n| n == session.peer_nonce);
        let ok = received.src == session.peer
            && (skip || same_session || reason == GoodbyeReason::IdCollision);
        if !ok {
            return Err(Ignored::OtherGoodbye); // G-other.
        }
        // Row 31.
        self.clear();
        self.fall_back(now, FallbackReason::PeerLeft { reason }, rng);
        if reason == GoodbyeReason::IdCollision && self.deadline.is_some() {
            self.deadline = Some(now.saturating_add(u64::from(self.config.timers.rto_initial)));
        }
        Ok(Handled::Goodbye)
    }

    fn on_error(
        &mut self,
        now: u64,
        received: &Received<'_>,
        rng: &mut impl Rng,
    ) -> Result<Handled, Ignored> {
        let Some(error) = wire::error(received) else {
            return Err(Ignored::NotExpected);
        };
        // §9.1 classes; reserved 60–7F count as do-not-retry.
        let do_not_retry = error.code < 0x20 || error.code >= 0x60;
        let retry = (0x40..0x60).contains(&error.code);
        let about_core = error.ext == ExtensionId::CORE && error.major == 1;
        if about_core && error.msg_type == msg::HELLO {
            // MOX-NEG-082: only from the node the own hello was addressed to; a broadcast
            // hello is not eligible for errors, so any error "about" it is X-other.
            let Some(init) = &mut self.init else {
                return Err(Ignored::NotExpected);
            };
            if init.dst == BROADCAST || init.dst != received.src {
                return Err(Ignored::NotExpected);
            }
            if do_not_retry {
                self.init = None;
                if self.state == State::Probing {
                    // Row 11.
                    self.fall_back(now, FallbackReason::Refused { code: error.code }, rng);
                } else {
                    // Row 30: Probing' ends, the old agreement stays (MOX-NEG-100).
                    self.deadline = None;
                }
                return Ok(Handled::Error);
            }
            if retry {
                // Row 12: at most one taken per send, a second 41 in the handshake ignored.
                if init.retry_taken || (error.code == code::MALFORMED && init.malformed_retried) {
                    return Err(Ignored::NotExpected);
                }
                init.retry_taken = true;
                if error.code == code::MALFORMED {
                    init.malformed_retried = true;
                }
                let timers = self.config.timers;
                // Clamped to min_retry_after-rto_max; the floor wins should a
                // configuration put it above rto_max.
                let wait = error
                    .retry_after
                    .unwrap_or(timers.min_retry_after)
                    .min(timers.rto_max)
                    .max(timers.min_retry_after);
                self.deadline = Some(now.saturating_add(u64::from(wait)));
                return Ok(Handled::Error);
            }
            return Err(Ignored::NotExpected); // E-notif: row 8.
        }
        if about_core && error.msg_type == msg::REPLY {
            let Some(resp) = &self.resp else {
                return Err(Ignored::NotExpected);
            };
            // Only E-dnr has a row while answering (19, 25); retry and notification
            // errors about the reply are not listed, so ignored.
            if resp.peer != received.src || !do_not_retry {
                return Err(Ignored::NotExpected);
            }
            self.resp = None;
            if self.state == State::Answering {
                // Row 19.
                self.fall_back(now, FallbackReason::Refused { code: error.code }, rng);
            } else {
                // Row 25: Answering' ends.
                self.deadline = None;
            }
            return Ok(Handled::Error);
        }
        // E-lost (row 32).
        let Some(session) = &self.session else {
            return Err(Ignored::NotExpected);
        };
        let lost_code = matches!(
            error.code,
            code::NOT_NEGOTIATED | code::UNSUPPORTED_VERSION | code::UNSUPPORTED_EXTENSION
        );
        if self.state != State::Established
            || received.src != session.peer
            || !lost_code
            || session.agreement.major(&error.ext) != Some(error.major)
        {
            return Err(Ignored::NotExpected);
        }
        let peer = session.peer;
        self.events.push(Event::FellBack {
            reason: FallbackReason::PeerLostSession,
        });
        self.clear();
        if self.config.initiate {
            self.new_handshake(now, peer, rng);
            self.state = State::Probing;
        } else {
            self.state = State::Fallback;
        }
        Ok(Handled::ErrorLost)
    }

    // -----------------------------------------------------------------------------------
    // Shared actions

    /// Drops every handshake, the session and the accepted reply (not the id, the
    /// candidate's hello, the config or the queues).
    fn clear(&mut self) {
        self.init = None;
        self.resp = None;
        self.session = None;
        self.accepted = None;
        self.deadline = None;
    }

    fn established(&mut self, peer: NodeId, role: Role, session: (Nonce, Nonce)) {
        self.state = State::Established;
        self.deadline = None;
        self.accepted = None; // An initiator sets it again after this.
        self.reprobe_base = self.config.timers.reprobe_initial; // MOX-NEG-093.
        self.events.push(Event::Established {
            peer,
            role,
            session,
        });
    }

    /// Enters Fallback with an event; with re-probing on, one jitter draw and the re-probe
    /// deadline (§B.2 item 4).
    fn fall_back(&mut self, now: u64, reason: FallbackReason, rng: &mut impl Rng) {
        self.events.push(Event::FellBack { reason });
        self.state = State::Fallback;
        self.deadline = None;
        self.accepted = None; // Row 5 with an empty agreement sets it again after this.
        if self.reprobing() {
            let j = u64::from(self.config.timers.reprobe_jitter_pct.min(50));
            let r = u64::from(rng.next_u32());
            let delay = u64::from(self.reprobe_base) * (100 - j + r % (2 * j + 1)) / 100;
            self.deadline = Some(now.saturating_add(delay));
        }
    }

    /// A new handshake as initiator (§3.4 "new handshake", §B.2 item 2): nonce, GREASE,
    /// `k := 1`, hello queued, deadline `now + rto_initial`; the candidate is cleared.
    /// The hello carries the most preferred offers that fit one unit of the floor size, or,
    /// addressed to the established peer, of the peer's declared max size (MOX-NEG-063).
    fn new_handshake(&mut self, now: u64, dst: NodeId, rng: &mut impl Rng) {
        let nonce = 1 + rng.next_u32() % wire::U28_MAX;
        let unit = match &self.session {
            Some(session) if session.peer == dst => session.peer_limits.max_size,
            _ => self.config.binding.floor(),
        };
        let budget = unit.saturating_sub(self.config.framing());
        let offers = self.config.hello_offers_within(budget);
        self.candidate = None;
        let shape = wire::HelloShape::of(&self.config, offers);
        let draws = wire::draw_hello_grease(rng, self.config.grease, &shape);
        self.init = Some(Initiator {
            nonce,
            dst,
            offers: offers.min(usize::from(u8::MAX)) as u8,
            draws,
            digest: None,
            k: 1,
            saw_digest_mismatch: false,
            saw_invalid: false,
            retry_taken: false,
            malformed_retried: false,
        });
        self.out.push(Pending::Hello);
        self.deadline = Some(now.saturating_add(u64::from(self.config.timers.rto_initial)));
    }

    // -----------------------------------------------------------------------------------
    // Output

    /// Writes the next queued body (K per config) into `buf` and returns its length and
    /// destination; `Ok(None)` when nothing is queued. Bodies are encoded now, from the
    /// stored state, so retransmissions are byte-identical (MOX-NEG-012).
    ///
    /// # Errors
    /// [`TransmitError::BufferTooSmall`] keeps the entry; [`TransmitError::Encode`] drops
    /// it.
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> Result<Option<Transmit>, TransmitError> {
        loop {
            let Some(pending) = self.out.front() else {
                return Ok(None);
            };
            let Some(id) = self.id else {
                self.out.pop();
                continue;
            };
            let check = self.config.check;
            let (result, dst) = match pending {
                Pending::Hello => {
                    let Some(init) = &self.init else {
                        self.out.pop();
                        continue;
                    };
                    let input = wire::HelloInput {
                        config: &self.config,
                        offers: usize::from(init.offers),
                        src: id,
                        dst: init.dst,
                        nonce: init.nonce,
                        draws: &init.draws,
                    };
                    (wire::encode_hello(&input, buf), init.dst)
                }
                Pending::Reply => {
                    let Some(resp) = &self.resp else {
                        self.out.pop();
                        continue;
                    };
                    let agreed: Vec<wire::ReplyEntry, E> = resp
                        .agreement
                        .extensions
                        .iter()
                        .map(|a| wire::ReplyEntry {
                            ext: a.ext,
                            major: a.major,
                            minor: a.own_minor,
                        })
                        .collect();
                    let input = wire::ReplyInput {
                        src: id,
                        dst: resp.peer,
                        nonce: resp.nonce,
                        echo: resp.peer_nonce,
                        hello_digest: resp.hello_digest,
                        agreed: &agreed,
                        limits: self.config.limits,
                        features: &resp.agreement.features,
                        refused: &resp.refused,
                        grease: self.config.grease,
                        check,
                        draws: &resp.draws,
                    };
                    (wire::encode_reply(&input, buf), resp.peer)
                }
                Pending::Confirm { dst, echo, digest } => {
                    (wire::encode_confirm(id, dst, echo, digest, check, buf), dst)
                }
                Pending::Goodbye {
                    src,
                    dst,
                    reason,
                    session,
                    sender,
                } => (
                    wire::encode_goodbye(src, dst, reason.value(), session, sender, check, buf),
                    dst,
                ),
                Pending::Error { dst, field } => (
                    wire::encode_error(
                        id,
                        dst,
                        code::VALUE_OUT_OF_RANGE,
                        msg::REPLY,
                        Some(field),
                        check,
                        buf,
                    ),
                    dst,
                ),
            };
            match result {
                Ok(len) => {
                    self.out.pop();
                    let digest = wire::digest(buf.get(..len).unwrap_or_default());
                    // The last 4 *distinct* bodies (MOX-NEG-105): a retransmission moves its
                    // digest to the front instead of pushing an older one out.
                    let at = self
                        .echo
                        .iter()
                        .position(|d| *d == Some(digest))
                        .unwrap_or(self.echo.len() - 1);
                    if let Some(slots) = self.echo.get_mut(..=at) {
                        slots.rotate_right(1);
                    }
                    self.echo[0] = Some(digest);
                    match pending {
                        Pending::Hello => {
                            if let Some(init) = &mut self.init {
                                init.digest = Some(digest);
                            }
                        }
                        Pending::Reply => {
                            if let Some(resp) = &mut self.resp {
                                resp.reply_digest = Some(digest);
                            }
                        }
                        _ => {}
                    }
                    return Ok(Some(Transmit { len, dst }));
                }
                Err(mox_codec::envelope::EncodeError::BufferTooSmall { needed }) => {
                    return Err(TransmitError::BufferTooSmall { needed });
                }
                Err(error) => {
                    self.out.pop();
                    return Err(TransmitError::Encode(error));
                }
            }
        }
    }
}

/// The plants a machine can check, with or without the `planted` feature: without it,
/// every check is `false` and compiles away.
#[cfg(not(feature = "planted"))]
#[derive(Clone, Copy)]
enum PlantStub {
    OwnHighestMajor,
    SkipReplyValidation,
    ForgetRetryLimit,
    InvertTieBreak,
    SkipConfirmDigest,
    SkipNonceEcho,
    UnconfirmedHelloReplaces,
    SkipGoodbyeSession,
    NoDuplicateRateLimit,
    GreaseSelectable,
}

#[cfg(feature = "planted")]
use crate::config::Plant as PlantStub;
