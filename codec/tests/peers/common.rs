//! Helpers shared by the peer interop tests (`peers_liblo.rs`, `peers_python.rs`), included
//! with `#[path]`: locating the peers, running them with bounded waits, UDP on 127.0.0.1, and
//! owned copies of packets so failures print readable values.
//!
//! Every wait here is bounded: processes are killed when they overrun (and when a test
//! panics, through [`Peer`]'s `Drop`), sockets have read timeouts.
#![allow(dead_code)] // each test binary uses a subset

use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use mox_codec::osc::{Arg, Array, Bundle, Message, MidiMessage, Packet, Rgba, TimeTag};

/// Upper bound for any single wait on a peer (process exit, datagram, output line).
pub(crate) const WAIT: Duration = Duration::from_secs(10);

const SETUP: &str = "run `scripts/setup.sh` (or `scripts/setup.sh --minimal`) to install the \
                     OSC peers";

/// The workspace root (the directory holding `scripts/` and `.venv/`).
pub(crate) fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = path.metadata() else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// `name` found on `PATH`; fails the test (never skips it) when missing.
pub(crate) fn tool_on_path(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
        .unwrap_or_else(|| {
            panic!("`{name}` is not on PATH ({path:?}); it comes with liblo-tools: {SETUP}")
        })
}

/// `<workspace>/.venv/bin/python`; fails the test (never skips it) when missing.
pub(crate) fn venv_python() -> PathBuf {
    let python = workspace_root().join(".venv").join("bin").join("python");
    assert!(
        is_executable(&python),
        "{} is missing: {SETUP}",
        python.display()
    );
    python
}

/// A file next to this one (`codec/tests/peers/NAME`).
pub(crate) fn peer_file(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("peers")
        .join(name);
    assert!(path.is_file(), "{} is missing", path.display());
    path
}

// ---- processes --------------------------------------------------------------------------

/// What a finished process wrote.
#[derive(Debug)]
pub(crate) struct Output {
    pub(crate) status: ExitStatus,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
}

impl Output {
    pub(crate) fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    pub(crate) fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// A running peer process. Its stdout arrives line by line through a channel, its stderr
/// collects in a buffer; dropping it kills the process, so a failing test leaves nothing
/// behind.
pub(crate) struct Peer {
    name: String,
    child: Child,
    lines: mpsc::Receiver<Vec<u8>>,
    stdout_done: Option<thread::JoinHandle<()>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_done: Option<thread::JoinHandle<()>>,
}

impl Peer {
    /// Starts `command` with piped stdio; `stdin` (if any) is written and then closed.
    pub(crate) fn spawn(name: &str, mut command: Command, stdin: Option<Vec<u8>>) -> Peer {
        command.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({command:?}): {e}; {SETUP}"));
        if let (Some(data), Some(pipe)) = (stdin, child.stdin.take()) {
            thread::spawn(move || write_all_and_close(pipe, &data));
        }
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, lines) = mpsc::channel();
        let stdout_done = thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if line.last() == Some(&b'\n') {
                            line.pop();
                        }
                        if tx.send(line).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&stderr);
        let stderr_done = thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n @ 1..) = stderr_pipe.read(&mut chunk) {
                sink.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend_from_slice(&chunk[..n]);
            }
        });
        Peer {
            name: name.to_owned(),
            child,
            lines,
            stdout_done: Some(stdout_done),
            stderr,
            stderr_done: Some(stderr_done),
        }
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Everything the process wrote to stderr so far.
    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    /// The next stdout line (without its `\n`), or `None` on timeout or end of output.
    pub(crate) fn next_line(&self, timeout: Duration) -> Option<Vec<u8>> {
        self.lines.recv_timeout(timeout).ok()
    }

    /// The next stdout line; fails the test after `timeout`.
    pub(crate) fn expect_line(&mut self, timeout: Duration, waiting_for: &str) -> Vec<u8> {
        match self.lines.recv_timeout(timeout) {
            Ok(line) => line,
            Err(e) => {
                let status = self.child.try_wait().ok().flatten();
                panic!(
                    "{}: no stdout line ({e:?}) within {timeout:?} while waiting for {waiting_for}; \
                     exit status {status:?}; stderr:\n{}",
                    self.name,
                    self.stderr()
                )
            }
        }
    }

    /// Waits until stderr contains `needle`; fails the test after `timeout`.
    pub(crate) fn expect_stderr(&self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.stderr().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "{}: stderr did not show {needle:?} within {timeout:?}; stderr:\n{}",
                self.name,
                self.stderr()
            );
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// The exit status if the process has ended.
    pub(crate) fn try_exit(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Waits for the process to end by itself; kills it and fails the test after `timeout`.
    pub(crate) fn wait(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.try_exit() {
                // The pipes close with the process: let the readers drain them.
                if let Some(handle) = self.stdout_done.take() {
                    let _ = handle.join();
                }
                if let Some(handle) = self.stderr_done.take() {
                    let _ = handle.join();
                }
                return status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "{} did not finish within {timeout:?} and was killed; stderr:\n{}",
                    self.name,
                    self.stderr()
                );
            }
            thread::sleep(Duration::from_millis(2));
        }
    }

    /// All remaining stdout lines (after the process has ended).
    pub(crate) fn remaining_lines(&self) -> Vec<Vec<u8>> {
        self.lines.try_iter().collect()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn write_all_and_close(mut pipe: ChildStdin, data: &[u8]) {
    // A peer that exits early closes the pipe; its exit status tells the story.
    let _ = pipe.write_all(data);
}

/// Runs `command` to completion (bounded by [`WAIT`]; killed and failed on overrun).
pub(crate) fn run_bounded(name: &str, command: Command, stdin: Option<Vec<u8>>) -> Output {
    let mut peer = Peer::spawn(name, command, stdin);
    let status = peer.wait(WAIT);
    let mut stdout = Vec::new();
    for line in peer.remaining_lines() {
        stdout.extend_from_slice(&line);
        stdout.push(b'\n');
    }
    Output {
        status,
        stdout,
        stderr: peer.stderr().into_bytes(),
    }
}

// ---- UDP ----------------------------------------------------------------------------------

/// A UDP socket on 127.0.0.1 with a free port and a read timeout of [`WAIT`].
pub(crate) fn bind_local() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a UDP socket on 127.0.0.1");
    socket
        .set_read_timeout(Some(WAIT))
        .expect("set a read timeout");
    socket
}

