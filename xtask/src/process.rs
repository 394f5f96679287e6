//! Child processes with a time limit, for the commands xtask runs and times (`cargo check`,
//! `bench-gen`, criterion).

use std::fs;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use wait_timeout::ChildExt as _;

use crate::root;

/// The last line of a command's output that is not blank: where cargo ends with what failed
/// when no earlier line says more.
pub fn last_line(output: &str) -> &str {
    output.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("")
}

/// Runs `cmd` with stdout and stderr captured, stopping it after `limit`.
/// Returns (success, stdout, stderr).
///
/// Output goes to files under `target/xtask-tmp/`, not pipes: no reader threads, and a
/// grandchild that outlives the command (and keeps its stdout) cannot hold up the caller.
pub fn run_bounded(mut cmd: Command, limit: Duration) -> Result<(bool, String, String), String> {
    let dir = root().join("target/xtask-tmp");
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let stamp = format!("{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let (out_path, err_path) = (dir.join(format!("{stamp}.out")), dir.join(format!("{stamp}.err")));
    let out_file = fs::File::create(&out_path).map_err(|e| format!("{}: {e}", out_path.display()))?;
    let err_file = fs::File::create(&err_path).map_err(|e| format!("{}: {e}", err_path.display()))?;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(out_file)
        .stderr(err_file)
        .spawn()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    // Woken by the child's exit, not by polling: timed checks take a few tenths of a second,
    // and a poll interval would round each of them up to its next tick.
    let waited = match child.wait_timeout(limit) {
        Ok(Some(status)) => Ok(status),
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!("{cmd:?} took longer than {limit:?}"))
        }
        Err(e) => Err(format!("waiting for {cmd:?}: {e}")),
    };
    let stdout = fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = fs::read_to_string(&err_path).unwrap_or_default();
    let _ = fs::remove_file(&out_path);
    let _ = fs::remove_file(&err_path);
    Ok((waited?.success(), stdout, stderr))
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[test]
    fn a_bounded_run_returns_status_and_output() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let (ok, stdout, stderr) = run_bounded(cmd, Duration::from_secs(60)).unwrap();
        assert!(!ok);
        assert_eq!((stdout.as_str(), stderr.as_str()), ("out\n", "err\n"));
    }

    #[test]
    fn a_bounded_run_stops_a_child_at_its_limit() {
        let mut cmd = Command::new("sleep");
        cmd.arg("60");
        let started = Instant::now();
        let err = run_bounded(cmd, Duration::from_millis(200)).unwrap_err();
        assert!(err.contains("took longer than 200ms"), "{err}");
        // Stopped, not waited for: far less than the child's 60 s.
        assert!(started.elapsed() < Duration::from_secs(30));
    }
}
