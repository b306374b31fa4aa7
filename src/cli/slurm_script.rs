//! The text of the scripts `sessionlab slurm` writes: `array.sh` (a Slurm
//! job array, task I running shard I/N of the seeds), `merge.sh` (the
//! merge of every shard into the reports of one run, submitted to start
//! after the array succeeded) and `submit.sh` (both submissions, for a
//! user who did not pass `--submit`).
//!
//! Everything here is pure text from a [`Plan`] whose paths are already
//! absolute and checked ([`script_safe`]); the scripts quote every path
//! for bash ([`shell_quote`]) and, in `#SBATCH` lines, for sbatch's own
//! directive parser ([`directive_path`]).

use std::fmt::Write as _;

use crate::scenario::SeedRange;

/// What the array's log files are called inside the logs directory (`%a`
/// is Slurm's array task index).
pub const SHARD_LOG: &str = "shard-%a.out";
/// The merge job's log file inside the logs directory.
pub const MERGE_LOG: &str = "merge.out";
/// The file, beside the scripts, where the merge job writes its exit status.
pub const MERGE_STATUS: &str = "merge.status";
/// The job array's script.
pub const ARRAY_SCRIPT: &str = "array.sh";
/// The merge job's script.
pub const MERGE_SCRIPT: &str = "merge.sh";
/// The script that submits both.
pub const SUBMIT_SCRIPT: &str = "submit.sh";
/// The logs directory beside the scripts.
pub const LOGS: &str = "logs";

/// Everything the scripts name, already absolute and checked.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The sessionlab binary the jobs run.
    pub binary: String,
    /// The scenario files, in the order given.
    pub scenarios: Vec<String>,
    /// `--seeds`, passed on to every shard when given.
    pub seeds: Option<SeedRange>,
    /// Shard tasks in the array.
    pub tasks: u64,
    /// Where the merged reports go (`--out`).
    pub out: String,
    /// The work directory beside it: scripts, shard parts and logs.
    pub parts: String,
    /// `#SBATCH --partition`, if asked for.
    pub partition: Option<String>,
    /// `#SBATCH --time`, if asked for.
    pub time: Option<String>,
}

/// `text` as one bash word: single-quoted, each `'` written `'\''`.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A path as the value of an `#SBATCH --output=` line: double-quoted for
/// sbatch's directive parser (which honours quotes and backslash escapes,
/// and takes an unquoted `#` or space as the end), with `%` doubled, which
/// Slurm's file name patterns read as one `%`. `pattern` is appended
/// unescaped (it holds Slurm's `%a`).
pub fn directive_path(directory: &str, pattern: &str) -> String {
    let mut quoted = String::from("\"");
    for character in directory.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '%' => quoted.push_str("%%"),
            other => quoted.push(other),
        }
    }
    quoted.push('/');
    quoted.push_str(pattern);
    quoted.push('"');
    quoted
}

/// Why `path` cannot be written into a script, if it cannot: control
/// characters (a newline would end an `#SBATCH` line) anywhere, and a
/// backslash in the directory that holds the logs (Slurm then stops
/// expanding `%a` in their names).
pub fn script_safe(path: &str, holds_logs: bool) -> Result<(), &'static str> {
    if path.chars().any(char::is_control) {
        return Err("it holds a control character, which a script line cannot carry");
    }
    if holds_logs && path.contains('\\') {
        return Err("it holds a backslash, which stops Slurm naming each task's log");
    }
    Ok(())
}

/// The `#SBATCH` lines the user's options add to both jobs.
fn resource_lines(plan: &Plan) -> String {
    let mut lines = String::new();
    if let Some(partition) = &plan.partition {
        let _ = writeln!(lines, "#SBATCH --partition={partition}");
    }
    if let Some(time) = &plan.time {
        let _ = writeln!(lines, "#SBATCH --time={time}");
    }
    lines
}

/// The variables both job scripts start with.
fn common_variables(plan: &Plan) -> String {
    format!(
        "set -euo pipefail\nbin={}\nparts={}\n",
        shell_quote(&plan.binary),
        shell_quote(&plan.parts)
    )
}

/// `array.sh`: task I of N clears `shard-I/` and runs shard I/N into it.
pub fn array_script(plan: &Plan) -> String {
    let tasks = plan.tasks;
    let last = tasks.saturating_sub(1);
    let mut text = format!(
        "#!/bin/bash\n\
         # Written by `sessionlab slurm`: a job array of {tasks} tasks; task I runs\n\
         # shard I/{tasks} of the seeds of every scenario into shard-I/ beside this\n\
         # script, for merge.sh. submit.sh submits both.\n\
         #SBATCH --job-name=sessionlab-shards\n\
         #SBATCH --array=0-{last}\n\
         #SBATCH --output={}\n",
        directive_path(&format!("{}/{LOGS}", plan.parts), SHARD_LOG)
    );
    text.push_str(&resource_lines(plan));
    text.push_str(&common_variables(plan));
    text.push_str(
        "task=\"${SLURM_ARRAY_TASK_ID:?is set by Slurm in each task of the array}\"\n\
         rm -rf -- \"$parts/shard-$task\"\n\
         exec \"$bin\" run \\\n",
    );
    for scenario in &plan.scenarios {
        let _ = writeln!(text, "  {} \\", shell_quote(scenario));
    }
    let seeds = plan
        .seeds
        .as_ref()
        .map(|seeds| format!("--seeds {}..{} ", seeds.start(), seeds.end()))
        .unwrap_or_default();
    let _ = writeln!(
        text,
        "  {seeds}--shard \"$task/{tasks}\" --out \"$parts/shard-$task\" --jobs \"${{SLURM_CPUS_PER_TASK:-1}}\""
    );
    text
}

