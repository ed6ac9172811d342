//! The `mox.core` negotiation messages on the wire (design §1): field ids, checked views
//! of received messages, the canonical digest, and the encoders. Bodies are parsed with
//! the codec's [`Body`] and written with its [`encode_body`]; GREASE comes from its
//! [`Injector`].
use core::convert::Infallible;

use mox_codec::envelope::grease::{self, GreaseConfig, Injector};
use mox_codec::envelope::{
    crc, encode_body, value, varint, Addresses, Body, EncodeError, ExtensionId, FieldId, Header,
    Owner,
};
use rand_core::{Rng, TryRng};

use crate::config::{Config, Limits};

/// Largest `u28`.
pub(crate) const U28_MAX: u32 = 0x0FFF_FFFF;
/// Largest `u21`.
pub(crate) const U21_MAX: u32 = 0x1F_FFFF;
/// Bytes of field values one outgoing message may hold (the encoder's stack scratch).
pub(crate) const SCRATCH: usize = 512;
/// Fields one outgoing message may hold before GREASE.
pub(crate) const MAX_ENTRIES: usize = 48;

/// Message types of `mox.core` 1.0 used here (design §1).
pub(crate) mod msg {
    pub(crate) const ERROR: u8 = 0x01;
    pub(crate) const GOODBYE: u8 = 0x02;
    pub(crate) const CONFIRM: u8 = 0x03;
    pub(crate) const HELLO: u8 = 0x40;
    pub(crate) const REPLY: u8 = 0x41;
}

/// Field ids (the varint values, number << 3 with flags `000`).
pub(crate) mod id {
    pub(crate) const H_NONCE: u32 = 0x00;
    pub(crate) const H_OFFER: u32 = 0x08;
    pub(crate) const H_DEPRECATED: u32 = 0x10;
    pub(crate) const H_MAX: u32 = 0x18;
    pub(crate) const H_REASSEMBLY: u32 = 0x20;
    pub(crate) const H_TRANSFERS: u32 = 0x28;
    pub(crate) const H_FEATURES: u32 = 0x30;
    pub(crate) const H_IDENTITY: u32 = 0x40;

    pub(crate) const R_NONCE: u32 = 0x00;
    pub(crate) const R_ECHO: u32 = 0x08;
    pub(crate) const R_DIGEST: u32 = 0x10;
    pub(crate) const R_AGREED: u32 = 0x18;
    pub(crate) const R_MAX: u32 = 0x20;
    pub(crate) const R_REASSEMBLY: u32 = 0x28;
    pub(crate) const R_TRANSFERS: u32 = 0x30;
    pub(crate) const R_FEATURES: u32 = 0x40;
    pub(crate) const R_REFUSED: u32 = 0x48;
    pub(crate) const R_IDENTITY: u32 = 0x50;

    pub(crate) const C_ECHO: u32 = 0x00;
    pub(crate) const C_DIGEST: u32 = 0x08;

    pub(crate) const G_REASON: u32 = 0x00;
    pub(crate) const G_SESSION: u32 = 0x08;
    pub(crate) const G_SENDER: u32 = 0x10;

    pub(crate) const E_CODE: u32 = 0x00;
    pub(crate) const E_EXT: u32 = 0x08;
    pub(crate) const E_VERSION: u32 = 0x10;
    pub(crate) const E_TYPE: u32 = 0x18;
    pub(crate) const E_FIELD: u32 = 0x20;
    pub(crate) const E_RETRY: u32 = 0x28;
}

/// Error codes this crate sends or reads (spec §9.4).
pub(crate) mod code {
    pub(crate) const UNSUPPORTED_VERSION: u8 = 0x02;
    pub(crate) const UNSUPPORTED_EXTENSION: u8 = 0x05;
    pub(crate) const VALUE_OUT_OF_RANGE: u8 = 0x08;
    pub(crate) const NOT_NEGOTIATED: u8 = 0x0A;
    pub(crate) const VERSION_SUNSET: u8 = 0x0E;
    pub(crate) const MALFORMED: u8 = 0x41;
}

fn fid(value: u32) -> FieldId {
    FieldId::from_value(value).unwrap_or(FieldId::MIN)
}

// ---------------------------------------------------------------------------------------
// Digest

/// CRC-14/DARC over data given in pieces, built on the codec's one-shot [`crc::crc14`]: the
/// CRC is reflected with init 0, so continuing from a state `s` over bytes `b0 b1 …` equals
/// the one-shot CRC of `b0^s_lo, b1^s_hi, …` when at least two bytes follow. Pieces are
/// collected in a 64-byte window and flushed 62 at a time so that 2 always remain.
struct Crc {
    state: u16,
    window: [u8; 64],
    len: usize,
}

impl Crc {
    const fn new() -> Self {
        Self {
            state: 0,
            window: [0; 64],
            len: 0,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if self.len == self.window.len() {
                self.flush(62);
            }
            if let Some(slot) = self.window.get_mut(self.len) {
                *slot = byte;
                self.len += 1;
            }
        }
    }

