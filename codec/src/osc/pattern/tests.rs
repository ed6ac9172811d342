//! Unit and property tests for patterns, addresses and matching.

use super::*;
use proptest::prelude::*;
use std::string::String;
use std::vec::Vec;

fn pat(s: &str) -> Pattern<'_> {
    Pattern::new(s).unwrap_or_else(|e| panic!("{s:?} should be a valid pattern: {e}"))
}

fn addr(s: &str) -> Address<'_> {
    Address::new(s).unwrap_or_else(|e| panic!("{s:?} should be a valid address: {e}"))
}

fn m(pattern: &str, address: &str) -> bool {
    pat(pattern).matches(&addr(address))
}

/// Runs the matcher and returns its step count.
fn work(pattern: &str, address: &str) -> (bool, u64) {
    let (p, a) = (pat(pattern), addr(address));
    let mut steps = 0;
    let result = matcher::matches(p.as_str().as_bytes(), a.as_str().as_bytes(), &mut steps);
    assert_eq!(result, p.matches(&a));
    (result, steps)
}

// ---------------------------------------------------------------- addresses

#[test]
fn valid_addresses() {
    for s in [
        "/a",
        "/a/b",
        "/strip/1/fader",
        "/!",
        "/-_.~",
        "/A/z/0/9",
        "/a!b$c%d&e'f(g)h+i;j<k=l>m@n\\o^p_q`r|s~t",
    ] {
        assert_eq!(addr(s).as_str(), s);
    }
}

#[test]
fn invalid_addresses() {
    use PatternError::*;
    let cases: &[(&str, PatternError)] = &[
        ("", AddressNoLeadingSlash),
        ("a", AddressNoLeadingSlash),
        ("/", AddressEmptyPart { offset: 1 }),
        ("/a/", AddressEmptyPart { offset: 3 }),
        ("/a//b", AddressEmptyPart { offset: 3 }),
        ("//a", AddressEmptyPart { offset: 1 }),
        (
            "/a b",
            AddressInvalidChar {
                offset: 2,
                byte: b' ',
            },
        ),
        (
            "/a#",
            AddressInvalidChar {
                offset: 2,
                byte: b'#',
            },
        ),
        (
            "/a*",
            AddressInvalidChar {
                offset: 2,
                byte: b'*',
            },
        ),
        (
            "/a,b",
            AddressInvalidChar {
                offset: 2,
                byte: b',',
            },
        ),
        (
            "/a?",
            AddressInvalidChar {
                offset: 2,
                byte: b'?',
            },
        ),
        (
            "/[a]",
            AddressInvalidChar {
                offset: 1,
                byte: b'[',
            },
        ),
        (
            "/a]",
            AddressInvalidChar {
                offset: 2,
                byte: b']',
            },
        ),
        (
            "/{a}",
            AddressInvalidChar {
                offset: 1,
                byte: b'{',
            },
        ),
        (
            "/a}",
            AddressInvalidChar {
                offset: 2,
                byte: b'}',
            },
        ),
        ("/a\0", AddressInvalidChar { offset: 2, byte: 0 }),
        (
            "/a\x7f",
            AddressInvalidChar {
                offset: 2,
                byte: 0x7f,
            },
        ),
        (
            "/a\tb",
            AddressInvalidChar {
                offset: 2,
                byte: b'\t',
            },
        ),
        (
            "/é",
            AddressInvalidChar {
                offset: 1,
                byte: 0xc3,
            },
        ),
    ];
    for &(s, want) in cases {
        let got = Address::new(s).unwrap_err();
        assert_eq!(got, want, "{s:?}");
        assert_eq!(got.class(), "invalid-address", "{s:?}");
    }
}

#[test]
fn address_parts() {
    let parts: Vec<&str> = addr("/strip/12/fader").parts().collect();
    assert_eq!(parts, ["strip", "12", "fader"]);
    assert_eq!(addr("/x").parts().count(), 1);
}

// ----------------------------------------------------------------- patterns

