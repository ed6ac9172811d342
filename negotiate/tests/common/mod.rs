//! Shared helpers: a scripted RNG, the §2 configurations, hex.
#![allow(dead_code, unreachable_pub)]
use mox_codec::envelope::{ExtensionId, Owner};
use mox_negotiate::{Binding, Config, Event, Instant, Limits, Machine, Offer};

/// `next_u32` values consumed in order; running out is a test failure.
pub struct Script {
    pub values: Vec<u32>,
    pub next: usize,
    /// After the script: this generator, or a panic when `None`.
    pub then: Option<Lcg>,
}

impl Script {
    pub fn new(values: &[u32]) -> Self {
        Self {
            values: values.to_vec(),
            next: 0,
            then: None,
        }
    }
    pub fn then_lcg(values: &[u32], seed: u64) -> Self {
        Self {
            values: values.to_vec(),
            next: 0,
            then: Some(Lcg(seed)),
        }
    }
    pub fn used_all(&self) -> bool {
        self.next == self.values.len()
    }
}

impl rand_core::TryRng for Script {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        if self.next >= self.values.len() {
            if let Some(lcg) = &mut self.then {
                self.next += 1;
                return lcg.try_next_u32();
            }
            panic!(
                "the machine drew value #{} of a script of {}",
                self.next + 1,
                self.values.len()
            );
        }
        let value = self.values[self.next];
        self.next += 1;
        Ok(value)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        panic!("the machine drew a u64");
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Self::Error> {
        panic!("the machine filled bytes");
    }
}

/// A counter-based generator for tests that do not pin the draws.
pub struct Lcg(pub u64);

impl rand_core::TryRng for Lcg {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        Ok((self.0 >> 32) as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(u64::from(self.try_next_u32()?) << 32 | u64::from(self.try_next_u32()?))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for b in dst {
            *b = self.try_next_u32()? as u8;
        }
        Ok(())
    }
}

pub const FADER: ExtensionId = ExtensionId::new(Owner::MOX, 1);
pub const GRID: ExtensionId = ExtensionId::new(Owner::MOX, 2);

pub type M4 = Machine<4, 4, 4>;

/// Node A of design §2: fader 2.0 and 1.3, grid 1.0, 512/1024/4, feature 1.
pub fn config_a() -> Config<4, 4, 4> {
    let mut config = Config::new(Binding::Sysex);
    config
        .offers
        .push(Offer::with(FADER, &[(2, 0), (1, 3)]))
        .unwrap();
    config.offers.push(Offer::with(GRID, &[(1, 0)])).unwrap();
    config.features.push(1).unwrap();
    config.limits = Limits {
        max_size: 512,
        reassembly: 1024,
        transfers: 4,
    };
    config
}

/// Node B of design §2: fader 1.3, grid 1.0, 256 without reassembly, feature 1; it only
/// answers.
pub fn config_b() -> Config<4, 4, 4> {
    let mut config = Config::new(Binding::Sysex);
    config.offers.push(Offer::with(FADER, &[(1, 3)])).unwrap();
    config.offers.push(Offer::with(GRID, &[(1, 0)])).unwrap();
    config.features.push(1).unwrap();
    config.limits = Limits {
        max_size: 256,
        reassembly: 0,
        transfers: 0,
    };
    config.initiate = false;
    config
}

/// A's draws as spec §8.12 prints them: start 19088743, then the new handshake's
/// 10597058, 0, 21840, 1, 1, 2, 2, 1, 1, 16, 1 (nonce, plan count, field 7 U=0 value 55,
/// position 1, extension 23, position 2, major 39, major 23, position 1, feature 263,
/// position 1).
pub const A_DRAWS: [u32; 12] = [19088743, 10597058, 0, 21840, 1, 1, 2, 2, 1, 1, 16, 1];
/// B's draws as spec §8.12 prints them: start 66, then the answer's 6102574, 0, 57, 9
/// (nonce, plan count, field 23 U=1 empty, position 9).
pub const B_DRAWS: [u32; 5] = [66, 6102574, 0, 57, 9];

pub fn hex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// The body of a SysEx message `F0 7D 4D 4F 58 … F7`.
pub fn sysex_body(message: &[u8]) -> Vec<u8> {
    message[5..message.len() - 1].to_vec()
}

/// All queued bodies, with their destinations.
pub fn drain<const E: usize, const M: usize, const F: usize>(
    machine: &mut Machine<E, M, F>,
) -> Vec<(u32, Vec<u8>)> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    while let Some(t) = machine.poll_transmit(&mut buf).unwrap() {
        out.push((t.dst, buf[..t.len].to_vec()));
    }
    out
}

pub fn events<const E: usize, const M: usize, const F: usize>(
    machine: &mut Machine<E, M, F>,
) -> Vec<Event> {
    std::iter::from_fn(|| machine.poll_event()).collect()
}

pub fn t(ms: u64) -> Instant {
    Instant(ms)
}

use mox_codec::envelope::{crc, encode_body, value, Addresses, FieldId, Header};

/// A `mox.core` 1.0 body with `K=1`, fields in the given order.
pub fn body(msg_type: u8, src: u32, dst: u32, fields: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let mut header = Header::new(ExtensionId::CORE, 1, 0, msg_type);
    header.check = true;
    header.addresses = Some(Addresses {
        source: src,
        destination: dst,
    });
    let list: Vec<(FieldId, &[u8])> = fields
        .iter()
        .map(|(id, v)| (FieldId::from_value(*id).unwrap(), v.as_slice()))
        .collect();
    let mut out = vec![0; 2048];
    let n = encode_body(&header, &list, &mut out).unwrap();
    out.truncate(n);
    out
}

