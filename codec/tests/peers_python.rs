//! Interoperability with python-osc (the version pinned in `scripts/python-requirements.txt`,
//! from `<workspace>/.venv`) over real UDP on 127.0.0.1.
//!
//! - python-osc → us: `peers/pyosc_send.py` builds packets from a JSON spec we write (with
//!   `OscMessageBuilder`, `OscBundleBuilder` and `SimpleUDPClient.send_message`) and sends
//!   them to our socket; we decode each one and compare every value with the values the spec
//!   was made from, then re-encode them: our bytes must equal python-osc's.
//! - us → python-osc: we send encoded packets to `peers/pyosc_recv.py`, which parses each
//!   datagram with `OscMessage`/`OscBundle`/`OscPacket` and prints the values as JSON; we
//!   compare them with what python-osc's types make of our values (ints for `i h r`,
//!   doubles for `f d`, tuples for `m` and `t`, lists for arrays).
//!
//! python-osc 1.10.2 has no `S`, `c`, `I` or `t` in its builder, skips `S`/`c`/`I` when
//! parsing without consuming their data (so later arguments are misread), and turns bundle
//! timetags into float seconds. Those behaviours are asserted explicitly below.
//!
//! Missing tools fail the tests with a pointer to `scripts/setup.sh`.
#[path = "peers/common.rs"]
mod common;
#[path = "peers/json.rs"]
mod json;

use std::fmt::Write as _;
use std::process::Command;
use std::time::SystemTime;

use common::*;
use json::Json;
use mox_codec::osc::builder::{BundleBuilder, MessageBuilder};
use mox_codec::osc::{Arg, Packet, TimeTag, NTP_UNIX_OFFSET_SECS};

/// The python-osc version `scripts/python-requirements.txt` pins.
fn pinned_python_osc() -> String {
    let path = workspace_root()
        .join("scripts")
        .join("python-requirements.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run scripts/setup.sh", path.display()));
    text.lines()
        .find_map(|line| line.split('#').next()?.trim().strip_prefix("python-osc=="))
        .unwrap_or_else(|| panic!("{} pins no python-osc", path.display()))
        .trim()
        .to_owned()
}

fn assert_version(json: &Json) {
    assert_eq!(
        json.get("python_osc").str(),
        pinned_python_osc(),
        "the venv's python-osc is not the pinned one (the quirks asserted here are that \
         version's); run scripts/setup.sh"
    );
}

fn hex_bytes(text: &str) -> Vec<u8> {
    assert!(text.len() % 2 == 0, "odd hex {text:?}");
    (0..text.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&text[i..i + 2], 16).unwrap_or_else(|e| panic!("{text:?}: {e}"))
        })
        .collect()
}

fn plain_hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// The first message address in `packet`, depth first: what identifies a test packet.
fn key(packet: &Pkt) -> String {
    match packet {
        Pkt::Message { address, .. } => address.clone(),
        Pkt::Bundle { timetag, elements } => elements
            .first()
            .map(key)
            .unwrap_or_else(|| format!("(empty bundle at {timetag:?})")),
    }
}

// ---- python-osc → us ----------------------------------------------------------------------

/// One packet for `pyosc_send.py`: how python-osc is told to build it, and what it must be.
struct Spec {
    json: String,
    expected: Packet<'static>,
}

/// An argument as `pyosc_send.py` takes it (`OscMessageBuilder.add_arg(value, type)`).
fn arg_spec(arg: &Arg<'_>) -> String {
    match *arg {
        Arg::Int(v) => format!("[\"i\", {v}]"),
        Arg::Long(v) => format!("[\"h\", {v}]"),
        Arg::Float(v) => format!("[\"f\", \"{:08x}\"]", v.to_bits()),
        Arg::Double(v) => format!("[\"d\", \"{:016x}\"]", v.to_bits()),
        Arg::String(s) => format!("[\"s\", {}]", json::string(s)),
        Arg::Blob(b) => format!("[\"b\", \"{}\"]", plain_hex(b)),
        Arg::Color(c) => format!("[\"r\", {}]", u32::from_be_bytes(c.to_bytes())),
        Arg::Midi(m) => format!(
            "[\"m\", [{}, {}, {}, {}]]",
            m.port, m.status, m.data1, m.data2
        ),
        Arg::True => "[\"T\"]".to_owned(),
        Arg::False => "[\"F\"]".to_owned(),
        Arg::Nil => "[\"N\"]".to_owned(),
        Arg::Array(items) => {
            let items: Vec<String> = items.iter().map(|item| arg_spec(&item.unwrap())).collect();
            format!("[\"[\", [{}]]", items.join(", "))
        }
        Arg::Symbol(_) | Arg::Char(_) | Arg::Impulse | Arg::TimeTag(_) => {
            panic!(
                "python-osc's builder cannot add `{}`",
                char::from(arg.tag())
            )
        }
    }
}

