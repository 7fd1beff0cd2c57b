//! Running user-supplied hook commands: dns-01 and manual auth/cleanup
//! hooks, and the pre/post/deploy hooks of `issue` and `renew`. One place
//! decides how a hook is started, what environment it sees, how long it may
//! run and how its failure is reported.
//!
//! Values from the CA (tokens, validation strings, domain names) travel in
//! the environment only. They are never spliced into a command line, so a
//! hostile or merely odd value cannot be executed by a shell.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// Longest output kept from a hook's stdout or stderr; the tail is kept
/// because that is where a failing script says why.
pub const MAX_CAPTURED_OUTPUT: usize = 16 * 1024;

/// Longest a hook may run. A hung hook (an API call that never returns)
/// would otherwise hold the store's lock forever, and every later cron run
/// would exit "lock held"; DNS hooks that wait for propagation themselves
/// still fit comfortably.
pub const HOOK_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// How long to keep reading a hook's output after the hook itself exited.
/// A hook that leaves a background job holding its stdout/stderr open must
/// not block issuance until that job ends.
const OUTPUT_GRACE: Duration = Duration::from_millis(500);

/// Environment prefixes certwright sets for hooks. Inherited variables with
/// these prefixes are removed first, so a hook never sees a stale value from
/// a wrapping environment (e.g. CERTBOT_TOKEN in a dns-01 run).
const OWNED_PREFIXES: &[&str] = &["CERTBOT_", "RENEWED_"];

/// What a finished hook wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HookOutput {
    pub stdout: String,
    pub stderr: String,
}

#[derive(Debug, thiserror::Error)]
pub enum HookError {
    #[error(
        "{what} could not be started ({command}): {source}{}",
        spawn_hint(command, source)
    )]
    Spawn {
        what: String,
        command: String,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "{what} did not finish within {} and was stopped: `{command}`{}",
        crate::clock::human_duration(*timeout),
        stderr_block(stderr)
    )]
    TimedOut {
        what: String,
        command: String,
        timeout: Duration,
        stderr: String,
    },

    #[error("{what} was not run ({command}): {reason}")]
    Untrusted {
        what: String,
        command: String,
        reason: String,
    },

    #[error("{what} failed: `{command}` {}{}", describe_status(*status), stderr_block(stderr))]
    Failed {
        what: String,
        command: String,
        status: ExitStatus,
        /// The tail of what the hook wrote to stderr.
        stderr: String,
    },
}

impl HookError {
    /// The hook's stderr, when it ran and failed.
    pub fn stderr(&self) -> Option<&str> {
        match self {
            HookError::Failed { stderr, .. } | HookError::TimedOut { stderr, .. } => Some(stderr),
            HookError::Spawn { .. } | HookError::Untrusted { .. } => None,
        }
    }
}

/// The file a hook command runs: the command itself when it names a file,
/// else its first word when that is a path (`/usr/local/bin/hook --x`).
/// None for a command the shell finds on PATH or a shell snippet.
fn program_path(command: &str) -> Option<&Path> {
    let whole = Path::new(command);
    if whole.is_file() {
        return Some(whole);
    }
    let first = command.split_whitespace().next()?;
    let first = Path::new(first);
    (first.to_string_lossy().contains('/') && first.is_file()).then_some(first)
}

/// A hook's program is run as the user running certwright, often root from
/// cron: it, and every directory above it, must be writable by no one else
/// (the config file's rule, `crate::strict_modes`).
fn check_program(command: &str) -> Result<(), String> {
    match program_path(command) {
        Some(program) => {
            crate::strict_modes::check_chain(program, "the hook program").map_err(|e| e.to_string())
        }
        None => Ok(()),
    }
}

fn spawn_hint(command: &str, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            format!("; make it executable (chmod +x {command})")
        }
        std::io::ErrorKind::NotFound => "; check the path".into(),
        _ => String::new(),
    }
}

fn describe_status(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => format!("was killed by signal {signal}"),
        (None, None) => format!("ended with {status}"),
    }
}

