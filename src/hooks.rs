//! Running the user's hook commands (pre-, post- and deploy hooks).
//!
//! A hook is a shell command line the user wrote, run with `sh -c`. Every
//! value certwright hands it travels in the environment, never spliced into
//! the command text, so a domain name can never become shell syntax. The
//! hook's stdout goes to certwright's stderr (a `--json` document on stdout
//! stays clean; cron still mails it); its stderr is also kept for the error
//! when it fails.

use crate::error::{Error, Result};
use std::io::Read;
use std::os::fd::AsFd;
use std::process::{Command, Stdio};

/// How much of a failing hook's stderr is kept in the error.
const STDERR_KEPT: usize = 4096;

/// Runs `command` with `sh -c` and `env` added to the environment; `what`
/// names the hook in errors ("deploy hook for example.com").
pub fn run(command: &str, env: &[(String, String)], what: &str) -> Result<()> {
    let stdout = match std::io::stderr().as_fd().try_clone_to_owned() {
        Ok(fd) => Stdio::from(fd),
        Err(_) => Stdio::null(),
    };
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Hook {
            what: what.to_string(),
            detail: format!("cannot start `sh -c {command}`: {e}"),
        })?;
    // Read stderr while the child runs so a chatty hook cannot fill the pipe
    // and block; keep the tail, which is where the reason usually is.
    let mut captured = Vec::new();
    if let Some(mut err) = child.stderr.take() {
        let mut buf = [0u8; 8192];
        loop {
            match err.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    eprint!("{}", String::from_utf8_lossy(&buf[..n]));
                    captured.extend_from_slice(&buf[..n]);
                    if captured.len() > 2 * STDERR_KEPT {
                        captured.drain(..captured.len() - STDERR_KEPT);
                    }
                }
            }
        }
    }
    let status = child.wait().map_err(|e| Error::Hook {
        what: what.to_string(),
        detail: format!("waiting for `{command}`: {e}"),
    })?;
    if status.success() {
        return Ok(());
    }
    let tail = &captured[captured.len().saturating_sub(STDERR_KEPT)..];
    let stderr = String::from_utf8_lossy(tail).trim().to_string();
    let how = match status.code() {
        Some(code) => format!("exited with status {code}"),
        None => "was killed by a signal".to_string(),
    };
    Err(Error::Hook {
        what: what.to_string(),
        detail: if stderr.is_empty() {
            format!("`{command}` {how}")
        } else {
            format!("`{command}` {how}: {stderr}")
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_travel_in_the_environment_only() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        // A hostile value is data, not shell syntax.
        let evil = "x.example; touch pwned".to_string();
        run(
            &format!("printf '%s' \"$RENEWED_DOMAINS\" > '{}'", out.display()),
            &[("RENEWED_DOMAINS".into(), evil.clone())],
            "test hook",
        )
        .unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), evil);
        assert!(!std::path::Path::new("pwned").exists());
    }

    #[test]
    fn failure_keeps_status_and_stderr() {
        let err = run(
            "echo 'nginx: bad config' >&2; exit 3",
            &[],
            "deploy hook for a.test",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("deploy hook for a.test failed"), "{text}");
        assert!(text.contains("status 3"), "{text}");
        assert!(text.contains("nginx: bad config"), "{text}");
    }
}