pub(crate) fn local_port(socket: &UdpSocket) -> u16 {
    socket.local_addr().expect("local address").port()
}

/// The next datagram (its bytes and sender); fails the test after the socket's timeout.
pub(crate) fn recv_datagram(socket: &UdpSocket, waiting_for: &str) -> (Vec<u8>, SocketAddr) {
    let mut buf = vec![0u8; 65_536];
    match socket.recv_from(&mut buf) {
        Ok((len, from)) => {
            buf.truncate(len);
            (buf, from)
        }
        Err(e) => panic!("no datagram for {waiting_for} within {WAIT:?}: {e}"),
    }
}

// ---- values -------------------------------------------------------------------------------

/// Leaks `items` (tests only) so expected values can be `'static` and nest freely.
pub(crate) fn leak<T>(items: Vec<T>) -> &'static [T] {
    Vec::leak(items)
}

/// An array argument of `items`.
pub(crate) fn array(items: Vec<Arg<'static>>) -> Arg<'static> {
    Arg::Array(Array::new(leak(items)))
}

/// A message packet.
pub(crate) fn message(address: &'static str, args: Vec<Arg<'static>>) -> Packet<'static> {
    Packet::Message(Message::new(address, leak(args)))
}

/// A bundle packet.
pub(crate) fn bundle(timetag: TimeTag, elements: Vec<Packet<'static>>) -> Packet<'static> {
    Packet::Bundle(Bundle::new(timetag, leak(elements)))
}

pub(crate) fn midi(port: u8, status: u8, data1: u8, data2: u8) -> Arg<'static> {
    Arg::Midi(MidiMessage {
        port,
        status,
        data1,
        data2,
    })
}

pub(crate) fn rgba(r: u8, g: u8, b: u8, a: u8) -> Arg<'static> {
    Arg::Color(Rgba { r, g, b, a })
}

/// Encodes `packet` with our codec.
pub(crate) fn encode(packet: &Packet<'_>) -> Vec<u8> {
    packet
        .to_vec()
        .unwrap_or_else(|e| panic!("encode {packet:?}: {e:?}"))
}

/// Lowercase hex, grouped by 4 bytes (the OSC alignment) for readable failures.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 9 / 4 + 1);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A float compared by bit pattern (NaN equals itself, `0.0 != -0.0`), printed with its bits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct F32(pub(crate) u32);
impl fmt::Debug for F32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}f32 ({:#010x})", f32::from_bits(self.0), self.0)
    }
}

/// A double compared by bit pattern, printed with its bits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct F64(pub(crate) u64);
impl fmt::Debug for F64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}f64 ({:#018x})", f64::from_bits(self.0), self.0)
    }
}

