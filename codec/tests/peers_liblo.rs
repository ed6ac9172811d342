//! Interoperability with liblo 0.31 (Debian `liblo-tools`) over real UDP on 127.0.0.1.
//!
//! - liblo → us: `oscsend 127.0.0.1 PORT /addr TYPES args…` for every type it can send
//!   (`i h f d s S c m T F N I`; it cannot send `b`, `t`, `r` or arrays) with boundary values.
//!   We decode each datagram, compare every value, and re-encode the same values: our bytes
//!   must equal liblo's.
//! - us → liblo: our encoded messages and bundles go to `oscdump -L PORT`; each printed line
//!   is compared with the line liblo's printer makes from the values we sent (floats as C's
//!   `%f`, blobs as `%#02x` bytes, timetags as `%08x.%08x`). The line's prefix is the
//!   timetag liblo dispatched the message under, so bundle timetags are checked too.
//!   liblo 0.31 has no `r` (colour) and no arrays: it rejects such messages, which is
//!   asserted, not skipped.
//!
//! Missing tools fail the tests with a pointer to `scripts/setup.sh`.
#[path = "peers/common.rs"]
mod common;

use std::net::{SocketAddr, UdpSocket};
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use mox_codec::osc::builder::{BundleBuilder, MessageBuilder};
use mox_codec::osc::{Arg, Packet, TimeTag};

// ---- liblo → us -------------------------------------------------------------------------

/// One `oscsend` invocation and the values it must produce.
struct Send {
    address: &'static str,
    types: &'static str,
    argv: Vec<&'static str>,
    expected: Vec<Arg<'static>>,
}

