//! `sessionlab check SCENARIO...`: validate scenario files without running
//! them. One line per file — `ok  <file>  (<name>: <n> seeds, <duration>)`
//! on stdout, or the `file:line:column: problem` message on stderr — and
//! every file is checked even after one fails, so one run lists every problem.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::scenario::duration::format_duration;
use crate::scenario::{load_scenario, Scenario, ScenarioErrors};

use super::exit::Exit;

/// Most files one `check` accepts: a shell glob gone wrong should be refused,
/// not read for minutes.
pub const MAX_CHECK_FILES: usize = 10_000;

/// Validates each of `paths`, reporting on `out` (valid) and `err` (invalid).
/// [`Exit::Ok`] when every file is valid, [`Exit::BadInput`] otherwise.
pub fn check(paths: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    assert!(
        paths.len() <= MAX_CHECK_FILES,
        "the argument parser bounds the number of files"
    );
    let mut exit = Exit::Ok;
    for path in paths {
        match load_scenario(path) {
            Ok(scenario) => writeln!(out, "{}", ok_line(path, &scenario))?,
            Err(error) => {
                write_scenario_errors(err, &error)?;
                exit = exit.worst(Exit::BadInput);
            }
        }
    }
    out.flush()?;
    err.flush()?;
    Ok(exit)
}

/// Writes every problem of a scenario file, one line each (control
/// characters escaped, so a file cannot drive the terminal).
pub fn write_scenario_errors(err: &mut dyn Write, errors: &ScenarioErrors) -> std::io::Result<()> {
    for line in errors.lines() {
        writeln!(err, "{}", printable(&line))?;
    }
    Ok(())
}

/// The line `check` prints for a valid file.
pub fn ok_line(path: &Path, scenario: &Scenario) -> String {
    let meta = &scenario.meta;
    let seeds = meta.seeds.len();
    let noun = if seeds == 1 { "seed" } else { "seeds" };
    format!(
        "ok  {}  ({}: {seeds} {noun}, {})",
        printable(&path.display().to_string()),
        printable(&meta.name),
        format_duration(meta.duration)
    )
}

/// `text` with control characters (newlines, escape sequences) written as
/// Rust escapes, so that a name or path from a file keeps to one line and
/// cannot drive the terminal.
pub fn printable(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_control() {
            shown.extend(character.escape_debug());
        } else {
            shown.push(character);
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;

    const VALID: &str = "[scenario]\nname = \"tiny\"\nduration = \"90m\"\nseeds = \"5..6\"\n\
                         [population]\naccounts = 1\ndevices = [{ kind = \"phone\" }]\n";

    fn checked(paths: &[PathBuf]) -> (Exit, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = check(paths, &mut out, &mut err).expect("writing to memory");
        let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("utf-8");
        (exit, text(out), text(err))
    }

    #[test]
    fn ok_line_names_file_scenario_seeds_and_duration() {
        let scenario = parse_scenario(VALID, "tiny.toml").expect("valid");
        assert_eq!(
            ok_line(Path::new("dir/tiny.toml"), &scenario),
            "ok  dir/tiny.toml  (tiny: 1 seed, 90m)"
        );
        let many = VALID.replace("5..6", "0..20");
        let scenario = parse_scenario(&many, "tiny.toml").expect("valid");
        assert_eq!(
            ok_line(Path::new("tiny.toml"), &scenario),
            "ok  tiny.toml  (tiny: 20 seeds, 90m)"
        );
    }

    #[test]
    fn every_file_is_checked_even_after_a_failure() {
        let directory = std::env::temp_dir().join(format!("sessionlab-cli-check-{}", std::process::id()));
        std::fs::create_dir_all(&directory).expect("temp dir");
        let valid = directory.join("valid.toml");
        let invalid = directory.join("invalid.toml");
        std::fs::write(&valid, VALID).expect("write");
        std::fs::write(&invalid, "[scenario\n").expect("write");
        let missing = directory.join("missing.toml");
        let (exit, out, err) = checked(&[invalid.clone(), missing.clone(), valid.clone()]);
        std::fs::remove_dir_all(&directory).expect("clean up");
        assert_eq!(exit, Exit::BadInput);
        assert_eq!(out, format!("ok  {}  (tiny: 1 seed, 90m)\n", valid.display()));
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            format!(
                "{}:1:10: TOML syntax error: unclosed table, expected `]`",
                invalid.display()
            )
        );
        assert!(
            lines[1].starts_with(&format!("{}:1:1: cannot read the file: ", missing.display())),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn no_files_is_ok() {
        assert_eq!(checked(&[]), (Exit::Ok, String::new(), String::new()));
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\nb\u{1b}[2J\tç"), "a\\nb\\u{1b}[2J\\tç");
        assert_eq!(printable("plain ç name"), "plain ç name");
    }

    proptest::proptest! {
        #[test]
        fn printable_text_has_no_control_characters_and_keeps_the_rest(text in "\\PC{0,20}|[\\x00-\\x1f\\x7f-\\u{9f} a-zç]{0,20}") {
            let shown = printable(&text);
            proptest::prop_assert!(!shown.chars().any(char::is_control));
            if !text.chars().any(char::is_control) {
                proptest::prop_assert_eq!(shown, text);
            }
        }
    }
}