#[test]
fn valid_patterns() {
    for s in [
        "/a",
        "/*",
        "/?",
        "/a/*/c",
        "//a",
        "/a//b",
        "//a//b",
        "/[abc]",
        "/[a-z]",
        "/[!a-z]",
        "/[-a]",
        "/[a-]",
        "/[!-]",
        "/[-]",
        "/[a-a]",
        "/{a,b}",
        "/{,a}",
        "/{a,}",
        "/{}",
        "/{,}",
        "/a{b,c}d*[e-f]?",
        "/!",
        "/x!y",
        "/[!!]",
        "/{a}{b}",
        "/[a][b]",
    ] {
        assert_eq!(pat(s).as_str(), s);
    }
}

#[test]
fn invalid_patterns() {
    use PatternError::*;
    let cases: &[(&str, PatternError)] = &[
        ("", NoLeadingSlash),
        ("a/b", NoLeadingSlash),
        ("*", NoLeadingSlash),
        ("/", EmptyPart { offset: 1 }),
        ("//", EmptyPart { offset: 2 }),
        ("///a", EmptyPart { offset: 2 }),
        ("/a///b", EmptyPart { offset: 4 }),
        ("/a/", EmptyPart { offset: 3 }),
        ("/a//", EmptyPart { offset: 4 }),
        (
            "/a b",
            InvalidChar {
                offset: 2,
                byte: b' ',
            },
        ),
        (
            "/a#b",
            InvalidChar {
                offset: 2,
                byte: b'#',
            },
        ),
        (
            "/a,b",
            InvalidChar {
                offset: 2,
                byte: b',',
            },
        ),
        ("/a\0", InvalidChar { offset: 2, byte: 0 }),
        (
            "/ä",
            InvalidChar {
                offset: 1,
                byte: 0xc3,
            },
        ),
        ("/[a", UnclosedBracket { offset: 1 }),
        ("/[a/b]", UnclosedBracket { offset: 1 }),
        ("/[a-", UnclosedBracket { offset: 1 }),
        ("/[a-/]", UnclosedBracket { offset: 1 }),
        ("/[--/]x", UnclosedBracket { offset: 1 }),
        ("/x[!", UnclosedBracket { offset: 2 }),
        ("/{a,b", UnclosedBrace { offset: 1 }),
        ("/{a/b}", UnclosedBrace { offset: 1 }),
        ("/a]", UnmatchedBracket { offset: 2 }),
        ("/a}", UnmatchedBrace { offset: 2 }),
        ("/[a[b]]", NestedGroup { offset: 3 }),
        ("/[{]", NestedGroup { offset: 2 }),
        ("/[a-{]", NestedGroup { offset: 4 }),
        ("/{a{b}}", NestedGroup { offset: 3 }),
        ("/{a[b]}", NestedGroup { offset: 3 }),
        ("/[]", EmptyBracket { offset: 1 }),
        ("/[!]", EmptyBracket { offset: 1 }),
        ("/[]a]", EmptyBracket { offset: 1 }),
        ("/[z-a]", ReversedRange { offset: 2 }),
        ("/[!9-0]", ReversedRange { offset: 3 }),
        (
            "/[*]",
            InvalidChar {
                offset: 2,
                byte: b'*',
            },
        ),
        (
            "/[?]",
            InvalidChar {
                offset: 2,
                byte: b'?',
            },
        ),
        (
            "/[a,b]",
            InvalidChar {
                offset: 3,
                byte: b',',
            },
        ),
        (
            "/[ ]",
            InvalidChar {
                offset: 2,
                byte: b' ',
            },
        ),
        (
            "/[a}]",
            InvalidChar {
                offset: 3,
                byte: b'}',
            },
        ),
        (
            "/{a*,b}",
            InvalidChar {
                offset: 3,
                byte: b'*',
            },
        ),
        (
            "/{a?}",
            InvalidChar {
                offset: 3,
                byte: b'?',
            },
        ),
        (
            "/{a]}",
            InvalidChar {
                offset: 3,
                byte: b']',
            },
        ),
        (
            "/{ }",
            InvalidChar {
                offset: 2,
                byte: b' ',
            },
        ),
    ];
    for &(s, want) in cases {
        let got = Pattern::new(s).unwrap_err();
        assert_eq!(got, want, "{s:?}");
        assert_eq!(got.class(), "invalid-pattern", "{s:?}");
        assert!(got.offset().is_some_and(|o| o <= s.len()), "{s:?}");
    }
}

