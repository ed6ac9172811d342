//! One test (at least) per row of design §3.4, named by its requirement id MOX-NEG-2nn,
//! plus the input classes of §3.2 that are not rows.
mod common;
use common::*;
use mox_negotiate::{Event, FallbackReason, GoodbyeReason, Handled, Ignored, Role, State};

const A: u32 = 0x0123_4567;
const B: u32 = 0x42;
const BC: u32 = 0x0FFF_FFFF;
const NONCE_A: u32 = 0x00A1_B2C3;
const FADER1: &[u8] = &[0x7E, 0x01, 0x01, 0x00];

/// A probing machine (A's §2 config and draws), its rng, and its first hello.
fn probing() -> (M4, Script, Vec<u8>) {
    let mut rng = Script::then_lcg(&A_DRAWS, 5);
    let mut a = M4::try_new(config_a()).unwrap();
    a.start(t(0), &mut rng);
    let hello = drain(&mut a).remove(0).1;
    (a, rng, hello)
}

/// A machine answering a plain hello from `peer` (B's config, listen-only).
fn answering(peer: u32) -> (M4, Script, Vec<u8>, Vec<u8>) {
    let mut rng = Script::then_lcg(&[B], 6);
    let mut b = M4::try_new(config_b()).unwrap();
    b.start(t(0), &mut rng);
    let h = hello(peer, BC, 77, &[FADER1], &[]);
    assert_eq!(
        b.handle_body(t(0), &h, h.len() + 6, &mut rng),
        Ok(Handled::HelloNew)
    );
    let reply = drain(&mut b).remove(0).1;
    (b, rng, h, reply)
}

/// A probing with a hello addressed to B: row 32 after an `E-lost` from B. Its deadline
/// is 260.
fn probing_to_b() -> (M4, Script, Vec<u8>) {
    let (mut a, mut ra, _, _) = established_pair();
    let e = error(B, A, 0x0A, &[0x7E, 0x01], 1, 0x01, None);
    assert_eq!(
        a.handle_body(t(10), &e, e.len() + 6, &mut ra),
        Ok(Handled::ErrorLost)
    );
    events(&mut a);
    let mut out = drain(&mut a);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].0, msg_type(&out[0].1)), (B, 0x40));
    assert_eq!(a.state(), State::Probing);
    (a, ra, out.remove(0).1)
}

/// The fields of a goodbye: `(reason, session, sender nonce)` (MOX-NEG-030).
fn goodbye_fields(reason: u8, session: u32, sender: u32) -> Vec<(u32, Vec<u8>)> {
    vec![
        (0x00, vec![reason]),
        (0x08, u(session, 4)),
        (0x10, u(sender, 4)),
    ]
}

fn reply_nonce(reply: &[u8]) -> u32 {
    let f = fields(reply);
    mox_codec::envelope::value::decode_uint(&f.iter().find(|(id, _)| *id == 0).unwrap().1).unwrap()
}

#[test]
fn mox_neg_201_start_draws_id_and_probes() {
    let (a, _, hello) = probing();
    assert_eq!(a.state(), State::Probing);
    assert_eq!(a.node_id(), Some(A));
    assert_eq!(msg_type(&hello), 0x40);
    assert_eq!(a.poll_timeout(), Some(t(250)));
}

#[test]
fn mox_neg_202_idle_ignores_everything() {
    let mut a = M4::try_new(config_a()).unwrap();
    let mut rng = Script::new(&[]);
    let h = hello(B, BC, 5, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(0), &h, 40, &mut rng),
        Err(Ignored::NotStarted)
    );
    a.handle_timeout(t(100_000), &mut rng);
    a.close(t(0));
    assert_eq!(a.state(), State::Idle);
    assert!(drain(&mut a).is_empty() && events(&mut a).is_empty());
}

#[test]
fn mox_neg_203_204_retransmit_then_fall_back_silent() {
    let mut rng = Script::new(&[A_DRAWS.as_slice(), &[25]].concat());
    let mut a = M4::try_new(config_a()).unwrap();
    a.start(t(0), &mut rng);
    let first = drain(&mut a).remove(0).1;
    for (at, next) in [(250, 750), (750, 1750), (1750, 3750)] {
        a.handle_timeout(t(at - 1), &mut rng);
        assert!(drain(&mut a).is_empty(), "early at {at}");
        a.handle_timeout(t(at), &mut rng);
        assert_eq!(
            drain(&mut a),
            vec![(BC, first.clone())],
            "MOX-NEG-012 at {at}"
        );
        assert_eq!(a.poll_timeout(), Some(t(next)));
    }
    a.handle_timeout(t(3750), &mut rng);
    assert!(drain(&mut a).is_empty());
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::Silent
        }]
    );
    // Jitter draw 25 with j = 25: 10 000 · (75 + 25 mod 51) / 100 = 10 000.
    assert_eq!(a.poll_timeout(), Some(t(13_750)));
    assert_eq!(a.state(), State::Fallback);
    assert!(rng.used_all());
}

#[test]
fn mox_neg_205_empty_agreement_falls_back_no_common_version() {
    let (mut a, mut rng, h) = probing();
    let r = reply(B, A, 9, NONCE_A, digest(&h), &[], &[]);
    assert_eq!(
        a.handle_body(t(10), &r, r.len() + 6, &mut rng),
        Ok(Handled::ReplyOk)
    );
    let out = drain(&mut a);
    assert_eq!(msg_type(&out[0].1), 0x03, "the confirm is still sent");
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::NoCommonVersion
        }]
    );
    assert_eq!(a.state(), State::Fallback);
    assert!(a.poll_timeout().is_some());
    // MOX-NEG-235 (row 35): a duplicate of that reply is answered with the confirm again,
    // rate-limited by rto_initial since the confirm was sent (MOX-NEG-095).
    assert_eq!(
        a.handle_body(t(100), &r, r.len() + 6, &mut rng),
        Err(Ignored::RateLimited)
    );
    assert!(drain(&mut a).is_empty());
    assert_eq!(
        a.handle_body(t(260), &r, r.len() + 6, &mut rng),
        Ok(Handled::ReplyDup)
    );
    assert_eq!(drain(&mut a), vec![out[0].clone()]);
    assert!(events(&mut a).is_empty());
    assert_eq!(a.state(), State::Fallback);
    // Any other reply in that Fallback is R-stale.
    let other = reply(B, A, 10, NONCE_A, digest(&h), &[], &[]);
    assert_eq!(
        a.handle_body(t(600), &other, other.len() + 6, &mut rng),
        Err(Ignored::Stale)
    );
    assert!(drain(&mut a).is_empty());
}

#[test]
fn mox_neg_206_digest_mismatch_counted_then_reason() {
    let (mut a, mut rng, h) = probing();
    let r = reply(B, A, 9, NONCE_A, digest(&h) ^ 1, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(10), &r, r.len() + 6, &mut rng),
        Ok(Handled::ReplyDigestMismatch)
    );
    assert!(drain(&mut a).is_empty());
    for at in [250, 750, 1750, 3750] {
        a.handle_timeout(t(at), &mut rng);
    }
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::DigestMismatch
        }]
    );
}