    fn flush(&mut self, n: usize) {
        let n = n.min(self.len);
        let mut chunk = self.window;
        if let [lo, hi, ..] = &mut chunk[..] {
            *lo ^= (self.state & 0xFF) as u8;
            *hi ^= (self.state >> 8) as u8;
        }
        self.state = crc::crc14(chunk.get(..n).unwrap_or_default());
        self.window.copy_within(n..self.len, 0);
        self.len -= n;
    }

    fn finish(mut self) -> u16 {
        if self.len > 0 {
            self.flush(self.len);
        }
        self.state
    }
}

/// The digest of a body (design §1.8, MOX-NEG-070): CRC-14/DARC of its canonical form,
/// header byte `hdr & 02` and without the trailing CRC when `K=1`. `body` is unchunked.
pub(crate) fn digest(body: &[u8]) -> u16 {
    let Some((&first, rest)) = body.split_first() else {
        return 0;
    };
    let rest = if first & 0x01 != 0 {
        rest.get(..rest.len().saturating_sub(2)).unwrap_or_default()
    } else {
        rest
    };
    let mut crc = Crc::new();
    crc.push(&[first & 0x02]);
    crc.push(rest);
    crc.finish()
}

// ---------------------------------------------------------------------------------------
// Small value helpers

/// An extension id as on the wire: owner (1 or 3 bytes) and number varint.
pub(crate) fn ext_bytes(ext: &ExtensionId) -> ([u8; 6], usize) {
    let mut out = [0u8; 6];
    let owner = ext.owner.to_bytes();
    let olen = ext.owner.len();
    out[..olen].copy_from_slice(&owner[..olen]);
    let (num, nlen) = varint::to_bytes(ext.number).unwrap_or(([0; 3], 1));
    out[olen..olen + nlen].copy_from_slice(&num[..nlen]);
    (out, olen + nlen)
}

/// Reads an extension id at the start of `bytes`: the id and the bytes it took.
pub(crate) fn read_ext(bytes: &[u8]) -> Option<(ExtensionId, usize)> {
    let (owner, olen) = match *bytes.first()? {
        0 => (Owner::ThreeByte(*bytes.get(1)?, *bytes.get(2)?), 3),
        b => (Owner::OneByte(b), 1),
    };
    if !owner.is_valid() {
        return None;
    }
    let (number, nlen) = varint::decode(bytes.get(olen..)?).ok()?;
    Some((ExtensionId::new(owner, number), olen + nlen))
}

pub(crate) fn uint(bytes: &[u8], width: usize) -> Option<u32> {
    if bytes.len() != width {
        return None;
    }
    value::decode_uint(bytes)
}

fn uint_bytes(value: u32, width: usize) -> [u8; 4] {
    value::encode_uint(value & ((1u32 << (7 * width)) - 1), width).unwrap_or([0; 4])
}

// ---------------------------------------------------------------------------------------
// Received messages

/// A `mox.core` 1.x message addressed to this node or to broadcast, parsed with the codec.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Received<'a> {
    pub(crate) body: Body<'a>,
    pub(crate) src: u32,
    pub(crate) msg_type: u8,
}

impl Received<'_> {
    /// Whether an unknown field with `C=1` is present (chapter 6: the message must not be
    /// acted on). The pipeline drops such messages before the machine; this keeps the
    /// machine safe when it is fed directly.
    pub(crate) fn has_unknown_critical(&self, known: &[u32]) -> bool {
        self.body
            .fields()
            .any(|f| f.id().is_critical() && !known.contains(&f.id().value()))
    }
}

/// Known field ids per message type.
pub(crate) fn known_ids(msg_type: u8) -> &'static [u32] {
    match msg_type {
        msg::HELLO => &[
            id::H_NONCE,
            id::H_OFFER,
            id::H_DEPRECATED,
            id::H_MAX,
            id::H_REASSEMBLY,
            id::H_TRANSFERS,
            id::H_FEATURES,
            id::H_IDENTITY,
        ],
        msg::REPLY => &[
            id::R_NONCE,
            id::R_ECHO,
            id::R_DIGEST,
            id::R_AGREED,
            id::R_MAX,
            id::R_REASSEMBLY,
            id::R_TRANSFERS,
            id::R_FEATURES,
            id::R_REFUSED,
            id::R_IDENTITY,
        ],
        msg::CONFIRM => &[id::C_ECHO, id::C_DIGEST],
        msg::GOODBYE => &[id::G_REASON, id::G_SESSION, id::G_SENDER],
        msg::ERROR => &[0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x40, 0x48],
        _ => &[],
    }
}

/// One offer of a received hello: the extension and its `(major, minor)` byte pairs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OfferView<'a> {
    pub(crate) ext: ExtensionId,
    pub(crate) pairs: &'a [u8],
}

impl OfferView<'_> {
    pub(crate) fn majors(&self) -> impl Iterator<Item = (u8, u8)> + Clone + '_ {
        self.pairs
            .chunks_exact(2)
            .map(|pair| (pair[0], pair.get(1).copied().unwrap_or(0)))
    }
}

/// A validated hello (§1.1, §1.5; failing it is `H-bad`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hello<'a> {
    pub(crate) nonce: u32,
    pub(crate) limits: Limits,
    pub(crate) features: &'a [u8],
    body: Body<'a>,
}