/// A message built with `OscMessageBuilder`.
fn py_message(address: &'static str, args: Vec<Arg<'static>>) -> Spec {
    let specs: Vec<String> = args.iter().map(arg_spec).collect();
    Spec {
        json: format!(
            "{{\"message\": {{\"address\": {}, \"args\": [{}]}}}}",
            json::string(address),
            specs.join(", ")
        ),
        expected: message(address, args),
    }
}

/// What python-osc writes for a bundle timestamp of `seconds` (Unix time, a float):
/// `int((seconds + 2208988800) * 2**32)`, in the same double arithmetic.
fn python_timetag(seconds: f64) -> TimeTag {
    if seconds == 0.0 {
        return TimeTag::IMMEDIATELY; // python-osc's IMMEDIATELY
    }
    let ntp = (seconds + NTP_UNIX_OFFSET_SECS as f64) * 4_294_967_296.0;
    TimeTag::from_bits(ntp as u64) // `as` truncates toward zero, like int()
}

/// A bundle built with `OscBundleBuilder(seconds)`; it must carry `timetag`.
fn py_bundle(seconds: f64, timetag: TimeTag, elements: Vec<Spec>) -> Spec {
    assert_eq!(
        python_timetag(seconds),
        timetag,
        "test table: timetag of {seconds}"
    );
    let json: Vec<&str> = elements.iter().map(|e| e.json.as_str()).collect();
    Spec {
        json: format!(
            "{{\"bundle\": {{\"timestamp\": {seconds:?}, \"elements\": [{}]}}}}",
            json.join(", ")
        ),
        expected: bundle(timetag, elements.into_iter().map(|e| e.expected).collect()),
    }
}

/// `SimpleUDPClient.send_message(address, value)` with python-osc guessing the types.
fn py_simple(address: &'static str, value: &str, expected: Vec<Arg<'static>>) -> Spec {
    Spec {
        json: format!(
            "{{\"simple\": {{\"address\": {}, \"value\": {value}}}}}",
            json::string(address)
        ),
        expected: message(address, expected),
    }
}

/// Runs `pyosc_send.py` with `specs`, receives what it sends and checks every packet.
/// Returns its report.
fn python_to_us(specs: Vec<Spec>) -> Json {
    let python = venv_python();
    let socket = bind_local();
    let port = local_port(&socket);
    let packets: Vec<&str> = specs.iter().map(|s| s.json.as_str()).collect();
    let input = format!("{{\"packets\": [{}]}}", packets.join(",\n"));
    let mut command = Command::new(python);
    command
        .arg(peer_file("pyosc_send.py"))
        .arg(port.to_string());
    let out = run_bounded("pyosc_send.py", command, Some(input.into_bytes()));
    assert!(
        out.status.success(),
        "pyosc_send.py: {:?}\nstderr:\n{}",
        out.status,
        out.stderr_text()
    );
    let report =
        json::parse(&out.stdout_text()).unwrap_or_else(|e| panic!("{e}: {:?}", out.stdout_text()));
    assert_version(&report);
    assert_eq!(report.get("sent").int(), specs.len() as i128);

    // Matched by first address rather than arrival order (each test packet has its own).
    let mut expected: Vec<(String, Pkt, Vec<u8>)> = specs
        .iter()
        .map(|s| {
            let owned = pkt(&s.expected);
            (key(&owned), owned, encode(&s.expected))
        })
        .collect();
    for _ in 0..specs.len() {
        let (bytes, _) = recv_datagram(&socket, "a packet from python-osc");
        let got = decode(&bytes);
        let k = key(&got);
        let index = expected
            .iter()
            .position(|(key, _, _)| *key == k)
            .unwrap_or_else(|| panic!("unexpected packet {got:?}\nbytes: {}", hex(&bytes)));
        let (_, want, want_bytes) = expected.swap_remove(index);
        assert_eq!(got, want, "{k}: decoded values\nbytes: {}", hex(&bytes));
        assert_eq!(
            hex(&bytes),
            hex(&want_bytes),
            "{k}: python-osc's bytes vs ours"
        );
    }
    assert!(expected.is_empty());
    report
}

