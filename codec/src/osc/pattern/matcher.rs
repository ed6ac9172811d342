//! The matching algorithm (see the module documentation of `pattern` for why it is exact
//! and bounded).
//!
//! Everything here assumes input that `syntax` accepted, and stays panic-free (if wrong)
//! on anything else: all indexing goes through `get`.
//!
//! `work` counts elementary steps (one per byte visited, one per loop iteration), so tests
//! can assert the cost bound without measuring time.

use super::MAX_PART_LEN;

/// A set of byte positions `0..=MAX_PART_LEN` within one pattern part: the NFA's states.
#[derive(Clone, Copy, PartialEq, Eq)]
struct States([u64; (MAX_PART_LEN + 1).div_ceil(64)]);

impl States {
    const EMPTY: Self = Self([0; (MAX_PART_LEN + 1).div_ceil(64)]);

    fn contains(&self, position: usize) -> bool {
        self.0
            .get(position / 64)
            .is_some_and(|word| word & (1 << (position % 64)) != 0)
    }

    fn insert(&mut self, position: usize) {
        if let Some(word) = self.0.get_mut(position / 64) {
            *word |= 1 << (position % 64);
        }
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|&word| word == 0)
    }
}

/// The part that starts after the separator '/' at `separator`: the bytes up to the next
/// '/' or the end.
fn part_after<'a>(bytes: &'a [u8], separator: usize, work: &mut u64) -> &'a [u8] {
    let rest = bytes.get(separator + 1..).unwrap_or_default();
    let len = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
    *work += len as u64 + 1;
    rest.get(..len).unwrap_or_default()
}

/// Whether the pattern token at `separator` is a `//`, which stands for "skip any number
/// of address parts"; the part it governs follows at `separator + 1`.
fn is_traversal(pattern: &[u8], separator: usize) -> bool {
    pattern.get(separator + 1) == Some(&b'/')
}

/// Matches a whole pattern against a whole address.
///
/// Tokens are the pattern's separators: a `//` is a "star over parts" and each `/part` a
/// predicate on exactly one address part. This is classic wildcard matching with a single
/// backtrack point, the latest `//`: when a predicate fails, the run of parts skipped by that
/// `//` grows by one and matching resumes right after it. An earlier `//` never needs to be
/// revisited, because whatever it could skip the later one can skip too.
pub(super) fn matches(pattern: &[u8], address: &[u8], work: &mut u64) -> bool {
    // Byte offsets of the current separator in each string.
    let (mut p, mut a) = (0usize, 0usize);
    // (pattern offset of the part after the latest `//`, address offset where it resumes).
    let mut backtrack: Option<(usize, usize)> = None;
    while a < address.len() {
        *work += 1;
        if p < pattern.len() && is_traversal(pattern, p) {
            backtrack = Some((p + 1, a));
            p += 1;
            continue;
        }
        if p < pattern.len() {
            let pattern_part = part_after(pattern, p, work);
            let address_part = part_after(address, a, work);
            if part_matches(pattern_part, address_part, work) {
                p += 1 + pattern_part.len();
                a += 1 + address_part.len();
                continue;
            }
        }
        match backtrack {
            Some((resume_p, skip_from)) => {
                let skipped = part_after(address, skip_from, work);
                let resume_a = skip_from + 1 + skipped.len();
                backtrack = Some((resume_p, resume_a));
                p = resume_p;
                a = resume_a;
            }
            None => return false,
        }
    }
    p >= pattern.len()
}

/// Matches one pattern part against one address part.
fn part_matches(pattern: &[u8], address: &[u8], work: &mut u64) -> bool {
    *work += pattern.len() as u64 + 1;
    if !pattern
        .iter()
        .any(|&b| matches!(b, b'*' | b'?' | b'[' | b'{'))
    {
        *work += pattern.len().min(address.len()) as u64;
        return pattern == address;
    }
    if pattern.len() > MAX_PART_LEN {
        // Validation makes this unreachable; refusing beats matching with a truncated set.
        return false;
    }
    let mut states = States::EMPTY;
    states.insert(0);
    close(pattern, &mut states, work);
    for &byte in address {
        if states.is_empty() {
            return false;
        }
        states = step(pattern, &states, byte, work);
        close(pattern, &mut states, work);
    }
    states.contains(pattern.len())
}

/// Adds the states reachable without consuming a character. All such moves go forward
/// (`*` may match nothing, `{` enters every alternative, the end of an alternative leaves
/// the braces), so one left-to-right pass reaches the fixed point.
fn close(pattern: &[u8], states: &mut States, work: &mut u64) {
    let mut in_braces = false;
    // Whether the current `{` was entered, and whether one of its alternatives was finished.
    let (mut entered, mut finished) = (false, false);
    let mut i = 0;
    while let Some(&byte) = pattern.get(i) {
        *work += 1;
        let active = states.contains(i);
        match byte {
            b'[' => {
                // Positions inside a bracket are never states.
                i = bracket(pattern, i, None, work).0;
                continue;
            }
            b'*' if active => states.insert(i + 1),
            b'{' => {
                in_braces = true;
                entered = active;
                finished = false;
                if active {
                    states.insert(i + 1);
                }
            }
            b',' if in_braces => {
                finished |= active;
                if entered {
                    states.insert(i + 1);
                }
            }
            b'}' if in_braces => {
                in_braces = false;
                if active || finished {
                    states.insert(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// The states after consuming `byte` from `states`.
fn step(pattern: &[u8], states: &States, byte: u8, work: &mut u64) -> States {
    let mut next = States::EMPTY;
    let mut i = 0;
    while let Some(&token) = pattern.get(i) {
        *work += 1;
        let active = states.contains(i);
        match token {
            b'[' => {
                let (after, hit) = bracket(pattern, i, active.then_some(byte), work);
                if hit {
                    next.insert(after);
                }
                i = after;
                continue;
            }
            b'*' if active => next.insert(i),
            // Entering braces and ending an alternative consume nothing.
            b'{' | b',' | b'}' => {}
            b'?' if active => next.insert(i + 1),
            literal if active && literal == byte => next.insert(i + 1),
            _ => {}
        }
        i += 1;
    }
    next
}

/// Scans the bracket opening at `open`. Returns the offset after its `]` and, if `byte` is
/// given, whether the bracket matches it.
fn bracket(pattern: &[u8], open: usize, byte: Option<u8>, work: &mut u64) -> (usize, bool) {
    let mut i = open + 1;
    let negated = pattern.get(i) == Some(&b'!');
    if negated {
        i += 1;
    }
    let mut listed = false;
    loop {
        *work += 1;
        let low = match pattern.get(i) {
            Some(b']') | None => break,
            Some(&low) => low,
        };
        let range =
            pattern.get(i + 1) == Some(&b'-') && !matches!(pattern.get(i + 2), Some(b']') | None);
        let high = if range {
            pattern.get(i + 2).copied().unwrap_or(low)
        } else {
            low
        };
        if let Some(byte) = byte {
            listed |= (low..=high).contains(&byte);
        }
        i += if range { 3 } else { 1 };
    }
    (i + 1, byte.is_some() && listed != negated)
}