/// Reads and checks one offer value (MOX-NEG-040, -041).
fn read_offer(value: &[u8]) -> Option<OfferView<'_>> {
    let (ext, used) = read_ext(value)?;
    let pairs = value.get(used..)?;
    // MOX-NEG-040: 1 to 16 pairs, so 2 to 32 bytes.
    if pairs.len() < 2 || pairs.len() > 32 || pairs.len() % 2 != 0 {
        return None;
    }
    let mut seen = 0u128;
    for pair in pairs.chunks_exact(2) {
        let major = pair[0];
        if major == 0 || seen & (1u128 << major) != 0 {
            return None;
        }
        seen |= 1u128 << major;
    }
    Some(OfferView { ext, pairs })
}

impl<'a> Hello<'a> {
    /// Checks a hello; `None` is `H-bad`.
    pub(crate) fn parse(received: &Received<'a>) -> Option<Self> {
        let (mut nonce, mut max, mut reasm, mut transfers, mut features) =
            (None, None, None, None, None);
        let body = received.body;
        for (i, field) in body.fields().enumerate() {
            let v = field.value();
            match field.id().value() {
                id::H_NONCE => set_once(&mut nonce, uint(v, 4))?,
                id::H_MAX => set_once(&mut max, uint(v, 4))?,
                id::H_REASSEMBLY => set_once(&mut reasm, uint(v, 3))?,
                id::H_TRANSFERS => set_once(&mut transfers, uint(v, 1))?,
                id::H_FEATURES => {
                    // MOX-NEG-016: an even length, no id twice.
                    if v.len() % 2 != 0 || has_repeated_pair(v) {
                        return None;
                    }
                    set_once(&mut features, Some(v))?;
                }
                id::H_OFFER => {
                    let offer = read_offer(v)?;
                    // No extension twice (MOX-NEG-041); the codec caps the field count.
                    let twice = body.fields().take(i).any(|earlier| {
                        earlier.id().value() == id::H_OFFER
                            && read_ext(earlier.value()).map(|(e, _)| e) == Some(offer.ext)
                    });
                    if twice {
                        return None;
                    }
                }
                // MOX-NEG-014: a malformed `deprecated` entry is ignored, not fatal; it
                // only orders a choice ([`Hello::deprecates`] skips it).
                id::H_IDENTITY if !(9..=11).contains(&v.len()) => return None,
                _ => {}
            }
        }
        let nonce = nonce?;
        if nonce == 0 {
            return None;
        }
        Some(Self {
            nonce,
            limits: Limits {
                max_size: max?,
                reassembly: reasm?,
                transfers: transfers? as u8,
            },
            features: features?,
            body,
        })
    }

    /// The offers in order.
    pub(crate) fn offers(&self) -> impl Iterator<Item = OfferView<'a>> + 'a {
        self.body
            .fields()
            .filter(|f| f.id().value() == id::H_OFFER)
            .filter_map(|f| read_offer(f.value()))
    }

    /// Whether the hello marks `major` of `ext` deprecated.
    pub(crate) fn deprecates(&self, ext: &ExtensionId, major: u8) -> bool {
        self.body
            .fields()
            .filter(|f| f.id().value() == id::H_DEPRECATED)
            .any(|f| match read_ext(f.value()) {
                // An entry without a major after the id is not an entry (MOX-NEG-014).
                Some((e, used)) => {
                    let majors = f.value().get(used..).unwrap_or_default();
                    e == *ext && !majors.is_empty() && majors.contains(&major)
                }
                None => false,
            })
    }

    /// The feature ids in order.
    pub(crate) fn feature_ids(&self) -> impl Iterator<Item = u16> + 'a {
        self.features
            .chunks_exact(2)
            .map(|p| u16::from(p[0]) | (u16::from(p.get(1).copied().unwrap_or(0)) << 7))
    }
}

/// Whether a list of 2-byte feature ids holds one id twice.
pub(crate) fn has_repeated_pair(v: &[u8]) -> bool {
    v.chunks_exact(2)
        .enumerate()
        .any(|(i, p)| v.chunks_exact(2).take(i).any(|q| q == p))
}

fn set_once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value?);
    Some(())
}

/// The two fields of a reply that decide whether it is for this handshake at all.
pub(crate) fn reply_match(received: &Received<'_>) -> Option<(u32, u16)> {
    let (mut echo, mut digest) = (None, None);
    for field in received.body.fields() {
        match field.id().value() {
            id::R_ECHO => set_once(&mut echo, uint(field.value(), 4))?,
            id::R_DIGEST => set_once(&mut digest, uint(field.value(), 2))?,
            _ => {}
        }
    }
    Some((echo?, digest? as u16))
}

/// One `agreed` entry of a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AgreedView {
    pub(crate) ext: ExtensionId,
    pub(crate) major: u8,
    pub(crate) minor: u8,
}

/// A reply's fields after the structural checks (everything except what needs the hello).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reply<'a> {
    pub(crate) nonce: u32,
    pub(crate) limits: Limits,
    pub(crate) features: &'a [u8],
    body: Body<'a>,
}

