//! The pre-, post- and deploy hooks of `issue` and `renew`, run the same
//! way for both: output passed on as progress lines, the post-hook on
//! every way out.

use crate::error::Result;
use crate::interrupt::InterruptGuard;
use crate::output::Output;
use crate::progress::Progress;
use crate::store::Store;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Runs a pre-, post- or deploy hook the same way for `issue` and `renew`;
/// what it printed is passed on as progress lines.
pub fn run_hook(
    what: &str,
    cmd: &str,
    env: &[(String, String)],
    timeout: Duration,
    progress: &dyn Progress,
) -> Result<()> {
    let env: BTreeMap<String, String> = env.iter().cloned().collect();
    let output = crate::hooks::run(what, cmd, &env, timeout)?;
    for line in output.stdout.lines().chain(output.stderr.lines()) {
        progress.step(&format!("{what}: {line}"));
    }
    Ok(())
}

/// Runs a deploy hook for a lineage that just got a new certificate.
pub fn run_deploy_hook(
    store: &Store,
    cmd: &str,
    name: &str,
    domains: &[String],
    timeout: Duration,
    progress: &dyn Progress,
) -> Result<()> {
    let live = store.live_path(name);
    let live = std::path::absolute(&live).unwrap_or(live);
    run_hook(
        &format!("deploy hook for {name}"),
        cmd,
        &[
            (
                "RENEWED_LINEAGE".to_string(),
                live.to_string_lossy().into_owned(),
            ),
            ("RENEWED_DOMAINS".to_string(), domains.join(" ")),
        ],
        timeout,
        progress,
    )
}

/// Post-hooks this run still owes, each run exactly once: at the end of the
/// run, or by the signal handler when the run is interrupted. A post-hook
/// restarts what a pre-hook stopped (the web server), so SIGTERM must not
/// skip it, and a signal during the normal run must not run it twice.
pub struct PostHooks {
    pending: Arc<Mutex<Vec<String>>>,
    /// Longest each may run (`hook_timeout`).
    timeout: Duration,
    _interrupt: InterruptGuard,
}

impl PostHooks {
    pub fn new(timeout: Duration) -> Result<PostHooks> {
        let pending: Arc<Mutex<Vec<String>>> = Arc::default();
        let guard = {
            let pending = Arc::clone(&pending);
            crate::interrupt::on_interrupt(move || {
                // Blocks while the main thread runs them, then finds none.
                let Ok(mut pending) = pending.lock() else {
                    return;
                };
                for cmd in std::mem::take(&mut *pending) {
                    crate::stdio::err(&format!("certwright: running post-hook: {cmd}\n"));
                    if let Err(e) = crate::hooks::run("post-hook", &cmd, &BTreeMap::new(), timeout)
                    {
                        crate::stdio::err(&format!("certwright: {e}\n"));
                    }
                }
            })?
        };
        Ok(PostHooks {
            pending,
            timeout,
            _interrupt: guard,
        })
    }

    /// Owes `cmd`, once however many lineages name it.
    pub fn add(&self, cmd: &str) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        if !pending.iter().any(|c| c == cmd) {
            pending.push(cmd.to_string());
        }
    }

    /// Runs every owed post-hook; returns how many failed.
    pub fn run(&self, output: &Output) -> u32 {
        // Held while they run, so a signal now waits for them instead of
        // starting them a second time.
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let mut failed = 0;
        for cmd in std::mem::take(&mut *pending) {
            output.step(&format!("running post-hook: {cmd}"));
            if let Err(e) = run_hook("post-hook", &cmd, &[], self.timeout, output) {
                output.error_in("post-hook", &e);
                failed += 1;
            }
        }
        failed
    }
}

/// Runs a post-hook when dropped, so `issue` runs it on every way out
/// (and the signal handler when interrupted); a failure is reported, it
/// cannot change the outcome any more.
pub struct PostHookGuard<'a> {
    hooks: PostHooks,
    output: &'a Output,
}

impl<'a> PostHookGuard<'a> {
    pub fn new(command: &str, output: &'a Output, timeout: Duration) -> Result<PostHookGuard<'a>> {
        let hooks = PostHooks::new(timeout)?;
        hooks.add(command);
        Ok(PostHookGuard { hooks, output })
    }
}

impl Drop for PostHookGuard<'_> {
    fn drop(&mut self) {
        self.hooks.run(self.output);
    }
}
