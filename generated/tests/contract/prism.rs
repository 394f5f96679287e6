//! The Prism mock server (`openapi/node_modules/.bin/prism`, pinned in `openapi/package-lock.json`),
//! started on a free loopback port for one test and stopped when its guard is dropped, even when the
//! test panics (and, through a watcher, when the test process is killed).

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long Prism may take to start listening (it parses and dereferences the whole spec).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How often readiness is polled while it starts.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Ports tried when Prism exits before it listens (another process took the port first).
const START_ATTEMPTS: u32 = 3;
/// How long Prism gets to exit after SIGTERM before the group gets SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// Runs Prism (`"$0" "$@"`) and exits with it. A watcher stops Prism when the pipe on the shell's
/// stdin closes, that is when the test process dies without dropping the guard (Ctrl-C, a killed
/// test binary); the guard itself stops the whole process group.
const SUPERVISOR: &str = r#"exec 3<&0
"$0" "$@" </dev/null &
prism=$!
{ read -r _ <&3; kill -TERM "$prism" 2>/dev/null; } &
wait "$prism""#;

/// The repository root (the parent of the generated crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The spec Prism serves and validates against.
pub fn spec_path() -> PathBuf {
    repo_root().join("openapi").join("atlas.yaml")
}

/// A running Prism process group. Dropping it kills the whole group and reaps the process.
pub struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prism {
    /// Starts `prism mock` on a free port of 127.0.0.1 and waits until it answers.
    pub async fn start() -> Result<Self, String> {
        let binary = repo_root().join("openapi/node_modules/.bin/prism");
        if !binary.exists() {
            return Err(format!(
                "the Prism mock server is not installed ({} is missing): run `npm ci --prefix openapi` \
                 (or `openapi/lint.sh`, which installs it) from the repository root",
                binary.display()
            ));
        }
        let mut errors = Vec::new();
        for attempt in 1..=START_ATTEMPTS {
            let port = free_port()?;
            match Self::start_on(&binary, port).await {
                Ok(prism) => return Ok(prism),
                Err(err) => errors.push(format!("attempt {attempt} (port {port}): {err}")),
            }
        }
        Err(format!("Prism did not start:\n{}", errors.join("\n")))
    }

    async fn start_on(binary: &Path, port: u16) -> Result<Self, String> {
        let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("prism-contract-{}-{port}.log", std::process::id()));
        let out = File::create(&log).map_err(|err| format!("cannot create {}: {err}", log.display()))?;
        let err_out = out.try_clone().map_err(|err| format!("cannot share {}: {err}", log.display()))?;
        let child = Command::new("sh")
            .args(["-c", SUPERVISOR])
            .arg(binary)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(spec_path())
            .current_dir(repo_root().join("openapi"))
            // Held by the `Child` until it is reaped; closes if this process dies.
            .stdin(Stdio::piped())
            .stdout(out)
            .stderr(err_out)
            // Its own process group, so that stopping it also stops anything node spawned.
            .process_group(0)
            .spawn()
            .map_err(|err| format!("cannot run sh to start {}: {err}", binary.display()))?;
        // From here on the guard owns the process: any early return stops it.
        let mut prism = Prism { child, port, log };
        prism.wait_until_ready().await?;
        Ok(prism)
    }

    /// Polls until Prism has logged that it listens on our port and answers `GET /health`.
    async fn wait_until_ready(&mut self) -> Result<(), String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(|err| format!("cannot build the probe client: {err}"))?;
        let listening = format!("Prism is listening on http://127.0.0.1:{}", self.port);
        let health = format!("{}/health", self.base_url());
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if self.leader_exited() {
                return Err(format!("Prism exited before listening\n{}", self.log_tail(20)));
            }
            let logged = std::fs::read_to_string(&self.log).is_ok_and(|text| text.contains(&listening));
            if logged && http.get(&health).send().await.is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "Prism did not answer on port {} within {START_TIMEOUT:?}\n{}",
                    self.port,
                    self.log_tail(20)
                ));
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The file that receives Prism's output (removed when the guard drops, unless panicking).
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// The last `lines` lines of Prism's output, for failure messages.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        let tail = all[all.len().saturating_sub(lines)..].join("\n");
        format!("--- Prism output, last {lines} lines ---\n{tail}")
    }

    /// Whether the group leader has exited, without reaping it: a zombie on Linux (`/proc`);
    /// elsewhere `try_wait`, which reaps.
    fn leader_exited(&mut self) -> bool {
        match std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())) {
            // The state is the first field after the parenthesised command name.
            Ok(stat) => stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
            Err(_) => matches!(self.child.try_wait(), Ok(Some(_))),
        }
    }

    /// Sends `signal` to every process of Prism's group (the group id is the leader's pid).
    fn signal_group(&self, signal: &str) {
        let _ = Command::new("kill")
            .args([signal, "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Prism {
    /// SIGTERM to the group, a bounded wait for the leader to exit, SIGKILL to the group for anything
    /// left (sent while the exited leader is not yet reaped, so its group id cannot have been reused),
    /// then reap.
    fn drop(&mut self) {
        self.signal_group("-TERM");
        let deadline = Instant::now() + STOP_GRACE;
        while Instant::now() < deadline && !self.leader_exited() {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.signal_group("-KILL");
        let _ = self.child.wait();
        // Kept when the test fails (its message names the file).
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

/// A port that was free a moment ago (bound to 127.0.0.1:0, then released).
fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|err| format!("cannot bind 127.0.0.1:0 to pick a port: {err}"))?;
    listener.local_addr().map(|addr| addr.port()).map_err(|err| format!("no local address: {err}"))
}
