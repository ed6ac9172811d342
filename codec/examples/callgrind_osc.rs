//! Callgrind harness: runs one operation on one packet of the benchmark set N times, so that
//! `scripts/callgrind.sh` can take (instructions at N = 1001 − instructions at N = 1) / 1000
//! as the cost of one operation, with start-up and set-up cancelled out.
//!
//! ```text
//! callgrind_osc list                       # packet names, and whether rosc supports them
//! callgrind_osc dump DIR                   # write DIR/NAME.osc for the C++ oscpack harness
//! callgrind_osc OP PACKET N                # OP: decode | rosc-decode | encode | rosc-encode
//! ```
//!
//! Operations (the same functions the criterion benchmark measures, `benches/common`):
//! - `decode`: `Packet::decode`, then every value read (arguments, array items, bundle
//!   elements, recursively);
//! - `rosc-decode`: `rosc::decoder::decode_udp` (builds the owned tree, reading everything);
//! - `encode`: `Packet::encode` of the value form into a stack buffer;
//! - `rosc-encode`: `rosc::encoder::encode_into` into a `Vec` that keeps its capacity.
use std::hint::black_box;
use std::process::ExitCode;

#[path = "../benches/common/mod.rs"]
mod common;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["list"] => {
            for case in &common::CASES {
                println!("{} {} {}", case.name, case.rosc, case.bytes().len());
            }
            ExitCode::SUCCESS
        }
        ["dump", dir] => {
            for case in &common::CASES {
                let path = std::path::Path::new(dir).join(format!("{}.osc", case.name));
                if let Err(error) = std::fs::write(&path, case.bytes()) {
                    eprintln!("callgrind_osc: {}: {error}", path.display());
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        [op, name, n] => {
            let Some(case) = common::case(name) else {
                eprintln!("callgrind_osc: no packet {name:?} (try `list`)");
                return ExitCode::from(2);
            };
            let Ok(n) = n.parse::<u32>() else {
                eprintln!("callgrind_osc: N must be a number, not {n:?}");
                return ExitCode::from(2);
            };
            run(op, case, n)
        }
        _ => {
            eprintln!("usage: callgrind_osc list | dump DIR | OP PACKET N");
            ExitCode::from(2)
        }
    }
}

fn run(op: &str, case: &common::Case, n: u32) -> ExitCode {
    let bytes = case.bytes();
    if op.starts_with("rosc") && !case.rosc {
        eprintln!("callgrind_osc: rosc cannot handle {}", case.name);
        return ExitCode::from(3);
    }
    match op {
        "decode" => {
            for _ in 0..n {
                let read = common::mox_decode(black_box(&bytes));
                if black_box(read).is_err() {
                    return ExitCode::FAILURE;
                }
            }
        }
        "rosc-decode" => {
            for _ in 0..n {
                if common::rosc_decode(black_box(&bytes)).is_err() {
                    return ExitCode::FAILURE;
                }
            }
        }
        "encode" => {
            let mut buf = [0u8; 2048];
            for _ in 0..n {
                let len = common::mox_encode(black_box(&case.value), black_box(&mut buf));
                black_box(len);
            }
        }
        "rosc-encode" => {
            let value = common::rosc_value(&bytes);
            let mut out = Vec::with_capacity(2048);
            for _ in 0..n {
                let len = common::rosc_encode(black_box(&value), black_box(&mut out));
                black_box(len);
            }
        }
        _ => {
            eprintln!("callgrind_osc: unknown operation {op:?}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