#[test]
fn limits() {
    let long = format!("/{}", "a".repeat(1024));
    assert_eq!(
        Pattern::new(&long),
        Err(PatternError::TooLong {
            len: 1025,
            max: 1024
        })
    );
    assert_eq!(
        Pattern::new(&long).unwrap_err().class(),
        "pattern-too-complex"
    );

    let part = format!("/x/{}", "a".repeat(256));
    let err = Pattern::new(&part).unwrap_err();
    assert_eq!(
        err,
        PatternError::PartTooLong {
            offset: 3,
            max: 255
        }
    );
    assert_eq!(err.class(), "pattern-too-complex");
    assert!(Pattern::new(&part[..part.len() - 1]).is_ok());

    let small = PatternLimits::default()
        .with_max_len(8)
        .with_max_part_len(3);
    assert!(Pattern::with_limits("/abc/def", small).is_ok());
    assert_eq!(
        Pattern::with_limits("/abc/defg", small),
        Err(PatternError::TooLong { len: 9, max: 8 })
    );
    assert_eq!(
        Pattern::with_limits("/abcd", small),
        Err(PatternError::PartTooLong { offset: 1, max: 3 })
    );
    // `//` is a separator, not part of the part.
    assert!(Pattern::with_limits("//abc", small).is_ok());

    // A ceiling above MAX_PART_LEN acts as MAX_PART_LEN.
    // Fields are public too, for configuration structs built field by field.
    let mut big = PatternLimits::DEFAULT;
    big.max_len = usize::MAX;
    big.max_part_len = usize::MAX;
    assert_eq!(
        Pattern::with_limits(&part, big),
        Err(PatternError::PartTooLong {
            offset: 3,
            max: MAX_PART_LEN
        })
    );
    assert_eq!(PatternLimits::default(), PatternLimits::DEFAULT);
}

#[test]
fn display_and_conversions() {
    use core::fmt::Write;
    let mut s = String::new();
    write!(s, "{} {}", pat("/a/*"), addr("/a/b")).unwrap();
    assert_eq!(s, "/a/* /a/b");
    assert_eq!(Pattern::try_from("/x").unwrap().as_ref(), "/x");
    assert_eq!(Address::try_from("/x").unwrap().as_ref(), "/x");
    assert!(Address::try_from("/*").is_err());
    let errors = [
        PatternError::AddressNoLeadingSlash,
        PatternError::AddressEmptyPart { offset: 1 },
        PatternError::AddressInvalidChar {
            offset: 1,
            byte: b'*',
        },
        PatternError::NoLeadingSlash,
        PatternError::EmptyPart { offset: 1 },
        PatternError::InvalidChar {
            offset: 1,
            byte: b' ',
        },
        PatternError::UnclosedBracket { offset: 1 },
        PatternError::UnclosedBrace { offset: 1 },
        PatternError::UnmatchedBracket { offset: 1 },
        PatternError::UnmatchedBrace { offset: 1 },
        PatternError::NestedGroup { offset: 1 },
        PatternError::EmptyBracket { offset: 1 },
        PatternError::ReversedRange { offset: 1 },
        PatternError::TooLong { len: 2, max: 1 },
        PatternError::PartTooLong { offset: 1, max: 1 },
    ];
    for e in errors {
        s.clear();
        write!(s, "{e}").unwrap();
        assert!(!s.is_empty());
        let _: &dyn core::error::Error = &e;
    }
}

#[test]
fn is_literal() {
    assert!(pat("/a/b-c").is_literal());
    assert!(pat("/!").is_literal());
    for s in ["/a*", "/?", "/[a]", "/{a}", "//a", "/a//b"] {
        assert!(!pat(s).is_literal(), "{s}");
    }
}

// ----------------------------------------------------------------- matching

#[test]
fn literal() {
    assert!(m("/a", "/a"));
    assert!(m("/a/b", "/a/b"));
    assert!(!m("/a", "/A"));
    assert!(!m("/a", "/ab"));
    assert!(!m("/ab", "/a"));
    assert!(!m("/a", "/a/b"));
    assert!(!m("/a/b", "/a"));
    assert!(!m("/a/b", "/b/a"));
}

