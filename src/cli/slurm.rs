//! `sessionlab slurm SCENARIO... [--seeds A..B] --tasks N --out DIR
//! [--partition P] [--time T] [--submit] [--bin PATH]`: write Slurm batch
//! scripts that run the seeds as a job array of N shard tasks (`run
//! --shard I/N`) and then merge them (`merge`) into DIR, which ends up
//! holding exactly what one `run … --out DIR` writes. With `--submit`,
//! submit both (`sbatch --parsable`, the merge `--dependency=afterok:` the
//! array) and print the two job ids.
//!
//! The scripts, the shard parts (`shard-I/`), the Slurm logs (`logs/`) and
//! the merge's exit status (`merge.status`) go in a work directory beside
//! DIR, `DIR.parts/`, so that DIR holds the reports only. The scripts call
//! the binary that wrote them (or `--bin`) and the scenario files by
//! absolute path, so they run from any directory of a cluster that shares
//! the file system. Every scenario is validated with `run`'s loader
//! before anything is written; every problem exits 2.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use super::check::{printable, write_scenario_errors};
use super::run::MAX_SEEDS;
use super::slurm_script::{
    array_script, merge_script, script_safe, shell_quote, submit_script, Plan, ARRAY_SCRIPT, LOGS, MERGE_SCRIPT,
    MERGE_STATUS, SUBMIT_SCRIPT,
};
use super::Exit;
use crate::scenario::{duplicate_name, load_scenario_source, SeedRange, MAX_SHARDS};

/// Arguments of `slurm`.
#[derive(Debug, clap::Args)]
pub struct SlurmArguments {
    /// Scenario files.
    #[arg(value_name = "SCENARIO", required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Seeds to run, half-open (`0..100`); each scenario's own range by default.
    #[arg(long, value_name = "A..B", value_parser = parse_seeds)]
    pub seeds: Option<SeedRange>,
    /// Shard tasks in the job array: task I runs the seeds s with
    /// (s - A) % N == I. At most the number of seeds of each scenario.
    #[arg(long, value_name = "N", value_parser = parse_tasks)]
    pub tasks: u64,
    /// Where the merged reports go, as `run --out DIR` writes them; the
    /// scripts, shards and logs go in DIR.parts/ beside it.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Slurm partition for both jobs (`#SBATCH --partition`).
    #[arg(long, value_name = "P")]
    pub partition: Option<Partition>,
    /// Time limit of each job (`#SBATCH --time`), in Slurm's forms:
    /// minutes, M:S, H:M:S, D-H, D-H:M, D-H:M:S.
    #[arg(long, value_name = "T")]
    pub time: Option<TimeLimit>,
    /// Submit both jobs with sbatch and print their ids.
    #[arg(long)]
    pub submit: bool,
    /// The sessionlab binary the jobs run; this one by default.
    #[arg(long, value_name = "PATH")]
    pub bin: Option<PathBuf>,
}

fn parse_seeds(text: &str) -> Result<SeedRange, String> {
    SeedRange::parse(text, MAX_SEEDS).map_err(|error| error.to_string())
}

fn parse_tasks(text: &str) -> Result<u64, String> {
    let tasks: u64 = text
        .parse()
        .map_err(|_| "not a number of tasks such as 4".to_string())?;
    match tasks {
        0 => Err("no tasks: N must be at least 1".into()),
        too_many if too_many > MAX_SHARDS => Err(format!("more than {MAX_SHARDS} tasks")),
        tasks => Ok(tasks),
    }
}

/// A Slurm partition name (or a comma-separated list of them): letters,
/// digits, `_`, `-`, `.` and `,`, so it is one word in an `#SBATCH` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition(String);

impl FromStr for Partition {
    type Err = String;

    fn from_str(text: &str) -> Result<Partition, String> {
        let allowed = |character: char| character.is_ascii_alphanumeric() || "_-.,".contains(character);
        if text.is_empty() || text.len() > 128 || !text.chars().all(allowed) {
            return Err("not a partition name: letters, digits, `_`, `-`, `.` (and `,` between names)".into());
        }
        Ok(Partition(text.to_string()))
    }
}

/// A Slurm time limit as `#SBATCH --time` takes it: `M`, `M:S`, `H:M:S`,
/// `D-H`, `D-H:M` or `D-H:M:S`, each part decimal digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeLimit(String);

impl FromStr for TimeLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<TimeLimit, String> {
        let digits = |part: &str| !part.is_empty() && part.len() <= 9 && part.bytes().all(|byte| byte.is_ascii_digit());
        let (days, clock) = match text.split_once('-') {
            Some((days, clock)) => (Some(days), clock),
            None => (None, text),
        };
        let parts: Vec<&str> = clock.split(':').collect();
        let valid = days.is_none_or(digits) && (1..=3).contains(&parts.len()) && parts.iter().all(|part| digits(part));
        if !valid {
            return Err("not a Slurm time limit: minutes, M:S, H:M:S, D-H, D-H:M or D-H:M:S".into());
        }
        Ok(TimeLimit(text.to_string()))
    }
}

