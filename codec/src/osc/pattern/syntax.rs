//! Validation of addresses and patterns: one linear pass each, no recursion.
//!
//! The matcher relies on what is checked here (a leading `/`, no empty part, balanced and
//! unnested groups, parts no longer than `MAX_PART_LEN`), so every rule the matcher assumes
//! is enforced in this file.

use super::{PatternError, PatternLimits, MAX_PART_LEN};

/// Whether `byte` may appear in an address part (OSC 1.0: printable ASCII other than space
/// and `#*,/?[]{}`). Pattern literals are the same set, since nothing else could match.
pub(super) const fn is_name_char(byte: u8) -> bool {
    matches!(byte, b'!'..=b'~')
        && !matches!(
            byte,
            b'#' | b'*' | b',' | b'/' | b'?' | b'[' | b']' | b'{' | b'}'
        )
}

pub(super) fn check_address(bytes: &[u8]) -> Result<(), PatternError> {
    if bytes.first() != Some(&b'/') {
        return Err(PatternError::AddressNoLeadingSlash);
    }
    let mut part_start = 1;
    for (offset, &byte) in bytes.iter().enumerate().skip(1) {
        if byte == b'/' {
            if offset == part_start {
                return Err(PatternError::AddressEmptyPart { offset });
            }
            part_start = offset + 1;
        } else if !is_name_char(byte) {
            return Err(PatternError::AddressInvalidChar { offset, byte });
        }
    }
    if part_start == bytes.len() {
        return Err(PatternError::AddressEmptyPart { offset: part_start });
    }
    Ok(())
}

pub(super) fn check_pattern(bytes: &[u8], limits: PatternLimits) -> Result<(), PatternError> {
    if bytes.first() != Some(&b'/') {
        return Err(PatternError::NoLeadingSlash);
    }
    if bytes.len() > limits.max_len {
        return Err(PatternError::TooLong {
            len: bytes.len(),
            max: limits.max_len,
        });
    }
    let max_part = if limits.max_part_len < MAX_PART_LEN {
        limits.max_part_len
    } else {
        MAX_PART_LEN
    };
    // Invariant at the top of the loop: `bytes[sep]` is a '/' that starts a separator.
    let mut sep = 0;
    loop {
        let mut start = sep + 1;
        if bytes.get(start) == Some(&b'/') {
            start += 1;
        }
        let end = check_part(bytes, start)?;
        if end == start {
            return Err(PatternError::EmptyPart { offset: start });
        }
        if end - start > max_part {
            return Err(PatternError::PartTooLong {
                offset: start,
                max: max_part,
            });
        }
        if end >= bytes.len() {
            return Ok(());
        }
        sep = end;
    }
}

/// Checks the part starting at `start`; returns the offset of the '/' that ends it, or the
/// pattern's length.
fn check_part(bytes: &[u8], start: usize) -> Result<usize, PatternError> {
    let mut i = start;
    while let Some(&byte) = bytes.get(i) {
        i = match byte {
            b'/' => break,
            b'[' => check_bracket(bytes, i)?,
            b'{' => check_brace(bytes, i)?,
            b']' => return Err(PatternError::UnmatchedBracket { offset: i }),
            b'}' => return Err(PatternError::UnmatchedBrace { offset: i }),
            b'*' | b'?' => i + 1,
            _ if is_name_char(byte) => i + 1,
            _ => return Err(PatternError::InvalidChar { offset: i, byte }),
        };
    }
    Ok(i)
}

/// Checks a character listed inside a bracket, which is reported by what it would have
/// meant outside: a group opener is nesting, anything else unmatchable is invalid.
fn check_member(bytes: &[u8], open: usize, offset: usize) -> Result<u8, PatternError> {
    match bytes.get(offset) {
        None | Some(b'/') => Err(PatternError::UnclosedBracket { offset: open }),
        Some(b'[' | b'{') => Err(PatternError::NestedGroup { offset }),
        Some(&byte) if is_name_char(byte) => Ok(byte),
        Some(&byte) => Err(PatternError::InvalidChar { offset, byte }),
    }
}

/// Checks the bracket opening at `open`; returns the offset after its `]`.
fn check_bracket(bytes: &[u8], open: usize) -> Result<usize, PatternError> {
    let mut i = open + 1;
    if bytes.get(i) == Some(&b'!') {
        i += 1;
    }
    let first = i;
    loop {
        if bytes.get(i) == Some(&b']') {
            if i == first {
                return Err(PatternError::EmptyBracket { offset: open });
            }
            return Ok(i + 1);
        }
        let low = check_member(bytes, open, i)?;
        // A '-' between two members makes a range; a '-' first or last is a literal.
        if bytes.get(i + 1) == Some(&b'-') && !matches!(bytes.get(i + 2), Some(b']')) {
            let high = check_member(bytes, open, i + 2)?;
            if high < low {
                return Err(PatternError::ReversedRange { offset: i });
            }
            i += 3;
        } else {
            i += 1;
        }
    }
}

/// Checks the brace opening at `open`; returns the offset after its `}`.
fn check_brace(bytes: &[u8], open: usize) -> Result<usize, PatternError> {
    let mut i = open + 1;
    loop {
        match bytes.get(i) {
            None | Some(b'/') => return Err(PatternError::UnclosedBrace { offset: open }),
            Some(b'}') => return Ok(i + 1),
            Some(b'[' | b'{') => return Err(PatternError::NestedGroup { offset: i }),
            Some(&byte) if byte == b',' || is_name_char(byte) => i += 1,
            Some(&byte) => return Err(PatternError::InvalidChar { offset: i, byte }),
        }
    }
}
