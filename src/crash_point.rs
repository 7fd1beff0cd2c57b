//! Test hook for crash-safety tests: named points in the issuance, install
//! and renewal code where the process can be made to die.
//!
//! When the environment variable `CERTWRIGHT_CRASH_AT` names a point
//! (`store.archive.cert`, or `atomic_write:privkey.pem@2` for the second
//! time that point is reached), the process sends itself SIGKILL there: no
//! destructor, no buffered write, no cleanup runs, exactly as when the
//! machine loses power or the OOM killer strikes. `tests/e2e/crash.rs` uses it to
//! check that the store is consistent after a crash at every point, and
//! that the next run completes. Without the variable a point costs one
//! atomic load; nothing in normal operation sets it.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

pub const ENV: &str = "CERTWRIGHT_CRASH_AT";

/// (point name, which hit of it kills: 1 = the first), read once.
static TARGET: OnceLock<Option<(String, u32)>> = OnceLock::new();
static HITS: AtomicU32 = AtomicU32::new(0);

fn target() -> Option<&'static (String, u32)> {
    TARGET
        .get_or_init(|| {
            let raw = std::env::var(ENV).ok()?;
            Some(match raw.rsplit_once('@') {
                Some((name, n)) => (name.to_string(), n.parse().ok()?),
                None => (raw, 1),
            })
        })
        .as_ref()
}

/// Marks the point `name`; dies there if the test hook asks for it.
pub fn hit(name: &str) {
    if let Some((wanted, nth)) = target()
        && wanted == name
        && HITS.fetch_add(1, Ordering::SeqCst) + 1 == *nth
    {
        die();
    }
}

/// [`hit`] for points that are per file (`atomic_write:<file name>`);
/// the name is only built when the hook is armed.
pub fn hit_file(prefix: &str, file_name: &str) {
    if target().is_some() {
        hit(&format!("{prefix}:{file_name}"));
    }
}

fn die() -> ! {
    // kill(1) rather than a libc dependency for one syscall; the signal is
    // the same SIGKILL an outside killer would send.
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &std::process::id().to_string()])
        .status();
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}
