//! `mox osc …`: decode, encode and match.
use std::io::Write;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use mox_codec::osc::pattern::{Address, Pattern};
use mox_codec::osc::{DecodeConfig, Packet};
use mox_vectors::PacketValue;

use super::CliError;
use crate::input::{read_text, to_hex, ByteInput};

#[derive(Subcommand, Debug)]
pub(crate) enum OscCommand {
    /// Decode an OSC packet and print it as JSON (the vector corpus's value form,
    /// documented in docs/cli.md) or as a human-readable dump.
    Decode {
        #[command(flatten)]
        input: ByteInput,
        /// Output form.
        #[arg(long, value_enum, default_value_t = DecodeFormat::Json)]
        format: DecodeFormat,
        /// Deepest bundle nesting accepted.
        #[arg(long, default_value_t = DecodeConfig::DEFAULT.max_bundle_depth)]
        max_bundle_depth: u8,
        /// Deepest array nesting accepted.
        #[arg(long, default_value_t = DecodeConfig::DEFAULT.max_array_depth)]
        max_array_depth: u8,
        /// Largest packet accepted, in bytes.
        #[arg(long, default_value_t = DecodeConfig::DEFAULT.max_packet_size)]
        max_packet_size: u32,
        /// Largest blob accepted, in bytes.
        #[arg(long, default_value_t = DecodeConfig::DEFAULT.max_blob_size)]
        max_blob_size: u32,
    },
    /// Encode a packet given in the JSON form `mox osc decode` prints.
    Encode {
        /// The JSON text; read from --file or stdin when absent.
        json: Option<String>,
        /// Read the JSON from FILE (`-` for stdin).
        #[arg(short, long, value_name = "FILE", conflicts_with = "json")]
        file: Option<std::path::PathBuf>,
        /// Write raw bytes instead of hex.
        #[arg(long)]
        raw: bool,
    },
    /// Match an OSC address pattern (what a message carries) against an address (a method
    /// in the receiver's address space). Exit 0 on a match, 1 on none, 2 if either is invalid.
    Match {
        /// The address pattern, e.g. `/mixer/*/fader` or `//fader`.
        pattern: String,
        /// The address, e.g. `/mixer/strip1/fader`.
        address: String,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum DecodeFormat {
    /// The JSON value form.
    Json,
    /// One line per message, bundles indented.
    Text,
}

pub(crate) fn run(command: OscCommand) -> Result<ExitCode, CliError> {
    match command {
        OscCommand::Decode {
            input,
            format,
            max_bundle_depth,
            max_array_depth,
            max_packet_size,
            max_blob_size,
        } => {
            let mut config = DecodeConfig::default();
            config.max_bundle_depth = max_bundle_depth;
            config.max_array_depth = max_array_depth;
            config.max_packet_size = max_packet_size;
            config.max_blob_size = max_blob_size;
            decode(&input.read()?, &config, format)
        }
        OscCommand::Encode { json, file, raw } => {
            let text = read_text(json, file)?;
            encode(&text, raw)
        }
        OscCommand::Match { pattern, address } => match_pattern(&pattern, &address),
    }
}

fn decode(bytes: &[u8], config: &DecodeConfig, format: DecodeFormat) -> Result<ExitCode, CliError> {
    let packet =
        Packet::decode_with(bytes, config).map_err(|e| CliError::Malformed(format!("{e}")))?;
    match format {
        DecodeFormat::Text => println!("{packet}"),
        DecodeFormat::Json => {
            let value = PacketValue::from_packet(&packet);
            let json = serde_json::to_string_pretty(&value)
                .map_err(|e| CliError::Io(format!("cannot write JSON: {e}")))?;
            println!("{json}");
        }
    }
    // What decoded is printed above (with error markers in place); the first error decides
    // the exit code.
    match packet.validate() {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => Err(CliError::Malformed(format!("{e}"))),
    }
}

fn encode(json: &str, raw: bool) -> Result<ExitCode, CliError> {
    let value: PacketValue = serde_json::from_str(json)
        .map_err(|e| CliError::Usage(format!("not a packet in the JSON form: {e}")))?;
    let bytes = mox_vectors::encode_packet(&value)
        .map_err(|e| CliError::Usage(format!("cannot encode: {e}")))?;
    let mut stdout = std::io::stdout().lock();
    let written = if raw {
        stdout.write_all(&bytes)
    } else {
        writeln!(stdout, "{}", to_hex(&bytes))
    };
    written.map_err(|e| CliError::Io(format!("cannot write output: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

fn match_pattern(pattern: &str, address: &str) -> Result<ExitCode, CliError> {
    let pattern = Pattern::new(pattern)
        .map_err(|e| CliError::Usage(format!("invalid pattern {pattern:?}: {e}")))?;
    let address = Address::new(address)
        .map_err(|e| CliError::Usage(format!("invalid address {address:?}: {e}")))?;
    if pattern.matches(&address) {
        println!("match");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("no match");
        Ok(ExitCode::from(1))
    }
}