#[test]
fn mox_neg_207_invalid_reply_error_08_then_garbage() {
    let (mut a, mut rng, h) = probing();
    let bad: &[u8] = &[0x7E, 0x01, 0x03, 0x00]; // fader 3: not offered
    let r = reply(B, A, 9, NONCE_A, digest(&h), &[bad], &[]);
    assert_eq!(
        a.handle_body(t(10), &r, r.len() + 6, &mut rng),
        Ok(Handled::ReplyInvalid)
    );
    let out = drain(&mut a);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, B);
    assert_eq!(msg_type(&out[0].1), 0x01);
    let f = fields(&out[0].1);
    assert_eq!(f[0], (0x00, vec![0x08]));
    assert_eq!(f[3], (0x18, vec![0x41]));
    assert_eq!(f[4], (0x20, vec![0x18]), "field 4 names agreed (18)");
    // A broadcast reply is X-dst (MOX-NEG-101): not answered, not counted.
    let r2 = reply(B, BC, 9, NONCE_A, digest(&h), &[bad], &[]);
    assert_eq!(
        a.handle_body(t(11), &r2, r2.len() + 6, &mut rng),
        Err(Ignored::OtherDestination)
    );
    assert!(drain(&mut a).is_empty());
    for at in [250, 750, 1750, 3750] {
        a.handle_timeout(t(at), &mut rng);
    }
    let ev = events(&mut a);
    assert_eq!(
        ev,
        vec![Event::FellBack {
            reason: FallbackReason::Garbage
        }]
    );
}

#[test]
fn mox_neg_207_other_invalid_replies() {
    let (_, _, h) = probing();
    let grease: &[u8] = &[0x7E, 0x01, 0x17, 0x00];
    let grid: &[u8] = &[0x7E, 0x02, 0x01, 0x00];
    let unknown: &[u8] = &[0x7E, 0x05, 0x01, 0x00];
    for (agreed, features, field) in [
        (vec![grease], vec![], 0x18u8),
        (vec![unknown], vec![], 0x18),
        (vec![FADER1, FADER1], vec![], 0x18),
        (vec![grid, FADER1], vec![], 0x18),
        (vec![FADER1], vec![0x02, 0x00], 0x40),
        (vec![FADER1], vec![0x07, 0x02], 0x40),
        (vec![FADER1], vec![0x01, 0x00, 0x01, 0x00], 0x40), // listed twice
    ] {
        let (mut a, mut rng, _) = probing();
        let r = reply(B, A, 9, NONCE_A, digest(&h), &agreed, &features);
        assert_eq!(
            a.handle_body(t(10), &r, r.len() + 6, &mut rng),
            Ok(Handled::ReplyInvalid)
        );
        let out = drain(&mut a);
        let expected = if field == 0x40 {
            vec![0x40, 0x01]
        } else {
            vec![field]
        };
        assert_eq!(fields(&out[0].1)[4], (0x20, expected));
    }
    // Nonce 0 is invalid too (field 00).
    let (mut a, mut rng, _) = probing();
    let r = reply(B, A, 0, NONCE_A, digest(&h), &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(10), &r, r.len() + 6, &mut rng),
        Ok(Handled::ReplyInvalid)
    );
    assert_eq!(fields(&drain(&mut a)[0].1)[4], (0x20, vec![0x00]));
    // An absent field is named by its id: here max size (20).
    let (mut a, mut rng, _) = probing();
    let r = body(
        0x41,
        B,
        A,
        &[
            (0x00, u(9, 4)),
            (0x08, u(NONCE_A, 4)),
            (0x10, u(u32::from(digest(&h)), 2)),
            (0x18, FADER1.to_vec()),
            (0x28, u(0, 3)),
            (0x30, u(0, 1)),
            (0x40, vec![]),
        ],
    );
    assert_eq!(
        a.handle_body(t(10), &r, r.len() + 6, &mut rng),
        Ok(Handled::ReplyInvalid)
    );
    assert_eq!(fields(&drain(&mut a)[0].1)[4], (0x20, vec![0x20]));
}

#[test]
fn mox_neg_205_023_malformed_refused_entries_do_not_invalidate_a_reply() {
    let (mut a, mut rng, h) = probing();
    let r = body(
        0x41,
        B,
        A,
        &[
            (0x00, u(9, 4)),
            (0x08, u(NONCE_A, 4)),
            (0x10, u(u32::from(digest(&h)), 2)),
            (0x18, FADER1.to_vec()),
            (0x20, u(512, 4)),
            (0x28, u(0, 3)),
            (0x30, u(0, 1)),
            (0x40, vec![]),
            (0x48, vec![0x7E]), // no code: not an entry, and refused entries only report
        ],
    );
    assert_eq!(
        a.handle_body(t(10), &r, r.len() + 6, &mut rng),
        Ok(Handled::ReplyOk)
    );
    assert_eq!(msg_type(&drain(&mut a)[0].1), 0x03);
    assert_eq!(a.state(), State::Established);
    assert!(a.refused().is_empty());
}

#[test]
fn mox_neg_208_probing_ignores_stale_confirm_goodbye() {
    let (mut a, mut rng, h) = probing();
    let r = reply(B, A, 9, NONCE_A + 1, digest(&h), &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(10), &r, r.len() + 6, &mut rng),
        Err(Ignored::Stale)
    );
    let c = confirm(B, A, 5, 5);
    assert_eq!(
        a.handle_body(t(10), &c, c.len() + 6, &mut rng),
        Err(Ignored::Stale)
    );
    let g = goodbye(B, A, 0, NONCE_A);
    assert_eq!(
        a.handle_body(t(10), &g, g.len() + 6, &mut rng),
        Err(Ignored::NotExpected)
    );
    assert!(drain(&mut a).is_empty());
    assert_eq!(a.state(), State::Probing);
}

#[test]
fn mox_neg_209_210_tie_break() {
    // Higher id wins: A yields and answers.
    let (mut a, mut rng, _) = probing();
    let h = hello(A + 1, BC, 99, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(5), &h, h.len() + 6, &mut rng),
        Ok(Handled::HelloNew)
    );
    let out = drain(&mut a);
    assert_eq!(out[0].0, A + 1);
    assert_eq!(msg_type(&out[0].1), 0x41);
    assert_eq!(a.state(), State::Answering);
    assert_eq!(a.poll_timeout(), Some(t(255)));
    // Lower id: ignored, A keeps probing.
    let (mut a, mut rng, _) = probing();
    let h = hello(A - 1, BC, 99, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(5), &h, h.len() + 6, &mut rng),
        Err(Ignored::TieBreak)
    );
    assert!(drain(&mut a).is_empty());
    assert_eq!(a.state(), State::Probing);
    // MOX-NEG-103: a hello addressed to B cannot be heard by another node, so A yields to
    // that node's hello whatever the ids (0x10 < A).
    let (mut a, mut rng, _) = probing_to_b();
    let h = hello(0x10, BC, 99, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(20), &h, h.len() + 6, &mut rng),
        Ok(Handled::HelloNew)
    );
    let out = drain(&mut a);
    assert_eq!((out[0].0, msg_type(&out[0].1)), (0x10, 0x41));
    assert_eq!(a.state(), State::Answering);
    // From B itself the ids decide: 0x42 < A, so A keeps probing.
    let (mut a, mut rng, _) = probing_to_b();
    let h = hello(B, A, 99, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(20), &h, h.len() + 6, &mut rng),
        Err(Ignored::TieBreak)
    );
    assert_eq!(a.state(), State::Probing);
}

#[test]
fn mox_neg_211_do_not_retry_error_refuses() {
    let (mut a, mut rng, _) = probing_to_b();
    // MOX-NEG-082: only from the node the hello was addressed to.
    let e = error(0x99, A, 0x05, &[0x7E, 0x00], 1, 0x40, None);
    assert_eq!(
        a.handle_body(t(20), &e, e.len() + 6, &mut rng),
        Err(Ignored::NotExpected)
    );
    let e = error(B, A, 0x05, &[0x7E, 0x00], 1, 0x40, None);
    assert_eq!(
        a.handle_body(t(20), &e, e.len() + 6, &mut rng),
        Ok(Handled::Error)
    );
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::Refused { code: 5 }
        }]
    );
    assert_eq!(a.state(), State::Fallback);
    // A broadcast hello is not eligible for errors: an error "about" it is X-other.
    let (mut a, mut rng, _) = probing();
    assert_eq!(
        a.handle_body(t(5), &e, e.len() + 6, &mut rng),
        Err(Ignored::NotExpected)
    );
    assert!(events(&mut a).is_empty());
    assert_eq!(a.state(), State::Probing);
}