/// An owned argument, for comparisons with readable failure output.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Val {
    Int(i32),
    Float(F32),
    String(String),
    Blob(Vec<u8>),
    Long(i64),
    TimeTag(TimeTag),
    Double(F64),
    Symbol(String),
    Char(char),
    Color(Rgba),
    Midi(MidiMessage),
    True,
    False,
    Nil,
    Impulse,
    Array(Vec<Val>),
}

/// An owned packet. `type_tags` is what the wire said for a decoded message and what the
/// arguments imply for one built from values.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Pkt {
    Message {
        address: String,
        type_tags: String,
        args: Vec<Val>,
    },
    Bundle {
        timetag: TimeTag,
        elements: Vec<Pkt>,
    },
}

/// The type-tag string `args` encode to (without the `,`).
pub(crate) fn type_tags_of(args: &[Arg<'_>]) -> String {
    let mut tags = String::new();
    for arg in args {
        push_tags(arg, &mut tags);
    }
    tags
}

fn push_tags(arg: &Arg<'_>, tags: &mut String) {
    tags.push(char::from(arg.tag()));
    if let Arg::Array(items) = arg {
        for item in items.iter() {
            push_tags(&item.expect("array item"), tags);
        }
        tags.push(']');
    }
}

/// An owned copy of `arg`; fails the test on a malformed array item.
pub(crate) fn val(arg: &Arg<'_>) -> Val {
    match *arg {
        Arg::Int(v) => Val::Int(v),
        Arg::Float(v) => Val::Float(F32(v.to_bits())),
        Arg::String(v) => Val::String(v.to_owned()),
        Arg::Blob(v) => Val::Blob(v.to_vec()),
        Arg::Long(v) => Val::Long(v),
        Arg::TimeTag(v) => Val::TimeTag(v),
        Arg::Double(v) => Val::Double(F64(v.to_bits())),
        Arg::Symbol(v) => Val::Symbol(v.to_owned()),
        Arg::Char(v) => Val::Char(v),
        Arg::Color(v) => Val::Color(v),
        Arg::Midi(v) => Val::Midi(v),
        Arg::True => Val::True,
        Arg::False => Val::False,
        Arg::Nil => Val::Nil,
        Arg::Impulse => Val::Impulse,
        Arg::Array(items) => Val::Array(
            items
                .iter()
                .map(|item| val(&item.unwrap_or_else(|e| panic!("array: {e:?}"))))
                .collect(),
        ),
    }
}

/// An owned copy of `packet`, reading every argument and element; fails the test on the
/// first decode error.
pub(crate) fn pkt(packet: &Packet<'_>) -> Pkt {
    match packet {
        Packet::Message(m) => {
            let args: Vec<Arg<'_>> = m
                .args()
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("arguments of {}: {e:?}", m.address()));
            let type_tags = match m.type_tags() {
                Some(tags) => tags.to_owned(),
                None => type_tags_of(&args),
            };
            Pkt::Message {
                address: m.address().to_owned(),
                type_tags,
                args: args.iter().map(val).collect(),
            }
        }
        Packet::Bundle(b) => Pkt::Bundle {
            timetag: b.timetag(),
            elements: b
                .elements()
                .map(|e| pkt(&e.unwrap_or_else(|e| panic!("bundle element: {e:?}"))))
                .collect(),
        },
    }
}

/// Decodes `bytes` with our codec into an owned packet; fails the test (showing the bytes)
/// on any error.
pub(crate) fn decode(bytes: &[u8]) -> Pkt {
    let packet = Packet::decode(bytes)
        .unwrap_or_else(|e| panic!("decode failed: {e:?}\nbytes: {}", hex(bytes)));
    packet
        .validate()
        .unwrap_or_else(|e| panic!("validate failed: {e:?}\nbytes: {}", hex(bytes)));
    pkt(&packet)
}

/// The current time as a timetag.
pub(crate) fn now_timetag() -> TimeTag {
    TimeTag::from_system_time(std::time::SystemTime::now()).expect("the clock is in NTP era 0")
}

/// A timetag `offset` from now.
pub(crate) fn timetag_in(offset: Duration) -> TimeTag {
    TimeTag::from_system_time(std::time::SystemTime::now() + offset)
        .expect("the clock is in NTP era 0")
}

/// A string of `len` printable ASCII characters (no quotes, no backslash, no newline).
pub(crate) fn long_ascii(len: usize) -> &'static str {
    let text: String = (0..len)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    String::leak(text)
}
