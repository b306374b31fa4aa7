//! `sessionlab slurm` without Slurm: the exact scripts it writes, its
//! refusals with exit 2, its submission through a stand-in `sbatch`, and
//! the scripts themselves run by bash (each array task with its
//! `SLURM_ARRAY_TASK_ID`, then the merge) into files byte-identical to one
//! `run`, in a directory whose path holds a space and a quote.
//! (CI runs the real thing on a one-node cluster, `scripts/slurm-local`.)

use crate::support::binary::in_process as sessionlab;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cli_run::tiny;
use crate::support::binary::scratch;

fn utf8(path: &Path) -> &str {
    path.to_str().expect("a utf-8 path")
}

fn smoke() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/smoke.toml")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("a directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let name = path.strip_prefix(root).expect("under the root").display().to_string();
                files.insert(name, std::fs::read(&path).expect("a file"));
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// Runs `bash SCRIPT` as Slurm would, with `task` as the array task id;
/// returns its exit code.
fn bash(script: &Path, task: Option<u64>) -> i32 {
    let mut command = Command::new("bash");
    command.arg(script).env_remove("SLURM_CPUS_PER_TASK");
    match task {
        Some(task) => command.env("SLURM_ARRAY_TASK_ID", task.to_string()),
        None => command.env_remove("SLURM_ARRAY_TASK_ID"),
    };
    let output = command.output().expect("bash runs");
    assert!(
        output.status.code().is_some(),
        "{}: {}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    output.status.code().unwrap_or(-1)
}

/// Runs every task of `parts/array.sh`, then `parts/merge.sh`: the
/// merge's exit code and the status it wrote.
fn run_scripts_locally(parts: &Path, tasks: u64) -> (i32, String) {
    for task in 0..tasks {
        assert_eq!(bash(&parts.join("array.sh"), Some(task)), 0, "task {task}");
    }
    let code = bash(&parts.join("merge.sh"), None);
    (code, read(&parts.join("merge.status")))
}

#[test]
fn slurm_writes_exactly_these_scripts() {
    let dir = scratch("slurm-text");
    let out = dir.join("out");
    let (smoke, out_text) = (smoke(), utf8(&out).to_string());
    let (code, stdout, stderr) = sessionlab(&[
        "slurm",
        utf8(&smoke),
        "--seeds",
        "0..4",
        "--tasks",
        "2",
        "--out",
        &out_text,
        "--partition",
        "debug",
        "--time",
        "0:30:00",
        "--bin",
        "/opt/sessionlab",
    ]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let parts = format!("{out_text}.parts");
    let smoke = utf8(&smoke);
    assert_eq!(
        stdout,
        format!(
            "wrote {parts}/{{array.sh,merge.sh,submit.sh}}: 2 shard tasks, then their merge into {out_text}\n\
             submit them with: bash '{parts}/submit.sh'\n"
        )
    );
    let parts = Path::new(&parts);
    assert_eq!(
        read(&parts.join("array.sh")),
        format!(
            "#!/bin/bash\n\
             # Written by `sessionlab slurm`: a job array of 2 tasks; task I runs\n\
             # shard I/2 of the seeds of every scenario into shard-I/ beside this\n\
             # script, for merge.sh. submit.sh submits both.\n\
             #SBATCH --job-name=sessionlab-shards\n\
             #SBATCH --array=0-1\n\
             #SBATCH --output=\"{parts}/logs/shard-%a.out\"\n\
             #SBATCH --partition=debug\n\
             #SBATCH --time=0:30:00\n\
             set -euo pipefail\n\
             bin='/opt/sessionlab'\n\
             parts='{parts}'\n\
             task=\"${{SLURM_ARRAY_TASK_ID:?is set by Slurm in each task of the array}}\"\n\
             rm -rf -- \"$parts/shard-$task\"\n\
             exec \"$bin\" run \\\n  \
               '{smoke}' \\\n  \
               --seeds 0..4 --shard \"$task/2\" --out \"$parts/shard-$task\" --jobs \"${{SLURM_CPUS_PER_TASK:-1}}\"\n",
            parts = parts.display()
        )
    );
    assert_eq!(
        read(&parts.join("merge.sh")),
        format!(
            "#!/bin/bash\n\
             # Written by `sessionlab slurm`: merges the 2 shards of array.sh into\n\
             # the reports of one run and judges [expect]. Its exit status (0; 1 when\n\
             # an expectation failed or an oracle was violated; 2 when the shards do\n\
             # not make a whole) is also written to merge.status beside this script.\n\
             #SBATCH --job-name=sessionlab-merge\n\
             #SBATCH --output=\"{parts}/logs/merge.out\"\n\
             #SBATCH --kill-on-invalid-dep=yes\n\
             #SBATCH --partition=debug\n\
             #SBATCH --time=0:30:00\n\
             set -euo pipefail\n\
             bin='/opt/sessionlab'\n\
             parts='{parts}'\n\
             out='{out_text}'\n\
             rm -f -- \"$parts/merge.status\"\n\
             shards=()\n\
             for ((task = 0; task < 2; task++)); do\n  \
               shards+=(\"$parts/shard-$task\")\n\
             done\n\
             status=0\n\
             \"$bin\" merge \"${{shards[@]}}\" --out \"$out\" || status=$?\n\
             echo \"$status\" > \"$parts/merge.status\"\n\
             exit \"$status\"\n",
            parts = parts.display()
        )
    );
    assert_eq!(
        read(&parts.join("submit.sh")),
        format!(
            "#!/bin/bash\n\
             # Written by `sessionlab slurm`: submits array.sh, then merge.sh to run\n\
             # once every task of the array succeeded; prints both job ids.\n\
             set -euo pipefail\n\
             cd '{parts}'\n\
             array=$(sbatch --parsable array.sh)\n\
             array=${{array%%;*}}\n\
             merge=$(sbatch --parsable --dependency=\"afterok:$array\" merge.sh)\n\
             merge=${{merge%%;*}}\n\
             echo \"array job $array\"\n\
             echo \"merge job $merge\"\n",
            parts = parts.display()
        )
    );
    assert!(parts.join("logs").is_dir());
    assert!(!out.exists(), "the reports are the merge's to write");
}

#[test]
fn the_scripts_run_by_bash_write_the_files_of_one_run() {
    // A space and a quote in every path the scripts name.
    let dir = scratch("slurm-scripts").join("it's a dir");
    std::fs::create_dir_all(&dir).expect("the directory");
    let scenario = dir.join("smoke copy.toml");
    std::fs::copy(smoke(), &scenario).expect("copy the scenario");
    let (whole, out) = (dir.join("whole"), dir.join("out"));
    let (code, _, stderr) = sessionlab(&[
        "run",
        utf8(&scenario),
        "--seeds",
        "0..4",
        "--jobs",
        "2",
        "--out",
        utf8(&whole),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let binary = env!("CARGO_BIN_EXE_sessionlab");
    let (code, _, stderr) = sessionlab(&[
        "slurm",
        utf8(&scenario),
        "--seeds",
        "0..4",
        "--tasks",
        "3",
        "--out",
        utf8(&out),
        "--bin",
        binary,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let parts = dir.join("out.parts");
    assert_eq!(run_scripts_locally(&parts, 3), (0, "0\n".to_string()));
    let whole = tree(&whole);
    assert_eq!(
        whole.keys().collect::<Vec<_>>(),
        [
            "smoke/attackers.csv",
            "smoke/report.html",
            "smoke/runs.csv",
            "smoke/summary.csv",
            "smoke/summary.md"
        ]
    );
    assert!(tree(&out) == whole, "the merged files differ from the run's");
    // The parts sit beside the output, one shard directory per task.
    for task in 0..3 {
        assert!(parts.join(format!("shard-{task}/smoke/shard.json")).is_file());
    }
}

#[test]
fn one_array_runs_several_scenarios_and_the_merge_writes_each() {
    let dir = scratch("slurm-two-scenarios");
    let (first, second) = (dir.join("first.toml"), dir.join("second.toml"));
    std::fs::write(&first, tiny().render()).expect("write the scenario");
    let renamed = tiny().set("scenario", "name", "tiny-second");
    std::fs::write(&second, renamed.render()).expect("write the scenario");
    let (whole, out) = (dir.join("whole"), dir.join("out"));
    let (code, _, stderr) = sessionlab(&["run", utf8(&first), utf8(&second), "--out", utf8(&whole)]);
    assert_eq!(code, 0, "{stderr}");
    let binary = env!("CARGO_BIN_EXE_sessionlab");
    let args = [
        "slurm",
        utf8(&first),
        utf8(&second),
        "--tasks",
        "2",
        "--out",
        utf8(&out),
        "--bin",
        binary,
    ];
    assert_eq!(sessionlab(&args).0, 0);
    assert_eq!(run_scripts_locally(&dir.join("out.parts"), 2), (0, "0\n".to_string()));
    let whole = tree(&whole);
    assert_eq!(whole.len(), 10, "five reports of each scenario");
    assert!(tree(&out) == whole, "the merged files differ from the run's");
}

#[test]
fn the_merge_job_fails_when_an_expectation_fails() {
    let dir = scratch("slurm-expect");
    let scenario = dir.join("failing.toml");
    std::fs::write(&scenario, tiny().expect("accounts", 3).render()).expect("write the scenario");
    let out = dir.join("out");
    let binary = env!("CARGO_BIN_EXE_sessionlab");
    let args = [
        "slurm",
        utf8(&scenario),
        "--tasks",
        "2",
        "--out",
        utf8(&out),
        "--bin",
        binary,
    ];
    assert_eq!(sessionlab(&args).0, 0);
    let parts = dir.join("out.parts");
    assert_eq!(run_scripts_locally(&parts, 2), (1, "1\n".to_string()));
    assert!(
        out.join("tiny-cli/runs.csv").is_file(),
        "the reports are written all the same"
    );
    // A shard that is missing fails the merge as bad input.
    std::fs::remove_dir_all(parts.join("shard-1")).expect("remove a shard");
    assert_eq!(bash(&parts.join("merge.sh"), None), 2);
    assert_eq!(read(&parts.join("merge.status")), "2\n");
}

/// `slurm ARGS` in-process must exit 2 with `message` on stderr, nothing
/// on stdout and nothing written beside `out`.
fn refused(args: &[&str], out: &Path, message: &str) {
    let mut all = vec!["slurm"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", utf8(out), "--bin", "/opt/sessionlab"]);
    let (code, stdout, stderr) = sessionlab(&all);
    assert_eq!((code, stdout.as_str()), (2, ""), "{args:?}: {stderr}");
    assert!(stderr.contains(message), "{args:?}: {stderr}");
    let parts = out.with_file_name("out.parts");
    assert!(!parts.exists(), "{args:?} wrote {}", parts.display());
}

#[test]
fn slurm_refuses_bad_arguments_and_scenarios_with_exit_2() {
    let dir = scratch("slurm-refusals");
    let out = dir.join("out");
    let smoke = smoke();
    let smoke = utf8(&smoke);
    refused(
        &[smoke, "--tasks", "0"],
        &out,
        "invalid value '0' for '--tasks <N>': no tasks: N must be at least 1",
    );
    refused(&[smoke, "--tasks", "many"], &out, "not a number of tasks");
    refused(
        &[smoke, "--seeds", "0..4", "--tasks", "5"],
        &out,
        &format!("{smoke}: --tasks 5 is more than its 4 seeds (0..4): use at most 4 tasks\n"),
    );
    // Without --seeds, the scenario's own range (smoke's is 0..3) counts.
    refused(
        &[smoke, "--tasks", "4"],
        &out,
        &format!("{smoke}: --tasks 4 is more than its 3 seeds (0..3): use at most 3 tasks\n"),
    );
    refused(&[smoke, "--seeds", "4..2", "--tasks", "1"], &out, "an empty range");
    refused(
        &[smoke, "--tasks", "1", "--partition", "a b"],
        &out,
        "not a partition name",
    );
    refused(&[smoke, "--tasks", "1", "--time", "1h"], &out, "not a Slurm time limit");
    let missing = dir.join("missing.toml");
    refused(
        &[utf8(&missing), "--tasks", "1"],
        &out,
        &format!("{}:1:1: cannot read the file: ", missing.display()),
    );
    let broken = dir.join("broken.toml");
    std::fs::write(&broken, "[scenario]\nname = 3\n").expect("write");
    refused(
        &[utf8(&broken), "--tasks", "1"],
        &out,
        &format!("{}:1:1: missing key `scenario.duration`", broken.display()),
    );
    refused(
        &[smoke, smoke, "--tasks", "1"],
        &out,
        &format!("{smoke}:7:8: scenario name \"smoke\" is already the name of {smoke}"),
    );
    let (code, _, stderr) = sessionlab(&["slurm", smoke, "--tasks", "1", "--out", "/", "--bin", "/opt/sessionlab"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "--out /: name a directory by its own name, so that its work directory can sit beside it\n"
    );
    let (code, _, stderr) = sessionlab(&["slurm", smoke, "--out", utf8(&out)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--tasks <N>"), "{stderr}");
}

/// Runs the built binary with `PATH` set to `path` only.
fn with_path(path: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_sessionlab"))
        .args(args)
        .env("PATH", path)
        .output()
        .expect("the binary runs");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("utf-8 output");
    (output.status.code(), text(output.stdout), text(output.stderr))
}

/// A stand-in `sbatch` in `dir/bin` that logs its working directory and
/// arguments to `dir/calls` and prints `array_id` (or `merge_reply` for
/// merge.sh, exiting `merge_code`).
fn fake_sbatch(dir: &Path, merge_reply: &str, merge_code: u8) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("a bin directory");
    let script = format!(
        "#!/bin/sh\n\
         echo \"$PWD $*\" >> '{calls}'\n\
         case \"$*\" in\n  \
           *merge.sh) echo '{merge_reply}'; echo 'sbatch: error: no dependency' >&2; exit {merge_code} ;;\n  \
           *) echo '41' ;;\n\
         esac\n",
        calls = dir.join("calls").display()
    );
    let sbatch = bin.join("sbatch");
    std::fs::write(&sbatch, script).expect("write sbatch");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&sbatch, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    bin
}

#[test]
fn submit_runs_sbatch_for_the_array_then_the_merge_after_it() {
    let dir = scratch("slurm-submit");
    let bin = fake_sbatch(&dir, "42;cluster", 0);
    let out = dir.join("out");
    let smoke = smoke();
    let args = [
        "slurm",
        utf8(&smoke),
        "--tasks",
        "2",
        "--out",
        utf8(&out),
        "--submit",
        "--bin",
        "/opt/sessionlab",
    ];
    let (code, stdout, stderr) = with_path(&bin, &args);
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    let parts = dir.join("out.parts");
    assert_eq!(
        stdout,
        format!(
            "wrote {parts}/{{array.sh,merge.sh,submit.sh}}: 2 shard tasks, then their merge into {out}\n\
             array job 41\n\
             merge job 42\n\
             logs in {parts}/logs/; the merge writes its exit status to {parts}/merge.status\n",
            parts = parts.display(),
            out = out.display()
        )
    );
    assert_eq!(
        read(&dir.join("calls")),
        format!(
            "{parts} --parsable array.sh\n{parts} --parsable --dependency=afterok:41 merge.sh\n",
            parts = parts.display()
        )
    );
}

#[test]
fn submit_without_sbatch_or_refused_by_it_exits_2() {
    let dir = scratch("slurm-no-sbatch");
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).expect("an empty directory");
    let out = dir.join("out");
    let smoke = smoke();
    let args = [
        "slurm",
        utf8(&smoke),
        "--tasks",
        "2",
        "--out",
        utf8(&out),
        "--submit",
        "--bin",
        "/opt/sessionlab",
    ];
    let (code, stdout, stderr) = with_path(&empty, &args);
    assert_eq!((code, stdout.as_str()), (Some(2), ""));
    assert_eq!(
        stderr,
        "--submit: sbatch is not on the PATH: run this on a Slurm login node, or drop --submit \
         and submit the scripts later with submit.sh\n"
    );
    assert!(!dir.join("out.parts").exists(), "nothing is written");
    let bin = fake_sbatch(&dir, "", 1);
    let (code, stdout, stderr) = with_path(&bin, &args);
    assert_eq!(code, Some(2));
    assert!(stdout.ends_with("array job 41\n"), "{stdout}");
    assert_eq!(
        stderr,
        "sbatch refused merge.sh (exit status: 1): sbatch: error: no dependency\n\
         cancel the array with: scancel 41\n"
    );
}

#[test]
fn slurm_help_shows_an_example() {
    let (code, stdout, _) = sessionlab(&["slurm", "--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Usage: sessionlab slurm"), "{stdout}");
    assert!(stdout.contains("Example:\n  sessionlab slurm scenarios/"), "{stdout}");
}