#[test]
fn mox_neg_212_retry_after_clamped_once_per_send_and_malformed_once() {
    let core: &[u8] = &[0x7E, 0x00];
    let (mut a, mut rng, first) = probing_to_b();
    let e = error(B, A, 0x43, core, 1, 0x40, Some(1000));
    assert_eq!(
        a.handle_body(t(20), &e, e.len() + 6, &mut rng),
        Ok(Handled::Error)
    );
    assert_eq!(a.poll_timeout(), Some(t(1020)));
    // A second E-retry before the next send is ignored.
    let again = error(B, A, 0x43, core, 1, 0x40, Some(300));
    assert_eq!(
        a.handle_body(t(30), &again, again.len() + 6, &mut rng),
        Err(Ignored::NotExpected)
    );
    assert_eq!(a.poll_timeout(), Some(t(1020)));
    a.handle_timeout(t(1020), &mut rng);
    assert_eq!(drain(&mut a), vec![(B, first.clone())], "row 3: k = 2");
    assert_eq!(a.poll_timeout(), Some(t(1520)));
    // Clamped to rto_max (4 000).
    let long = error(B, A, 0x43, core, 1, 0x40, Some(100_000));
    assert_eq!(
        a.handle_body(t(1030), &long, long.len() + 6, &mut rng),
        Ok(Handled::Error)
    );
    assert_eq!(a.poll_timeout(), Some(t(5030)));
    a.handle_timeout(t(5030), &mut rng);
    assert_eq!(drain(&mut a), vec![(B, first.clone())], "k = 3");
    // 41 without field 5: min_retry_after (100).
    let m = error(B, A, 0x41, core, 1, 0x40, None);
    assert_eq!(
        a.handle_body(t(5040), &m, m.len() + 6, &mut rng),
        Ok(Handled::Error)
    );
    assert_eq!(a.poll_timeout(), Some(t(5140)));
    a.handle_timeout(t(5140), &mut rng);
    assert_eq!(drain(&mut a), vec![(B, first)], "k = 4");
    assert_eq!(a.poll_timeout(), Some(t(7140)));
    // A second 41 in this handshake is ignored, even after a send.
    assert_eq!(
        a.handle_body(t(5150), &m, m.len() + 6, &mut rng),
        Err(Ignored::NotExpected)
    );
    assert_eq!(a.poll_timeout(), Some(t(7140)));
    // Below the floor: min_retry_after.
    let short = error(B, A, 0x43, core, 1, 0x40, Some(10));
    assert_eq!(
        a.handle_body(t(5160), &short, short.len() + 6, &mut rng),
        Ok(Handled::Error)
    );
    assert_eq!(a.poll_timeout(), Some(t(5260)));
    a.handle_timeout(t(5260), &mut rng);
    assert!(drain(&mut a).is_empty(), "k = max_hello: row 4");
    assert_eq!(a.state(), State::Fallback);
}

#[test]
fn mox_neg_213_214_reply_retransmission_then_goodbye_no_confirm() {
    let (mut b, mut rng, _, reply) = answering(A);
    for (at, next) in [(250, 750), (750, 1750), (1750, 3750)] {
        b.handle_timeout(t(at), &mut rng);
        assert_eq!(drain(&mut b), vec![(A, reply.clone())]);
        assert_eq!(b.poll_timeout(), Some(t(next)));
    }
    b.handle_timeout(t(3750), &mut rng);
    let out = drain(&mut b);
    assert_eq!(msg_type(&out[0].1), 0x02);
    assert_eq!(
        fields(&out[0].1),
        goodbye_fields(3, 77, reply_nonce(&reply))
    );
    assert_eq!(
        events(&mut b),
        vec![Event::FellBack {
            reason: FallbackReason::NoConfirm
        }]
    );
    assert_eq!(b.state(), State::Fallback);
    assert_eq!(b.poll_timeout(), None, "listen-only: no re-probe");
}

#[test]
fn mox_neg_215_confirm_establishes_responder() {
    let (mut b, mut rng, _, reply) = answering(A);
    let c = confirm(A, B, reply_nonce(&reply), digest(&reply));
    assert_eq!(
        b.handle_body(t(20), &c, c.len() + 6, &mut rng),
        Ok(Handled::ConfirmOk)
    );
    let ev = events(&mut b);
    assert!(matches!(
        ev[..],
        [Event::Established {
            peer: A,
            role: Role::Responder,
            session: (77, _)
        }]
    ));
    assert_eq!(b.agreement().unwrap().major(&FADER), Some(1));
    // A second confirm is now F-stale.
    assert_eq!(
        b.handle_body(t(21), &c, c.len() + 6, &mut rng),
        Err(Ignored::Stale)
    );
}

#[test]
fn mox_neg_216_confirm_digest_mismatch_then_goodbye_digest() {
    let (mut b, mut rng, _, reply) = answering(A);
    let c = confirm(A, B, reply_nonce(&reply), digest(&reply) ^ 4);
    assert_eq!(
        b.handle_body(t(20), &c, c.len() + 6, &mut rng),
        Ok(Handled::ConfirmDigestMismatch)
    );
    assert!(drain(&mut b).is_empty());
    for at in [250, 750, 1750, 3750] {
        b.handle_timeout(t(at), &mut rng);
    }
    let out = drain(&mut b);
    assert_eq!(fields(&out.last().unwrap().1)[0], (0x00, vec![2]));
    assert_eq!(
        events(&mut b),
        vec![Event::FellBack {
            reason: FallbackReason::DigestMismatch
        }]
    );
}

#[test]
fn mox_neg_217_duplicate_hello_rate_limited() {
    let (mut b, mut rng, h, reply) = answering(A);
    assert_eq!(
        b.handle_body(t(10), &h, h.len() + 6, &mut rng),
        Err(Ignored::RateLimited)
    );
    assert!(drain(&mut b).is_empty());
    assert_eq!(
        b.handle_body(t(250), &h, h.len() + 6, &mut rng),
        Ok(Handled::HelloDup)
    );
    assert_eq!(drain(&mut b), vec![(A, reply)]);
    assert_eq!(
        b.poll_timeout(),
        Some(t(250)),
        "a duplicate does not move the timer"
    );
}

#[test]
fn mox_neg_218_newer_hello_replaces() {
    let (mut b, mut rng, _, first) = answering(A);
    let h2 = hello(A, BC, 78, &[FADER1], &[]);
    assert_eq!(
        b.handle_body(t(30), &h2, h2.len() + 6, &mut rng),
        Ok(Handled::HelloNew)
    );
    let second = drain(&mut b).remove(0).1;
    assert_ne!(reply_nonce(&second), reply_nonce(&first));
    assert_eq!(b.poll_timeout(), Some(t(280)));
    // The old reply's confirm is stale now.
    let c = confirm(A, B, reply_nonce(&first), digest(&first));
    assert_eq!(
        b.handle_body(t(40), &c, c.len() + 6, &mut rng),
        Err(Ignored::Stale)
    );
}

