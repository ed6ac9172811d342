//! Shared helpers: a scripted RNG, the §2 configurations, hex.
#![allow(dead_code, unreachable_pub)]
use mox_codec::envelope::{ExtensionId, Owner};
use mox_negotiate::{Binding, Config, Event, Instant, Limits, Machine, Offer};

/// `next_u32` values consumed in order; running out is a test failure.
pub struct Script {
    pub values: Vec<u32>,
    pub next: usize,
}

impl Script {
    pub fn new(values: &[u32]) -> Self {
        Self { values: values.to_vec(), next: 0 }
    }
    pub fn used_all(&self) -> bool {
        self.next == self.values.len()
    }
}

impl rand_core::TryRng for Script {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let value = *self.values.get(self.next).unwrap_or_else(|| {
            panic!("the machine drew value #{} of a script of {}", self.next + 1, self.values.len())
        });
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
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
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
    config.offers.push(Offer::with(FADER, &[(2, 0), (1, 3)])).unwrap();
    config.offers.push(Offer::with(GRID, &[(1, 0)])).unwrap();
    config.features.push(1).unwrap();
    config.limits = Limits { max_size: 512, reassembly: 1024, transfers: 4 };
    config
}

/// Node B of design §2: fader 1.3, grid 1.0, 256 without reassembly, feature 1; it only
/// answers.
pub fn config_b() -> Config<4, 4, 4> {
    let mut config = Config::new(Binding::Sysex);
    config.offers.push(Offer::with(FADER, &[(1, 3)])).unwrap();
    config.offers.push(Offer::with(GRID, &[(1, 0)])).unwrap();
    config.features.push(1).unwrap();
    config.limits = Limits { max_size: 256, reassembly: 0, transfers: 0 };
    config.initiate = false;
    config
}

/// A's draws for start and its first hello with the §2 GREASE (derived from §B.2 by hand:
/// id, nonce, plan count, field 7 U=0 value 55, position 1, extension 23, position 2,
/// major 39, major 23, position 1, feature 263, position 1).
pub const A_DRAWS: [u32; 12] =
    [0x0123_4567, 0x00A1_B2C2, 0, 0x0001_5540, 1, 1, 2, 2, 1, 1, 16, 1];
/// B's draws: id 0x42; answering: nonce, plan count, field 23 U=1 empty, position 9.
pub const B_DRAWS: [u32; 5] = [0x42, 0x005D_1E2E, 0, 1569, 9];

pub fn hex(text: &str) -> Vec<u8> {
    text.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
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