fn send(address: &'static str, types: &'static str, argv: &[&'static str]) -> Send {
    Send {
        address,
        types,
        argv: argv.to_vec(),
        expected: Vec::new(),
    }
}

impl Send {
    fn expect(mut self, expected: Vec<Arg<'static>>) -> Send {
        self.expected = expected;
        self
    }
}

/// Runs each `oscsend` against a socket of ours and checks what arrives.
fn oscsend_to_us(cases: Vec<Send>) {
    let oscsend = tool_on_path("oscsend");
    let socket = bind_local();
    let port = local_port(&socket).to_string();
    for case in cases {
        let what = format!("oscsend {} {} {:?}", case.address, case.types, case.argv);
        assert_eq!(
            type_tags_of(&case.expected),
            case.types,
            "{what}: test table is inconsistent"
        );
        let mut command = Command::new(&oscsend);
        command.args(["127.0.0.1", port.as_str(), case.address]);
        if !case.types.is_empty() {
            command.arg(case.types).args(&case.argv);
        }
        let out = run_bounded("oscsend", command, None);
        assert!(
            out.status.success(),
            "{what}: {:?}\nstderr: {}",
            out.status,
            out.stderr_text()
        );
        assert_eq!(out.stderr_text(), "", "{what}: oscsend complained");

        let (bytes, from) = recv_datagram(&socket, &what);
        assert!(from.ip().is_loopback(), "{what}: datagram from {from}");
        let expected = message(case.address, case.expected);
        assert_eq!(
            decode(&bytes),
            pkt(&expected),
            "{what}\nbytes: {}",
            hex(&bytes)
        );
        // Same values, same bytes: our encoder agrees with liblo's byte for byte.
        assert_eq!(
            hex(&encode(&expected)),
            hex(&bytes),
            "{what}: re-encoded bytes differ"
        );
    }
}

#[test]
fn liblo_sends_int32_and_int64_boundaries() {
    oscsend_to_us(vec![
        send(
            "/int",
            "iiiii",
            &["-2147483648", "2147483647", "0", "-1", "1"],
        )
        .expect(vec![
            Arg::Int(i32::MIN),
            Arg::Int(i32::MAX),
            Arg::Int(0),
            Arg::Int(-1),
            Arg::Int(1),
        ]),
        send(
            "/long",
            "hhhhh",
            &[
                "-9223372036854775808",
                "9223372036854775807",
                "0",
                "-1",
                "4294967296",
            ],
        )
        .expect(vec![
            Arg::Long(i64::MIN),
            Arg::Long(i64::MAX),
            Arg::Long(0),
            Arg::Long(-1),
            Arg::Long(1 << 32),
        ]),
    ]);
}

#[test]
fn liblo_sends_floats_and_doubles() {
    oscsend_to_us(vec![
        send(
            "/float",
            "ffffffffff",
            &[
                "3.5",
                "-0.0",
                "-1.25",
                "inf",
                "-inf",
                "1e-45",
                "3.4028235e38",
                "0.1",
                "-2.5e-38",
                "0",
            ],
        )
        .expect(vec![
            Arg::Float(3.5),
            Arg::Float(-0.0),
            Arg::Float(-1.25),
            Arg::Float(f32::INFINITY),
            Arg::Float(f32::NEG_INFINITY),
            Arg::Float(f32::from_bits(1)), // smallest subnormal
            Arg::Float(f32::MAX),
            Arg::Float(0.1),
            Arg::Float(-2.5e-38),
            Arg::Float(0.0),
        ]),
        // strtod's NaNs: the default quiet NaN, with the sign bit for "-nan".
        send("/float/nan", "ff", &["nan", "-nan"]).expect(vec![
            Arg::Float(f32::from_bits(0x7fc0_0000)),
            Arg::Float(f32::from_bits(0xffc0_0000)),
        ]),
        send(
            "/double",
            "dddddddd",
            &[
                "4.25",
                "-0.0",
                "2.2250738585072014e-308",
                "1.7976931348623157e308",
                "-inf",
                "5e-324",
                "0.1",
                "nan",
            ],
        )
        .expect(vec![
            Arg::Double(4.25),
            Arg::Double(-0.0),
            Arg::Double(f64::MIN_POSITIVE),
            Arg::Double(f64::MAX),
            Arg::Double(f64::NEG_INFINITY),
            Arg::Double(f64::from_bits(1)),
            Arg::Double(0.1),
            Arg::Double(f64::from_bits(0x7ff8_0000_0000_0000)),
        ]),
    ]);
}

#[test]
fn liblo_sends_strings_and_symbols() {
    let long = long_ascii(8000);
    oscsend_to_us(vec![
        // Lengths 0–4 cross every padding case (4 NULs for "" and "abcd").
        send("/s", "sssss", &["", "a", "ab", "abc", "abcd"]).expect(vec![
            Arg::String(""),
            Arg::String("a"),
            Arg::String("ab"),
            Arg::String("abc"),
            Arg::String("abcd"),
        ]),
        send("/s/utf8", "sS", &["héllo ✓ 🎛", "ünïcødé"])
            .expect(vec![Arg::String("héllo ✓ 🎛"), Arg::Symbol("ünïcødé")]),
        send(
            "/s/punct",
            "s",
            &[" spaces, \"quotes\" & 'ticks' \\ /*?[]{} "],
        )
        .expect(vec![Arg::String(
            " spaces, \"quotes\" & 'ticks' \\ /*?[]{} ",
        )]),
        send("/S", "SSS", &["", "sym", "abcd"]).expect(vec![
            Arg::Symbol(""),
            Arg::Symbol("sym"),
            Arg::Symbol("abcd"),
        ]),
        send("/s/long", "s", &[long]).expect(vec![Arg::String(long)]),
        // Address lengths 2–4 cross the address padding cases.
        send("/a", "i", &["1"]).expect(vec![Arg::Int(1)]),
        send("/ab", "i", &["2"]).expect(vec![Arg::Int(2)]),
        send("/abc", "i", &["3"]).expect(vec![Arg::Int(3)]),
        send("/mixer/*/gain[1-4]", "f", &["0.5"]).expect(vec![Arg::Float(0.5)]),
    ]);
}

#[test]
fn liblo_sends_chars() {
    oscsend_to_us(vec![
        send("/c", "ccccc", &["a", "Z", " ", "~", "xyz"]).expect(vec![
            Arg::Char('a'),
            Arg::Char('Z'),
            Arg::Char(' '),
            Arg::Char('~'),
            Arg::Char('x'), // oscsend takes the first character
        ]),
        // Known liblo behaviour: `c` is one *byte* (an 8-bit char in 32 bits), so "é"
        // (UTF-8 c3 a9) arrives as 0x000000c3, which is U+00C3 'Ã'; an empty argument
        // arrives as 0.
        send("/c/bytes", "cc", &["é", ""]).expect(vec![Arg::Char('\u{c3}'), Arg::Char('\0')]),
    ]);
}

#[test]
fn liblo_sends_midi_and_no_data_types() {
    oscsend_to_us(vec![
        // `m` takes 8 hex digits without 0x, in wire order: port, status, data1, data2.
        send(
            "/m",
            "mmmm",
            &["01020304", "7f90407f", "ffffffff", "00000000"],
        )
        .expect(vec![
            midi(1, 2, 3, 4),
            midi(0x7f, 0x90, 0x40, 0x7f),
            midi(0xff, 0xff, 0xff, 0xff),
            midi(0, 0, 0, 0),
        ]),
        send("/flags", "TFNI", &[]).expect(vec![Arg::True, Arg::False, Arg::Nil, Arg::Impulse]),
        // Tags without data between tags with data must not shift the data.
        send("/flags/mixed", "iTiFiNiI", &["1", "2", "3", "4"]).expect(vec![
            Arg::Int(1),
            Arg::True,
            Arg::Int(2),
            Arg::False,
            Arg::Int(3),
            Arg::Nil,
            Arg::Int(4),
            Arg::Impulse,
        ]),
        send("/none", "", &[]).expect(vec![]),
    ]);
}

#[test]
fn liblo_sends_every_type_in_one_message() {
    oscsend_to_us(vec![send(
        "/all",
        "ihfdsScmTFNI",
        &[
            "-7",
            "-8589934592",
            "-0.75",
            "1e100",
            "text",
            "sym",
            "q",
            "00904000",
        ],
    )
    .expect(vec![
        Arg::Int(-7),
        Arg::Long(-8_589_934_592),
        Arg::Float(-0.75),
        Arg::Double(1e100),
        Arg::String("text"),
        Arg::Symbol("sym"),
        Arg::Char('q'),
        midi(0, 0x90, 0x40, 0),
        Arg::True,
        Arg::False,
        Arg::Nil,
        Arg::Impulse,
    ])]);
}

// ---- us → liblo -------------------------------------------------------------------------

/// A running `oscdump -L PORT` and a socket to send it our packets.
struct Dump {
    peer: Peer,
    socket: UdpSocket,
    to: SocketAddr,
    syncs: i32,
}

/// One printed line: the timetag prefix and the rest (`/addr types args…`), as bytes since
/// liblo prints strings and chars raw.
#[derive(Debug)]
struct Line {
    timetag: TimeTag,
    text: Vec<u8>,
}

const READY: &str = "/mox/ready";
const SYNC: &str = "/mox/sync";

impl Dump {
    /// Starts oscdump on a free port and waits until it prints our probe. The port is picked
    /// by binding port 0 and releasing it; if oscdump cannot bind it anyway, another is tried.
    fn start() -> Dump {
        let oscdump = tool_on_path("oscdump");
        let socket = bind_local();
        let probe = encode(&message(READY, vec![]));
        for _attempt in 0..5 {
            let port = local_port(&bind_local());
            let to = SocketAddr::from(([127, 0, 0, 1], port));
            let mut command = Command::new(&oscdump);
            command.arg("-L").arg(port.to_string());
            let mut peer = Peer::spawn("oscdump", command, None);
            let deadline = Instant::now() + WAIT;
            loop {
                if peer.try_exit().is_some() {
                    break; // could not bind that port: try another
                }
                assert!(
                    Instant::now() < deadline,
                    "oscdump -L {port} printed nothing within {WAIT:?}; stderr:\n{}",
                    peer.stderr()
                );
                socket.send_to(&probe, to).expect("send probe");
                if let Some(line) = peer.next_line(Duration::from_millis(50)) {
                    if line.ends_with(format!(" {READY} ").as_bytes()) {
                        let mut dump = Dump {
                            peer,
                            socket,
                            to,
                            syncs: 0,
                        };
                        dump.sync(); // drains the lines of the other probes
                        return dump;
                    }
                }
            }
        }
        panic!("oscdump could not start on any of 5 free ports");
    }

    fn send(&self, bytes: &[u8]) {
        let sent = self
            .socket
            .send_to(bytes, self.to)
            .expect("send to oscdump");
        assert_eq!(sent, bytes.len());
    }

    /// Sends a numbered sync message and returns the lines printed before it.
    fn sync(&mut self) -> Vec<Line> {
        self.syncs += 1;
        let marker = format!("{SYNC} i {}", self.syncs);
        self.send(&encode(&message(SYNC, vec![Arg::Int(self.syncs)])));
        let mut lines = Vec::new();
        loop {
            let line = parse_line(self.peer.expect_line(WAIT, &marker));
            if line.text == marker.as_bytes() {
                return lines;
            }
            if !line.text.starts_with(READY.as_bytes()) {
                lines.push(line);
            }
        }
    }

    /// Sends `bytes`; the lines oscdump printed for them.
    fn exchange(&mut self, bytes: &[u8]) -> Vec<Line> {
        self.send(bytes);
        self.sync()
    }
}

fn parse_line(line: Vec<u8>) -> Line {
    let bad =
        |why: &str| -> ! { panic!("oscdump line {why}: {:?}", line.escape_ascii().to_string()) };
    if line.len() < 18 || line[8] != b'.' || line[17] != b' ' {
        bad("has no timetag prefix");
    }
    let field = |range: std::ops::Range<usize>| {
        std::str::from_utf8(&line[range])
            .ok()
            .and_then(|s| u32::from_str_radix(s, 16).ok())
            .unwrap_or_else(|| bad("has a malformed timetag"))
    };
    let timetag = TimeTag::new(field(0..8), field(9..17));
    Line {
        timetag,
        text: line[18..].to_vec(),
    }
}

/// C's `printf("%f", x)`: Rust's `{:.6}` except for the spelling of NaN and infinity (both
/// print the exact decimal expansion, rounded to nearest, ties to even).
fn c_f(x: f64) -> String {
    if x.is_nan() {
        if x.is_sign_negative() { "-nan" } else { "nan" }.to_owned()
    } else if x.is_infinite() {
        if x < 0.0 { "-inf" } else { "inf" }.to_owned()
    } else {
        format!("{x:.6}")
    }
}

/// What liblo 0.31's `lo_arg_pp` prints for `arg`.
fn liblo_arg(arg: &Arg<'_>, out: &mut Vec<u8>) {
    let text = match *arg {
        Arg::Int(v) => v.to_string(),
        Arg::Long(v) => v.to_string(),
        Arg::Float(v) => c_f(f64::from(v)), // printf promotes float to double
        Arg::Double(v) => c_f(v),
        Arg::String(s) => format!("\"{s}\""),
        Arg::Symbol(s) => format!("'{s}"),
        // liblo's `c` is an 8-bit char: `%c` prints the low byte of the 32-bit value.
        Arg::Char(c) => {
            out.extend_from_slice(&[b'\'', u32::from(c) as u8, b'\'']);
            return;
        }
        Arg::Midi(m) => format!(
            "MIDI [0x{:02x} 0x{:02x} 0x{:02x} 0x{:02x}]",
            m.port, m.status, m.data1, m.data2
        ),
        Arg::True => "#T".to_owned(),
        Arg::False => "#F".to_owned(),
        Arg::Nil => "Nil".to_owned(),
        Arg::Impulse => "Infinitum".to_owned(),
        // Up to 12 bytes are listed with `%#02x` (so 0 prints as "00"), longer blobs by size.
        Arg::Blob(b) if b.len() > 12 => format!("[{} byte blob]", b.len()),
        Arg::Blob(b) => {
            let bytes: Vec<String> = b
                .iter()
                .map(|&x| {
                    if x == 0 {
                        "00".to_owned()
                    } else {
                        format!("{x:#x}")
                    }
                })
                .collect();
            format!("[{}b {}]", b.len(), bytes.join(" "))
        }
        Arg::TimeTag(t) => format!("{:08x}.{:08x}", t.seconds, t.fraction),
        Arg::Color(_) | Arg::Array(_) => {
            panic!("liblo 0.31 has no `{}` type", char::from(arg.tag()))
        }
    };
    out.extend_from_slice(text.as_bytes());
}

/// The line (without the timetag prefix) oscdump prints for a message.
fn liblo_line(address: &str, args: &[Arg<'_>]) -> Vec<u8> {
    let mut line = format!("{address} {}", type_tags_of(args)).into_bytes();
    for arg in args {
        line.push(b' ');
        liblo_arg(arg, &mut line);
    }
    line
}

/// When liblo dispatched a message: `Some(timetag)` for a bundle with a real (past or
/// future) timetag; `None` for "now" (a bare message, or an immediate bundle).
type Dispatch = Option<TimeTag>;

/// The lines oscdump prints for `packet`, depth first.
fn expected_lines(packet: &Packet<'_>, dispatch: Dispatch, out: &mut Vec<(Dispatch, Vec<u8>)>) {
    match packet {
        Packet::Message(m) => {
            let args: Vec<Arg<'_>> = m.args().map(Result::unwrap).collect();
            out.push((dispatch, liblo_line(m.address(), &args)));
        }
        Packet::Bundle(b) => {
            let dispatch = if b.timetag().is_immediate() {
                dispatch
            } else {
                Some(b.timetag())
            };
            for element in b.elements() {
                expected_lines(&element.unwrap(), dispatch, out);
            }
        }
    }
}

/// Whether two timetags are within `secs` seconds of each other.
fn near(a: TimeTag, b: TimeTag, secs: u64) -> bool {
    a.to_bits().abs_diff(b.to_bits()) <= secs << 32
}

/// Bytes compared exactly, printed as a string with non-ASCII bytes escaped.
#[derive(PartialEq)]
struct Text<'a>(&'a [u8]);

impl std::fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\"{}\"", self.0.escape_ascii())
    }
}