#[test]
fn python_osc_sends_every_builder_type() {
    let long = long_ascii(4000);
    let blob: &'static [u8] = leak((0..=255u8).cycle().take(1000).collect());
    python_to_us(vec![
        py_message(
            "/py/int",
            vec![
                Arg::Int(i32::MIN),
                Arg::Int(i32::MAX),
                Arg::Int(0),
                Arg::Int(-1),
            ],
        ),
        py_message(
            "/py/long",
            vec![Arg::Long(i64::MIN), Arg::Long(i64::MAX), Arg::Long(0)],
        ),
        py_message(
            "/py/float",
            vec![
                Arg::Float(3.5),
                Arg::Float(-0.0),
                Arg::Float(f32::INFINITY),
                Arg::Float(f32::NEG_INFINITY),
                Arg::Float(f32::from_bits(0x7fc0_0000)),
                Arg::Float(f32::from_bits(0xffc0_0000)),
                Arg::Float(f32::from_bits(0x7fc0_0001)), // payload survives f32→f64→f32
                Arg::Float(f32::from_bits(1)),
                Arg::Float(f32::MAX),
                Arg::Float(0.1),
            ],
        ),
        py_message(
            "/py/double",
            vec![
                Arg::Double(0.1),
                Arg::Double(-0.0),
                Arg::Double(f64::MIN_POSITIVE),
                Arg::Double(f64::from_bits(1)),
                Arg::Double(f64::MAX),
                Arg::Double(f64::NEG_INFINITY),
                Arg::Double(f64::from_bits(0x7ff8_0000_0000_0000)),
            ],
        ),
        py_message(
            "/py/string",
            vec![
                Arg::String(""),
                Arg::String("a"),
                Arg::String("abc"),
                Arg::String("abcd"),
                Arg::String("héllo ✓ 🎛"),
                Arg::String(long),
            ],
        ),
        py_message(
            "/py/blob",
            vec![
                Arg::Blob(&[0]),
                Arg::Blob(&[1, 2, 3]),
                Arg::Blob(&[1, 2, 3, 4]),
                Arg::Blob(&[0xff, 0, 0x80, 0x7f, 1]),
                Arg::Blob(blob),
            ],
        ),
        py_message(
            "/py/small",
            vec![
                rgba(0x11, 0x22, 0x33, 0x44),
                rgba(0xff, 0xff, 0xff, 0xff),
                rgba(0, 0, 0, 0),
                midi(1, 0x90, 0x40, 0x7f),
                midi(0xff, 0, 0xff, 0),
                Arg::True,
                Arg::False,
                Arg::Nil,
            ],
        ),
        py_message("/py/none", vec![]),
        py_message("/a", vec![Arg::Int(1)]),
        py_message("/abc", vec![Arg::Int(2)]),
    ]);
}

#[test]
fn python_osc_sends_arrays() {
    python_to_us(vec![
        py_message(
            "/py/array",
            vec![
                Arg::Int(1),
                array(vec![
                    Arg::Int(2),
                    array(vec![Arg::String("deep"), array(vec![]), Arg::Double(-1.5)]),
                    Arg::Blob(&[9, 8, 7]),
                    Arg::True,
                    Arg::Nil,
                ]),
                array(vec![]),
                Arg::Float(1.5),
            ],
        ),
        py_message(
            "/py/array/only",
            vec![array(vec![Arg::String("x"), Arg::Long(-2)])],
        ),
    ]);
}

