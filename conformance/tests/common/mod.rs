//! Helpers shared by the integration tests of the `mox` binary. Each test crate uses a
//! different subset, hence the `dead_code` allowance.
#![allow(dead_code)]
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `mox` with `args`, feeding `stdin`.
pub(crate) fn mox(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mox"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mox runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// Runs `mox` with `args` in `dir` (relative paths in its output are then stable).
pub(crate) fn mox_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mox"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("mox runs")
}

/// Standard output as text.
pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Standard error as text.
pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Bytes from hex without spaces.
pub(crate) fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Compares `generated` with the file at `rel` (under the repository root), or rewrites the
/// file when the environment variable `env` is set; `test` names the test target that
/// regenerates it.
pub(crate) fn matches_checked_in(rel: &str, generated: &str, env: &str, test: &str) {
    let path = root().join(rel);
    if std::env::var_os(env).is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, generated).expect("write");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{rel} is out of date. Regenerate it with\n\n    {env}=1 cargo test -p mox-conformance --test {test}\n\nand commit the result."
    );
}