/// A problem that stops the command before it writes or submits
/// anything more; it exits 2 with this message.
struct Refusal(String);

impl From<String> for Refusal {
    fn from(message: String) -> Refusal {
        Refusal(message)
    }
}

/// `path` made absolute against the current directory, as text a script
/// can carry; `what` names it in the refusal.
fn absolute_text(path: &Path, what: &str, holds_logs: bool) -> Result<String, Refusal> {
    let shown = printable(&path.display().to_string());
    let absolute = std::path::absolute(path)
        .map_err(|error| format!("{what} {shown}: cannot make it an absolute path: {error}"))?;
    let text = absolute
        .to_str()
        .ok_or_else(|| format!("{what} {shown}: not UTF-8, which the scripts cannot name"))?;
    script_safe(text, holds_logs).map_err(|why| format!("{what} {shown}: {why}"))?;
    Ok(text.to_string())
}

/// The work directory beside `out`: `DIR.parts`.
fn parts_directory(out: &Path) -> Result<PathBuf, Refusal> {
    let absolute = std::path::absolute(out).map_err(|error| {
        format!(
            "--out {}: cannot make it an absolute path: {error}",
            printable(&out.display().to_string())
        )
    })?;
    let Some(name) = absolute.file_name() else {
        return Err(Refusal(format!(
            "--out {}: name a directory by its own name, so that its work directory can sit beside it",
            printable(&out.display().to_string())
        )));
    };
    let mut parts_name = OsString::from(name);
    parts_name.push(".parts");
    Ok(absolute.with_file_name(parts_name))
}

/// Every scenario loads and has at least `tasks` seeds, their names
/// differ; each problem is written to `err`.
fn check_scenarios(arguments: &SlurmArguments, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let mut exit = Exit::Ok;
    let mut names: Vec<(String, &Path)> = Vec::new();
    for path in &arguments.scenarios {
        let checked = load_scenario_source(path).and_then(|(_, scenario)| {
            match names.iter().find(|(name, _)| *name == scenario.meta.name) {
                Some((_, first)) => Err(duplicate_name(path, &scenario.meta.name, first).into()),
                None => Ok(scenario),
            }
        });
        let scenario = match checked {
            Ok(scenario) => scenario,
            Err(error) => {
                write_scenario_errors(err, &error)?;
                exit = Exit::BadInput;
                continue;
            }
        };
        let range = arguments.seeds.clone().unwrap_or_else(|| scenario.meta.seeds.clone());
        if arguments.tasks > range.len() {
            writeln!(
                err,
                "{}: --tasks {} is more than its {} seeds ({}..{}): use at most {} tasks",
                printable(&path.display().to_string()),
                arguments.tasks,
                range.len(),
                range.start(),
                range.end(),
                range.len()
            )?;
            exit = Exit::BadInput;
        }
        names.push((scenario.meta.name, path));
    }
    Ok(exit)
}

/// The plan of the scripts: every path absolute and script-safe.
fn plan(arguments: &SlurmArguments) -> Result<Plan, Refusal> {
    let binary = match &arguments.bin {
        Some(binary) => binary.clone(),
        None => std::env::current_exe()
            .map_err(|error| format!("cannot tell where this sessionlab binary is ({error}): name it with --bin"))?,
    };
    let parts = parts_directory(&arguments.out)?;
    let scenarios = arguments
        .scenarios
        .iter()
        .map(|path| absolute_text(path, "scenario", false))
        .collect::<Result<Vec<String>, Refusal>>()?;
    Ok(Plan {
        binary: absolute_text(&binary, "--bin", false)?,
        scenarios,
        seeds: arguments.seeds.clone(),
        tasks: arguments.tasks,
        out: absolute_text(&arguments.out, "--out", false)?,
        parts: absolute_text(&parts, "the work directory", true)?,
        partition: arguments.partition.as_ref().map(|partition| partition.0.clone()),
        time: arguments.time.as_ref().map(|time| time.0.clone()),
    })
}

/// Creates the work directory and its logs directory, writes the three
/// scripts, and removes a merge status left by an earlier merge.
fn write_scripts(plan: &Plan) -> Result<(), Refusal> {
    let parts = Path::new(&plan.parts);
    let logs = parts.join(LOGS);
    std::fs::create_dir_all(&logs).map_err(|error| format!("{}: cannot create it: {error}", logs.display()))?;
    for (name, text) in [
        (ARRAY_SCRIPT, array_script(plan)),
        (MERGE_SCRIPT, merge_script(plan)),
        (SUBMIT_SCRIPT, submit_script(plan)),
    ] {
        let path = parts.join(name);
        std::fs::write(&path, text).map_err(|error| format!("{}: cannot write it: {error}", path.display()))?;
        make_executable(&path)?;
    }
    let status = parts.join(MERGE_STATUS);
    match std::fs::remove_file(&status) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(Refusal(format!(
            "{}: cannot remove the status of an earlier merge: {error}",
            status.display()
        ))),
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), Refusal> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|error| Refusal(format!("{}: cannot make it executable: {error}", path.display())))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<(), Refusal> {
    Ok(())
}