#[test]
fn python_osc_sends_bundles_with_their_timetags() {
    // Dyadic fractions keep python-osc's float timestamps exact.
    let past = TimeTag::new(3_908_988_800, 0x8000_0000); // Unix 1700000000.5
    let future = TimeTag::new(4_288_988_800, 0x4000_0000); // Unix 2080000000.25
    let later = TimeTag::new(4_288_988_800, 0xc000_0000); // Unix 2080000000.75
    python_to_us(vec![
        py_bundle(
            0.0,
            TimeTag::IMMEDIATELY,
            vec![
                py_message("/bundle/immediate/1", vec![Arg::Int(1)]),
                py_message("/bundle/immediate/2", vec![Arg::String("two")]),
            ],
        ),
        py_bundle(
            1_700_000_000.5,
            past,
            vec![
                py_message("/bundle/past/1", vec![Arg::Float(0.5)]),
                py_bundle(
                    2_080_000_000.25,
                    future,
                    vec![
                        py_message("/bundle/future/1", vec![Arg::Long(5)]),
                        py_bundle(
                            2_080_000_000.75,
                            later,
                            vec![py_message("/bundle/later/1", vec![Arg::True])],
                        ),
                    ],
                ),
                py_message("/bundle/past/2", vec![array(vec![Arg::Int(3)])]),
            ],
        ),
        // A non-dyadic time: python-osc's double arithmetic decides the fraction (modelled in
        // `python_timetag`); here 0.1 s comes out as 0x19999800, not 0x1999999a.
        py_bundle(
            1_700_000_000.1,
            TimeTag::new(3_908_988_800, 0x1999_9800),
            vec![py_message("/bundle/tenth", vec![])],
        ),
    ]);
}

#[test]
fn python_osc_guesses_types_in_send_message() {
    // Known python-osc 1.10.2 behaviour: an int whose bit_length() exceeds 31 becomes `h`,
    // so i32::MIN goes out as int64; floats always go out as `f`; a 4-tuple is MIDI; a
    // list is an array; `None` as the whole value means "no arguments", inside a list `N`.
    python_to_us(vec![
        py_simple(
            "/simple/mixed",
            "[2147483647, -2147483648, 1099511627776, {\"float\": \"4004000000000000\"}, \"x\", \
             {\"blob\": \"0102\"}, true, false, null, [1, \"y\", []], {\"midi\": [1, 144, 64, 127]}]",
            vec![
                Arg::Int(i32::MAX),
                Arg::Long(i64::from(i32::MIN)),
                Arg::Long(1 << 40),
                Arg::Float(2.5),
                Arg::String("x"),
                Arg::Blob(&[1, 2]),
                Arg::True,
                Arg::False,
                Arg::Nil,
                array(vec![Arg::Int(1), Arg::String("y"), array(vec![])]),
                midi(1, 144, 64, 127),
            ],
        ),
        py_simple("/simple/scalar", "\"just a string\"", vec![Arg::String("just a string")]),
        py_simple("/simple/none", "null", vec![]),
    ]);
}

#[test]
fn python_osc_builder_refuses_types_it_lacks() {
    let report = python_to_us(vec![py_message("/refusals", vec![Arg::Int(0)])]);
    let refused = report.get("refused");
    let not_supported = "ValueError: arg_type must be one of ('f', 'd', 'i', 'h', 'b', 's', 'r', \
                         'm', 'T', 'F', 'N'), or an array of valid types";
    for tag in ["t", "S", "c", "I"] {
        assert_eq!(
            refused.get(tag).str(),
            not_supported,
            "python-osc's builder and `{tag}`"
        );
    }
    assert_eq!(
        refused.get("empty blob").str(),
        "BuildError: Could not build the message: Blob value cannot be empty"
    );
}

// ---- us → python-osc ----------------------------------------------------------------------

/// A decoded value as python-osc represents it.
#[derive(Clone, PartialEq, Debug)]
enum Py {
    None,
    Bool(bool),
    Int(i128),
    /// A Python float (a double), by bits.
    Float(F64),
    Str(String),
    Bytes(Vec<u8>),
    Midi([u8; 4]),
    TimeTag {
        seconds: u32,
        fraction: u32,
    },
    List(Vec<Py>),
}

/// A decoded packet as python-osc represents it.
#[derive(Clone, PartialEq, Debug)]
enum PyPacket {
    Message {
        address: String,
        args: Vec<Py>,
    },
    Bundle {
        timestamp: PyTime,
        elements: Vec<PyPacket>,
    },
}

/// `OscBundle.timestamp`: python-osc's `IMMEDIATELY` (0) or Unix seconds as a float.
#[derive(Clone, Copy, PartialEq, Debug)]
enum PyTime {
    Immediate,
    Seconds(F64),
}