fn stderr_block(stderr: &str) -> String {
    let trimmed = stderr.trim_end();
    if trimmed.is_empty() {
        " and wrote nothing to stderr".into()
    } else {
        let indented: Vec<String> = trimmed.lines().map(|l| format!("  | {l}")).collect();
        format!("; its stderr:\n{}", indented.join("\n"))
    }
}

/// Catches a hook that cannot run before anything is sent to the CA: an
/// empty command, a path (no spaces, contains '/') that is missing or not
/// executable, or a program someone else could rewrite. Commands for the
/// shell are left to the shell.
pub fn preflight(command: &str) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    if command.trim().is_empty() {
        return Err("the hook command is empty".into());
    }
    let path = Path::new(command);
    if path.is_file() {
        let executable = path
            .metadata()
            .map(|m| m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false);
        if !executable {
            return Err(format!("{command} is not executable (chmod +x {command})"));
        }
    } else if command.contains('/') && !command.contains(char::is_whitespace) {
        return Err(format!("{command} does not exist"));
    }
    check_program(command)
}

/// Runs `command` with `env` added to certwright's own environment, stdin
/// closed, and waits for it.
///
/// `command` is run directly when it names an existing file (so paths with
/// spaces work without quoting), else by `sh -c command`, as certbot does,
/// so `"/usr/local/bin/dns-hook --provider x"` works too. Either way the
/// command text is the user's own configuration; `env` values never reach a
/// shell's parser.
///
/// `what` names the hook in errors ("the dns-01 auth hook for example.com").
/// Past `timeout` (the `hook_timeout` setting) the hook is killed.
pub fn run(
    what: &str,
    command: &str,
    env: &BTreeMap<String, String>,
    timeout: Duration,
) -> Result<HookOutput, HookError> {
    check_program(command).map_err(|reason| HookError::Untrusted {
        what: what.to_string(),
        command: command.to_string(),
        reason,
    })?;
    let mut cmd = if Path::new(command).is_file() {
        Command::new(command)
    } else {
        let mut c = Command::new("sh");
        c.arg("-c").arg(command);
        c
    };
    for (key, _) in std::env::vars_os() {
        if let Some(k) = key.to_str()
            && OWNED_PREFIXES.iter().any(|p| k.starts_with(p))
        {
            cmd.env_remove(&key);
        }
    }
    cmd.envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let spawned = match cmd.spawn() {
        // A script without a #! line: the shell runs it, as certbot's would.
        Err(e) if e.raw_os_error() == Some(ENOEXEC) => {
            let mut sh = Command::new("sh");
            sh.arg(command);
            copy_setup(&cmd, &mut sh);
            sh.spawn()
        }
        other => other,
    };
    let mut child = spawned.map_err(|source| HookError::Spawn {
        what: what.to_string(),
        command: command.to_string(),
        source,
    })?;
    let stdout = child.stdout.take().map(capture);
    let stderr = child.stderr.take().map(capture);
    let started = std::time::Instant::now();
    let collect = |captured: Option<Captured>| captured.map(Captured::finish).unwrap_or_default();
    let status = loop {
        let polled = child.try_wait().map_err(|source| HookError::Spawn {
            what: what.to_string(),
            command: command.to_string(),
            source,
        })?;
        if let Some(status) = polled {
            break status;
        }
        if started.elapsed() >= timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(HookError::TimedOut {
                what: what.to_string(),
                command: command.to_string(),
                timeout,
                stderr: collect(stderr),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = HookOutput {
        stdout: collect(stdout),
        stderr: collect(stderr),
    };
    if status.success() {
        Ok(output)
    } else {
        Err(HookError::Failed {
            what: what.to_string(),
            command: command.to_string(),
            status,
            stderr: output.stderr,
        })
    }
}

/// "Exec format error" from execve(2) on Linux.
const ENOEXEC: i32 = 8;

/// Gives `to` the environment changes `from` has, and the same stdio setup.
fn copy_setup(from: &Command, to: &mut Command) {
    for (key, value) in from.get_envs() {
        match value {
            Some(v) => to.env(key, v),
            None => to.env_remove(key),
        };
    }
    to.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
}

/// A pipe being read to its end on a thread of its own (reading stdout and
/// stderr in turn could deadlock when the hook fills the other pipe),
/// keeping only the last MAX_CAPTURED_OUTPUT bytes.
struct Captured {
    kept: Arc<Mutex<Vec<u8>>>,
    done: mpsc::Receiver<()>,
}

fn capture(mut pipe: impl Read + Send + 'static) -> Captured {
    let kept = Arc::new(Mutex::new(Vec::new()));
    let (tx, done) = mpsc::channel();
    let shared = Arc::clone(&kept);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let mut kept = shared.lock().expect("hook output mutex");
                    kept.extend_from_slice(&buf[..n]);
                    if kept.len() > 2 * MAX_CAPTURED_OUTPUT {
                        let excess = kept.len() - MAX_CAPTURED_OUTPUT;
                        kept.drain(..excess);
                    }
                }
            }
        }
        let _ = tx.send(());
    });
    Captured { kept, done }
}