impl<'a> Reply<'a> {
    /// The structural checks; `Err(field id)` names the offending field for error `08`.
    pub(crate) fn parse(received: &Received<'a>) -> Result<Self, u32> {
        let (mut nonce, mut max, mut reasm, mut transfers, mut features) =
            (None, None, None, None, None);
        let body = received.body;
        for field in body.fields() {
            let v = field.value();
            let fid = field.id().value();
            let ok = match fid {
                id::R_NONCE => set_once(&mut nonce, uint(v, 4)),
                id::R_MAX => set_once(&mut max, uint(v, 4)),
                id::R_REASSEMBLY => set_once(&mut reasm, uint(v, 3)),
                id::R_TRANSFERS => set_once(&mut transfers, uint(v, 1)),
                id::R_FEATURES => {
                    if v.len() % 2 != 0 {
                        None
                    } else {
                        set_once(&mut features, Some(v))
                    }
                }
                id::R_AGREED => read_agreed(v).map(|_| ()),
                // MOX-NEG-023: `refused` only reports; a bad entry is skipped, not R-inv.
                _ => Some(()),
            };
            ok.ok_or(fid)?;
        }
        let nonce = nonce.ok_or(id::R_NONCE)?;
        if nonce == 0 {
            return Err(id::R_NONCE);
        }
        Ok(Self {
            nonce,
            limits: Limits {
                max_size: max.ok_or(id::R_MAX)?,
                reassembly: reasm.ok_or(id::R_REASSEMBLY)?,
                transfers: transfers.ok_or(id::R_TRANSFERS)? as u8,
            },
            features: features.ok_or(id::R_FEATURES)?,
            body,
        })
    }

    pub(crate) fn agreed(&self) -> impl Iterator<Item = AgreedView> + 'a {
        self.body
            .fields()
            .filter(|f| f.id().value() == id::R_AGREED)
            .filter_map(|f| read_agreed(f.value()))
    }

    pub(crate) fn refused(&self) -> impl Iterator<Item = (ExtensionId, u8)> + 'a {
        self.body
            .fields()
            .filter(|f| f.id().value() == id::R_REFUSED)
            .filter_map(|f| read_refused(f.value()))
    }

    pub(crate) fn feature_ids(&self) -> impl Iterator<Item = u16> + 'a {
        self.features
            .chunks_exact(2)
            .map(|p| u16::from(p[0]) | (u16::from(p.get(1).copied().unwrap_or(0)) << 7))
    }
}

pub(crate) fn read_agreed(v: &[u8]) -> Option<AgreedView> {
    let (ext, used) = read_ext(v)?;
    match v.get(used..)? {
        [major, minor] => Some(AgreedView {
            ext,
            major: *major,
            minor: *minor,
        }),
        _ => None,
    }
}

fn read_refused(v: &[u8]) -> Option<(ExtensionId, u8)> {
    let (ext, used) = read_ext(v)?;
    match v.get(used..)? {
        [code] => Some((ext, *code)),
        _ => None,
    }
}

/// The one well-formed occurrence of a field, or `None` when it is absent, repeated or
/// of the wrong width (all read as absent: no value can be trusted).
fn single(received: &Received<'_>, field_id: u32, width: usize) -> Option<u32> {
    let mut found = None;
    for field in received.body.fields() {
        if field.id().value() == field_id {
            if found.is_some() {
                return None;
            }
            found = Some(uint(field.value(), width)?);
        }
    }
    found
}

/// A confirm's `(nonce echo, reply digest)`, each `None` when absent (an absent echo is
/// `F-stale`, an absent digest `F-dig`, MOX-NEG-101).
pub(crate) fn confirm(received: &Received<'_>) -> (Option<u32>, Option<u16>) {
    (
        single(received, id::C_ECHO, 4),
        single(received, id::C_DIGEST, 2).map(|d| d as u16),
    )
}

/// A goodbye's `(reason, session)`, each `None` when absent (MOX-NEG-030: an absent
/// reason reads as `shutdown`).
pub(crate) fn goodbye(received: &Received<'_>) -> (Option<u8>, Option<u32>, Option<u32>) {
    (
        single(received, id::G_REASON, 1).map(|r| r as u8),
        single(received, id::G_SESSION, 4),
        single(received, id::G_SENDER, 4),
    )
}

/// An error message's fields that the machine reads (spec §9.2).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ErrorView {
    pub(crate) code: u8,
    pub(crate) ext: ExtensionId,
    pub(crate) major: u8,
    pub(crate) msg_type: u8,
    pub(crate) retry_after: Option<u32>,
}

