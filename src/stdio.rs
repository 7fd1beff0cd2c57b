//! The process's own output streams, written so that they never panic: a
//! print that fails (a reader gone away, a closed stderr) must not become a
//! crash in a tool that runs unattended, and the release build aborts on a
//! panic.

use std::io::Write;

/// Writes to stdout. When the reader has gone away (`certwright
/// certificates | head -1`), the run ends quietly with success, as Unix
/// tools do, instead of a panic on a failed print.
pub fn out(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

/// Writes to stderr; a stderr nobody reads any more is no reason to stop.
pub fn err(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}
