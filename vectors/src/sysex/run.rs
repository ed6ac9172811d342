//! Running SysEx cases against `mox-codec`.
use crate::model::Case;
use crate::run::Outcome;

/// Runs one SysEx case.
pub(crate) fn run_case(case: &Case) -> Outcome {
    Outcome::Fail {
        reason: format!("{}: no runner yet", case.kind()),
    }
}