#[test]
fn mox_neg_219_error_about_reply_refuses() {
    let (mut b, mut rng, _, _) = answering(A);
    let e = error(A, B, 0x02, &[0x7E, 0x00], 1, 0x41, None);
    assert_eq!(
        b.handle_body(t(5), &e, e.len() + 6, &mut rng),
        Ok(Handled::Error)
    );
    assert_eq!(
        events(&mut b),
        vec![Event::FellBack {
            reason: FallbackReason::Refused { code: 2 }
        }]
    );
    assert_eq!(b.state(), State::Fallback);
}

#[test]
fn mox_neg_220_duplicate_reply_resends_confirm_rate_limited() {
    let (mut a, mut ra, _, _) = established_pair();
    // A copy of the accepted reply (B's reply of the worked example), as a duplicating link
    // would deliver it.
    let reply = sysex_body(&hex("F0 7D 4D 4F 58 03 7E 00 01 00 41 42 00 00 00 67 0A 0D 09 00 04 2F 3C 74 02 08 04 43 65 06 05 10 02 2E 60 18 04 7E 01 01 03 18 04 7E 02 01 00 20 04 00 02 00 00 28 03 00 00 00 30 01 00 40 01 02 01 00 7C 02 00 40 72 F7"));
    assert_eq!(
        a.handle_body(t(100), &reply, 72, &mut ra),
        Err(Ignored::RateLimited)
    );
    assert_eq!(
        a.handle_body(t(300), &reply, 72, &mut ra),
        Ok(Handled::ReplyDup)
    );
    let out = drain(&mut a);
    assert_eq!(out.len(), 1);
    assert_eq!(msg_type(&out[0].1), 0x03);
    assert!(events(&mut a).is_empty());
}

#[test]
fn mox_neg_221_222_duplicate_ignored_new_hello_answered_in_sub_state() {
    let (_, _, mut b, mut rb) = established_pair();
    let h = sysex_body(&hex("F0 7D 4D 4F 58 03 7E 00 01 00 40 67 0A 0D 09 7F 7F 7F 7F 00 04 43 65 06 05 38 01 55 08 08 7E 01 02 00 17 00 01 03 08 04 7E 02 01 00 08 04 7E 17 27 00 18 04 00 04 00 00 20 03 00 08 00 28 01 04 30 04 01 00 07 02 3E 48 F7"));
    assert_eq!(
        b.handle_body(t(400), &h, 73, &mut rb),
        Err(Ignored::Duplicate)
    );
    assert!(drain(&mut b).is_empty());
    let h2 = hello(A, B, 1234, &[FADER1], &[]);
    assert_eq!(
        b.handle_body(t(400), &h2, h2.len() + 6, &mut rb),
        Ok(Handled::HelloNew)
    );
    assert_eq!(msg_type(&drain(&mut b)[0].1), 0x41);
    assert_eq!(b.state(), State::Established);
    assert_eq!(
        b.agreement().unwrap().major(&GRID),
        Some(1),
        "old agreement in effect"
    );
    assert_eq!(b.poll_timeout(), Some(t(650)));
}

#[test]
fn mox_neg_223_reboot_confirmed() {
    let (_, _, mut b, mut rb) = established_pair();
    let new_id = 0x0777_0000;
    let h = hello(new_id, BC, 55, &[FADER1], &[]);
    b.handle_body(t(500), &h, h.len() + 6, &mut rb).unwrap();
    let reply = drain(&mut b).remove(0).1;
    let c = confirm(new_id, B, reply_nonce(&reply), digest(&reply));
    assert_eq!(
        b.handle_body(t(510), &c, c.len() + 6, &mut rb),
        Ok(Handled::ConfirmOk)
    );
    let ev = events(&mut b);
    assert_eq!(
        ev[0],
        Event::PeerRebooted {
            old: A,
            new: new_id
        }
    );
    assert!(matches!(
        ev[1],
        Event::Established {
            peer: 0x0777_0000,
            ..
        }
    ));
    assert_eq!(b.agreement().unwrap().major(&GRID), None, "new agreement");
}

#[test]
fn mox_neg_223_reboot_with_empty_agreement_falls_back() {
    // The rebooted peer offers only what B does not implement: the candidate becomes the
    // peer (PeerRebooted), then establish with an empty agreement falls back.
    let (_, _, mut b, mut rb) = established_pair();
    let new_id = 0x0777_0000;
    let unknown: &[u8] = &[0x7E, 0x05, 0x01, 0x00];
    let h = hello(new_id, BC, 55, &[unknown], &[]);
    b.handle_body(t(500), &h, h.len() + 6, &mut rb).unwrap();
    let reply = drain(&mut b).remove(0).1;
    let c = confirm(new_id, B, reply_nonce(&reply), digest(&reply));
    assert_eq!(
        b.handle_body(t(510), &c, c.len() + 6, &mut rb),
        Ok(Handled::ConfirmOk)
    );
    assert_eq!(
        events(&mut b),
        vec![
            Event::PeerRebooted {
                old: A,
                new: new_id
            },
            Event::FellBack {
                reason: FallbackReason::NoCommonVersion
            }
        ]
    );
    assert!(drain(&mut b).is_empty());
    assert_eq!((b.state(), b.agreement()), (State::Fallback, None));
}

#[test]
fn mox_neg_227_answer_only_reconfigure_ends_in_fallback() {
    let (_, _, mut b, mut rb) = established_pair();
    let mut offers = config_b().offers;
    offers.remove(0); // fader dropped
    b.reconfigure(t(100), offers, &mut rb).unwrap();
    let out = drain(&mut b);
    assert_eq!(out.len(), 1, "the goodbye, no hello (MOX-NEG-114)");
    assert_eq!(out[0].0, A);
    assert_eq!(
        fields(&out[0].1),
        goodbye_fields(5, 0x00A1_B2C3, 0x005D_1E2F)
    );
    assert_eq!(
        events(&mut b),
        vec![Event::FellBack {
            reason: FallbackReason::Reconfigured
        }]
    );
    assert_eq!((b.state(), b.poll_timeout()), (State::Fallback, None));
}

#[test]
fn mox_neg_224_225_sub_state_answering_gives_up_with_goodbye() {
    let (_, _, mut b, mut rb) = established_pair();
    let h = hello(0x0777_0000, BC, 55, &[FADER1], &[]);
    b.handle_body(t(1000), &h, h.len() + 6, &mut rb).unwrap();
    let reply = drain(&mut b).remove(0).1;
    for at in [1250, 1750, 2750] {
        b.handle_timeout(t(at), &mut rb);
        assert_eq!(
            drain(&mut b),
            vec![(0x0777_0000, reply.clone())],
            "row 25 as row 13"
        );
    }
    b.handle_timeout(t(4750), &mut rb);
    // Row 24: abandon the answer (no-confirm, the candidate's nonce), keep the session.
    let out = drain(&mut b);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].0, msg_type(&out[0].1)), (0x0777_0000, 0x02));
    assert_eq!(
        fields(&out[0].1),
        goodbye_fields(3, 55, reply_nonce(&reply))
    );
    assert!(events(&mut b).is_empty());
    assert_eq!(b.state(), State::Established);
    assert_eq!(b.peer(), Some(A));
    assert_eq!(b.poll_timeout(), None);
}

