//! `mox-negotiate`: the MOX version negotiation of spec chapter 8 (`spec/mox.md`; design
//! record `docs/design/negotiation.md`) as a sans-IO state machine. `no_std`, no
//! allocation, no clock, no I/O: the caller feeds it bodies, time and randomness, and polls
//! what to send.
//!
//! Two machines handshaking over an in-memory link:
//!
//! ```
//! use mox_codec::envelope::{ExtensionId, Owner};
//! use mox_negotiate::{Binding, Config, Event, Instant, Machine, Offer, Role};
//!
//! // A small counter-based RNG; a product passes its own `rand_core::Rng`.
//! struct Lcg(u64);
//! impl rand_core::TryRng for Lcg {
//!     type Error = core::convert::Infallible;
//!     fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
//!         self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
//!         Ok((self.0 >> 32) as u32)
//!     }
//!     fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
//!         Ok(u64::from(self.try_next_u32()?) << 32 | u64::from(self.try_next_u32()?))
//!     }
//!     fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
//!         for b in dst { *b = self.try_next_u32()? as u8; }
//!         Ok(())
//!     }
//! }
//!
//! let fader = ExtensionId::new(Owner::MOX, 1);
//! let mut a_config = Config::<4, 4, 4>::new(Binding::Sysex);
//! a_config.offers.push(Offer::with(fader, &[(2, 0), (1, 3)])).unwrap();
//! let mut b_config = Config::<4, 4, 4>::new(Binding::Sysex);
//! b_config.offers.push(Offer::with(fader, &[(1, 3)])).unwrap();
//! b_config.initiate = false; // B only answers (MOX-NEG-114).
//!
//! let mut a = Machine::try_new(a_config)?;
//! let mut b = Machine::try_new(b_config)?;
//! let (mut rng_a, mut rng_b) = (Lcg(1), Lcg(2));
//! let now = Instant(0);
//! a.start(now, &mut rng_a);
//! b.start(now, &mut rng_b);
//!
//! // Deliver everything each side sends to the other until both are quiet.
//! let mut buf = [0u8; 256];
//! let mut established = 0;
//! for _ in 0..8 {
//!     while let Some(t) = a.poll_transmit(&mut buf)? {
//!         let _ = b.handle_body(now, &buf[..t.len], t.len + 6, &mut rng_b);
//!     }
//!     while let Some(t) = b.poll_transmit(&mut buf)? {
//!         let _ = a.handle_body(now, &buf[..t.len], t.len + 6, &mut rng_a);
//!     }
//!     for machine in [&mut a, &mut b] {
//!         while let Some(event) = machine.poll_event() {
//!             if let Event::Established { .. } = event {
//!                 established += 1;
//!             }
//!         }
//!     }
//! }
//! assert_eq!(established, 2);
//! assert_eq!(a.agreement().unwrap().major(&fader), Some(1));
//! assert_eq!(a.agreement(), b.agreement());
//! assert_eq!(a.poll_timeout(), None); // established: no timer
//! # let _ = Role::Initiator;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Conformance and implementation choices
//! The machine follows spec chapter 8 (which wins over the design record); the choices the
//! spec leaves to an implementation, and any remaining difference, are listed in
//! `negotiate/README.md`.
#![no_std]
#![forbid(unsafe_code)]

mod config;
mod machine;
pub mod receiver;
#[cfg(feature = "sim")]
pub mod sim;
mod types;
mod wire;

#[cfg(feature = "planted")]
pub use config::Plant;
pub use config::{Binding, Config, ConfigError, Limits, Offer, Timers};
pub use machine::{Machine, State};
pub use types::{
    Agreed, Agreement, Event, FallbackReason, Gate, GoodbyeReason, Handled, Ignored, Instant,
    NodeId, Nonce, Role, Transmit, TransmitError,
};

// Design §5.2: the default machine fits 1 KiB on every target this crate is built for
// (thumbv6m included), checked at compile time.
const _: () = assert!(core::mem::size_of::<Machine<4, 4, 4>>() <= 1024);

/// Re-exported so that callers name the same versions.
pub use heapless;
pub use rand_core;

/// The examples in `docs/negotiation.md` run as doctests, so the guide cannot drift from the
/// code.
#[cfg(doctest)]
#[doc = include_str!("../../docs/negotiation.md")]
pub struct NegotiationGuideDoctests;