fn assert_lines(what: &str, got: &[Line], expected: &[(Dispatch, Vec<u8>)]) {
    let got_text: Vec<Text<'_>> = got.iter().map(|l| Text(&l.text)).collect();
    let expected_text: Vec<Text<'_>> = expected.iter().map(|(_, t)| Text(t)).collect();
    assert_eq!(
        got_text, expected_text,
        "{what}: oscdump printed other lines"
    );
    for (line, (dispatch, _)) in got.iter().zip(expected) {
        match dispatch {
            Some(timetag) => assert_eq!(line.timetag, *timetag, "{what}: dispatch timetag"),
            None => assert!(
                near(line.timetag, now_timetag(), 60),
                "{what}: dispatched at {:?}, not now ({:?})",
                line.timetag,
                now_timetag()
            ),
        }
    }
}

/// A short name for `packet` in failure messages (its Debug form can be huge).
fn describe(packet: &Packet<'_>) -> String {
    match packet {
        Packet::Message(m) => format!("message {}", m.address()),
        Packet::Bundle(b) => format!(
            "bundle at {:?} of {} elements",
            b.timetag(),
            b.elements().count()
        ),
    }
}

/// Sends each packet to oscdump and checks every line it prints for it.
fn us_to_oscdump(packets: &[Packet<'_>]) {
    let mut dump = Dump::start();
    for packet in packets {
        let bytes = encode(packet);
        let what = describe(packet);
        let mut expected = Vec::new();
        expected_lines(packet, None, &mut expected);
        let got = dump.exchange(&bytes);
        assert_lines(&what, &got, &expected);
    }
    assert_eq!(dump.peer.stderr(), "", "oscdump reported errors");
}

#[test]
fn c_printf_float_rendering_matches_glibc_spellings() {
    // The `%f` model used below, pinned against strings glibc prints (seen from oscdump).
    assert_eq!(c_f(-0.0), "-0.000000");
    assert_eq!(c_f(f64::from(f32::NAN)), "nan");
    assert_eq!(c_f(-f64::NAN), "-nan");
    assert_eq!(c_f(f64::INFINITY), "inf");
    assert_eq!(c_f(0.0078125), "0.007812"); // an exact tie rounds to even
    assert_eq!(
        c_f(f64::from(f32::MAX)),
        "340282346638528859811704183484516925440.000000"
    );
    assert_eq!(c_f(-1e-7), "-0.000000");
}

#[test]
fn liblo_prints_our_numbers() {
    us_to_oscdump(&[
        message(
            "/i",
            vec![
                Arg::Int(i32::MIN),
                Arg::Int(i32::MAX),
                Arg::Int(0),
                Arg::Int(-1),
            ],
        ),
        message(
            "/h",
            vec![Arg::Long(i64::MIN), Arg::Long(i64::MAX), Arg::Long(-1)],
        ),
        message(
            "/f",
            vec![
                Arg::Float(3.5),
                Arg::Float(-0.0),
                Arg::Float(-1.25),
                Arg::Float(f32::INFINITY),
                Arg::Float(f32::NEG_INFINITY),
                Arg::Float(f32::from_bits(0x7fc0_0000)),
                Arg::Float(f32::from_bits(0xffc0_0000)),
                Arg::Float(f32::from_bits(1)),
                Arg::Float(f32::MAX),
                Arg::Float(0.1),
                Arg::Float(0.007_812_5), // ties to even at the 6th decimal
                Arg::Float(-1e-7),
                Arg::Float(65_504.125),
            ],
        ),
        message(
            "/d",
            vec![
                Arg::Double(4.25),
                Arg::Double(-0.0),
                Arg::Double(1e300),
                Arg::Double(f64::MIN_POSITIVE),
                Arg::Double(f64::NEG_INFINITY),
                Arg::Double(f64::NAN),
                Arg::Double(0.1),
                Arg::Double(2.675), // 2.67499999… prints as 2.675000
                Arg::Double(-9_007_199_254_740_994.0), // 2^53 + 2
            ],
        ),
        message(
            "/t",
            vec![
                Arg::TimeTag(TimeTag::IMMEDIATELY),
                Arg::TimeTag(TimeTag::new(0x0123_4567, 0x89ab_cdef)),
                Arg::TimeTag(TimeTag::new(u32::MAX, u32::MAX)),
                Arg::TimeTag(TimeTag::new(0, 0)),
            ],
        ),
    ]);
}

#[test]
fn liblo_prints_our_text_and_small_types() {
    let long = long_ascii(8000);
    us_to_oscdump(&[
        message(
            "/s",
            vec![
                Arg::String(""),
                Arg::String("a"),
                Arg::String("abcd"),
                Arg::String("héllo ✓ 🎛"),
                Arg::String("with \"quotes\" and 'ticks'"),
            ],
        ),
        message(
            "/S",
            vec![Arg::Symbol(""), Arg::Symbol("sym"), Arg::Symbol("ünï")],
        ),
        message("/s/long", vec![Arg::String(long), Arg::Symbol(long)]),
        message(
            "/c",
            vec![
                Arg::Char('a'),
                Arg::Char('Z'),
                Arg::Char('~'),
                Arg::Char('\0'),
            ],
        ),
        // Known liblo behaviour: it prints only the low byte of a `c`, so U+00E9 prints as
        // the raw byte e9 and U+2713 as 13 (the model in `liblo_arg` does the same).
        message("/c/wide", vec![Arg::Char('é'), Arg::Char('✓')]),
        message("/m", vec![midi(1, 2, 3, 4), midi(0xff, 0x90, 0x10, 0x00)]),
        message(
            "/flags",
            vec![Arg::True, Arg::False, Arg::Nil, Arg::Impulse],
        ),
        message("/none", vec![]),
        message("/mixer/*/gain[1-4]", vec![Arg::Float(0.5)]),
        message(
            "/all",
            vec![
                Arg::Int(1),
                Arg::Long(2),
                Arg::Float(3.5),
                Arg::Double(4.25),
                Arg::String("str"),
                Arg::Symbol("sym"),
                Arg::Char('a'),
                midi(1, 2, 3, 4),
                Arg::True,
                Arg::False,
                Arg::Nil,
                Arg::Impulse,
                Arg::Blob(&[1, 2]),
                Arg::TimeTag(TimeTag::new(0, 5)),
            ],
        ),
    ]);
}

#[test]
fn liblo_prints_our_blobs() {
    let bytes: &'static [u8] = leak((0..=255u8).cycle().take(60_000).collect());
    us_to_oscdump(&[
        message("/b/0", vec![Arg::Blob(&[])]),
        message("/b/1", vec![Arg::Blob(&[0])]),
        message("/b/3", vec![Arg::Blob(&[0x10, 0x0f, 0x80])]),
        message("/b/4", vec![Arg::Blob(&[0xff, 0, 0, 1])]),
        message("/b/5", vec![Arg::Blob(&[1, 2, 3, 0xff, 0])]),
        message("/b/12", vec![Arg::Blob(&bytes[..12])]),
        message("/b/13", vec![Arg::Blob(&bytes[..13])]),
        message("/b/1000", vec![Arg::Blob(&bytes[..1000])]),
        message("/b/60000", vec![Arg::Blob(bytes)]),
        message(
            "/b/mixed",
            vec![Arg::Int(7), Arg::Blob(&[9, 8, 7]), Arg::String("after")],
        ),
    ]);
}

#[test]
fn liblo_dispatches_our_bundles_under_their_timetags() {
    // Past timetags are due at once, and oscdump prints the timetag it dispatched under.
    let past = TimeTag::new(3_900_000_000, 0x8000_0000); // 2023-08
    let later = TimeTag::new(3_900_000_001, 0x0000_0001);
    let latest = TimeTag::new(3_900_000_002, 0xffff_ffff);
    us_to_oscdump(&[
        bundle(
            TimeTag::IMMEDIATELY,
            vec![
                message("/bundle/a", vec![Arg::Int(1)]),
                message("/bundle/b", vec![Arg::String("two"), Arg::Double(3.0)]),
            ],
        ),
        bundle(
            past,
            vec![
                message("/past/1", vec![Arg::Int(1)]),
                bundle(
                    later,
                    vec![
                        message("/past/2", vec![Arg::Float(-2.5)]),
                        bundle(latest, vec![message("/past/3", vec![Arg::True])]),
                    ],
                ),
                message("/past/4", vec![Arg::Nil]),
            ],
        ),
        bundle(TimeTag::IMMEDIATELY, vec![]),
        bundle(
            TimeTag::IMMEDIATELY,
            vec![bundle(past, vec![message("/inner", vec![])])],
        ),
    ]);
}

#[test]
fn liblo_holds_our_future_bundle_until_due() {
    const AHEAD: Duration = Duration::from_millis(600);
    let mut dump = Dump::start();
    // Taken before the timetag, so liblo may not dispatch until `start + AHEAD`.
    let start = Instant::now();
    let due = timetag_in(AHEAD);
    let nested = TimeTag::from_bits(due.to_bits() + (1 << 28)); // ~62 ms later
    let packet = bundle(
        due,
        vec![
            message("/future/1", vec![Arg::Int(1)]),
            bundle(nested, vec![message("/future/2", vec![Arg::Int(2)])]),
        ],
    );
    let early = dump.exchange(&encode(&packet));
    assert!(early.is_empty(), "printed before it was due: {early:?}");
    let first = parse_line(dump.peer.expect_line(WAIT, "the future bundle"));
    let first_at = start.elapsed();
    let second = parse_line(dump.peer.expect_line(WAIT, "the nested future bundle"));
    let second_at = start.elapsed();
    let mut expected = Vec::new();
    expected_lines(&packet, None, &mut expected);
    assert_eq!(expected[0].0, Some(due));
    assert_eq!(expected[1].0, Some(nested));
    assert_lines("future bundle", &[first, second], &expected);
    // A little slack for the two clocks (SystemTime for the timetag, Instant here).
    let slack = Duration::from_millis(20);
    assert!(
        first_at + slack >= AHEAD,
        "dispatched after {first_at:?}, due after {AHEAD:?}"
    );
    assert!(
        second_at + slack >= AHEAD + Duration::from_millis(62),
        "nested bundle dispatched after {second_at:?}"
    );
    assert_eq!(dump.peer.stderr(), "");
}

#[test]
fn liblo_accepts_builder_output() {
    let mut buf = [0u8; 256];
    let mut m = MessageBuilder::new(&mut buf, "/built").unwrap();
    m.int(-5)
        .unwrap()
        .string("s")
        .unwrap()
        .blob(&[0xaa])
        .unwrap()
        .double(0.25)
        .unwrap();
    m.bool(true).unwrap().char('k').unwrap().long(-1).unwrap();
    let len = m.finish().unwrap();
    let built_message = buf[..len].to_vec();

    let past = TimeTag::new(3_000_000_000, 7);
    let mut b = BundleBuilder::new(&mut buf, past).unwrap();
    b.message("/built/1", |m| m.float(1.5).map(drop)).unwrap();
    b.bundle(TimeTag::new(3_000_000_001, 0), |inner| {
        inner
            .message("/built/2", |m| m.symbol("x")?.nil().map(drop))
            .map(drop)
    })
    .unwrap();
    let len = b.finish();
    let built_bundle = buf[..len].to_vec();

    let mut dump = Dump::start();
    let got = dump.exchange(&built_message);
    let expected = liblo_line(
        "/built",
        &[
            Arg::Int(-5),
            Arg::String("s"),
            Arg::Blob(&[0xaa]),
            Arg::Double(0.25),
            Arg::True,
            Arg::Char('k'),
            Arg::Long(-1),
        ],
    );
    assert_lines("builder message", &got, &[(None, expected)]);

    let got = dump.exchange(&built_bundle);
    assert_lines(
        "builder bundle",
        &got,
        &[
            (Some(past), liblo_line("/built/1", &[Arg::Float(1.5)])),
            (
                Some(TimeTag::new(3_000_000_001, 0)),
                liblo_line("/built/2", &[Arg::Symbol("x"), Arg::Nil]),
            ),
        ],
    );
    assert_eq!(dump.peer.stderr(), "");
}

#[test]
fn liblo_rejects_colour_and_arrays() {
    // liblo 0.31 knows neither `r` nor `[`…`]`: it prints nothing for such a message and
    // reports it on stderr. In a bundle, the elements before the bad one are dispatched and
    // the rest dropped.
    let mut dump = Dump::start();
    let cases = [
        (
            message("/rgba", vec![rgba(0x11, 0x22, 0x33, 0x44)]),
            "error 9912 in path /rgba: Invalid message received",
        ),
        (
            message("/array", vec![array(vec![Arg::Int(1), Arg::Int(2)])]),
            "error 9912 in path /array: Invalid message received",
        ),
        (
            message("/array/empty", vec![Arg::Int(0), array(vec![])]),
            "error 9912 in path /array/empty: Invalid message received",
        ),
    ];
    for (packet, error) in &cases {
        let got = dump.exchange(&encode(packet));
        assert!(got.is_empty(), "{packet:?}: printed {got:?}");
        dump.peer.expect_stderr(error, WAIT);
    }
    let mixed = bundle(
        TimeTag::IMMEDIATELY,
        vec![
            message("/ok/1", vec![Arg::Int(1)]),
            message("/bad", vec![rgba(1, 2, 3, 4)]),
            message("/ok/2", vec![Arg::Int(2)]),
        ],
    );
    let got = dump.exchange(&encode(&mixed));
    assert_lines(
        "bundle with a colour",
        &got,
        &[(None, liblo_line("/ok/1", &[Arg::Int(1)]))],
    );
    dump.peer.expect_stderr(
        "error 9912 in path #bundle: Invalid bundle element received",
        WAIT,
    );
    let errors = dump.peer.stderr().lines().count();
    assert_eq!(errors, 4, "stderr:\n{}", dump.peer.stderr());
}
