//! Cleanup that must happen even when the run is interrupted: a TXT record
//! left in the user's zone by Ctrl-C (SIGINT), a service stop (SIGTERM) or a
//! closed terminal (SIGHUP) would otherwise stay there forever.
//!
//! Code that creates something outside certwright registers a cleanup with
//! [`on_interrupt`] and keeps the returned guard while the thing exists. On
//! the first signal the registered cleanups run (newest first) on the signal
//! thread, then the process exits with 128 + the signal number, as a shell
//! would report it. A second signal during cleanup exits at once.
//!
//! Every command arms the handler first ([`arm`]), so an interrupted run
//! always exits 128 + the signal (130, 143, 129), never dies by the signal,
//! whether or not it had something to clean up.

use crate::error::{Error, Result};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

const SIGNALS: [i32; 3] = [SIGINT, SIGTERM, SIGHUP];

type Cleanup = Arc<dyn Fn() + Send + Sync>;

static REGISTRY: Mutex<Vec<(u64, Cleanup)>> = Mutex::new(Vec::new());
/// Run before the cleanups and their message: a spinner line must go
/// before anything else is printed, or it stays on the terminal.
static TERMINAL: Mutex<Vec<(u64, Cleanup)>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
static INSTALLED: OnceLock<std::result::Result<(), String>> = OnceLock::new();

/// Unregisters its cleanup when dropped (the normal path ran it already).
#[must_use = "the cleanup is unregistered when the guard is dropped"]
pub struct InterruptGuard {
    id: u64,
}

impl Drop for InterruptGuard {
    fn drop(&mut self) {
        for registry in [&REGISTRY, &TERMINAL] {
            if let Ok(mut registry) = registry.lock() {
                registry.retain(|(id, _)| *id != self.id);
            }
        }
    }
}

/// Runs `cleanup` if the process is interrupted while the guard lives.
///
/// `cleanup` runs on another thread while the main thread may still be
/// working: it must take whatever lock protects the state it cleans, so
/// each item is cleaned once, by whichever side gets there first.
pub fn on_interrupt(cleanup: impl Fn() + Send + Sync + 'static) -> Result<InterruptGuard> {
    install()?;
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    REGISTRY
        .lock()
        .map_err(|_| Error::Solver("the interrupt cleanup registry is poisoned".into()))?
        .push((id, Arc::new(cleanup)));
    Ok(InterruptGuard { id })
}

/// Installs the handler (once; later calls do nothing).
pub fn arm() -> Result<()> {
    install()
}

/// Restores the terminal (clears a progress line) if the process is
/// interrupted while the guard lives; runs before every other cleanup.
pub fn on_interrupt_restore_terminal(
    restore: impl Fn() + Send + Sync + 'static,
) -> Result<InterruptGuard> {
    install()?;
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    TERMINAL
        .lock()
        .map_err(|_| Error::Solver("the interrupt cleanup registry is poisoned".into()))?
        .push((id, Arc::new(restore)));
    Ok(InterruptGuard { id })
}

fn install() -> Result<()> {
    INSTALLED
        .get_or_init(|| {
            let second = Arc::new(AtomicBool::new(false));
            for signal in SIGNALS {
                // Registered before the flag is set below, so the first
                // signal only sets the flag; a second one exits at once.
                signal_hook::flag::register_conditional_shutdown(
                    signal,
                    128 + signal,
                    Arc::clone(&second),
                )
                .map_err(|e| e.to_string())?;
                signal_hook::flag::register(signal, Arc::clone(&second))
                    .map_err(|e| e.to_string())?;
            }
            let mut signals =
                signal_hook::iterator::Signals::new(SIGNALS).map_err(|e| e.to_string())?;
            std::thread::Builder::new()
                .name("certwright-signals".into())
                .spawn(move || {
                    if let Some(signal) = signals.forever().next() {
                        run_cleanups(signal);
                        std::process::exit(128 + signal);
                    }
                })
                .map_err(|e| e.to_string())?;
            Ok(())
        })
        .clone()
        .map_err(|e| Error::Solver(format!("cannot install the Ctrl-C handler: {e}")))
}

fn run_cleanups(signal: i32) {
    let restores: Vec<Cleanup> = match TERMINAL.lock() {
        Ok(mut registry) => registry.drain(..).map(|(_, c)| c).collect(),
        Err(_) => Vec::new(),
    };
    for restore in restores {
        restore();
    }
    let cleanups: Vec<Cleanup> = match REGISTRY.lock() {
        Ok(mut registry) => registry.drain(..).rev().map(|(_, c)| c).collect(),
        Err(_) => Vec::new(),
    };
    if !cleanups.is_empty() {
        let name = match signal {
            SIGINT => "interrupted",
            SIGTERM => "terminated",
            _ => "hung up",
        };
        crate::stdio::err(&format!(
            "certwright: {name}; cleaning up before exit (press Ctrl-C again to skip)\n"
        ));
    }
    for cleanup in cleanups {
        cleanup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_guard_unregisters_its_cleanup() {
        let guard = on_interrupt(|| {}).unwrap();
        let id = guard.id;
        assert!(REGISTRY.lock().unwrap().iter().any(|(i, _)| *i == id));
        drop(guard);
        assert!(!REGISTRY.lock().unwrap().iter().any(|(i, _)| *i == id));
    }
}
