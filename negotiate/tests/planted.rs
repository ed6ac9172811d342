//! The planted bugs of design §7 change behaviour (run with `--features planted`); the
//! exhaustive explorer (`tests/explore.rs`) shows that its properties catch each one.
#![cfg(feature = "planted")]
mod common;
use common::*;
use mox_negotiate::{Handled, Offer, Plant, State};

const A: u32 = 0x0123_4567;
const FADER1: &[u8] = &[0x7E, 0x01, 0x01, 0x00];

#[test]
fn plant_1_responder_selects_its_own_highest_major() {
    for (plant, expected) in [(Plant::None, 1), (Plant::OwnHighestMajor, 3)] {
        let mut config = config_b();
        config.offers[0] = Offer::with(FADER, &[(3, 0), (1, 3)]);
        config.plant = plant;
        let mut b = M4::try_new(config).unwrap();
        let mut rng = Script::then_lcg(&[0x42], 1);
        b.start(t(0), &mut rng);
        let h = hello(A, 0x0FFF_FFFF, 7, &[FADER1], &[]);
        b.handle_body(t(0), &h, h.len() + 6, &mut rng).unwrap();
        let reply = drain(&mut b).remove(0).1;
        let agreed = fields(&reply)
            .into_iter()
            .find(|(id, _)| *id == 0x18)
            .unwrap()
            .1;
        assert_eq!(agreed[2], expected, "{plant:?}");
    }
}

#[test]
fn plant_3_retry_limit_forgotten() {
    for (plant, state) in [
        (Plant::None, State::Fallback),
        (Plant::ForgetRetryLimit, State::Probing),
    ] {
        let mut config = config_a();
        config.plant = plant;
        let mut a = M4::try_new(config).unwrap();
        let mut rng = Script::then_lcg(&A_DRAWS, 1);
        a.start(t(0), &mut rng);
        for at in [250, 750, 1750, 3750] {
            a.handle_timeout(t(at), &mut rng);
        }
        assert_eq!(a.state(), state, "{plant:?}");
    }
}

#[test]
fn plant_6_nonce_echo_not_checked() {
    for (plant, result) in [(Plant::None, false), (Plant::SkipNonceEcho, true)] {
        let mut config = config_a();
        config.plant = plant;
        let mut a = M4::try_new(config).unwrap();
        let mut rng = Script::then_lcg(&A_DRAWS, 1);
        a.start(t(0), &mut rng);
        let h = drain(&mut a).remove(0).1;
        let r = reply(0x42, A, 9, 12345, digest(&h), &[FADER1], &[]);
        let handled = a.handle_body(t(5), &r, r.len() + 6, &mut rng) == Ok(Handled::ReplyOk);
        assert_eq!(handled, result, "{plant:?}");
    }
}