pub(crate) fn error(received: &Received<'_>) -> Option<ErrorView> {
    let (mut code, mut ext, mut version, mut msg_type, mut retry) = (None, None, None, None, None);
    for field in received.body.fields() {
        let v = field.value();
        match field.id().value() {
            id::E_CODE => set_once(&mut code, uint(v, 1))?,
            id::E_EXT => {
                let (e, used) = read_ext(v)?;
                if used != v.len() {
                    return None;
                }
                set_once(&mut ext, Some(e))?;
            }
            id::E_VERSION => set_once(&mut version, (v.len() == 2).then(|| v[0]))?,
            id::E_TYPE => set_once(&mut msg_type, uint(v, 1))?,
            id::E_RETRY => set_once(&mut retry, uint(v, 3))?,
            _ => {}
        }
    }
    Some(ErrorView {
        code: code? as u8,
        ext: ext?,
        major: version?,
        msg_type: msg_type? as u8,
        retry_after: retry,
    })
}

// ---------------------------------------------------------------------------------------
// Randomness: recorded at draw time, replayed at encode time

/// Raw draws kept so that a message can be re-encoded byte-identically (MOX-NEG-012)
/// without storing its bytes: the GREASE is a pure function of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Draws<const N: usize> {
    values: [u32; N],
    len: u8,
}

impl<const N: usize> Draws<N> {
    pub(crate) const EMPTY: Self = Self {
        values: [0; N],
        len: 0,
    };
}

/// Records every `next_u32` of the caller's RNG into a [`Draws`].
pub(crate) struct Recorder<'a, R, const N: usize> {
    pub(crate) rng: &'a mut R,
    pub(crate) draws: Draws<N>,
}

impl<R: Rng, const N: usize> TryRng for Recorder<'_, R, N> {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let value = self.rng.next_u32();
        if let Some(slot) = self.draws.values.get_mut(usize::from(self.draws.len)) {
            *slot = value;
            self.draws.len += 1;
        }
        Ok(value)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        // The GREASE helpers draw u32 only; a u64 is two recorded u32s.
        let lo = u64::from(self.try_next_u32()?);
        Ok(lo | (u64::from(self.try_next_u32()?) << 32))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(4) {
            let bytes = self.try_next_u32()?.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// Replays a [`Draws`] (zeros after its end, which the same call sequence never reaches).
struct Replay<'a, const N: usize> {
    draws: &'a Draws<N>,
    next: usize,
}