/// What python-osc makes of `arg`.
fn py_value(arg: &Arg<'_>) -> Py {
    match *arg {
        Arg::Int(v) => Py::Int(v.into()),
        Arg::Long(v) => Py::Int(v.into()),
        Arg::Color(c) => Py::Int(u32::from_be_bytes(c.to_bytes()).into()), // `r` is a uint32
        Arg::Float(v) => Py::Float(F64(f64::from(v).to_bits())),
        Arg::Double(v) => Py::Float(F64(v.to_bits())),
        Arg::String(s) => Py::Str(s.to_owned()),
        Arg::Blob(b) => Py::Bytes(b.to_vec()),
        Arg::Midi(m) => Py::Midi(m.to_bytes()),
        Arg::TimeTag(t) => Py::TimeTag {
            seconds: t.seconds,
            fraction: t.fraction,
        },
        Arg::True => Py::Bool(true),
        Arg::False => Py::Bool(false),
        Arg::Nil => Py::None,
        Arg::Array(items) => Py::List(items.iter().map(|i| py_value(&i.unwrap())).collect()),
        Arg::Symbol(_) | Arg::Char(_) | Arg::Impulse => {
            panic!(
                "python-osc skips `{}`: assert that case explicitly",
                char::from(arg.tag())
            )
        }
    }
}

/// `OscBundle.timestamp` for `timetag`: `timetag * 2**-32 - 2208988800` in doubles.
fn py_time(timetag: TimeTag) -> PyTime {
    if timetag.is_immediate() {
        return PyTime::Immediate;
    }
    let seconds = timetag.to_bits() as f64 * (1.0 / 4_294_967_296.0) - NTP_UNIX_OFFSET_SECS as f64;
    PyTime::Seconds(F64(seconds.to_bits()))
}

fn py_packet(packet: &Packet<'_>) -> PyPacket {
    match packet {
        Packet::Message(m) => PyPacket::Message {
            address: m.address().to_owned(),
            args: m.args().map(|a| py_value(&a.unwrap())).collect(),
        },
        Packet::Bundle(b) => PyPacket::Bundle {
            timestamp: py_time(b.timetag()),
            elements: b.elements().map(|e| py_packet(&e.unwrap())).collect(),
        },
    }
}

/// `OscPacket(dgram).messages` addresses: each message is timed by its innermost bundle
/// (immediate or past means "now"), then stably sorted by time.
fn py_flat(packet: &Packet<'_>) -> Vec<String> {
    fn walk(
        packet: &Packet<'_>,
        when: Option<f64>,
        now: f64,
        out: &mut Vec<(Option<f64>, String)>,
    ) {
        match packet {
            Packet::Message(m) => out.push((when, m.address().to_owned())),
            Packet::Bundle(b) => {
                let when = match py_time(b.timetag()) {
                    PyTime::Seconds(F64(bits)) if f64::from_bits(bits) >= now => {
                        Some(f64::from_bits(bits))
                    }
                    _ => None,
                };
                for element in b.elements() {
                    walk(&element.unwrap(), when, now, out);
                }
            }
        }
    }
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs_f64();
    let mut timed = Vec::new();
    walk(packet, None, now, &mut timed);
    // `None` ("now") sorts before any future time; `sort_by` is stable.
    timed.sort_by(|a, b| a.0.partial_cmp(&b.0).expect("no NaN times"));
    timed.into_iter().map(|(_, address)| address).collect()
}

fn parse_py_value(json: &Json) -> Py {
    let items = json.array();
    let kind = items[0].str();
    match kind {
        "none" => Py::None,
        "bool" => Py::Bool(items[1].bool()),
        "int" => Py::Int(items[1].int()),
        "float" => Py::Float(F64(
            u64::from_str_radix(items[1].str(), 16).expect("hex double")
        )),
        "str" => Py::Str(items[1].str().to_owned()),
        "bytes" => Py::Bytes(hex_bytes(items[1].str())),
        "midi" => {
            let bytes: Vec<u8> = items[1].array().iter().map(|b| b.int() as u8).collect();
            Py::Midi(bytes.try_into().expect("4 MIDI bytes"))
        }
        "timetag" => {
            let pair = items[1].array();
            Py::TimeTag {
                seconds: pair[0].int() as u32,
                fraction: pair[1].int() as u32,
            }
        }
        "list" => Py::List(items[1].array().iter().map(parse_py_value).collect()),
        _ => panic!("python-osc produced a value the test does not model: {json:?}"),
    }
}

