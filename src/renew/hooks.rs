//! The pre-, post- and deploy hooks of `issue` and `renew`, run the same
//! way for both: output passed on as progress lines, the post-hook on
//! every way out.

use crate::error::Result;
use crate::output::Output;
use crate::progress::Progress;
use crate::store::Store;
use std::collections::BTreeMap;

/// Runs a pre-, post- or deploy hook the same way for `issue` and `renew`;
/// what it printed is passed on as progress lines.
pub fn run_hook(
    what: &str,
    cmd: &str,
    env: &[(String, String)],
    progress: &dyn Progress,
) -> Result<()> {
    let env: BTreeMap<String, String> = env.iter().cloned().collect();
    let output = crate::hooks::run(what, cmd, &env)?;
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
        progress,
    )
}

/// Runs a post-hook when dropped, so `issue` runs it on every way out;
/// a failure is reported, it cannot change the outcome any more.
pub struct PostHookGuard<'a> {
    command: &'a str,
    output: &'a Output,
}

impl<'a> PostHookGuard<'a> {
    pub fn new(command: &'a str, output: &'a Output) -> PostHookGuard<'a> {
        PostHookGuard { command, output }
    }
}

impl Drop for PostHookGuard<'_> {
    fn drop(&mut self) {
        self.output
            .step(&format!("running post-hook: {}", self.command));
        if let Err(e) = run_hook("post-hook", self.command, &[], self.output) {
            self.output.error_in("post-hook", &e);
        }
    }
}
