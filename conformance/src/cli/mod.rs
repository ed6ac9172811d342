//! Subcommand groups, one module each: later groups (`run`, …) add a module and a variant
//! here.
mod bridge;
mod envelope;
mod negotiate;
mod osc;
mod schema;
mod sysex;
mod vectors;

use std::fmt;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// MOX: versioned vendor extensions over MIDI System Exclusive and Open Sound Control.
#[derive(Parser, Debug)]
#[command(name = "mox", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Open Sound Control: decode, encode, match address patterns.
    #[command(subcommand)]
    Osc(osc::OscCommand),
    /// MIDI System Exclusive: decode streams and .syx files, 7-bit packing, checksums,
    /// chunking, USB-MIDI and UMP packets.
    #[command(subcommand)]
    Sysex(sysex::SysExCommand),
    /// MOX envelope messages: dump one (SysEx or OSC) with a receiver's verdict, or
    /// encode one from a JSON description.
    #[command(subcommand)]
    Envelope(envelope::EnvelopeCommand),
    /// Pass-through bridge between the SysEx and OSC bindings (spec chapter 13).
    #[command(subcommand)]
    Bridge(bridge::BridgeCommand),
    /// Extension schema files: check them, render their reference pages.
    #[command(subcommand)]
    Schema(schema::SchemaCommand),
    /// The golden vector corpus.
    #[command(subcommand)]
    Vectors(vectors::VectorsCommand),
    /// Version and capability negotiation (spec chapter 8): `--simulate` runs two machines
    /// over a simulated lossy link and prints the timeline.
    Negotiate(negotiate::NegotiateArgs),
}

/// Why a command failed; each maps to an exit code.
#[derive(Debug)]
pub(crate) enum CliError {
    /// The input was read but is malformed (exit 1).
    Malformed(String),
    /// A check ran and found failures (exit 1).
    CheckFailed(String),
    /// The arguments or their syntax are wrong (exit 2).
    Usage(String),
    /// A file or stream could not be read or written (exit 2).
    Io(String),
}

impl CliError {
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::Malformed(_) | CliError::CheckFailed(_) => 1,
            CliError::Usage(_) | CliError::Io(_) => 2,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Malformed(m) => write!(f, "malformed input: {m}"),
            CliError::CheckFailed(m) => f.write_str(m),
            CliError::Usage(m) => write!(f, "usage: {m}"),
            CliError::Io(m) => f.write_str(m),
        }
    }
}

pub(crate) fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Osc(command) => osc::run(command),
        Command::Envelope(command) => envelope::run(command),
        Command::Bridge(command) => bridge::run(command),
        Command::Schema(command) => schema::run(command),
        Command::Sysex(command) => sysex::run(command),
        Command::Vectors(command) => vectors::run(command),
        Command::Negotiate(args) => negotiate::run(args),
    }
}