/// `sbatch` on the PATH, or why not.
fn find_sbatch() -> Result<PathBuf, Refusal> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|directory| directory.join("sbatch"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            Refusal(
                "--submit: sbatch is not on the PATH: run this on a Slurm login node, or drop --submit \
                 and submit the scripts later with submit.sh"
                    .into(),
            )
        })
}

/// Runs `sbatch --parsable EXTRA... SCRIPT` in the work directory and
/// returns the job id it prints (`ID` or `ID;CLUSTER`).
fn submit(sbatch: &Path, parts: &Path, extra: &[String], script: &str) -> Result<u64, Refusal> {
    let output = Command::new(sbatch)
        .arg("--parsable")
        .args(extra)
        .arg(script)
        .current_dir(parts)
        .output()
        .map_err(|error| format!("{}: cannot run it: {error}", sbatch.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Refusal(format!(
            "sbatch refused {script} ({}): {}",
            output.status,
            printable(stderr.trim())
        )));
    }
    let id = stdout.trim().split(';').next().unwrap_or_default();
    id.parse().map_err(|_| {
        Refusal(format!(
            "sbatch accepted {script} but printed {:?}, not a job id",
            printable(stdout.trim())
        ))
    })
}

/// Runs `slurm`: checks everything, writes the scripts, and submits them
/// when asked.
pub fn slurm(arguments: &SlurmArguments, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    if check_scenarios(arguments, err)? != Exit::Ok {
        return Ok(Exit::BadInput);
    }
    match plan_and_write(arguments, out) {
        Ok(()) => {
            out.flush()?;
            Ok(Exit::Ok)
        }
        Err(Refusal(message)) => {
            out.flush()?;
            writeln!(err, "{message}")?;
            Ok(Exit::BadInput)
        }
    }
}

fn plan_and_write(arguments: &SlurmArguments, out: &mut dyn Write) -> Result<(), Refusal> {
    let plan = plan(arguments)?;
    let sbatch = arguments.submit.then(find_sbatch).transpose()?;
    write_scripts(&plan)?;
    let written = |error: std::io::Error| Refusal(format!("cannot write the output: {error}"));
    writeln!(
        out,
        "wrote {}/{{{ARRAY_SCRIPT},{MERGE_SCRIPT},{SUBMIT_SCRIPT}}}: {} shard tasks, then their merge into {}",
        plan.parts, plan.tasks, plan.out
    )
    .map_err(written)?;
    let Some(sbatch) = sbatch else {
        writeln!(
            out,
            "submit them with: bash {}",
            shell_quote(&format!("{}/{SUBMIT_SCRIPT}", plan.parts))
        )
        .map_err(written)?;
        return Ok(());
    };
    let parts = Path::new(&plan.parts);
    let array = submit(&sbatch, parts, &[], ARRAY_SCRIPT)?;
    writeln!(out, "array job {array}").map_err(written)?;
    let after = [format!("--dependency=afterok:{array}")];
    let merge = submit(&sbatch, parts, &after, MERGE_SCRIPT)
        .map_err(|Refusal(message)| Refusal(format!("{message}\ncancel the array with: scancel {array}")))?;
    writeln!(out, "merge job {merge}").map_err(written)?;
    writeln!(
        out,
        "logs in {}/{LOGS}/; the merge writes its exit status to {}/{MERGE_STATUS}",
        plan.parts, plan.parts
    )
    .map_err(written)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_limits_take_slurms_forms_only() {
        for good in ["30", "0", "10:00", "2:00:00", "1-0", "1-12:30", "7-00:00:00"] {
            assert!(good.parse::<TimeLimit>().is_ok(), "{good}");
        }
        for bad in [
            "",
            "1h",
            "1:2:3:4",
            "-1",
            "1-",
            "a-1",
            "1-2-3",
            "1 0",
            "10:",
            "1\n#SBATCH",
        ] {
            assert!(bad.parse::<TimeLimit>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn partitions_are_one_word() {
        assert!("debug".parse::<Partition>().is_ok());
        assert!("short,long-2".parse::<Partition>().is_ok());
        for bad in ["", "a b", "a\n#SBATCH --x", "p'q", "p#"] {
            assert!(bad.parse::<Partition>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tasks_are_at_least_one() {
        assert_eq!(parse_tasks("4"), Ok(4));
        assert_eq!(parse_tasks("0"), Err("no tasks: N must be at least 1".into()));
        assert!(parse_tasks("-1").is_err());
        assert!(parse_tasks("1000001").is_err());
    }

    #[test]
    fn the_work_directory_sits_beside_the_output() {
        let parts = |out: &str| {
            parts_directory(Path::new(out))
                .ok()
                .map(|path| path.display().to_string())
        };
        assert_eq!(parts("/a/out").as_deref(), Some("/a/out.parts"));
        assert_eq!(parts("/a/out/").as_deref(), Some("/a/out.parts"));
        assert_eq!(parts("/"), None);
        assert_eq!(parts("/a/.."), None);
    }
}