#[test]
fn question_mark() {
    assert!(m("/?", "/a"));
    assert!(m("/a?c", "/abc"));
    assert!(m("/???", "/xyz"));
    assert!(!m("/?", "/ab"));
    assert!(!m("/??", "/a"));
    assert!(!m("/a?", "/a"));
    // `?` never crosses a part boundary.
    assert!(!m("/a?b", "/a/b"));
}

#[test]
fn star() {
    // The rosc PR#66 pitfall: `*` matches the empty string.
    assert!(m("/a*", "/a"));
    assert!(m("/*a", "/a"));
    assert!(m("/a*b", "/ab"));
    assert!(m("/*", "/anything"));
    assert!(m("/**", "/x"));
    assert!(m("/*/*", "/a/b"));
    assert!(m("/a*", "/abc"));
    assert!(m("/*c", "/abc"));
    assert!(m("/a*c", "/abbbc"));
    assert!(m("/*b*", "/abc"));
    assert!(m("/*a*a*", "/aa"));
    assert!(m("/a*a*a", "/aaa"));
    assert!(!m("/a*a*a", "/aa"));
    assert!(!m("/*", "/a/b"));
    assert!(!m("/a*", "/b"));
    assert!(!m("/*b", "/abc"));
    assert!(!m("/a/*", "/a"));
}

#[test]
fn brackets() {
    assert!(m("/[abc]", "/b"));
    assert!(!m("/[abc]", "/d"));
    assert!(m("/[a-c]", "/a"));
    assert!(m("/[a-c]", "/c"));
    assert!(!m("/[a-c]", "/d"));
    assert!(m("/[0-9][0-9]", "/42"));
    assert!(m("/[a-a]", "/a"));
    assert!(m("/[a-cx]", "/x"));
    assert!(m("/[xa-c]", "/b"));
    assert!(!m("/[!abc]", "/a"));
    assert!(m("/[!abc]", "/d"));
    assert!(!m("/[!a-z]", "/q"));
    assert!(m("/[!a-z]", "/Q"));
    assert!(m("/[!!]", "/a"));
    assert!(!m("/[!!]", "/!"));
    // A `-` first or last is literal.
    assert!(m("/[-a]", "/-"));
    assert!(m("/[a-]", "/-"));
    assert!(m("/[a-]", "/a"));
    assert!(!m("/[a-]", "/b"));
    assert!(m("/[-]", "/-"));
    assert!(m("/[!-a]", "/b"));
    assert!(!m("/[!-a]", "/-"));
    assert!(!m("/[!-]", "/-"));
    // `!` later in the set is literal.
    assert!(m("/[a!]", "/!"));
    // After a range, `-x` starts a new member: `-` is literal, then `x`.
    assert!(m("/[a-c-e]", "/-"));
    assert!(m("/[a-c-e]", "/e"));
    assert!(!m("/[a-c-e]", "/d"));
    // A range over punctuation, including the range end '-' itself.
    assert!(m("/[+--]", "/-"));
    assert!(m("/[!+--]", "/."));
    // A bracket matches exactly one character.
    assert!(!m("/[ab]", "/ab"));
    assert!(m("/x[ab]y", "/xby"));
    assert!(m("/[a][b]", "/ab"));
}

#[test]
fn braces() {
    assert!(m("/{foo,bar}", "/foo"));
    assert!(m("/{foo,bar}", "/bar"));
    assert!(!m("/{foo,bar}", "/baz"));
    assert!(!m("/{foo,bar}", "/foobar"));
    assert!(m("/x{foo,bar}y", "/xbary"));
    assert!(m("/{a,ab}c", "/abc"));
    assert!(m("/{ab,a}c", "/abc"));
    assert!(m("/{ab,a}bc", "/abc"));
    assert!(m("/{a}{b}", "/ab"));
    // Empty alternatives match the empty string.
    assert!(m("/fader{,2}", "/fader"));
    assert!(m("/fader{,2}", "/fader2"));
    assert!(!m("/fader{,2}", "/fader3"));
    assert!(m("/a{}", "/a"));
    assert!(!m("/a{}", "/ab"));
    assert!(m("/a{,}b", "/ab"));
    assert!(m("/{x,}", "/x"));
    // Combined with the other operators.
    assert!(m("/{a,b}*", "/bcd"));
    assert!(m("/*{c,d}", "/abd"));
    assert!(m("/?{b,c}?", "/abc"));
    assert!(m("/{a,b}[0-9]", "/b7"));
}