#[test]
fn mox_neg_225_sub_state_answering_error_and_digest_mismatch() {
    // E-dnr about the reply from the candidate ends Answering', the session stays.
    let (_, _, mut b, mut rb) = established_pair();
    let h = hello(0x0777_0000, BC, 55, &[FADER1], &[]);
    b.handle_body(t(1000), &h, h.len() + 6, &mut rb).unwrap();
    drain(&mut b);
    let e = error(0x0777_0000, B, 0x02, &[0x7E, 0x00], 1, 0x41, None);
    assert_eq!(
        b.handle_body(t(1010), &e, e.len() + 6, &mut rb),
        Ok(Handled::Error)
    );
    assert!(drain(&mut b).is_empty() && events(&mut b).is_empty());
    assert_eq!(
        (b.state(), b.peer(), b.poll_timeout()),
        (State::Established, Some(A), None)
    );
    // F-dig counted: the give-up goodbye says digest-mismatch (row 24 as row 14).
    let (_, _, mut b, mut rb) = established_pair();
    b.handle_body(t(1000), &h, h.len() + 6, &mut rb).unwrap();
    let reply = drain(&mut b).remove(0).1;
    let c = confirm(0x0777_0000, B, reply_nonce(&reply), digest(&reply) ^ 1);
    assert_eq!(
        b.handle_body(t(1010), &c, c.len() + 6, &mut rb),
        Ok(Handled::ConfirmDigestMismatch)
    );
    for at in [1250, 1750, 2750, 4750] {
        b.handle_timeout(t(at), &mut rb);
    }
    let out = drain(&mut b);
    assert_eq!(
        fields(&out.last().unwrap().1),
        goodbye_fields(2, 55, reply_nonce(&reply))
    );
    assert!(events(&mut b).is_empty());
    assert_eq!(b.peer(), Some(A));
}

#[test]
fn mox_neg_226_228_hitless_renegotiation() {
    let (mut a, mut ra, mut b, mut rb) = established_pair();
    let mut offers = config_a().offers;
    offers[1].majors.push((2, 0)).unwrap(); // grid 1.0 and 2.0: still supports 1
    a.reconfigure(t(100), offers, &mut ra).unwrap();
    let out = drain(&mut a);
    assert_eq!(out[0].0, B, "renegotiation hello to the peer id");
    assert_eq!(msg_type(&out[0].1), 0x40);
    assert_eq!(a.state(), State::Established);
    assert!(a.agreement().is_some());
    // Deliver: B answers in Answering', A confirms (row 28), B switches (row 23).
    for (_, body) in out {
        b.handle_body(t(110), &body, body.len() + 6, &mut rb)
            .unwrap();
    }
    link(&mut a, &mut ra, &mut b, &mut rb, 120);
    assert!(matches!(
        events(&mut a)[..],
        [Event::Established {
            peer: B,
            role: Role::Initiator,
            ..
        }]
    ));
    assert!(matches!(
        events(&mut b)[..],
        [Event::Established {
            peer: A,
            role: Role::Responder,
            ..
        }]
    ));
    assert_eq!(a.agreement(), b.agreement());
}

#[test]
fn mox_neg_226_reconfigure_in_answering_sub_state_abandons_the_answer() {
    let (mut a, mut ra, _, _) = established_pair();
    let h = hello(0x0777_0000, BC, 55, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(10), &h, h.len() + 6, &mut ra),
        Ok(Handled::HelloNew)
    );
    let reply = drain(&mut a).remove(0).1;
    a.reconfigure(t(20), config_a().offers, &mut ra).unwrap();
    let out = drain(&mut a);
    assert_eq!(out.len(), 2, "a goodbye and a hello");
    assert_eq!((out[0].0, msg_type(&out[0].1)), (0x0777_0000, 0x02));
    assert_eq!(
        fields(&out[0].1),
        goodbye_fields(5, 55, reply_nonce(&reply))
    );
    assert_eq!((out[1].0, msg_type(&out[1].1)), (B, 0x40));
    assert!(events(&mut a).is_empty());
    assert_eq!((a.state(), a.peer()), (State::Established, Some(B)));
    assert_eq!(a.poll_timeout(), Some(t(270)));
}

#[test]
fn mox_neg_227_reconfigure_dropping_a_major_restarts() {
    let (mut a, mut ra, _, _) = established_pair();
    let mut offers = config_a().offers;
    offers.pop(); // grid dropped
    a.reconfigure(t(100), offers, &mut ra).unwrap();
    let out = drain(&mut a);
    assert_eq!(msg_type(&out[0].1), 0x02);
    // Session = B's nonce, sender nonce = A's own (§8.12 nonces).
    assert_eq!(
        fields(&out[0].1),
        goodbye_fields(5, 0x005D_1E2F, 0x00A1_B2C3)
    );
    assert_eq!((out[1].0, msg_type(&out[1].1)), (B, 0x40));
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::Reconfigured
        }]
    );
    assert_eq!(a.state(), State::Probing);
}

#[test]
fn mox_neg_229_sub_state_probing_gives_up() {
    let (mut a, mut ra, _, _) = established_pair();
    a.reconfigure(t(100), config_a().offers, &mut ra).unwrap();
    drain(&mut a);
    for at in [350, 850, 1850, 3850] {
        a.handle_timeout(t(at), &mut ra);
    }
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::Silent
        }]
    );
    assert_eq!(a.state(), State::Fallback);
    assert!(a.agreement().is_none());
    // Reason as row 4: an R-dig counted in Probing' names the fallback.
    let (mut a, mut ra, _, _) = established_pair();
    a.reconfigure(t(100), config_a().offers, &mut ra).unwrap();
    let h = drain(&mut a).remove(0).1;
    let nonce = reply_nonce(&h); // field 00 of the hello: its nonce
    let r = reply(B, A, 9, nonce, digest(&h) ^ 1, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(110), &r, r.len() + 6, &mut ra),
        Ok(Handled::ReplyDigestMismatch)
    );
    for at in [350, 850, 1850, 3850] {
        a.handle_timeout(t(at), &mut ra);
    }
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::DigestMismatch
        }]
    );
}

#[test]
fn mox_neg_230_simultaneous_renegotiation_tie_break() {
    let (_, _, mut b, mut rb) = established_pair();
    // B (0x42) renegotiates; A's (0x01234567 > 0x42) hello wins over it.
    b.reconfigure(t(100), config_b().offers, &mut rb).unwrap();
    drain(&mut b);
    let h = hello(A, B, 4321, &[FADER1], &[]);
    assert_eq!(
        b.handle_body(t(110), &h, h.len() + 6, &mut rb),
        Ok(Handled::HelloNew)
    );
    assert_eq!(msg_type(&drain(&mut b)[0].1), 0x41);
    // And the other way: A in Probing' ignores B's lower-id hello.
    let (mut a, mut ra, _, _) = established_pair();
    a.reconfigure(t(100), config_a().offers, &mut ra).unwrap();
    drain(&mut a);
    let h = hello(B, A, 4321, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(110), &h, h.len() + 6, &mut ra),
        Err(Ignored::TieBreak)
    );
    // A hello from another node (a rebooted peer, id below A's): the own hello is
    // addressed to B, so A yields into Answering' (MOX-NEG-103).
    let h = hello(0x10, BC, 7, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(120), &h, h.len() + 6, &mut ra),
        Ok(Handled::HelloNew)
    );
    assert_eq!(drain(&mut a)[0].0, 0x10);
    assert_eq!((a.state(), a.peer()), (State::Established, Some(B)));
}