impl Captured {
    /// What was read by the time the pipe closed, or OUTPUT_GRACE after the
    /// hook exited if a background job still holds it open.
    fn finish(self) -> String {
        let _ = self.done.recv_timeout(OUTPUT_GRACE);
        let kept = self.kept.lock().expect("hook output mutex");
        let start = kept.len().saturating_sub(MAX_CAPTURED_OUTPUT);
        String::from_utf8_lossy(&kept[start..]).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hooks of these tests finish long before the default limit.
    fn run(
        what: &str,
        command: &str,
        env: &BTreeMap<String, String>,
    ) -> Result<HookOutput, HookError> {
        super::run(what, command, env, HOOK_TIMEOUT)
    }
    use std::os::unix::fs::PermissionsExt;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn script(dir: &Path, name: &str, body: &str) -> String {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path.to_str().unwrap().to_string()
    }

    /// A hook program another user could rewrite is never run, however it
    /// is named: the path alone, or the first word of a command.
    #[test]
    fn a_program_others_can_write_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let marker = tmp.path().join("ran");
        let hook = script(tmp.path(), "hook", &format!("touch {}", marker.display()));
        run("the deploy hook", &hook, &env(&[])).unwrap();
        std::fs::remove_file(&marker).unwrap();
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o775)).unwrap();
        for command in [hook.clone(), format!("{hook} --with-args")] {
            let err = run("the deploy hook", &command, &env(&[])).unwrap_err();
            assert!(matches!(err, HookError::Untrusted { .. }), "{err}");
            let text = err.to_string();
            assert!(text.contains("writable by its group"), "{text}");
            assert!(text.contains("chmod go-w"), "{text}");
            assert!(preflight(&command).unwrap_err().contains("chmod go-w"));
            assert!(!marker.exists(), "{command} ran");
        }
        // A writable directory above it is as bad: the program could be
        // swapped for another.
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let err = run("the deploy hook", &hook, &env(&[])).unwrap_err();
        assert!(err.to_string().contains("a directory above"), "{err}");
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        // Shell snippets and programs found on PATH are the shell's to find.
        run("the deploy hook", "true && echo ok", &env(&[])).unwrap();
    }

    #[test]
    fn environment_reaches_the_hook_and_stdout_is_captured() {
        let out = run(
            "test hook",
            "printf '%s|%s' \"$CERTBOT_DOMAIN\" \"$CERTBOT_VALIDATION\"",
            &env(&[
                ("CERTBOT_DOMAIN", "example.com"),
                ("CERTBOT_VALIDATION", "v"),
            ]),
        )
        .unwrap();
        assert_eq!(out.stdout, "example.com|v");
    }

    #[test]
    fn shell_metacharacters_in_values_are_never_executed() {
        let tmp = tempfile::tempdir().unwrap();
        let marker = tmp.path().join("pwned");
        let evil = format!(
            "$(touch {m}); `touch {m}`; touch {m} && echo \"'; touch {m}; '",
            m = marker.display()
        );
        let hook = script(
            tmp.path(),
            "hook.sh",
            "printf '%s' \"$CERTBOT_VALIDATION\" > \"$OUT\"",
        );
        let out_file = tmp.path().join("seen");
        let vars = env(&[
            ("CERTBOT_VALIDATION", &evil),
            ("CERTBOT_DOMAIN", &evil),
            ("OUT", out_file.to_str().unwrap()),
        ]);
        run("test hook", &hook, &vars).unwrap();
        // The same through `sh -c` with a command string of the user's.
        run("test hook", &format!("{hook} --ignored-arg"), &vars).unwrap();
        assert!(!marker.exists(), "a value was executed by a shell");
        assert_eq!(std::fs::read_to_string(&out_file).unwrap(), evil);
    }

    #[test]
    fn failure_carries_status_and_stderr() {
        let err = run(
            "the dns-01 auth hook for example.com",
            "echo 'provider said: 403 forbidden' >&2; exit 3",
            &BTreeMap::new(),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("exited with status 3"), "{text}");
        assert!(text.contains("provider said: 403 forbidden"), "{text}");
        assert!(text.contains("dns-01 auth hook for example.com"), "{text}");
        assert_eq!(err.stderr(), Some("provider said: 403 forbidden\n"));
    }

    #[test]
    fn a_script_that_is_not_executable_gets_a_hint() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("hook.sh");
        std::fs::write(&path, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = run("hook", path.to_str().unwrap(), &BTreeMap::new()).unwrap_err();
        assert!(err.to_string().contains("chmod +x"), "{err}");
    }

    #[test]
    fn a_script_without_a_shebang_runs_with_sh() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("hook");
        std::fs::write(&path, "printf '%s' \"$CERTBOT_DOMAIN\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        let out = run(
            "hook",
            path.to_str().unwrap(),
            &env(&[("CERTBOT_DOMAIN", "example.com")]),
        )
        .unwrap();
        assert_eq!(out.stdout, "example.com");
    }

    #[test]
    fn preflight_catches_missing_and_non_executable_scripts() {
        let tmp = tempfile::tempdir().unwrap();
        let good = script(tmp.path(), "ok.sh", "exit 0");
        preflight(&good).unwrap();
        preflight(&format!("{good} --with-args")).unwrap();
        preflight("echo hi").unwrap();
        let missing = tmp.path().join("missing.sh");
        assert!(
            preflight(missing.to_str().unwrap())
                .unwrap_err()
                .contains("does not exist")
        );
        std::fs::set_permissions(&good, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(preflight(&good).unwrap_err().contains("chmod +x"));
        assert!(preflight(" ").is_err());
    }

    #[test]
    fn a_background_job_holding_the_pipes_does_not_block() {
        let started = std::time::Instant::now();
        let out = run("hook", "sleep 20 & echo started", &BTreeMap::new()).unwrap();
        assert_eq!(
            out.stdout, "started\n",
            "output read before the grace period ended"
        );
        // Far below the background job's 20 s, far above the 2 x 0.5 s grace.
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "waited {:?} for a background job",
            started.elapsed()
        );
    }

    #[test]
    fn a_hung_hook_is_stopped_at_the_time_limit() {
        let started = std::time::Instant::now();
        let err = super::run(
            "the test hook",
            "echo starting >&2; sleep 30",
            &BTreeMap::new(),
            Duration::from_millis(300),
        )
        .unwrap_err();
        let elapsed = started.elapsed();
        assert!(matches!(err, HookError::TimedOut { .. }), "{err}");
        assert!(
            err.to_string().contains("did not finish within 300 ms"),
            "{err}"
        );
        assert!(err.to_string().contains("starting"), "stderr kept: {err}");
        assert!(elapsed < Duration::from_secs(5), "waited {elapsed:?}");
    }

    #[test]
    fn huge_output_keeps_the_tail() {
        let err = run(
            "hook",
            "i=0; while [ $i -lt 3000 ]; do echo line-$i-padding-padding >&2; i=$((i+1)); done; exit 1",
            &BTreeMap::new(),
        )
        .unwrap_err();
        let stderr = err.stderr().unwrap();
        assert!(stderr.len() <= MAX_CAPTURED_OUTPUT);
        assert!(stderr.ends_with("line-2999-padding-padding\n"));
    }
}