#[test]
fn traversal() {
    // OSC 1.1 §3.4: `//` spans any number of parts, including none.
    assert!(m("//b", "/b"));
    assert!(m("//b", "/a/b"));
    assert!(m("//b", "/a/x/b"));
    assert!(!m("//b", "/b/a"));
    assert!(!m("//b", "/a/bb"));
    assert!(m("/a//b", "/a/b"));
    assert!(m("/a//b", "/a/x/b"));
    assert!(m("/a//b", "/a/x/y/b"));
    assert!(!m("/a//b", "/x/a/b"));
    assert!(!m("/a//b", "/a"));
    assert!(m("//a//b", "/a/b"));
    assert!(m("//a//b", "/x/a/y/b"));
    assert!(!m("//a//b", "/b/a"));
    assert!(m("//b/c", "/a/b/c"));
    assert!(m("//b/c", "/b/x/b/c"));
    assert!(!m("//b/c", "/a/b/x/c"));
    // The part after `//` may use every other operator.
    assert!(m("//f*", "/strip/1/fader"));
    assert!(m("//[0-9]/fader", "/strip/1/fader"));
    assert!(m("//{fader,ring}", "/strip/1/ring"));
    // The part must still match a whole address part.
    assert!(!m("//ade", "/strip/1/fader"));
    // Backtracking past an earlier candidate.
    assert!(m("//a/b", "/a/a/b"));
    assert!(m("//a/a/b", "/a/a/a/b"));
    assert!(!m("//a/b", "/a/a/c"));
    // The last part is anchored at the end.
    assert!(m("//x", "/x/x/x"));
    assert!(!m("//x/y", "/x/y/x"));
}

#[test]
fn wildcard_part_count() {
    assert!(m("/*/*/*", "/a/b/c"));
    assert!(!m("/*/*/*", "/a/b"));
    assert!(!m("/*/*", "/a/b/c"));
}

// ------------------------------------------------------------- bounded work

/// `C × (|pattern| + 1) × (|address| + 1)`: the documented bound with the constant this
/// implementation's step counter needs (each pass over a pattern part costs one step per
/// byte, two passes per address character).
fn bound(pattern: &str, address: &str) -> u64 {
    4 * (pattern.len() as u64 + 1) * (address.len() as u64 + 1)
}

#[test]
fn hostile_patterns_stay_within_the_bound() {
    let long_a = format!("/{}", "a".repeat(2000));
    let many_a_parts = "/a".repeat(400);
    let many_a_parts_then_c = format!("{many_a_parts}/c");
    let stars = format!("/{}b", "*a".repeat(100));
    let braces = format!("/{}b", "{,,,,,,a,aa,}*".repeat(18));
    let question_stars = format!("/{}b", "?*".repeat(100));
    let traversals = format!("{}/b", "//a".repeat(300));
    let traversal_stars = format!("{}/b", "//*a*".repeat(200));
    let traversal_braces = format!("{}//b", "//{a,aa,,}*".repeat(80));
    let brackets = format!("/{}b", "*[!b]".repeat(50));
    let cases: &[(&str, &str)] = &[
        (&stars, &long_a),
        (&braces, &long_a),
        (&question_stars, &long_a),
        (&brackets, &long_a),
        ("/*a*a*a*a*a*a*b", &long_a),
        (&traversals, &many_a_parts),
        (&traversals, &many_a_parts_then_c),
        (&traversal_stars, &many_a_parts),
        (&traversal_braces, &many_a_parts_then_c),
        ("//a//a//a//a//a//a//a//b", &many_a_parts),
        ("//*//*//*//*//*//b", &many_a_parts),
    ];
    for &(p, a) in cases {
        let (matched, steps) = work(p, a);
        assert!(!matched, "{p} / {} bytes", a.len());
        assert!(
            steps <= bound(p, a),
            "pattern of {} bytes, address of {} bytes: {steps} steps > bound {}",
            p.len(),
            a.len(),
            bound(p, a)
        );
    }
}

