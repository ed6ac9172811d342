//! The generated reference-extension modules (`envelope::ext::{fader, grid}`): typed
//! messages round-trip through the receiver pipeline with the generated descriptions and
//! come back equal through the typed views, across minors (a 1.1 message to a 1.0
//! receiver keeps `colour` as an unknown field) and majors; invalid values are refused;
//! the fallback renderings and SysEx bytes of the documented examples are the ones the
//! rendered pages (`docs/extensions/*.md`) show.
use mox_codec::envelope::ext::{
    fader, grid, Fallback, MidiMessage, Presence, SendError, ViewError,
};
use mox_codec::envelope::{
    encode_body, osc as mox_osc, sysex, Delivered, ExtensionDef, FieldId, Header, Limits, MajorDef,
    Outcome, ReceiverDesc, Rejection,
};
use mox_codec::osc::{Arg, Packet};
use mox_codec::sysex::message::ManufacturerId;
use proptest::prelude::*;

const FADER_PAGE: &str = include_str!("../../docs/extensions/mox.fader.md");
const GRID_PAGE: &str = include_str!("../../docs/extensions/mox.grid.md");

fn receiver<'r>(extensions: &'r [ExtensionDef<'r>]) -> ReceiverDesc<'r> {
    ReceiverDesc {
        node_id: 0x42,
        limits: Limits::DEFAULT,
        extensions,
    }
}

/// Both reference extensions at their newest minors.
fn both() -> [ExtensionDef<'static>; 2] {
    [fader::EXTENSION_DEF, grid::EXTENSION_DEF]
}

/// `body` as SysEx under carrier 7D.
fn framed(body: &[u8]) -> Vec<u8> {
    let mut unit = vec![0u8; sysex::encoded_len(ManufacturerId::NonCommercial, body.len())];
    let n = sysex::encode(ManufacturerId::NonCommercial, body, &mut unit).unwrap();
    assert_eq!(n, unit.len());
    unit
}

/// Receives one SysEx unit; panics unless delivered.
fn deliver<'a, 'r>(rx: &ReceiverDesc<'r>, unit: &'a [u8]) -> Delivered<'a, 'r> {
    match rx.receive_sysex(unit) {
        Outcome::Delivered(delivered) => delivered,
        other => panic!("not delivered: {other:?}"),
    }
}

fn encode<F>(f: F) -> Vec<u8>
where
    F: Fn(&mut [u8]) -> Result<usize, SendError>,
{
    // Ask for the exact size first, as a firmware caller would.
    let needed = match f(&mut []) {
        Err(SendError::BufferTooSmall { needed }) => needed,
        other => panic!("expected BufferTooSmall, got {other:?}"),
    };
    let mut out = vec![0u8; needed];
    assert_eq!(f(&mut out), Ok(needed));
    out
}

fn strip_v1() -> impl Strategy<Value = fader::v1::Strip> {
    (
        0u8..=127,
        proptest::option::of(0u16..=16383),
        proptest::option::of(any::<bool>()),
        proptest::option::of(0u8..=127),
        proptest::option::of(0u32..(1 << 21)),
    )
        .prop_map(
            |(strip, position, touched, ring, colour)| fader::v1::Strip {
                strip,
                position,
                touched,
                ring,
                colour,
            },
        )
}

fn strip_v2() -> impl Strategy<Value = fader::v2::Strip> {
    (
        0u8..=127,
        proptest::option::of(0u32..=65535),
        proptest::option::of(any::<bool>()),
        proptest::option::of(0u8..=127),
        proptest::option::of(0u32..(1 << 21)),
    )
        .prop_map(
            |(strip, position, touched, ring, colour)| fader::v2::Strip {
                strip,
                position,
                touched,
                ring,
                colour,
            },
        )
}

fn frame_parts() -> impl Strategy<Value = (u8, u8, bool, Vec<u8>, u16)> {
    (
        1u8..=16,
        1u8..=16,
        any::<bool>(),
        proptest::collection::vec(0u8..=127, 0..=768),
        0u16..=16383,
    )
}

proptest! {
    #[test]
    fn fader_v1_messages_round_trip(strip in strip_v1(), delta in -64i8..=63, seq in 0u16..=16383, query in proptest::option::of(0u8..=127), check in any::<bool>()) {
        let exts = both();
        let rx = receiver(&exts);
        let mut header = fader::v1::Strip::header();
        header.check = check;
        let body = encode(|out| strip.encode(&header, out));
        prop_assert_eq!(strip.body_len(&header), Ok(body.len()));
        let unit = framed(&body);
        let delivered = deliver(&rx, &unit);
        let view = fader::v1::StripView::new(delivered).unwrap();
        prop_assert_eq!(view.to_message(), strip);
        prop_assert_eq!(view.unknown_fields().count(), 0);
        prop_assert_eq!(fader::v1::Message::from_delivered(&delivered), Ok(fader::v1::Message::Strip(strip)));

        let report = fader::v1::StripReport { strip: strip.strip, position: strip.position, touched: strip.touched, ring: strip.ring, colour: strip.colour };
        let body = encode(|out| report.encode(&fader::v1::StripReport::header(), out));
        let unit = framed(&body);
        let delivered = deliver(&rx, &unit);
        prop_assert_eq!(fader::v1::StripReportView::new(delivered).unwrap().to_message(), report);

        let nudge = fader::v1::RingNudge { strip: strip.strip, delta, seq };
        let body = encode(|out| nudge.encode(&fader::v1::RingNudge::header(), out));
        let unit = framed(&body);
        let delivered = deliver(&rx, &unit);
        let view = fader::v1::RingNudgeView::new(delivered).unwrap();
        prop_assert_eq!((view.strip(), view.delta(), view.seq()), (strip.strip, delta, seq));

        let ask = fader::v1::StripQuery { strip: query };
        let body = encode(|out| ask.encode(&fader::v1::StripQuery::header(), out));
        let unit = framed(&body);
        let delivered = deliver(&rx, &unit);
        prop_assert_eq!(fader::v1::StripQueryView::new(delivered).unwrap().to_message(), ask);
    }

    /// A 1.1 sender, a 1.0 receiver: `colour` is unknown to it, skipped (flags 000) and kept
    /// byte for byte among the unknown fields; everything else reads the same.
    #[test]
    fn fader_v1_1_to_a_1_0_receiver_keeps_colour_unknown(strip in strip_v1()) {
        let majors = [fader::v1::DEF_1_0];
        let exts = [ExtensionDef { owner: fader::EXTENSION.owner, number: fader::EXTENSION.number, majors: &majors }];
        let rx = receiver(&exts);
        let body = encode(|out| strip.encode(&fader::v1::Strip::header(), out));
        let unit = framed(&body);
        let delivered = deliver(&rx, &unit);
        let view = fader::v1::StripView::new(delivered).unwrap();
        prop_assert_eq!(view.colour(), None);
        let expected = if strip.colour.is_some() { Presence::Unknown } else { Presence::Absent };
        prop_assert_eq!(view.colour_presence(), expected);
        prop_assert_eq!(view.to_message(), fader::v1::Strip { colour: None, ..strip });
        let unknown: Vec<_> = view.unknown_fields().collect();
        match strip.colour {
            Some(colour) => {
                prop_assert_eq!(unknown.len(), 1);
                prop_assert_eq!(unknown[0].id(), fader::v1::Strip::ID_COLOUR);
                let bytes = [(colour & 0x7F) as u8, (colour >> 7 & 0x7F) as u8, (colour >> 14) as u8];
                prop_assert_eq!(unknown[0].value(), &bytes[..]);
            }
            None => prop_assert!(unknown.is_empty()),
        }
    }

    /// A 1.0 sender: without `colour` it encodes at minor 0 and a 1.1 receiver reads it;
    /// with `colour` the encoder refuses, since 1.0 has no such field.
    #[test]
    fn fader_v1_0_senders(strip in strip_v1()) {
        let exts = both();
        let rx = receiver(&exts);
        let mut header = fader::v1::Strip::header();
        header.minor = 0;
        let without = fader::v1::Strip { colour: None, ..strip };
        let body = encode(|out| without.encode(&header, out));
        let unit = framed(&body);
        let delivered = deliver(&rx, &unit);
        prop_assert_eq!(delivered.header().minor, 0);
        let view = fader::v1::StripView::new(delivered).unwrap();
        prop_assert_eq!(view.to_message(), without);
        // Absent because the 1.0 sender does not know it, not by choice (MOX-VER-011).
        prop_assert_eq!(view.colour_presence(), Presence::NotInSendersMinor);
        if strip.colour.is_some() {
            prop_assert_eq!(strip.encode(&header, &mut [0u8; 64]), Err(SendError::NotInMinor { field: fader::v1::Strip::ID_COLOUR }));
        }
    }

    #[test]
    fn fader_v2_messages_round_trip(strip in strip_v2()) {
        let exts = both();
        let rx = receiver(&exts);
        let body = encode(|out| strip.encode(&fader::v2::Strip::header(), out));
        let unit = framed(&body);
        let delivered = deliver(&rx, &unit);
        prop_assert_eq!(delivered.header().major, 2);
        prop_assert_eq!(fader::v2::StripView::new(delivered).unwrap().to_message(), strip);
        // Not a major-1 message, whatever its type byte says.
        prop_assert_eq!(fader::v1::StripView::new(delivered).err(), Some(ViewError::OtherMessage));
        // A receiver of major 1 only rejects it (unsupported-version).
        let majors = [fader::v1::DEF];
        let v1_only = [ExtensionDef { owner: fader::EXTENSION.owner, number: 1, majors: &majors }];
        let outcome = receiver(&v1_only).receive(&body);
        prop_assert!(matches!(outcome, Outcome::Rejected { rejection: Rejection::UnsupportedVersion, .. }), "{:?}", outcome);
    }

    #[test]
    fn grid_messages_round_trip((width, height, rgb, pixels, frame_seq) in frame_parts(), x in 0u8..=15, y in 0u8..=15, level in 0u8..=127, colour in proptest::option::of(0u32..(1 << 21))) {
        let exts = both();
        let rx = receiver(&exts);
        let pad = grid::v1::Pad { x, y, pressure: level };
        let body = encode(|out| pad.encode(&grid::v1::Pad::header(), out));
        prop_assert_eq!(grid::v1::PadView::new(deliver(&rx, &framed(&body))).unwrap().to_message(), pad);

        let led = grid::v1::Led { x, y, palette: level, rgb: colour };
        let body = encode(|out| led.encode(&grid::v1::Led::header(), out));
        prop_assert_eq!(grid::v1::LedView::new(deliver(&rx, &framed(&body))).unwrap().to_message(), led);

        let format = if rgb { grid::v1::FrameFormat::Rgb } else { grid::v1::FrameFormat::Palette };
        let frame = grid::v1::Frame { width, height, format, pixels: &pixels, frame_seq };
        let body = encode(|out| frame.encode(&grid::v1::Frame::header(), out));
        let unit = framed(&body);
        let delivered = deliver(&rx, &unit);
        let view = grid::v1::FrameView::new(delivered).unwrap();
        // Zero-copy: the pixels are a slice of the received unit.
        let unit_range = unit.as_ptr_range();
        prop_assert!(pixels.is_empty() || unit_range.contains(&view.pixels().as_ptr()));
        prop_assert_eq!(view.to_message(), frame);
        prop_assert_eq!(grid::v1::Message::from_delivered(&delivered), Ok(grid::v1::Message::Frame(frame)));

        let report = grid::v1::FrameReport { width, height, format: if rgb { grid::v1::FrameReportFormat::Rgb } else { grid::v1::FrameReportFormat::Palette }, pixels: &pixels, frame_seq };
        let body = encode(|out| report.encode(&grid::v1::FrameReport::header(), out));
        let unit = framed(&body);
        prop_assert_eq!(grid::v1::FrameReportView::new(deliver(&rx, &unit)).unwrap().to_message(), report);

        let body = encode(|out| grid::v1::FrameQuery {}.encode(&grid::v1::FrameQuery::header(), out));
        prop_assert!(grid::v1::FrameQueryView::new(deliver(&rx, &framed(&body))).is_ok());
    }
}

#[test]
fn invalid_values_are_refused_before_anything_is_written() {
    let strip = fader::v1::Strip {
        strip: 3,
        position: Some(16384),
        touched: None,
        ring: None,
        colour: None,
    };
    let mut out = [0xA5u8; 64];
    let invalid = Err(SendError::Invalid {
        field: fader::v1::Strip::ID_POSITION,
    });
    assert_eq!(strip.encode(&fader::v1::Strip::header(), &mut out), invalid);
    assert_eq!(out, [0xA5; 64]);
    assert_eq!(
        strip.for_each_midi(&mut |_| panic!("emitted")),
        invalid.map(|_| ())
    );
    assert_eq!(strip.encode_midi(&mut out), invalid.map(|_| 0));
    let strip = fader::v1::Strip {
        strip: 128,
        position: None,
        ..strip
    };
    assert_eq!(
        strip.validate(),
        Err(SendError::Invalid {
            field: fader::v1::Strip::ID_STRIP
        })
    );
    let pixels = [0x80u8];
    let frame = grid::v1::Frame {
        width: 1,
        height: 1,
        format: grid::v1::FrameFormat::Palette,
        pixels: &pixels,
        frame_seq: 0,
    };
    assert_eq!(
        frame.validate(),
        Err(SendError::Invalid {
            field: grid::v1::Frame::ID_PIXELS
        })
    );
    let frame = grid::v1::Frame {
        width: 0,
        pixels: &[],
        ..frame
    };
    assert_eq!(
        frame.validate(),
        Err(SendError::Invalid {
            field: grid::v1::Frame::ID_WIDTH
        })
    );
    let too_long = [0u8; 769];
    let frame = grid::v1::Frame {
        width: 1,
        pixels: &too_long,
        ..frame
    };
    assert_eq!(
        frame.validate(),
        Err(SendError::Invalid {
            field: grid::v1::Frame::ID_PIXELS
        })
    );
    // Another message's header.
    let pad = grid::v1::Pad {
        x: 0,
        y: 0,
        pressure: 0,
    };
    assert_eq!(
        pad.encode(&grid::v1::Led::header(), &mut out),
        Err(SendError::WrongHeader)
    );
}

#[test]
fn views_refuse_missing_required_fields_and_unknown_enum_values() {
    let exts = both();
    let rx = receiver(&exts);
    // A strip message without its required `strip` field.
    let header = fader::v1::Strip::header();
    let fields = [(fader::v1::Strip::ID_POSITION, &[0x00, 0x40][..])];
    let mut body = [0u8; 32];
    let n = encode_body(&header, &fields, &mut body).unwrap();
    let unit = framed(&body[..n]);
    let delivered = deliver(&rx, &unit);
    assert_eq!(
        fader::v1::StripView::new(delivered).err(),
        Some(ViewError::Missing {
            field: fader::v1::Strip::ID_STRIP
        })
    );
    // A frame whose format byte (5) the description does not list: the field is unknown
    // (flags 000, so the message is delivered), and the required format is missing.
    let header = grid::v1::Frame::header();
    let id = |v| FieldId::from_value(v).unwrap();
    let fields = [
        (id(0x00), &[1][..]),
        (id(0x08), &[1][..]),
        (id(0x10), &[5][..]),
        (id(0x18), &[0x05][..]),
        (id(0x20), &[0, 0][..]),
    ];
    let n = encode_body(&header, &fields, &mut body).unwrap();
    let unit = framed(&body[..n]);
    let delivered = deliver(&rx, &unit);
    assert_eq!(
        grid::v1::FrameView::new(delivered).err(),
        Some(ViewError::Missing {
            field: grid::v1::Frame::ID_FORMAT
        })
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The page's `fallback rendering:` block for an example, as `mox schema doc` prints it.
fn rendering(message: &dyn Fallback) -> String {
    let mut lines = vec!["fallback rendering:".to_string()];
    message
        .for_each_midi(&mut |m: MidiMessage| lines.push(format!("  MIDI  {}", hex(m.as_bytes()))))
        .unwrap();
    message
        .for_each_osc(&mut |m| {
            let mut tags = String::from(",");
            let mut args = Vec::new();
            for arg in m.args() {
                match arg.unwrap() {
                    Arg::Int(v) => {
                        tags.push('i');
                        args.push(v.to_string());
                    }
                    Arg::Float(f) => {
                        tags.push('f');
                        args.push(format!("{f:?}"));
                    }
                    other => panic!("{other:?}"),
                }
            }
            lines.push(format!("  OSC   {} {tags} {}", m.address(), args.join(" ")));
        })
        .unwrap();
    lines.join("\n") + "\n```"
}

/// The page's SysEx block for an example: `K=1` under carrier 7D, 16 bytes a line.
fn sysex_block(body: &[u8]) -> String {
    let mut unit = vec![0u8; sysex::encoded_len(ManufacturerId::NonCommercial, body.len())];
    sysex::encode(ManufacturerId::NonCommercial, body, &mut unit).unwrap();
    let crc = &body[body.len() - 2..];
    let mut text = format!(
        "SysEx under carrier 7D with K=1 (CRC-14/DARC {}; {} bytes):\n",
        hex(crc),
        unit.len()
    );
    for chunk in unit.chunks(16) {
        text.push_str(&format!("  {}\n", hex(chunk)));
    }
    text
}

fn checked(mut header: Header) -> Header {
    header.check = true;
    header
}

#[test]
fn documented_examples_render_as_the_pages_show() {
    // mox.fader 1.1 `strip`, `ring-nudge`; 2.0 `strip` (schema examples, spec/extensions).
    let strip = fader::v1::Strip {
        strip: 3,
        position: Some(8192),
        touched: Some(true),
        ring: Some(64),
        colour: Some(4223),
    };
    let nudge = fader::v1::RingNudge {
        strip: 0,
        delta: -3,
        seq: 1025,
    };
    let strip2 = fader::v2::Strip {
        strip: 3,
        position: Some(32768),
        touched: Some(true),
        ring: Some(64),
        colour: Some(4223),
    };
    let examples: [(&dyn Fallback, Vec<u8>); 3] = [
        (
            &strip,
            encode(|o| strip.encode(&checked(fader::v1::Strip::header()), o)),
        ),
        (
            &nudge,
            encode(|o| nudge.encode(&checked(fader::v1::RingNudge::header()), o)),
        ),
        (
            &strip2,
            encode(|o| strip2.encode(&checked(fader::v2::Strip::header()), o)),
        ),
    ];
    for (message, body) in examples {
        let block = sysex_block(&body) + &rendering(message);
        assert!(FADER_PAGE.contains(&block), "not in mox.fader.md:\n{block}");
    }
    let pad = grid::v1::Pad {
        x: 2,
        y: 1,
        pressure: 100,
    };
    let led = grid::v1::Led {
        x: 2,
        y: 1,
        palette: 5,
        rgb: Some(127),
    };
    let pixels = [0x05, 0x00, 0x00, 0x05];
    let frame = grid::v1::Frame {
        width: 2,
        height: 2,
        format: grid::v1::FrameFormat::Palette,
        pixels: &pixels,
        frame_seq: 9,
    };
    let examples: [(&dyn Fallback, Vec<u8>); 3] = [
        (
            &pad,
            encode(|o| pad.encode(&checked(grid::v1::Pad::header()), o)),
        ),
        (
            &led,
            encode(|o| led.encode(&checked(grid::v1::Led::header()), o)),
        ),
        (
            &frame,
            encode(|o| frame.encode(&checked(grid::v1::Frame::header()), o)),
        ),
    ];
    for (message, body) in examples {
        let block = sysex_block(&body) + &rendering(message);
        assert!(GRID_PAGE.contains(&block), "not in mox.grid.md:\n{block}");
    }
}

#[test]
fn the_osc_group_carries_the_body_and_the_fallback() {
    let strip = fader::v1::Strip {
        strip: 3,
        position: Some(8192),
        touched: None,
        ring: Some(64),
        colour: None,
    };
    let body = encode(|o| strip.encode(&fader::v1::Strip::header(), o));
    let bundle = encode(|o| strip.encode_osc_group(&body, o));
    assert_eq!(strip.osc_group_len(&body), Ok(bundle.len()));
    let Ok(Packet::Bundle(decoded)) = Packet::decode(&bundle) else {
        panic!("not a bundle")
    };
    let mut groups = mox_osc::groups(&decoded);
    let Some(mox_osc::Group::Mox {
        body: got,
        fallback,
    }) = groups.next()
    else {
        panic!("no /mox group")
    };
    assert_eq!(got, Ok(&body[..]));
    let addresses: Vec<String> = fallback
        .map(|element| match element {
            Ok(Packet::Message(m)) => m.address().to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    // `touched` is absent, so its rule emits nothing (MOX-SCH-058).
    assert_eq!(addresses, ["/strip/4/fader", "/strip/4/ring"]);
    assert!(groups.next().is_none());
    // MIDI: pitch bend on channel 4 and the V-Pot ring controller, 3 bytes each.
    let midi = encode(|o| strip.encode_midi(o));
    assert_eq!(midi, [0xE3, 0x00, 0x40, 0xB0, 0x33, 0x40]);
}

#[test]
fn descriptions_follow_the_schema() {
    // MOX-SCH-043: the newest minor, the ids with their flags, ranges, values, max_len.
    let v1 = fader::EXTENSION_DEF.majors[0];
    assert_eq!((v1.major, v1.minor), (1, 1));
    let strip = v1.messages[0];
    assert_eq!(strip.msg_type, 0x01);
    let ids: Vec<(u32, u8)> = strip.fields.iter().map(|f| (f.id, f.added)).collect();
    assert_eq!(ids, [(0x00, 0), (0x08, 0), (0x10, 0), (0x18, 0), (0x20, 1)]);
    assert_eq!(
        (strip.fields[1].min, strip.fields[1].max),
        (Some(0), Some(16383))
    );
    assert_eq!(fader::v1::DEF_1_0.messages[0].fields.len(), 4);
    let frame = grid::v1::DEF.messages[2];
    assert_eq!(frame.fields[2].values, &[0, 1]);
    assert_eq!(frame.fields[3].max_len, Some(768));
    let majors: &[MajorDef<'static>] = fader::EXTENSION_DEF.majors;
    assert_eq!(majors[1].messages[0].fields[1].max, Some(65535));
}

#[test]
fn generated_code_allocates_nothing() {
    let exts = both();
    let rx = receiver(&exts);
    let pixels = [5u8; 64];
    let frame = grid::v1::Frame {
        width: 8,
        height: 8,
        format: grid::v1::FrameFormat::Palette,
        pixels: &pixels,
        frame_seq: 77,
    };
    let strip = fader::v2::Strip {
        strip: 2,
        position: Some(40000),
        touched: Some(false),
        ring: Some(9),
        colour: None,
    };
    let mut result = None;
    let info = allocation_counter::measure(|| {
        let mut body = [0u8; 128];
        let n = frame.encode(&grid::v1::Frame::header(), &mut body).unwrap();
        let mut unit = [0u8; 160];
        let m = sysex::encode(ManufacturerId::NonCommercial, &body[..n], &mut unit).unwrap();
        let Outcome::Delivered(delivered) = rx.receive_sysex(&unit[..m]) else {
            return;
        };
        let same = grid::v1::FrameView::new(delivered).map(|v| v.to_message()) == Ok(frame);
        let mut midi = [0u8; 256];
        let midi_len = frame.encode_midi(&mut midi);
        let mut osc_count = 0;
        let _ = frame.for_each_osc(&mut |_| osc_count += 1);
        let mut group = [0u8; 4096];
        let group_len = frame.encode_osc_group(&body[..n], &mut group);
        let k = strip
            .encode(&fader::v2::Strip::header(), &mut body)
            .unwrap();
        let strip_midi = strip.encode_midi(&mut midi);
        let strip_group = strip.encode_osc_group(&body[..k], &mut group).is_ok();
        result = Some((
            same,
            midi_len,
            osc_count,
            group_len.is_ok(),
            strip_midi,
            strip_group,
        ));
    });
    assert_eq!(info.count_total, 0);
    // 64 note-ons and 64 OSC messages for the 8 × 8 frame; 3 MIDI messages for the strip.
    assert_eq!(result, Some((true, Ok(192), 64, true, Ok(9), true)));
}