#[test]
fn mox_neg_230_probing_sub_state_errors() {
    let core: &[u8] = &[0x7E, 0x00];
    let (mut a, mut ra, _, _) = established_pair();
    a.reconfigure(t(100), config_a().offers, &mut ra).unwrap();
    drain(&mut a);
    // E-retry: as row 12.
    let e = error(B, A, 0x43, core, 1, 0x40, Some(1000));
    assert_eq!(
        a.handle_body(t(110), &e, e.len() + 6, &mut ra),
        Ok(Handled::Error)
    );
    assert_eq!(a.poll_timeout(), Some(t(1110)));
    // E-dnr: Probing' ends, the session stays (MOX-NEG-100).
    let e = error(B, A, 0x05, core, 1, 0x40, None);
    assert_eq!(
        a.handle_body(t(120), &e, e.len() + 6, &mut ra),
        Ok(Handled::Error)
    );
    assert!(drain(&mut a).is_empty() && events(&mut a).is_empty());
    assert_eq!(
        (a.state(), a.peer(), a.poll_timeout()),
        (State::Established, Some(B), None)
    );
    assert_eq!(a.agreement().unwrap().major(&GRID), Some(1));
    // R-inv: error 08 and counted, as row 7.
    a.reconfigure(t(200), config_a().offers, &mut ra).unwrap();
    let h = drain(&mut a).remove(0).1;
    let bad: &[u8] = &[0x7E, 0x01, 0x03, 0x00];
    let r = reply(B, A, 9, reply_nonce(&h), digest(&h), &[bad], &[]);
    assert_eq!(
        a.handle_body(t(210), &r, r.len() + 6, &mut ra),
        Ok(Handled::ReplyInvalid)
    );
    assert_eq!(msg_type(&drain(&mut a)[0].1), 0x01);
}

#[test]
fn mox_neg_231_goodbye_session_check() {
    let (mut a, mut ra, _, _) = established_pair();
    let stale = goodbye(B, A, 0, NONCE_A + 1);
    assert_eq!(
        a.handle_body(t(10), &stale, stale.len() + 6, &mut ra),
        Err(Ignored::OtherGoodbye)
    );
    let other = goodbye(0x99, A, 0, NONCE_A);
    assert_eq!(
        a.handle_body(t(10), &other, other.len() + 6, &mut ra),
        Err(Ignored::OtherGoodbye)
    );
    assert_eq!(a.state(), State::Established);
    let g = goodbye(B, A, 0, NONCE_A);
    assert_eq!(
        a.handle_body(t(10), &g, g.len() + 6, &mut ra),
        Ok(Handled::Goodbye)
    );
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::PeerLeft {
                reason: GoodbyeReason::Shutdown
            }
        }]
    );
    assert_eq!(a.state(), State::Fallback);
    // id-collision from the peer: session 0 accepted, re-probe at now + rto_initial.
    let (mut a, mut ra, _, _) = established_pair();
    let g = goodbye(B, BC, 1, 0);
    assert_eq!(
        a.handle_body(t(10), &g, g.len() + 6, &mut ra),
        Ok(Handled::Goodbye)
    );
    assert_eq!(a.poll_timeout(), Some(t(260)));
    // MOX-NEG-030: an unknown or absent reason reads as shutdown.
    for g in [
        goodbye(B, A, 0x33, NONCE_A),
        body(0x02, B, A, &[(0x08, u(NONCE_A, 4))]),
    ] {
        let (mut a, mut ra, _, _) = established_pair();
        assert_eq!(
            a.handle_body(t(10), &g, g.len() + 6, &mut ra),
            Ok(Handled::Goodbye)
        );
        assert_eq!(
            events(&mut a),
            vec![Event::FellBack {
                reason: FallbackReason::PeerLeft {
                    reason: GoodbyeReason::Shutdown
                }
            }]
        );
    }
}

#[test]
fn mox_neg_232_236_answer_only_ends_in_fallback() {
    // MOX-NEG-114: row 32 without a handshake.
    let (_, _, mut b, mut rb) = established_pair();
    let e = error(A, B, 0x0A, &[0x7E, 0x01], 1, 0x01, None);
    assert_eq!(
        b.handle_body(t(10), &e, e.len() + 6, &mut rb),
        Ok(Handled::ErrorLost)
    );
    assert_eq!(
        events(&mut b),
        vec![Event::FellBack {
            reason: FallbackReason::PeerLostSession
        }]
    );
    assert!(drain(&mut b).is_empty());
    assert_eq!((b.state(), b.poll_timeout()), (State::Fallback, None));
    // Row 36: goodbye from the old id, no hello, no deadline.
    let (_, _, mut b, _) = established_pair();
    let mut rng = Script::new(&[0x0000_2000]);
    let h = hello(B, BC, 42, &[FADER1], &[]);
    assert_eq!(
        b.handle_body(t(10), &h, h.len() + 6, &mut rng),
        Ok(Handled::Collision)
    );
    let out = drain(&mut b);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].0, src_of(&out[0].1)), (BC, B));
    assert_eq!(
        events(&mut b),
        vec![
            Event::IdChanged {
                old: B,
                new: 0x2000
            },
            Event::FellBack {
                reason: FallbackReason::IdCollision
            }
        ]
    );
    assert_eq!((b.state(), b.poll_timeout()), (State::Fallback, None));
    assert!(rng.used_all(), "one id draw, no handshake, no jitter");
}

#[test]
fn mox_neg_232_peer_lost_session() {
    let (mut a, mut ra, _, _) = established_pair();
    let unrelated = error(B, A, 0x0A, &[0x7E, 0x05], 1, 0x01, None);
    assert_eq!(
        a.handle_body(t(10), &unrelated, unrelated.len() + 6, &mut ra),
        Err(Ignored::NotExpected)
    );
    let e = error(B, A, 0x0A, &[0x7E, 0x01], 1, 0x01, None);
    assert_eq!(
        a.handle_body(t(10), &e, e.len() + 6, &mut ra),
        Ok(Handled::ErrorLost)
    );
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::PeerLostSession
        }]
    );
    let out = drain(&mut a);
    assert_eq!((out[0].0, msg_type(&out[0].1)), (B, 0x40));
    assert_eq!(a.state(), State::Probing);
}

#[test]
fn mox_neg_233_reprobe_and_backoff() {
    // Jitter 0 to see the doubling exactly.
    let mut config = config_a();
    config.timers.reprobe_jitter_pct = 0;
    config.timers.max_hello = 1;
    let mut rng = Script::then_lcg(&A_DRAWS, 9);
    let mut a = M4::try_new(config).unwrap();
    a.start(t(0), &mut rng);
    drain(&mut a);
    a.handle_timeout(t(250), &mut rng);
    assert_eq!(a.poll_timeout(), Some(t(10_250)));
    a.handle_timeout(t(10_250), &mut rng);
    let out = drain(&mut a);
    assert_eq!((out[0].0, msg_type(&out[0].1)), (BC, 0x40));
    assert_eq!(a.state(), State::Probing);
    a.handle_timeout(t(10_500), &mut rng);
    assert_eq!(
        a.poll_timeout(),
        Some(t(30_500)),
        "the base doubled to 20 s"
    );
}

#[test]
fn mox_neg_234_235_fallback_answers_hellos_ignores_the_rest() {
    let (mut b, mut rng, _, _) = answering(A);
    b.handle_body(
        t(1),
        &error(A, B, 0x02, &[0x7E, 0x00], 1, 0x41, None),
        40,
        &mut rng,
    )
    .unwrap();
    assert_eq!(b.state(), State::Fallback);
    events(&mut b);
    for body in [
        reply(A, B, 1, 2, 3, &[], &[]),
        confirm(A, B, 1, 2),
        goodbye(A, B, 0, 1),
        error(A, B, 0x02, &[0x7E, 0x00], 1, 0x41, None),
    ] {
        assert!(b
            .handle_body(t(2), &body, body.len() + 6, &mut rng)
            .is_err());
    }
    assert!(drain(&mut b).is_empty() && events(&mut b).is_empty());
    let h = hello(A, BC, 3, &[FADER1], &[]);
    assert_eq!(
        b.handle_body(t(3), &h, h.len() + 6, &mut rng),
        Ok(Handled::HelloNew)
    );
    assert_eq!(b.state(), State::Answering);
}