#[test]
fn matching_inputs_also_stay_within_the_bound() {
    let long_ab = format!("/{}b", "a".repeat(2000));
    let stars = format!("/{}b", "*a".repeat(100));
    let deep = format!("{}/b", "/a".repeat(400));
    let traversals = format!("{}/b", "//a".repeat(300));
    for (p, a) in [
        (stars.as_str(), long_ab.as_str()),
        (traversals.as_str(), deep.as_str()),
    ] {
        let (matched, steps) = work(p, a);
        assert!(matched);
        assert!(steps <= bound(p, a), "{steps} > {}", bound(p, a));
    }
}

#[test]
fn work_grows_no_faster_than_the_product() {
    // Doubling the address should at most double the work for a fixed hostile pattern,
    // which an exponential or cubic matcher would not manage.
    let pattern = "/*a*a*a*a*a*a*a*a*b";
    let (_, w1) = work(pattern, &format!("/{}", "a".repeat(500)));
    let (_, w2) = work(pattern, &format!("/{}", "a".repeat(1000)));
    assert!(w2 <= 2 * w1 + 64, "{w1} then {w2}");
    let pattern = "//a//a//a//a//a//b";
    let (_, w1) = work(pattern, &"/a".repeat(250));
    let (_, w2) = work(pattern, &"/a".repeat(500));
    assert!(w2 <= 2 * w1 + 64, "{w1} then {w2}");
}

// ------------------------------------------------------- reference matcher

/// A direct, exponential-time transcription of the rules, sharing no code with the matcher.
/// Takes strings that `Pattern::new` and `Address::new` accepted.
fn reference(pattern: &str, address: &str) -> bool {
    let mut steps: Vec<(bool, &[u8])> = Vec::new();
    let mut rest = &pattern[1..];
    loop {
        let descendant = rest.starts_with('/');
        if descendant {
            rest = &rest[1..];
        }
        let end = rest.find('/').unwrap_or(rest.len());
        steps.push((descendant, &rest.as_bytes()[..end]));
        if end == rest.len() {
            break;
        }
        rest = &rest[end + 1..];
    }
    let parts: Vec<&[u8]> = address[1..].split('/').map(str::as_bytes).collect();
    reference_steps(&steps, &parts)
}

fn reference_steps(steps: &[(bool, &[u8])], parts: &[&[u8]]) -> bool {
    let Some((&(descendant, part), rest)) = steps.split_first() else {
        return parts.is_empty();
    };
    let max_skip = if descendant { parts.len() } else { 0 };
    (0..=max_skip).any(|skip| {
        skip < parts.len()
            && reference_part(part, parts[skip])
            && reference_steps(rest, &parts[skip + 1..])
    })
}

fn reference_part(p: &[u8], a: &[u8]) -> bool {
    match p.first() {
        None => a.is_empty(),
        Some(b'*') => (0..=a.len()).any(|k| reference_part(&p[1..], &a[k..])),
        Some(b'?') => !a.is_empty() && reference_part(&p[1..], &a[1..]),
        Some(b'[') => {
            let close = 1 + p[1..].iter().position(|&c| c == b']').unwrap();
            let (negated, body) = match &p[1..close] {
                [b'!', body @ ..] => (true, body),
                body => (false, body),
            };
            let Some(&c) = a.first() else { return false };
            let mut listed = false;
            let mut j = 0;
            while j < body.len() {
                if j + 2 < body.len() && body[j + 1] == b'-' {
                    listed |= body[j] <= c && c <= body[j + 2];
                    j += 3;
                } else {
                    listed |= body[j] == c;
                    j += 1;
                }
            }
            listed != negated && reference_part(&p[close + 1..], &a[1..])
        }
        Some(b'{') => {
            let close = p.iter().position(|&c| c == b'}').unwrap();
            p[1..close]
                .split(|&c| c == b',')
                .any(|alt| a.starts_with(alt) && reference_part(&p[close + 1..], &a[alt.len()..]))
        }
        Some(&c) => a.first() == Some(&c) && reference_part(&p[1..], &a[1..]),
    }
}