impl<const N: usize> TryRng for Replay<'_, N> {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let value = if self.next < usize::from(self.draws.len) {
            self.draws.values.get(self.next).copied().unwrap_or(0)
        } else {
            0
        };
        self.next += 1;
        Ok(value)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let lo = u64::from(self.try_next_u32()?);
        Ok(lo | (u64::from(self.try_next_u32()?) << 32))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(4) {
            let bytes = self.try_next_u32()?.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// The GREASE of a hello (design §1.5, §B.2 item 2), as drawn.
#[derive(Clone, Copy, Debug, Default)]
struct HelloGrease {
    plan: Option<grease::Plan>,
    /// GREASE offer: extension, position among the real offers, its major.
    ext: Option<(ExtensionId, usize, u8)>,
    /// GREASE major in the first real offer: value, position.
    major: Option<(u8, usize)>,
    /// GREASE feature: value, position.
    feature: Option<(u16, usize)>,
}

/// Draws (or replays) the hello's GREASE in the normative order of §B.2 item 2.
fn hello_grease<R: Rng>(rng: &mut R, config: GreaseConfig, shape: &HelloShape) -> HelloGrease {
    if !config.enabled {
        return HelloGrease::default();
    }
    let mut injector = Injector::new(&mut *rng, config);
    let plan = injector.plan_hello(shape.field_count());
    let ext = injector.extension(shape.offers);
    let rng = injector.into_rng();
    let ext = ext.map(|insert| (insert.value, insert.position, grease::major(rng.next_u32())));
    let mut injector = Injector::new(&mut *rng, config);
    let major = match shape.first_majors {
        Some(len) => injector.major(len).map(|i| (i.value, i.position)),
        None => None,
    };
    let feature = injector
        .feature(shape.features)
        .map(|i| (i.value, i.position));
    HelloGrease {
        plan: Some(plan),
        ext,
        major,
        feature,
    }
}

/// What the hello's GREASE positions depend on.
pub(crate) struct HelloShape {
    pub(crate) offers: usize,
    pub(crate) first_majors: Option<usize>,
    pub(crate) deprecated: usize,
    pub(crate) features: usize,
    pub(crate) grease: bool,
}

impl HelloShape {
    pub(crate) fn of<const E: usize, const M: usize, const F: usize>(
        config: &Config<E, M, F>,
        offers: usize,
    ) -> Self {
        let included = || {
            config
                .offers
                .iter()
                .filter(|o| !o.majors.is_empty())
                .take(offers)
        };
        Self {
            offers,
            first_majors: included().next().map(|o| o.majors.len()),
            deprecated: included().filter(|o| o.deprecated != 0).count(),
            features: config.features.len(),
            grease: config.grease.enabled,
        }
    }

    /// `n` of §B.2 item 2: the hello's fields without GREASE fields, with the GREASE offer.
    fn field_count(&self) -> usize {
        1 + self.offers + usize::from(self.grease) + self.deprecated + 4
    }
}

/// Draws the hello's GREASE from the caller's RNG, recording the values.
pub(crate) fn draw_hello_grease<R: Rng, const N: usize>(
    rng: &mut R,
    config: GreaseConfig,
    shape: &HelloShape,
) -> Draws<N> {
    let mut recorder = Recorder {
        rng,
        draws: Draws::EMPTY,
    };
    hello_grease(&mut recorder, config, shape);
    recorder.draws
}

/// Draws a reply's GREASE fields (`plan_hello(n)`), recording the values.
pub(crate) fn draw_reply_grease<R: Rng, const N: usize>(
    rng: &mut R,
    config: GreaseConfig,
    n: usize,
) -> Draws<N> {
    let mut recorder = Recorder {
        rng,
        draws: Draws::EMPTY,
    };
    Injector::new(&mut recorder, config).plan_hello(n);
    recorder.draws
}

// ---------------------------------------------------------------------------------------
// Encoding

/// Field values of one outgoing message in a fixed scratch (no alloc), as `(id, value)`
/// pairs for [`encode_body`].
pub(crate) struct FieldList {
    arena: [u8; SCRATCH],
    used: usize,
    entries: [(u32, u16, u16); MAX_ENTRIES],
    len: usize,
    overflow: bool,
}

impl FieldList {
    pub(crate) fn new() -> Self {
        Self {
            arena: [0; SCRATCH],
            used: 0,
            entries: [(0, 0, 0); MAX_ENTRIES],
            len: 0,
            overflow: false,
        }
    }

    fn begin(&mut self) -> usize {
        self.used
    }

    fn bytes(&mut self, bytes: &[u8]) {
        match self.arena.get_mut(self.used..self.used + bytes.len()) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.used += bytes.len();
            }
            None => self.overflow = true,
        }
    }

    fn end(&mut self, id: u32, start: usize) {
        match self.entries.get_mut(self.len) {
            Some(slot) => {
                *slot = (id, start as u16, self.used as u16);
                self.len += 1;
            }
            None => self.overflow = true,
        }
    }

    fn field(&mut self, id: u32, bytes: &[u8]) {
        let start = self.begin();
        self.bytes(bytes);
        self.end(id, start);
    }

    fn uint(&mut self, id: u32, value: u32, width: usize) {
        self.field(id, &uint_bytes(value, width)[..width]);
    }

    fn ext(&mut self, ext: &ExtensionId) {
        let (bytes, len) = ext_bytes(ext);
        self.bytes(&bytes[..len]);
    }

    fn features(&mut self, id: u32, features: impl Iterator<Item = u16>) {
        let start = self.begin();
        for feature in features {
            self.bytes(&[(feature & 0x7F) as u8, ((feature >> 7) & 0x7F) as u8]);
        }
        self.end(id, start);
    }

    fn len(&self) -> usize {
        self.len
    }

    fn iter(&self) -> impl Iterator<Item = (FieldId, &[u8])> + Clone + '_ {
        self.entries.iter().take(self.len).map(|&(id, start, end)| {
            let value = self
                .arena
                .get(usize::from(start)..usize::from(end))
                .unwrap_or_default();
            (fid(id), value)
        })
    }

    /// Encodes the fields, with `plan`'s GREASE inserted, under `header`.
    fn encode(
        &self,
        header: &Header,
        plan: &grease::Plan,
        out: &mut [u8],
    ) -> Result<usize, EncodeError> {
        if self.overflow {
            return Err(EncodeError::OutOfRange);
        }
        encode_body(header, plan.apply(self.iter()), out)
    }
}

/// A `mox.core` 1.0 header with the node ids.
pub(crate) fn header(msg_type: u8, src: u32, dst: u32, check: bool) -> Header {
    let mut header = Header::new(ExtensionId::CORE, 1, 0, msg_type);
    header.check = check;
    header.addresses = Some(Addresses {
        source: src,
        destination: dst,
    });
    header
}

/// Everything a hello is a pure function of (design §5: stored draws, not bytes).
pub(crate) struct HelloInput<'c, const E: usize, const M: usize, const F: usize, const N: usize> {
    pub(crate) config: &'c Config<E, M, F>,
    pub(crate) offers: usize,
    pub(crate) src: u32,
    pub(crate) dst: u32,
    pub(crate) nonce: u32,
    pub(crate) draws: &'c Draws<N>,
}