#[test]
fn mox_neg_236_collision() {
    let (mut a, _, _, _) = established_pair();
    let mut rng = Script::then_lcg(&[A, 0x0000_1000], 3); // first draw equals the old id
    let h = hello(A, BC, 42, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(10), &h, h.len() + 6, &mut rng),
        Ok(Handled::Collision)
    );
    let out = drain(&mut a);
    assert_eq!(
        (out[0].0, src_of(&out[0].1), msg_type(&out[0].1)),
        (BC, A, 0x02)
    );
    assert_eq!(fields(&out[0].1), goodbye_fields(1, 0, 0));
    assert_eq!(
        (out[1].0, src_of(&out[1].1), msg_type(&out[1].1)),
        (BC, 0x1000, 0x40)
    );
    assert_eq!(
        events(&mut a),
        vec![
            Event::IdChanged {
                old: A,
                new: 0x1000
            },
            Event::FellBack {
                reason: FallbackReason::IdCollision
            }
        ]
    );
    assert_eq!(a.node_id(), Some(0x1000));
    // MOX-NEG-105: a late echo of the old id's hello is an echo, not a stranger's hello.
    let old_hello = sysex_body(&hex("F0 7D 4D 4F 58 03 7E 00 01 00 40 67 0A 0D 09 7F 7F 7F 7F 00 04 43 65 06 05 38 01 55 08 08 7E 01 02 00 17 00 01 03 08 04 7E 02 01 00 08 04 7E 17 27 00 18 04 00 04 00 00 20 03 00 08 00 28 01 04 30 04 01 00 07 02 3E 48 F7"));
    assert_eq!(
        a.handle_body(t(20), &old_hello, 73, &mut rng),
        Err(Ignored::Echo)
    );
    // Another body from the old id is another node's (here a hello that wins the tie).
    assert_eq!(
        a.handle_body(t(20), &h, h.len() + 6, &mut rng),
        Ok(Handled::HelloNew)
    );
    assert_eq!(a.state(), State::Answering);
}

#[test]
fn mox_neg_237_238_239_close_and_restart() {
    let (mut a, mut ra, _, _) = established_pair();
    a.close(t(10));
    let out = drain(&mut a);
    assert_eq!((out[0].0, msg_type(&out[0].1)), (B, 0x02));
    assert_eq!(
        fields(&out[0].1),
        goodbye_fields(0, 0x005D_1E2F, 0x00A1_B2C3)
    );
    assert_eq!(
        events(&mut a),
        vec![Event::FellBack {
            reason: FallbackReason::Closed
        }]
    );
    assert_eq!((a.state(), a.poll_timeout()), (State::Closed, None));
    // Row 39: start again keeps the id.
    a.start(t(20), &mut ra);
    assert_eq!(a.node_id(), Some(A));
    assert_eq!(msg_type(&drain(&mut a)[0].1), 0x40);
    // Row 38: close while probing sends nothing.
    let (mut p, _, _) = probing();
    p.close(t(5));
    assert!(drain(&mut p).is_empty() && events(&mut p).is_empty());
    assert_eq!(p.state(), State::Closed);
    // Row 38 while answering: abandon the answer (shutdown, the candidate's nonce).
    let (mut b, _, _, reply) = answering(A);
    b.close(t(5));
    let out = drain(&mut b);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].0, msg_type(&out[0].1)), (A, 0x02));
    assert_eq!(
        fields(&out[0].1),
        goodbye_fields(0, 77, reply_nonce(&reply))
    );
    assert!(events(&mut b).is_empty());
    assert_eq!((b.state(), b.poll_timeout()), (State::Closed, None));
}

#[test]
fn mox_neg_240_reconfigure_while_probing_restarts_handshake() {
    let (mut a, mut ra, first) = probing();
    let mut offers = config_a().offers;
    offers.pop();
    a.reconfigure(t(100), offers, &mut ra).unwrap();
    let second = drain(&mut a).remove(0).1;
    assert_ne!(fields(&first)[0], fields(&second)[0], "a new nonce");
    assert_eq!(a.poll_timeout(), Some(t(350)));
    assert_eq!(a.state(), State::Probing);
}

/// B with re-probing on, answering A's hello (fader 1 selected) after yielding (row 9).
fn answering_initiator() -> (M4, Script, Vec<u8>) {
    let mut config = config_b();
    config.initiate = true;
    let mut rng = Script::then_lcg(&[B], 6);
    let mut b = M4::try_new(config).unwrap();
    b.start(t(0), &mut rng);
    drain(&mut b);
    let h = hello(A, BC, 77, &[FADER1], &[]);
    assert_eq!(
        b.handle_body(t(0), &h, h.len() + 6, &mut rng),
        Ok(Handled::HelloNew)
    );
    let reply = drain(&mut b).remove(0).1;
    assert_eq!(b.state(), State::Answering);
    (b, rng, reply)
}

#[test]
fn mox_neg_240_reconfigure_while_answering() {
    // The selection still supported: nothing (the next hello uses the new offers).
    let (mut b, mut rng, _) = answering_initiator();
    let mut offers = config_b().offers;
    offers.pop(); // grid dropped, fader 1 kept
    b.reconfigure(t(10), offers, &mut rng).unwrap();
    assert!(drain(&mut b).is_empty() && events(&mut b).is_empty());
    assert_eq!(
        (b.state(), b.poll_timeout()),
        (State::Answering, Some(t(250)))
    );
    // Fader 1 dropped: abandon the answer (reconfigured) and a new handshake to A.
    let (mut b, mut rng, reply) = answering_initiator();
    let mut offers = config_b().offers;
    offers.remove(0);
    b.reconfigure(t(10), offers.clone(), &mut rng).unwrap();
    let out = drain(&mut b);
    assert_eq!(out.len(), 2);
    assert_eq!((out[0].0, msg_type(&out[0].1)), (A, 0x02));
    assert_eq!(
        fields(&out[0].1),
        goodbye_fields(5, 77, reply_nonce(&reply))
    );
    assert_eq!((out[1].0, msg_type(&out[1].1)), (A, 0x40));
    assert!(events(&mut b).is_empty());
    assert_eq!(
        (b.state(), b.poll_timeout()),
        (State::Probing, Some(t(260)))
    );
    // Answer-only (MOX-NEG-114): the goodbye, then Fallback without a deadline.
    let (mut b, mut rng, _, reply) = answering(A);
    b.reconfigure(t(10), offers, &mut rng).unwrap();
    let out = drain(&mut b);
    assert_eq!(out.len(), 1);
    assert_eq!(
        fields(&out[0].1),
        goodbye_fields(5, 77, reply_nonce(&reply))
    );
    assert_eq!((b.state(), b.poll_timeout()), (State::Fallback, None));
}