fn parse_py_packet(json: &Json) -> PyPacket {
    if json.has("message") {
        let m = json.get("message");
        PyPacket::Message {
            address: m.get("address").str().to_owned(),
            args: m.get("args").array().iter().map(parse_py_value).collect(),
        }
    } else {
        let b = json.get("bundle");
        let stamp = b.get("timestamp").array();
        let timestamp = match stamp[0].str() {
            "immediate" => PyTime::Immediate,
            _ => PyTime::Seconds(F64(u64::from_str_radix(stamp[1].str(), 16).expect("hex"))),
        };
        PyPacket::Bundle {
            timestamp,
            elements: b
                .get("elements")
                .array()
                .iter()
                .map(parse_py_packet)
                .collect(),
        }
    }
}

/// What `pyosc_recv.py` reported for one datagram.
struct PyReport {
    packet: PyPacket,
    flat: Vec<String>,
    warnings: Vec<String>,
}

/// A running `pyosc_recv.py`.
struct PyReceiver {
    peer: Peer,
    socket: std::net::UdpSocket,
    to: std::net::SocketAddr,
}

impl PyReceiver {
    fn start(count: usize) -> PyReceiver {
        let mut command = Command::new(venv_python());
        command
            .arg(peer_file("pyosc_recv.py"))
            .arg(count.to_string());
        let mut peer = Peer::spawn("pyosc_recv.py", command, None);
        let ready = peer.expect_line(WAIT, "the receiver's port");
        let ready = json::parse(&String::from_utf8_lossy(&ready)).expect("ready line");
        assert_version(&ready);
        let port = u16::try_from(ready.get("port").int()).expect("a port number");
        PyReceiver {
            peer,
            socket: bind_local(),
            to: ([127, 0, 0, 1], port).into(),
        }
    }

    /// Sends `bytes` and waits for python-osc's report on them.
    fn exchange(&mut self, bytes: &[u8], what: &str) -> PyReport {
        self.socket.send_to(bytes, self.to).expect("send to python");
        let line = self.peer.expect_line(WAIT, what);
        let text = String::from_utf8(line).expect("UTF-8 from python");
        let json = json::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        if json.has("error") {
            panic!(
                "{what}: python-osc could not parse our packet: {}",
                json.get("error").str()
            );
        }
        PyReport {
            packet: parse_py_packet(json.get("packet")),
            flat: json
                .get("flat")
                .array()
                .iter()
                .map(|a| a.str().to_owned())
                .collect(),
            warnings: json
                .get("warnings")
                .array()
                .iter()
                .map(|w| w.str().to_owned())
                .collect(),
        }
    }

    fn finish(mut self) {
        let status = self.peer.wait(WAIT);
        assert!(
            status.success(),
            "pyosc_recv.py: {status:?}\n{}",
            self.peer.stderr()
        );
    }
}

