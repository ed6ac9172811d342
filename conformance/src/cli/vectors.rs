//! `mox vectors …`: the golden vector corpus.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use mox_vectors::{Corpus, Outcome};

use super::CliError;

#[derive(Subcommand, Debug)]
pub(crate) enum VectorsCommand {
    /// Run every case of the corpus against the Rust codec and print a summary.
    Check {
        /// The corpus directory (the one holding manifest.json). Default: the corpus this
        /// program was built with.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Print every case, not only failures.
        #[arg(short, long)]
        verbose: bool,
    },
}

pub(crate) fn run(command: VectorsCommand) -> Result<ExitCode, CliError> {
    match command {
        VectorsCommand::Check { dir, verbose } => check(dir, verbose),
    }
}

fn check(dir: Option<PathBuf>, verbose: bool) -> Result<ExitCode, CliError> {
    let corpus = match dir {
        Some(dir) => Corpus::load(&dir),
        None => Corpus::load_default(),
    }
    .map_err(|e| CliError::Malformed(format!("the corpus does not load: {e}")))?;
    if verbose {
        for (file, case) in corpus.cases() {
            let verdict = match file.run_case(case) {
                Outcome::Pass => "pass".to_owned(),
                Outcome::Fail { reason } => format!("FAIL: {reason}"),
            };
            println!("{} ({}) {verdict}", case.id(), file.path);
        }
    }
    let summary = corpus.run();
    println!(
        "MOX vector corpus {}: {} cases",
        corpus.corpus_version,
        corpus.len()
    );
    println!("{summary}");
    if summary.failed > 0 {
        return Err(CliError::CheckFailed(format!(
            "{} vector cases failed",
            summary.failed
        )));
    }
    Ok(ExitCode::SUCCESS)
}
