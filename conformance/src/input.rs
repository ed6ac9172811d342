//! Reading byte input from a hex argument, a file or stdin.
use std::io::Read;
use std::path::PathBuf;

use crate::cli::CliError;

/// Where bytes come from: a hex argument, or a file (`-` = stdin), or stdin when neither is
/// given. File and stdin content is taken as hex text when it is only hex digits and
/// whitespace (a raw OSC packet always starts with `/` or `#`, which are not hex digits),
/// otherwise as raw bytes.
#[derive(clap::Args, Debug)]
pub(crate) struct ByteInput {
    /// The input as hex (spaces allowed), e.g. `2f610000 2c690000 00000001`.
    #[arg(value_name = "HEX")]
    hex: Option<String>,
    /// Read the input from FILE (`-` for stdin): raw bytes, or hex text.
    #[arg(short, long, value_name = "FILE", conflicts_with = "hex")]
    file: Option<PathBuf>,
}

impl ByteInput {
    pub(crate) fn read(&self) -> Result<Vec<u8>, CliError> {
        if let Some(hex) = &self.hex {
            return parse_hex(hex).map_err(CliError::Usage);
        }
        let raw = match &self.file {
            Some(path) if path.as_os_str() != "-" => std::fs::read(path)
                .map_err(|e| CliError::Io(format!("cannot read {}: {e}", path.display())))?,
            _ => {
                let mut buf = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut buf)
                    .map_err(|e| CliError::Io(format!("cannot read stdin: {e}")))?;
                buf
            }
        };
        let looks_hex = !raw.is_empty()
            && raw
                .iter()
                .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace())
            && raw.iter().any(u8::is_ascii_hexdigit);
        if looks_hex {
            let text = String::from_utf8_lossy(&raw);
            return parse_hex(&text).map_err(CliError::Usage);
        }
        Ok(raw)
    }
}

/// Parses hex digits, ignoring whitespace.
/// A text argument given inline, in a file, or (no argument, or file `-`) on stdin: the JSON
/// descriptions of `mox osc encode` and `mox envelope encode`.
pub(crate) fn read_text(
    inline: Option<String>,
    file: Option<std::path::PathBuf>,
) -> Result<String, CliError> {
    match (inline, file) {
        (Some(text), _) => Ok(text),
        (None, Some(path)) if path.as_os_str() != "-" => std::fs::read_to_string(&path)
            .map_err(|e| CliError::Io(format!("cannot read {}: {e}", path.display()))),
        _ => std::io::read_to_string(std::io::stdin())
            .map_err(|e| CliError::Io(format!("cannot read stdin: {e}"))),
    }
}

pub(crate) fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if digits.len() % 2 != 0 {
        return Err(format!(
            "hex input has an odd number of digits ({})",
            digits.len()
        ));
    }
    digits
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            let pair = std::str::from_utf8(pair).unwrap_or("??");
            u8::from_str_radix(pair, 16)
                .map_err(|_| format!("invalid hex digit pair {pair:?} at byte {i}"))
        })
        .collect()
}

/// Lower-case hex without separators.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_errors() {
        assert_eq!(parse_hex("2f61 0000\n").unwrap(), [0x2f, 0x61, 0, 0]);
        assert_eq!(to_hex(&[0x2f, 0x0a]), "2f0a");
        assert!(parse_hex("abc").unwrap_err().contains("odd number"));
        assert!(parse_hex("zz").unwrap_err().contains("\"zz\" at byte 0"));
    }
}