/// Writes a hello (design §1.1, field order §B.3).
pub(crate) fn encode_hello<const E: usize, const M: usize, const F: usize, const N: usize>(
    input: &HelloInput<'_, E, M, F, N>,
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    let config = input.config;
    let shape = HelloShape::of(config, input.offers);
    let mut replay = Replay {
        draws: input.draws,
        next: 0,
    };
    let grease = hello_grease(&mut replay, config.grease, &shape);
    let mut list = FieldList::new();
    list.uint(id::H_NONCE, input.nonce, 4);
    let included = || {
        config
            .offers
            .iter()
            .filter(|o| !o.majors.is_empty())
            .take(input.offers)
    };
    let grease_offer = |list: &mut FieldList| {
        if let Some((ext, _, major)) = grease.ext {
            let start = list.begin();
            list.ext(&ext);
            list.bytes(&[major, 0]);
            list.end(id::H_OFFER, start);
        }
    };
    for (index, offer) in included().enumerate() {
        if grease.ext.is_some_and(|(_, at, _)| at == index) {
            grease_offer(&mut list);
        }
        let start = list.begin();
        list.ext(&offer.ext);
        for (j, (major, minor)) in offer.majors.iter().enumerate() {
            if index == 0 && grease.major.is_some_and(|(_, at)| at == j) {
                list.bytes(&[grease.major.map_or(0, |(m, _)| m), 0]);
            }
            list.bytes(&[*major, *minor]);
        }
        if index == 0 {
            if let Some((m, at)) = grease.major {
                if at >= offer.majors.len() {
                    list.bytes(&[m, 0]);
                }
            }
        }
        list.end(id::H_OFFER, start);
    }
    if grease.ext.is_some_and(|(_, at, _)| at >= shape.offers) {
        grease_offer(&mut list);
    }
    for offer in included().filter(|o| o.deprecated != 0) {
        let start = list.begin();
        list.ext(&offer.ext);
        for (major, _) in offer.majors.iter().filter(|(m, _)| offer.is_deprecated(*m)) {
            list.bytes(&[*major]);
        }
        list.end(id::H_DEPRECATED, start);
    }
    list.uint(id::H_MAX, config.limits.max_size, 4);
    list.uint(id::H_REASSEMBLY, config.limits.reassembly, 3);
    list.uint(id::H_TRANSFERS, u32::from(config.limits.transfers), 1);
    let start = list.begin();
    for (i, feature) in config.features.iter().enumerate() {
        if grease.feature.is_some_and(|(_, at)| at == i) {
            list.features_raw(grease.feature.map_or(0, |(f, _)| f));
        }
        list.features_raw(*feature);
    }
    if let Some((f, at)) = grease.feature {
        if at >= config.features.len() {
            list.features_raw(f);
        }
    }
    list.end(id::H_FEATURES, start);
    let plan = grease.plan.unwrap_or(grease::Plan::EMPTY);
    let header = header(msg::HELLO, input.src, input.dst, config.check);
    list.encode(&header, &plan, out)
}

impl FieldList {
    fn features_raw(&mut self, feature: u16) {
        self.bytes(&[(feature & 0x7F) as u8, ((feature >> 7) & 0x7F) as u8]);
    }
}

/// One agreed extension as a reply carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ReplyEntry {
    pub(crate) ext: ExtensionId,
    pub(crate) major: u8,
    pub(crate) minor: u8,
}

/// Everything a reply is a pure function of.
pub(crate) struct ReplyInput<'c, const N: usize> {
    pub(crate) src: u32,
    pub(crate) dst: u32,
    pub(crate) nonce: u32,
    pub(crate) echo: u32,
    pub(crate) hello_digest: u16,
    pub(crate) agreed: &'c [ReplyEntry],
    pub(crate) limits: Limits,
    pub(crate) features: &'c [u16],
    pub(crate) refused: &'c [(ExtensionId, u8)],
    pub(crate) grease: GreaseConfig,
    pub(crate) check: bool,
    pub(crate) draws: &'c Draws<N>,
}

/// `n` of a reply for `plan_hello`.
pub(crate) fn reply_field_count(agreed: usize, refused: usize) -> usize {
    7 + agreed + refused
}

/// Writes a reply (design §1.2, field order §B.3).
pub(crate) fn encode_reply<const N: usize>(
    input: &ReplyInput<'_, N>,
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    let mut list = FieldList::new();
    list.uint(id::R_NONCE, input.nonce, 4);
    list.uint(id::R_ECHO, input.echo, 4);
    list.uint(id::R_DIGEST, u32::from(input.hello_digest), 2);
    for entry in input.agreed {
        let start = list.begin();
        list.ext(&entry.ext);
        list.bytes(&[entry.major, entry.minor]);
        list.end(id::R_AGREED, start);
    }
    list.uint(id::R_MAX, input.limits.max_size, 4);
    list.uint(id::R_REASSEMBLY, input.limits.reassembly, 3);
    list.uint(id::R_TRANSFERS, u32::from(input.limits.transfers), 1);
    list.features(id::R_FEATURES, input.features.iter().copied());
    for (ext, code) in input.refused {
        let start = list.begin();
        list.ext(ext);
        list.bytes(&[*code]);
        list.end(id::R_REFUSED, start);
    }
    let mut replay = Replay {
        draws: input.draws,
        next: 0,
    };
    let plan = Injector::new(&mut replay, input.grease).plan_hello(list.len());
    let header = header(msg::REPLY, input.src, input.dst, input.check);
    list.encode(&header, &plan, out)
}

/// Writes a confirm (design §1.3).
pub(crate) fn encode_confirm(
    src: u32,
    dst: u32,
    echo: u32,
    digest: u16,
    check: bool,
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    let mut list = FieldList::new();
    list.uint(id::C_ECHO, echo, 4);
    list.uint(id::C_DIGEST, u32::from(digest), 2);
    list.encode(
        &header(msg::CONFIRM, src, dst, check),
        &grease::Plan::EMPTY,
        out,
    )
}