pub fn u(value: u32, width: usize) -> Vec<u8> {
    value::encode_uint(value, width).unwrap()[..width].to_vec()
}

/// The canonical digest of a `K=1` body, computed independently of the crate.
pub fn digest(body: &[u8]) -> u16 {
    let mut canonical = vec![body[0] & 0x02];
    canonical.extend_from_slice(&body[1..body.len() - 2]);
    crc::crc14(&canonical)
}

/// A hello with no GREASE: the given offer values, max size 512, no reassembly, `features`.
pub fn hello(src: u32, dst: u32, nonce: u32, offers: &[&[u8]], features: &[u8]) -> Vec<u8> {
    let mut fields = vec![(0x00, u(nonce, 4))];
    fields.extend(offers.iter().map(|o| (0x08, o.to_vec())));
    fields.extend([
        (0x18, u(512, 4)),
        (0x20, u(0, 3)),
        (0x28, u(0, 1)),
        (0x30, features.to_vec()),
    ]);
    body(0x40, src, dst, &fields)
}

pub fn reply(
    src: u32,
    dst: u32,
    nonce: u32,
    echo: u32,
    hello_digest: u16,
    agreed: &[&[u8]],
    features: &[u8],
) -> Vec<u8> {
    let mut fields = vec![
        (0x00, u(nonce, 4)),
        (0x08, u(echo, 4)),
        (0x10, u(u32::from(hello_digest), 2)),
    ];
    fields.extend(agreed.iter().map(|a| (0x18, a.to_vec())));
    fields.extend([
        (0x20, u(512, 4)),
        (0x28, u(0, 3)),
        (0x30, u(0, 1)),
        (0x40, features.to_vec()),
    ]);
    body(0x41, src, dst, &fields)
}

pub fn confirm(src: u32, dst: u32, echo: u32, reply_digest: u16) -> Vec<u8> {
    body(
        0x03,
        src,
        dst,
        &[(0x00, u(echo, 4)), (0x08, u(u32::from(reply_digest), 2))],
    )
}

pub fn goodbye(src: u32, dst: u32, reason: u8, session: u32) -> Vec<u8> {
    body(
        0x02,
        src,
        dst,
        &[(0x00, vec![reason]), (0x08, u(session, 4))],
    )
}

/// An error about a message of `ext` (owner/number bytes) major `major`, type `about`.
pub fn error(
    src: u32,
    dst: u32,
    code: u8,
    ext: &[u8],
    major: u8,
    about: u8,
    retry: Option<u32>,
) -> Vec<u8> {
    let mut fields = vec![
        (0x00, vec![code]),
        (0x08, ext.to_vec()),
        (0x10, vec![major, 0]),
        (0x18, vec![about]),
    ];
    if let Some(ms) = retry {
        fields.push((0x28, u(ms, 3)));
    }
    body(0x01, src, dst, &fields)
}

/// Field values of a body (skipping the header), for assertions.
pub fn fields(body: &[u8]) -> Vec<(u32, Vec<u8>)> {
    let parsed =
        mox_codec::envelope::Body::parse(body, &mox_codec::envelope::Limits::DEFAULT).unwrap();
    parsed
        .fields()
        .map(|f| (f.id().value(), f.value().to_vec()))
        .collect()
}

pub fn msg_type(body: &[u8]) -> u8 {
    mox_codec::envelope::Body::parse(body, &mox_codec::envelope::Limits::DEFAULT)
        .unwrap()
        .header()
        .msg_type
}

pub fn src_of(body: &[u8]) -> u32 {
    mox_codec::envelope::Body::parse(body, &mox_codec::envelope::Limits::DEFAULT)
        .unwrap()
        .header()
        .addresses
        .unwrap()
        .source
}

/// Delivers queued bodies both ways at `now` until both machines are quiet.
pub fn link<R1: rand_core::Rng, R2: rand_core::Rng>(
    a: &mut M4,
    ra: &mut R1,
    b: &mut M4,
    rb: &mut R2,
    now: u64,
) {
    for _ in 0..16 {
        let from_a = drain(a);
        let from_b = drain(b);
        if from_a.is_empty() && from_b.is_empty() {
            return;
        }
        for (_, body) in from_a {
            let _ = b.handle_body(t(now), &body, body.len() + 6, rb);
        }
        for (_, body) in from_b {
            let _ = a.handle_body(t(now), &body, body.len() + 6, ra);
        }
    }
}

/// A (initiator, §2 config, id 0x01234567) established with B (responder, id 0x42).
pub fn established_pair() -> (M4, Script, M4, Script) {
    let mut ra = Script::then_lcg(&A_DRAWS, 11);
    let mut rb = Script::then_lcg(&B_DRAWS, 12);
    let mut a = M4::try_new(config_a()).unwrap();
    let mut b = M4::try_new(config_b()).unwrap();
    a.start(t(0), &mut ra);
    b.start(t(0), &mut rb);
    link(&mut a, &mut ra, &mut b, &mut rb, 0);
    assert!(a.agreement().is_some() && b.agreement().is_some());
    events(&mut a);
    events(&mut b);
    (a, ra, b, rb)
}