#[test]
fn reference_agrees_on_the_table() {
    for (p, a) in [
        ("/a*b", "/ab"),
        ("//b", "/a/b"),
        ("/{a,ab}c", "/abc"),
        ("/[!a-c]", "/d"),
        ("/[a-]", "/-"),
    ] {
        assert_eq!(reference(p, a), m(p, a), "{p} {a}");
    }
}

// -------------------------------------------------------------- properties

const NAME_CHARS: &[u8] = b"!\"$%&'()+-.0123456789:;<=>@ABCXYZ\\^_`abcxyz|~";

fn name() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(NAME_CHARS), 1..8)
        .prop_map(|bytes| bytes.into_iter().map(char::from).collect())
}

fn address() -> impl Strategy<Value = String> {
    proptest::collection::vec(name(), 1..6)
        .prop_map(|parts| parts.iter().map(|p| format!("/{p}")).collect())
}

/// Addresses over a tiny alphabet, so random patterns hit them often.
fn small_address() -> impl Strategy<Value = String> {
    proptest::collection::vec("[ab-]{1,4}", 1..5)
        .prop_map(|parts| parts.iter().map(|p| format!("/{p}")).collect())
}

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[ab-]",
        2 => Just(String::from("?")),
        3 => Just(String::from("*")),
        2 => "\\[!?[ab-]{1,4}\\]",
        2 => "\\{[ab]{0,2}(,[ab]{0,2}){0,3}\\}",
    ]
}

fn small_pattern() -> impl Strategy<Value = String> {
    let part = proptest::collection::vec(token(), 1..5).prop_map(|t| t.concat());
    proptest::collection::vec((any::<bool>(), part), 1..5).prop_map(|steps| {
        steps
            .iter()
            .map(|(descendant, part)| format!("{}/{part}", if *descendant { "/" } else { "" }))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn agrees_with_reference(p in small_pattern(), a in small_address()) {
        // Random brackets may hold a reversed range; those are rightly rejected.
        if let Ok(pattern) = Pattern::new(&p) {
            prop_assert_eq!(pattern.matches(&addr(&a)), reference(&p, &a));
        }
    }

    #[test]
    fn random_strings_agree_with_reference(p in "/[/ab*?!,\\[\\]{}-]{0,10}", a in small_address()) {
        if let Ok(pattern) = Pattern::new(&p) {
            prop_assert_eq!(pattern.matches(&addr(&a)), reference(&p, &a));
        }
    }

    #[test]
    fn never_panics(p in any::<String>(), a in any::<String>()) {
        let pattern = Pattern::new(&p);
        let address = Address::new(&a);
        if let (Ok(pattern), Ok(address)) = (pattern, address) {
            let _ = pattern.matches(&address);
        }
        for e in [pattern.err(), address.err()].into_iter().flatten() {
            prop_assert!(e.offset().is_none_or(|o| o <= p.len().max(a.len())));
        }
    }

    #[test]
    fn every_address_is_a_pattern_matching_itself(a in address()) {
        let address = addr(&a);
        let pattern = pat(&a);
        prop_assert!(pattern.is_literal());
        prop_assert!(pattern.matches(&address));
    }

    #[test]
    fn literal_patterns_match_only_equal_addresses(p in address(), a in address()) {
        prop_assert_eq!(pat(&p).matches(&addr(&a)), p == a);
    }

    #[test]
    fn star_per_part_matches_exactly_that_many_parts(a in address(), n in 1usize..7) {
        let pattern = "/*".repeat(n);
        prop_assert_eq!(pat(&pattern).matches(&addr(&a)), addr(&a).parts().count() == n);
    }

    #[test]
    fn traversal_to_the_last_part_matches(a in address()) {
        let address = addr(&a);
        let last = address.parts().last().unwrap_or_default();
        let pattern = format!("//{last}");
        prop_assert!(pat(&pattern).matches(&address));
    }

    #[test]
    fn work_is_bounded_on_random_inputs(p in small_pattern(), a in small_address()) {
        if Pattern::new(&p).is_ok() {
            let (_, steps) = work(&p, &a);
            prop_assert!(steps <= bound(&p, &a), "{} > {}", steps, bound(&p, &a));
        }
    }
}