/// Writes a goodbye (design §1.4).
pub(crate) fn encode_goodbye(
    src: u32,
    dst: u32,
    reason: u8,
    session: u32,
    sender: u32,
    check: bool,
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    let mut list = FieldList::new();
    list.uint(id::G_REASON, u32::from(reason), 1);
    list.uint(id::G_SESSION, session, 4);
    list.uint(id::G_SENDER, sender, 4);
    list.encode(
        &header(msg::GOODBYE, src, dst, check),
        &grease::Plan::EMPTY,
        out,
    )
}

/// Writes an error about a received `mox.core` 1.0 message of type `about` (spec §9.2).
#[allow(clippy::too_many_arguments)]
pub(crate) fn encode_error(
    src: u32,
    dst: u32,
    code: u8,
    about: u8,
    field: Option<u32>,
    check: bool,
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    let mut list = FieldList::new();
    list.uint(id::E_CODE, u32::from(code), 1);
    list.field(id::E_EXT, &[0x7E, 0x00]);
    list.field(id::E_VERSION, &[0x01, 0x00]);
    list.uint(id::E_TYPE, u32::from(about), 1);
    if let Some(field) = field {
        let (bytes, len) = varint::to_bytes(field).unwrap_or(([0; 3], 1));
        list.field(id::E_FIELD, &bytes[..len]);
    }
    list.encode(
        &header(msg::ERROR, src, dst, check),
        &grease::Plan::EMPTY,
        out,
    )
}

/// Value bytes the full hello of `offers` offers needs in the scratch (worst-case GREASE).
pub(crate) fn hello_scratch_need<const E: usize, const M: usize, const F: usize>(
    config: &Config<E, M, F>,
    offers: usize,
) -> usize {
    let mut need = 4 + 4 + 3 + 1 + 2 * (config.features.len() + 1) + 7;
    for offer in config
        .offers
        .iter()
        .filter(|o| !o.majors.is_empty())
        .take(offers)
    {
        let id = ext_bytes(&offer.ext).1;
        need += id + 2 * offer.majors.len() + 2;
        if offer.deprecated != 0 {
            need += id + offer.majors.len();
        }
    }
    need
}

/// Worst-case body length of a hello with the first `offers` offers (MOX-NEG-063).
pub(crate) fn hello_worst_len<const E: usize, const M: usize, const F: usize>(
    config: &Config<E, M, F>,
    offers: usize,
) -> usize {
    // Header: byte, owner, number, major, minor, type, two node ids.
    let mut len = 1 + 1 + 1 + 1 + 1 + 1 + 8;
    let tlv = |value: usize| 1 + varint::encoded_len(value as u32) as usize + value;
    len += tlv(4) + tlv(4) + tlv(3) + tlv(1);
    let grease_on = config.grease.enabled;
    let features = 2 * (config.features.len() + usize::from(grease_on));
    len += tlv(features);
    for (i, offer) in config
        .offers
        .iter()
        .filter(|o| !o.majors.is_empty())
        .take(offers)
        .enumerate()
    {
        let id = ext_bytes(&offer.ext).1;
        let extra = if i == 0 && grease_on { 2 } else { 0 };
        len += tlv(id + 2 * offer.majors.len() + extra);
        if offer.deprecated != 0 {
            let count = offer
                .majors
                .iter()
                .filter(|(m, _)| offer.is_deprecated(*m))
                .count();
            len += tlv(id + count);
        }
    }
    if grease_on {
        // GREASE offer: owner 7E, a 2-byte number, one pair.
        len += tlv(1 + 2 + 2);
        let fields = usize::from(config.grease.max_fields).min(grease::MAX_PLANNED);
        len += fields * (2 + 1 + 3);
    }
    if config.check {
        len += 2;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The windowed CRC equals the codec's one-shot CRC of the canonical bytes, for every
    /// length around the 62/64-byte window edges.
    #[test]
    fn digest_equals_one_shot_crc_of_canonical_form() {
        let mut body = [0u8; 300];
        let mut state = 0x1234_5678u32;
        for byte in body.iter_mut() {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            *byte = ((state >> 24) & 0x7F) as u8;
        }
        for len in 3..body.len() {
            for first in [0x02u8, 0x03] {
                body[0] = first;
                let part = &body[..len];
                let mut canonical = [0u8; 300];
                canonical[0] = 0x02;
                let end = if first & 1 != 0 { len - 2 } else { len };
                canonical[1..end].copy_from_slice(&part[1..end]);
                assert_eq!(
                    digest(part),
                    crc::crc14(&canonical[..end]),
                    "len {len} hdr {first}"
                );
            }
        }
    }

    #[test]
    fn extension_ids_round_trip() {
        for ext in [
            ExtensionId::new(Owner::MOX, 1),
            ExtensionId::new(Owner::MOX, 1015),
            ExtensionId::new(Owner::ThreeByte(0x21, 0x09), 70_000),
        ] {
            let (bytes, len) = ext_bytes(&ext);
            assert_eq!(read_ext(&bytes[..len]), Some((ext, len)));
        }
        assert_eq!(read_ext(&[0x00, 0x01]), None, "a 3-byte owner cut short");
    }
}
