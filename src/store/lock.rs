//! The store's lock file: one run at a time changes the config directory.

use super::{PRIVATE_FILE_MODE, Store};
use crate::error::{Error, Result};
use std::fs;
use std::io::Write;
use std::time::Duration;

const LOCK_FILE: &str = ".lock";

/// How long a command waits for another run to release the lock.
pub const LOCK_WAIT: Duration = Duration::from_secs(5);
/// A wait for the lock longer than this is announced.
pub const LOCK_NOTICE_AFTER: Duration = Duration::from_secs(1);

/// Held for the duration of a run; released on drop or process death.
pub struct StoreLock {
    _file: fs::File,
}

impl Store {
    /// Takes the store's lock, waiting at most `wait` (zero: fail at once)
    /// for another run to finish. The OS releases it when the holder dies,
    /// so a stale lock cannot stick.
    pub fn lock_with_wait(&self, wait: Duration) -> Result<StoreLock> {
        self.lock_announcing(wait, |_, _| {})
    }

    /// [`Store::lock_with_wait`], calling `announce(holder, wait)` once
    /// when the lock is still taken after [`LOCK_NOTICE_AFTER`], so a run
    /// that waits does not look hung.
    pub fn lock_announcing(
        &self,
        wait: Duration,
        announce: impl FnOnce(Option<&str>, Duration),
    ) -> Result<StoreLock> {
        let mut announce = Some(announce);
        let root = self.root_dir()?;
        let path = self.root.join(LOCK_FILE);
        // Never through a link or a second name: the holder truncates it.
        let mut file = root.open_lock_file(LOCK_FILE, PRIVATE_FILE_MODE)?;
        let started = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                    if started.elapsed() >= LOCK_NOTICE_AFTER
                        && let Some(announce) = announce.take()
                    {
                        let holder = fs::read_to_string(&path).unwrap_or_default();
                        let holder = holder.trim();
                        announce((!holder.is_empty()).then_some(holder), wait);
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    let holder = fs::read_to_string(&path)
                        .ok()
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty());
                    return Err(Error::LockHeld { path, holder });
                }
                Err(fs::TryLockError::Error(e)) => return Err(Error::io(&path)(e)),
            }
        }
        file.set_len(0).map_err(Error::io(&path))?;
        writeln!(file, "pid {}", std::process::id()).map_err(Error::io(&path))?;
        Ok(StoreLock { _file: file })
    }
}
