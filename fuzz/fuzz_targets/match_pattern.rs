//! `pattern NUL address` (both UTF-8) → `Pattern::new` / `Address::new` → `matches`.
//! Invariants: no panic; error offsets lie inside the string; a valid address (within the
//! pattern limits) is a valid, literal pattern that matches itself; a literal pattern
//! matches exactly the address spelled the same; every address matches the pattern with
//! each part replaced by `*`, and `//` followed by its last part.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mox_codec::osc::pattern::{Address, Pattern, PatternError, PatternLimits, MAX_PART_LEN};

fuzz_target!(|data: &[u8]| {
    let Some(nul) = data.iter().position(|&b| b == 0) else {
        return;
    };
    let (Ok(pattern), Ok(address)) = (
        std::str::from_utf8(&data[..nul]),
        std::str::from_utf8(&data[nul + 1..]),
    ) else {
        return;
    };
    let pattern = Pattern::new(pattern).map_err(|e| check_error(e, pattern));
    let address = Address::new(address).map_err(|e| check_error(e, address));
    let Ok(address) = address else { return };
    if let Ok(pattern) = pattern {
        let matched = pattern.matches(&address);
        if pattern.is_literal() {
            assert_eq!(
                matched,
                pattern.as_str() == address.as_str(),
                "literal {pattern} vs {address}"
            );
        }
    }

    let text = address.as_str();
    let parts: Vec<&str> = address.parts().collect();
    assert!(!parts.is_empty() && parts.iter().all(|part| !part.is_empty()));
    if text.len() > PatternLimits::DEFAULT.max_len || parts.iter().any(|p| p.len() > MAX_PART_LEN) {
        return;
    }
    let itself = Pattern::new(text).expect("a valid address is a valid pattern");
    assert!(
        itself.is_literal(),
        "address {text} is not a literal pattern"
    );
    assert!(
        itself.matches(&address),
        "address {text} does not match itself"
    );

    let stars = "/*".repeat(parts.len());
    assert!(
        Pattern::new(&stars)
            .expect("stars pattern")
            .matches(&address),
        "{stars} vs {text}"
    );
    let descendant = format!("//{}", parts[parts.len() - 1]);
    let descendant = Pattern::new(&descendant).expect("descendant pattern");
    assert!(descendant.matches(&address), "{descendant} vs {text}");
});

fn check_error(error: PatternError, text: &str) {
    let _ = (error.class(), error.to_string());
    if let Some(offset) = error.offset() {
        assert!(offset <= text.len(), "{error:?} past the end of {text:?}");
    }
}