/// Sends each packet to python-osc and compares every value it decodes.
fn us_to_python(packets: &[Packet<'_>]) {
    let mut receiver = PyReceiver::start(packets.len());
    for packet in packets {
        let what = key(&pkt(packet));
        let report = receiver.exchange(&encode(packet), &what);
        assert_eq!(
            report.packet,
            py_packet(packet),
            "{what}: python-osc's values"
        );
        assert_eq!(
            report.flat,
            py_flat(packet),
            "{what}: OscPacket's message order"
        );
        assert_eq!(
            report.warnings,
            Vec::<String>::new(),
            "{what}: python-osc warned"
        );
    }
    receiver.finish();
}

#[test]
fn python_osc_reads_our_scalars() {
    let long = long_ascii(4000);
    let blob: &'static [u8] = leak((0..=255u8).rev().cycle().take(1000).collect());
    us_to_python(&[
        message(
            "/us/int",
            vec![
                Arg::Int(i32::MIN),
                Arg::Int(i32::MAX),
                Arg::Int(0),
                Arg::Long(i64::MIN),
                Arg::Long(i64::MAX),
                Arg::Long(-1),
            ],
        ),
        message(
            "/us/float",
            vec![
                Arg::Float(3.5),
                Arg::Float(-0.0),
                Arg::Float(f32::INFINITY),
                Arg::Float(f32::NEG_INFINITY),
                Arg::Float(f32::from_bits(0x7fc0_0000)),
                Arg::Float(f32::from_bits(0xffc0_0000)),
                Arg::Float(f32::from_bits(0x7fc0_0001)),
                Arg::Float(f32::from_bits(1)),
                Arg::Float(f32::MAX),
                Arg::Float(0.1),
                Arg::Double(0.1),
                Arg::Double(-0.0),
                Arg::Double(f64::MIN_POSITIVE),
                Arg::Double(f64::from_bits(1)),
                Arg::Double(f64::MAX),
                Arg::Double(f64::NAN),
            ],
        ),
        message(
            "/us/text",
            vec![
                Arg::String(""),
                Arg::String("a"),
                Arg::String("abcd"),
                Arg::String("héllo ✓ 🎛"),
                Arg::String(long),
            ],
        ),
        message(
            "/us/blob",
            vec![
                Arg::Blob(&[]),
                Arg::Blob(&[0]),
                Arg::Blob(&[1, 2, 3]),
                Arg::Blob(&[1, 2, 3, 4]),
                Arg::Blob(&[0xff, 0, 0x80, 0x7f, 1]),
                Arg::Blob(blob),
            ],
        ),
        message(
            "/us/small",
            vec![
                rgba(0x11, 0x22, 0x33, 0x44),
                rgba(0xff, 0xff, 0xff, 0xff),
                midi(1, 0x90, 0x40, 0x7f),
                midi(0xff, 0, 0xff, 0),
                Arg::TimeTag(TimeTag::IMMEDIATELY),
                Arg::TimeTag(TimeTag::new(3_908_988_800, 0x8000_0000)),
                Arg::TimeTag(TimeTag::new(u32::MAX, u32::MAX)),
                Arg::TimeTag(TimeTag::new(0, 0)),
                Arg::True,
                Arg::False,
                Arg::Nil,
            ],
        ),
        message("/us/none", vec![]),
        message("/a", vec![Arg::Int(1)]),
        message("/abc", vec![Arg::Int(2)]),
    ]);
}

#[test]
fn python_osc_reads_our_arrays() {
    us_to_python(&[
        message(
            "/us/array",
            vec![
                Arg::Int(1),
                array(vec![
                    Arg::Int(2),
                    array(vec![Arg::String("deep"), array(vec![]), Arg::Double(-1.5)]),
                    Arg::Blob(&[9, 8, 7]),
                    Arg::TimeTag(TimeTag::new(1, 2)),
                    rgba(1, 2, 3, 4),
                    Arg::True,
                    Arg::Nil,
                ]),
                array(vec![]),
                Arg::Float(1.5),
            ],
        ),
        message(
            "/us/array/only",
            vec![array(vec![array(vec![array(vec![Arg::Long(-2)])])])],
        ),
    ]);
}

#[test]
fn python_osc_reads_our_bundles() {
    let past = TimeTag::new(3_908_988_800, 0x8000_0000); // Unix 1700000000.5
    let future = TimeTag::new(4_288_988_800, 0x4000_0000); // Unix 2080000000.25
    let later = TimeTag::new(4_288_988_800, 0xc000_0000); // Unix 2080000000.75
    us_to_python(&[
        bundle(
            TimeTag::IMMEDIATELY,
            vec![
                message("/us/bundle/1", vec![Arg::Int(1)]),
                message("/us/bundle/2", vec![Arg::String("two"), Arg::Double(3.0)]),
            ],
        ),
        bundle(
            past,
            vec![
                message("/us/nested/1", vec![Arg::Int(1)]),
                bundle(
                    future,
                    vec![
                        message("/us/nested/future", vec![Arg::Float(2.5)]),
                        bundle(later, vec![message("/us/nested/later", vec![Arg::True])]),
                    ],
                ),
                message("/us/nested/2", vec![array(vec![Arg::Int(2)])]),
                bundle(past, vec![]),
            ],
        ),
        bundle(TimeTag::IMMEDIATELY, vec![]),
    ]);
}

#[test]
fn python_osc_reads_our_builder_output() {
    let mut buf = [0u8; 256];
    let mut m = MessageBuilder::new(&mut buf, "/us/built").unwrap();
    m.int(-5)
        .unwrap()
        .begin_array()
        .unwrap()
        .string("s")
        .unwrap()
        .blob(&[0xaa])
        .unwrap();
    m.end_array()
        .unwrap()
        .double(0.25)
        .unwrap()
        .color(mox_codec::osc::Rgba::default())
        .unwrap();
    m.time_tag(TimeTag::new(7, 8)).unwrap().bool(false).unwrap();
    let len = m.finish().unwrap();
    let built_message = buf[..len].to_vec();

    let mut b = BundleBuilder::new(&mut buf, TimeTag::new(3_000_000_000, 0)).unwrap();
    b.message("/us/built/1", |m| m.float(1.5).map(drop))
        .unwrap();
    b.bundle(TimeTag::new(3_000_000_001, 0x8000_0000), |inner| {
        inner
            .message("/us/built/2", |m| m.long(9)?.nil().map(drop))
            .map(drop)
    })
    .unwrap();
    let len = b.finish();
    let built_bundle = buf[..len].to_vec();

    let mut receiver = PyReceiver::start(2);
    let report = receiver.exchange(&built_message, "builder message");
    let expected = PyPacket::Message {
        address: "/us/built".into(),
        args: vec![
            Py::Int(-5),
            Py::List(vec![Py::Str("s".into()), Py::Bytes(vec![0xaa])]),
            Py::Float(F64(0.25f64.to_bits())),
            Py::Int(0),
            Py::TimeTag {
                seconds: 7,
                fraction: 8,
            },
            Py::Bool(false),
        ],
    };
    assert_eq!(report.packet, expected);
    assert_eq!(report.flat, ["/us/built"]);

    let report = receiver.exchange(&built_bundle, "builder bundle");
    let seconds = |s: f64| PyTime::Seconds(F64((s - NTP_UNIX_OFFSET_SECS as f64).to_bits()));
    let expected = PyPacket::Bundle {
        timestamp: seconds(3_000_000_000.0),
        elements: vec![
            PyPacket::Message {
                address: "/us/built/1".into(),
                args: vec![Py::Float(F64(1.5f64.to_bits()))],
            },
            PyPacket::Bundle {
                timestamp: seconds(3_000_000_001.5),
                elements: vec![PyPacket::Message {
                    address: "/us/built/2".into(),
                    args: vec![Py::Int(9), Py::None],
                }],
            },
        ],
    };
    assert_eq!(report.packet, expected);
    assert_eq!(report.flat, ["/us/built/1", "/us/built/2"]);
    receiver.finish();
}

#[test]
fn python_osc_known_quirks_with_our_packets() {
    let mut receiver = PyReceiver::start(5);
    let mut quirk = |packet: Packet<'static>, args: Vec<Py>, warning: &str| {
        let Packet::Message(m) = packet else {
            unreachable!()
        };
        let report = receiver.exchange(&encode(&packet), m.address());
        let expected = PyPacket::Message {
            address: m.address().to_owned(),
            args,
        };
        assert_eq!(report.packet, expected, "{}", m.address());
        assert_eq!(
            report.warnings,
            [format!("Unhandled parameter type: {warning}")]
        );
    };
    // python-osc 1.10.2 skips tags it does not know *without consuming their data*: the next
    // argument is read from the skipped one's bytes, and leftover bytes are ignored.
    // `S` "ab" (61 62 00 00) is skipped, then `i` reads those bytes: 0x61620000.
    quirk(
        message("/quirk/S", vec![Arg::Symbol("ab"), Arg::Int(5)]),
        vec![Py::Int(0x6162_0000)],
        "S",
    );
    // `c` 'A' (00 00 00 41) is skipped, then `i` reads it: 65.
    quirk(
        message("/quirk/c", vec![Arg::Char('A'), Arg::Int(7)]),
        vec![Py::Int(65)],
        "c",
    );
    // `I` has no data, so skipping it only drops it.
    quirk(
        message("/quirk/I", vec![Arg::Impulse, Arg::Int(7)]),
        vec![Py::Int(7)],
        "I",
    );
    quirk(
        message("/quirk/S/alone", vec![Arg::Symbol("x")]),
        vec![],
        "S",
    );

    // Bundle timetags become float seconds: below the float's resolution (2^-22 s at this
    // magnitude) the fraction is lost, so python-osc cannot tell these two apart.
    let exact = TimeTag::new(3_908_988_800, 0);
    let plus_one = TimeTag::new(3_908_988_800, 1);
    assert_eq!(py_time(exact), py_time(plus_one));
    let packet = bundle(plus_one, vec![message("/quirk/timetag", vec![])]);
    let report = receiver.exchange(&encode(&packet), "/quirk/timetag");
    let PyPacket::Bundle { timestamp, .. } = report.packet else {
        panic!("not a bundle")
    };
    assert_eq!(
        timestamp,
        PyTime::Seconds(F64(1_700_000_000.0f64.to_bits()))
    );
    receiver.finish();
}
