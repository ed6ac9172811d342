//! `mox`: the MOX command-line program. Each subcommand group lives in its own module
//! under [`cli`]; this file only parses arguments and maps outcomes to exit codes.
//!
//! Exit codes: 0 success, 1 the input was malformed or a check failed (the message on
//! stderr names the error), 2 usage error.
#![forbid(unsafe_code)]

mod cli;
mod input;
// The extension schema model; outside cli/ because the typed-view generator uses it too.
mod schema;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("mox: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