/// `merge.sh`: merges `shard-0/` … `shard-(N-1)/` into `--out`, writes the
/// merge's exit status into `merge.status` and exits with it.
pub fn merge_script(plan: &Plan) -> String {
    let tasks = plan.tasks;
    let mut text = format!(
        "#!/bin/bash\n\
         # Written by `sessionlab slurm`: merges the {tasks} shards of array.sh into\n\
         # the reports of one run and judges [expect]. Its exit status (0; 1 when\n\
         # an expectation failed or an oracle was violated; 2 when the shards do\n\
         # not make a whole) is also written to {MERGE_STATUS} beside this script.\n\
         #SBATCH --job-name=sessionlab-merge\n\
         #SBATCH --output={}\n\
         #SBATCH --kill-on-invalid-dep=yes\n",
        directive_path(&format!("{}/{LOGS}", plan.parts), MERGE_LOG)
    );
    text.push_str(&resource_lines(plan));
    text.push_str(&common_variables(plan));
    let _ = write!(
        text,
        "out={}\n\
         rm -f -- \"$parts/{MERGE_STATUS}\"\n\
         shards=()\n\
         for ((task = 0; task < {tasks}; task++)); do\n  \
           shards+=(\"$parts/shard-$task\")\n\
         done\n\
         status=0\n\
         \"$bin\" merge \"${{shards[@]}}\" --out \"$out\" || status=$?\n\
         echo \"$status\" > \"$parts/{MERGE_STATUS}\"\n\
         exit \"$status\"\n",
        shell_quote(&plan.out)
    );
    text
}

/// `submit.sh`: submits the array, then the merge to start after every
/// task of it succeeded, and prints both job ids as `--submit` does.
pub fn submit_script(plan: &Plan) -> String {
    format!(
        "#!/bin/bash\n\
         # Written by `sessionlab slurm`: submits array.sh, then merge.sh to run\n\
         # once every task of the array succeeded; prints both job ids.\n\
         set -euo pipefail\n\
         cd {}\n\
         array=$(sbatch --parsable {ARRAY_SCRIPT})\n\
         array=${{array%%;*}}\n\
         merge=$(sbatch --parsable --dependency=\"afterok:$array\" {MERGE_SCRIPT})\n\
         merge=${{merge%%;*}}\n\
         echo \"array job $array\"\n\
         echo \"merge job $merge\"\n",
        shell_quote(&plan.parts)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            binary: "/opt/sessionlab".into(),
            scenarios: vec!["/s/a.toml".into(), "/s/b b.toml".into()],
            seeds: None,
            tasks: 3,
            out: "/o/out".into(),
            parts: "/o/out.parts".into(),
            partition: Some("short".into()),
            time: Some("1-00:00:00".into()),
        }
    }

    #[test]
    fn shell_quoting_survives_quotes_and_spaces() {
        assert_eq!(shell_quote("plain"), "'plain'");
        assert_eq!(shell_quote("it's a b"), r"'it'\''s a b'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$HOME `x` \\"), r"'$HOME `x` \'");
    }

    #[test]
    fn directive_paths_escape_quotes_and_percent_signs() {
        assert_eq!(directive_path("/a b/it's", "x-%a.out"), "\"/a b/it's/x-%a.out\"");
        assert_eq!(directive_path("/a\"b/100%#1", "m"), "\"/a\\\"b/100%%#1/m\"");
    }

    #[test]
    fn control_characters_and_backslashes_in_log_directories_are_refused() {
        assert!(script_safe("/a b/it's", true).is_ok());
        assert!(script_safe("/a\nb", false).is_err());
        assert!(script_safe("/a\\b", false).is_ok());
        assert!(script_safe("/a\\b", true).is_err());
    }

    #[test]
    fn the_resource_lines_follow_the_options_and_the_seeds_only_when_given() {
        let text = array_script(&plan());
        assert!(text.contains("#SBATCH --array=0-2\n"), "{text}");
        assert!(text.contains("#SBATCH --partition=short\n#SBATCH --time=1-00:00:00\nset -euo"));
        assert!(text.contains("  '/s/b b.toml' \\\n  --shard \"$task/3\""), "{text}");
        let bare = Plan {
            partition: None,
            time: None,
            seeds: SeedRange::new(5, 9, 10).ok(),
            ..plan()
        };
        let text = array_script(&bare);
        assert!(!text.contains("--partition") && !text.contains("--time"), "{text}");
        assert!(text.contains("  --seeds 5..9 --shard"), "{text}");
        assert!(merge_script(&bare).contains("task < 3;"));
    }
}