#[test]
fn mox_neg_101_classification_order() {
    let (mut a, mut rng, h) = probing();
    // X-size before anything else.
    assert_eq!(
        a.handle_body(t(1), &h, 513, &mut rng),
        Err(Ignored::TooLarge)
    );
    // X-dst.
    let other = hello(B, 0x555, 1, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(1), &other, 40, &mut rng),
        Err(Ignored::OtherDestination)
    );
    // H-echo: our own hello coming back.
    assert_eq!(
        a.handle_body(t(1), &h, h.len() + 6, &mut rng),
        Err(Ignored::Echo)
    );
    // H-bad: nonce 0, offer with odd pairs.
    let bad = hello(B + 0x0100_0000, BC, 0, &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(1), &bad, 40, &mut rng),
        Err(Ignored::BadHello)
    );
    let odd: &[u8] = &[0x7E, 0x01, 0x01];
    let bad = hello(B + 0x0100_0000, BC, 5, &[odd], &[]);
    assert_eq!(
        a.handle_body(t(1), &bad, 40, &mut rng),
        Err(Ignored::BadHello)
    );
    // H-bad: 17 pairs (34 bytes, MOX-NEG-040); a feature listed twice (MOX-NEG-016).
    let mut long = vec![0x7E, 0x01];
    for major in 1..=17u8 {
        long.extend([major, 0]);
    }
    let bad = hello(B + 0x0100_0000, BC, 5, &[&long], &[]);
    assert_eq!(
        a.handle_body(t(1), &bad, 80, &mut rng),
        Err(Ignored::BadHello)
    );
    let bad = hello(B + 0x0100_0000, BC, 5, &[FADER1], &[1, 0, 1, 0]);
    assert_eq!(
        a.handle_body(t(1), &bad, 40, &mut rng),
        Err(Ignored::BadHello)
    );
    // X-dst: replies, confirms and errors to broadcast.
    for body in [
        reply(B, BC, 9, NONCE_A, digest(&h), &[FADER1], &[]),
        confirm(B, BC, 1, 2),
        error(B, BC, 0x05, &[0x7E, 0x00], 1, 0x40, None),
    ] {
        assert_eq!(
            a.handle_body(t(1), &body, body.len() + 6, &mut rng),
            Err(Ignored::OtherDestination)
        );
    }
    assert!(drain(&mut a).is_empty());
    assert_eq!(a.state(), State::Probing);
}

#[test]
fn mox_neg_014_malformed_deprecated_entry_is_ignored() {
    let (mut b, mut rng) = {
        let mut rng = Script::then_lcg(&[B], 6);
        let mut b = M4::try_new(config_b()).unwrap();
        b.start(t(0), &mut rng);
        (b, rng)
    };
    // An entry without a major and one whose id does not parse: the hello stays valid.
    let h = body(
        0x40,
        A,
        BC,
        &[
            (0x00, u(5, 4)),
            (0x08, FADER1.to_vec()),
            (0x10, vec![0x7E, 0x01]),
            (0x10, vec![0x00]),
            (0x18, u(512, 4)),
            (0x20, u(0, 3)),
            (0x28, u(0, 1)),
            (0x30, vec![]),
        ],
    );
    assert_eq!(
        b.handle_body(t(1), &h, h.len() + 6, &mut rng),
        Ok(Handled::HelloNew)
    );
    let out = drain(&mut b);
    assert!(fields(&out[0].1).contains(&(0x18, vec![0x7E, 0x01, 0x01, 0x03])));
}

#[test]
fn mox_neg_101_confirm_without_digest_is_f_dig_reply_to_other_node_r_stale() {
    let (mut b, mut rng, _, sent) = answering(A);
    let c = body(0x03, A, B, &[(0x00, u(reply_nonce(&sent), 4))]);
    assert_eq!(
        b.handle_body(t(5), &c, c.len() + 6, &mut rng),
        Ok(Handled::ConfirmDigestMismatch)
    );
    let c = body(0x03, A, B, &[(0x08, u(u32::from(digest(&sent)), 2))]);
    assert_eq!(
        b.handle_body(t(5), &c, c.len() + 6, &mut rng),
        Err(Ignored::Stale),
        "no nonce echo: F-stale"
    );
    // A reply from a node the own hello was not addressed to is R-stale.
    let (mut a, mut ra, h) = probing_to_b();
    let nonce = reply_nonce(&h);
    let r = reply(0x99, A, 9, nonce, digest(&h), &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(20), &r, r.len() + 6, &mut ra),
        Err(Ignored::Stale)
    );
    let r = reply(B, A, 9, nonce, digest(&h), &[FADER1], &[]);
    assert_eq!(
        a.handle_body(t(20), &r, r.len() + 6, &mut ra),
        Ok(Handled::ReplyOk)
    );
}

#[test]
fn mox_neg_105_echo_digests_of_the_last_4_distinct_bodies() {
    // Sent to broadcast: hello X, hello Y (row 40), Y again three times (row 3), then
    // hellos Z and W. The 4 distinct bodies are W, Z, Y, X: X coming back is still an
    // echo, not a collision.
    let (mut a, mut rng, x) = probing();
    a.reconfigure(t(1), config_a().offers, &mut rng).unwrap();
    for at in [251, 751, 1751] {
        a.handle_timeout(t(at), &mut rng);
    }
    assert_eq!(drain(&mut a).len(), 4);
    for at in [1800, 1801] {
        a.reconfigure(t(at), config_a().offers, &mut rng).unwrap();
    }
    assert_eq!(drain(&mut a).len(), 2);
    assert_eq!(
        a.handle_body(t(1802), &x, x.len() + 6, &mut rng),
        Err(Ignored::Echo)
    );
    assert_eq!(a.node_id(), Some(A));
}

#[test]
fn mox_neg_063_renegotiation_hello_fits_the_peer_max_size() {
    use mox_codec::envelope::{ExtensionId, Owner};
    use mox_negotiate::Offer;
    // Fader with 4 majors, three 3-byte-owner extensions with 4 majors, 4 features: the
    // largest hello is 123 + 3 · 2 = 129 bytes (MOX-NEG-063), one offer too many.
    let mut config = config_a();
    config.offers.clear();
    config
        .offers
        .push(Offer::with(FADER, &[(4, 0), (3, 0), (2, 0), (1, 3)]))
        .unwrap();
    for number in [1, 2, 3] {
        let ext = ExtensionId::new(Owner::ThreeByte(0x21, 0x09), number);
        config
            .offers
            .push(Offer::with(ext, &[(4, 0), (3, 0), (2, 0), (1, 0)]))
            .unwrap();
    }
    for feature in [2, 3, 4] {
        config.features.push(feature).unwrap();
    }
    assert_eq!(config.first_hello_offers(), 3, "truncated at 128");
    let mut ra = Script::then_lcg(&[A], 21);
    let mut rb = Script::then_lcg(&[B], 22);
    let mut a = M4::try_new(config.clone()).unwrap();
    let mut b = M4::try_new(config_b()).unwrap();
    a.start(t(0), &mut ra);
    b.start(t(0), &mut rb);
    let first = drain(&mut a);
    let offers = |body: &[u8]| fields(body).iter().filter(|(id, _)| *id == 0x08).count();
    assert_eq!(
        offers(&first[0].1),
        config.first_hello_offers() + 1,
        "+ GREASE"
    );
    assert!(first[0].1.len() + 6 <= 128);
    for (_, body) in first {
        b.handle_body(t(0), &body, body.len() + 6, &mut rb).unwrap();
    }
    link(&mut a, &mut ra, &mut b, &mut rb, 0);
    assert_eq!(a.peer_limits().max_size, 256);
    // Renegotiation to the established peer: B's 256 bytes hold every offer.
    a.reconfigure(t(10), config.offers.clone(), &mut ra)
        .unwrap();
    let out = drain(&mut a);
    assert_eq!(out[0].0, B);
    assert_eq!(offers(&out[0].1), 4 + 1);
    assert!(out[0].1.len() + 6 <= 256);
}

#[test]
fn mox_neg_096_clock_clamp_and_single_fire() {
    let (mut a, mut rng, first) = probing();
    a.handle_timeout(t(100_000), &mut rng);
    assert_eq!(
        drain(&mut a),
        vec![(BC, first)],
        "one resend, no catch-up burst"
    );
    assert_eq!(a.poll_timeout(), Some(t(100_500)));
    a.handle_timeout(t(5), &mut rng); // backwards: read as 100 000
    assert!(drain(&mut a).is_empty());
    assert_eq!(a.poll_timeout(), Some(t(100_500)));
}
