//! `mox schema …`: check extension schema files, render their reference pages, generate
//! their Rust modules, print the file format's JSON Schema (spec/schema.md, chapter 14).
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::CliError;

use crate::schema as ext_schema;

#[derive(Subcommand, Debug)]
pub(crate) enum SchemaCommand {
    /// Check an extension schema file: syntax, unknown keys, numbering, versions, fallback
    /// expressions. Prints every finding as `file:line:col` with an excerpt; exit 0 when
    /// valid (warnings allowed), 1 when invalid, 2 when the file cannot be read.
    Check {
        /// The schema file (TOML).
        file: PathBuf,
        /// An earlier published revision of the same schema: also check that FILE only
        /// appends to it inside each major (MOX-SCH-019).
        #[arg(long, value_name = "OLD")]
        previous: Option<PathBuf>,
    },
    /// Render the Markdown reference page of a valid schema file.
    Doc {
        /// The schema file (TOML).
        file: PathBuf,
        /// Write the page to OUT instead of stdout.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Generate the Rust module of a valid schema file for `mox_codec::envelope::ext`:
    /// receiver descriptions, typed messages and views, compiled fallback renderers
    /// (`no_std`, no allocation). Exit 1 when the schema is invalid or uses a feature the
    /// generator does not support yet.
    Gen {
        /// The schema file (TOML).
        file: PathBuf,
        /// Write the source to OUT instead of stdout.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Print the JSON Schema of the schema file format (spec/extensions/extension.schema.json).
    JsonSchema,
}

pub(crate) fn run(command: SchemaCommand) -> Result<ExitCode, CliError> {
    match command {
        SchemaCommand::Check { file, previous } => {
            let checked = match previous {
                None => load(&file)?,
                Some(old) => {
                    let before = load(&old)?;
                    let (Some(prev), 0) = (&before.extension, before.errors) else {
                        report(&before);
                        return Err(fail(&old, &before));
                    };
                    let source = read(&file)?;
                    ext_schema::load_against(&source, &display_name(&file), prev)
                }
            };
            report(&checked);
            if checked.errors > 0 {
                return Err(fail(&file, &checked));
            }
            println!(
                "{}: valid{}",
                file.display(),
                if checked.warnings > 0 {
                    format!(
                        " ({} warning{})",
                        checked.warnings,
                        plural(checked.warnings)
                    )
                } else {
                    String::new()
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        SchemaCommand::Doc { file, output } => {
            let checked = load(&file)?;
            let ext = valid(&file, &checked)?;
            let page = ext_schema::doc::render(ext, &display_name(&file));
            write_out(output.as_deref(), &page)
        }
        SchemaCommand::Gen { file, output } => {
            let checked = load(&file)?;
            let ext = valid(&file, &checked)?;
            let source = ext_schema::gen::generate(ext, &display_name(&file)).map_err(|e| {
                CliError::CheckFailed(format!("{}: cannot generate: {e}", file.display()))
            })?;
            write_out(output.as_deref(), &source)
        }
        SchemaCommand::JsonSchema => write_out(None, &ext_schema::json_schema()),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn fail(file: &Path, checked: &ext_schema::Checked) -> CliError {
    CliError::CheckFailed(format!(
        "{}: invalid schema ({} error{})",
        file.display(),
        checked.errors,
        plural(checked.errors)
    ))
}

/// The file name as pages cite it: relative paths unchanged, with `/` separators.
fn display_name(file: &Path) -> String {
    file.to_string_lossy().replace('\\', "/")
}

fn read(file: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(file)
        .map_err(|e| CliError::Io(format!("cannot read {}: {e}", file.display())))
}

fn load(file: &Path) -> Result<ext_schema::Checked, CliError> {
    Ok(ext_schema::load(&read(file)?, &display_name(file)))
}

/// The extension of a file without errors; otherwise its findings go to stderr and the
/// command fails (`doc` and `gen` render nothing for an invalid file).
fn valid<'c>(
    file: &Path,
    checked: &'c ext_schema::Checked,
) -> Result<&'c ext_schema::model::Extension, CliError> {
    match (&checked.extension, checked.errors) {
        (Some(ext), 0) => Ok(ext),
        _ => {
            report(checked);
            Err(fail(file, checked))
        }
    }
}

fn report(checked: &ext_schema::Checked) {
    let mut stderr = std::io::stderr().lock();
    for r in &checked.rendered {
        let _ = writeln!(stderr, "{r}\n");
    }
}

fn write_out(path: Option<&Path>, text: &str) -> Result<ExitCode, CliError> {
    match path {
        Some(p) => std::fs::write(p, text)
            .map_err(|e| CliError::Io(format!("cannot write {}: {e}", p.display())))?,
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| CliError::Io(format!("cannot write output: {e}")))?,
    }
    Ok(ExitCode::SUCCESS)
}
