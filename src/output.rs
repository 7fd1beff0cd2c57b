//! Everything the user sees: progress on a terminal (an indicatif spinner
//! that names what is being waited for), plain lines in logs, JSON lines for
//! CI, and the final result. Verbose request lines go through the spinner so
//! the two never tear each other.
//!
//! Whatever the terminal is shown, the run log (`log_file`) gets the `-v`
//! rendering of everything, through the same redaction as the terminal.

use crate::clock::human_duration;
use crate::interrupt::InterruptGuard;
use crate::log_file::{RunLog, redact};
use crate::progress::Progress;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use std::cell::Cell;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

/// Longest JSON body `-vv` shows of one response, in characters.
pub const MAX_SHOWN_BODY: usize = 4096;
/// A wait as a line of a log (or of stderr without a terminal).
pub fn wait_line(what: &str, duration: Duration) -> String {
    format!("{what}: waiting {}", human_duration(duration))
}

/// A wait as the spinner on a terminal shows it (before its elapsed time).
pub fn wait_spinner_message(what: &str, duration: Duration) -> String {
    format!("{what} (next check in {})", human_duration(duration))
}

/// What a run waiting for the store's lock says.
pub fn lock_wait_notice(root: &Path, holder: Option<&str>, wait: Duration) -> String {
    format!(
        "waiting for another certwright run to finish ({} holds the lock on {}); giving up after {} (--lock-wait)",
        holder.unwrap_or("another process"),
        root.display(),
        human_duration(wait)
    )
}

thread_local! {
    /// Set while a buffered lineage block is printed: its events keep the
    /// time they happened (see `renew::parallel`).
    static EVENT_TIME: Cell<Option<SystemTime>> = const { Cell::new(None) };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Human,
    Quiet,
    Json,
}

pub struct Output {
    pub mode: Mode,
    pub verbosity: u8,
    spinner: Mutex<Option<(ProgressBar, Option<InterruptGuard>)>>,
    stderr_is_tty: bool,
    log: OnceLock<RunLog>,
}

/// Waits shorter than this are not worth a line in a log.
const NOTABLE_WAIT: Duration = Duration::from_secs(5);

impl Output {
    pub fn new(mode: Mode, verbosity: u8) -> Output {
        Output {
            mode,
            verbosity,
            spinner: Mutex::new(None),
            stderr_is_tty: std::io::stderr().is_terminal(),
            log: OnceLock::new(),
        }
    }

    /// Starts this run's log in `dir` (rotating earlier runs' logs) with
    /// the command line as its first line. A log that cannot be written
    /// does not stop the run (-v says why).
    pub fn start_log(&self, dir: &Path, command_line: &[String]) {
        match RunLog::open(dir, crate::log_file::FILE_NAME, crate::log_file::KEPT_RUNS) {
            Ok(log) => {
                let _ = self.log.set(log);
                self.log(&format!(
                    "certwright {} (pid {}): {}",
                    env!("CARGO_PKG_VERSION"),
                    std::process::id(),
                    command_line.join(" ")
                ));
            }
            Err(e) if self.verbosity > 0 => self.warn(&format!("no run log: {e}")),
            Err(_) => {}
        }
    }

    /// Where this run's log is, if it has one.
    pub fn log_path(&self) -> Option<PathBuf> {
        self.log.get().map(|l| l.path().to_path_buf())
    }

    fn log(&self, text: &str) {
        if let Some(log) = self.log.get()
            && let Some(e) = log.write(SystemTime::now(), text)
        {
            // Said once: the log stops after its first failed write.
            self.warn(&format!(
                "the run log {} stopped: {e}",
                log.path().display()
            ));
        }
    }

    /// Ends the run's log with its exit status; a failed run's terminal
    /// output ends with where the log is.
    pub fn end_log(&self, code: u8) {
        self.log(&format!("exit status {code}"));
        if code == crate::exit_code::SUCCESS {
            return;
        }
        if let (Some(path), Mode::Human | Mode::Quiet) = (self.log_path(), self.mode) {
            self.finish();
            crate::stdio::err(&format!("  details: {}\n", path.display()));
        }
    }

    fn with_spinner(&self, f: impl FnOnce(&ProgressBar)) {
        let mut guard = self.spinner.lock().expect("spinner mutex");
        let (bar, _) = guard.get_or_insert_with(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                    .expect("static template is valid"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            // Ctrl-C would leave the line standing under the shell prompt.
            let on_ctrl_c = bar.clone();
            let restore = crate::interrupt::on_interrupt_restore_terminal(move || {
                on_ctrl_c.finish_and_clear()
            })
            .ok();
            (bar, restore)
        });
        f(bar);
    }

    fn spinner_active(&self) -> bool {
        self.mode == Mode::Human && self.stderr_is_tty
    }

    /// A line on stderr that does not tear the spinner.
    fn line(&self, text: &str) {
        let text = redact(text);
        if self.spinner_active() {
            let guard = self.spinner.lock().expect("spinner mutex");
            if let Some((bar, _)) = guard.as_ref() {
                bar.println(text);
                return;
            }
        }
        crate::stdio::err(&format!("{text}\n"));
    }

    /// Something the person at the terminal should hear about even
    /// without -v (an account created on the fly, a wait for the lock):
    /// a line in human mode, a step event with --json, nothing with -q.
    pub fn notice(&self, text: &str) {
        self.log(text);
        match self.mode {
            Mode::Human => self.line(text),
            Mode::Json => self.event(json!({"event": "step", "message": text})),
            Mode::Quiet => {}
        }
    }

    fn event(&self, mut value: Value) {
        // Wall-clock time, so CI logs line up with the CA's and the DNS
        // provider's (and tests can order events against outside actions).
        let now = EVENT_TIME.get().unwrap_or_else(SystemTime::now);
        value["time"] = json!(crate::clock::rfc3339(now));
        value["unix_ms"] = json!(
            now.duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0)
        );
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{value}");
    }

    /// Runs `print` with its JSON events stamped `at` instead of now: for
    /// messages recorded earlier and printed later.
    pub fn at(&self, at: SystemTime, print: impl FnOnce()) {
        EVENT_TIME.set(Some(at));
        print();
        EVENT_TIME.set(None);
    }

    /// Stops the spinner; call before printing the result.
    pub fn finish(&self) {
        if let Some((bar, _restore)) = self.spinner.lock().expect("spinner mutex").take() {
            bar.finish_and_clear();
        }
    }

    /// The command's result: text for people, one JSON document for machines.
    pub fn result(&self, human: &str, doc: Value) {
        self.finish();
        self.log(human);
        match self.mode {
            Mode::Human => crate::stdio::out(&format!("{human}\n")),
            Mode::Quiet => {}
            Mode::Json => crate::stdio::out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).expect("JSON value serialises")
            )),
        }
    }

    pub fn error(&self, error: &crate::error::Error) {
        self.finish();
        self.log(&format!("error: {error}"));
        match self.mode {
            Mode::Json => {
                let mut doc = json!({"ok": false, "error": error.to_string()});
                if let Some(p) = error.problem() {
                    doc["problem"] = serde_json::to_value(p).unwrap_or(Value::Null);
                }
                // Where the run's detail is, as people are told on stderr.
                if let Some(path) = self.log_path() {
                    doc["log"] = json!(path.display().to_string());
                }
                crate::stdio::out(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&doc).expect("JSON value serialises")
                ));
            }
            Mode::Human | Mode::Quiet => {
                crate::stdio::err(&format!("error: {}\n", redact(&error.to_string())))
            }
        }
    }

    /// An error that does not end the command (one lineage of several
    /// failed): shown even with --quiet, as a JSON event with --json.
    pub fn error_in(&self, context: &str, error: &crate::error::Error) {
        self.error_parts_in(context, &error.to_string(), error.problem());
    }

    /// [`Output::error_in`] from an error's text and problem document.
    pub fn error_parts_in(
        &self,
        context: &str,
        error: &str,
        problem: Option<&crate::acme::types::Problem>,
    ) {
        self.log(&format!("error: {context}: {error}"));
        match self.mode {
            Mode::Json => {
                let mut doc = json!({"event": "error", "context": context, "error": error});
                if let Some(p) = problem {
                    doc["problem"] = serde_json::to_value(p).unwrap_or(Value::Null);
                }
                self.event(doc);
            }
            Mode::Human | Mode::Quiet => self.line(&format!("error: {context}: {error}")),
        }
    }

    /// Asks for a line of text on the terminal; None when stdin closed.
    pub fn ask(&self, question: &str) -> Option<String> {
        self.finish();
        crate::stdio::err(&format!("{question} "));
        let mut answer = String::new();
        match std::io::stdin().read_line(&mut answer) {
            Ok(n) if n > 0 => Some(answer.trim().to_string()),
            _ => None,
        }
    }

    /// Asks a yes/no question on the terminal.
    pub fn confirm(&self, question: &str) -> bool {
        self.finish();
        crate::stdio::err(&format!("{question} [y/N] "));
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err() {
            return false;
        }
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }
}

impl Progress for Output {
    fn step(&self, message: &str) {
        self.log(message);
        match self.mode {
            Mode::Json => self.event(json!({"event": "step", "message": message})),
            Mode::Quiet => {}
            Mode::Human if self.spinner_active() => {
                self.with_spinner(|bar| bar.set_message(message.to_string()))
            }
            Mode::Human => {
                if self.verbosity > 0 {
                    self.line(message)
                }
            }
        }
    }

    fn waiting(&self, what: &str, duration: Duration) {
        self.log(&wait_line(what, duration));
        match self.mode {
            Mode::Json => self.event(json!({
                "event": "wait", "reason": what, "seconds": duration.as_secs_f64()
            })),
            Mode::Quiet => {}
            Mode::Human if self.spinner_active() => {
                self.with_spinner(|bar| bar.set_message(wait_spinner_message(what, duration)))
            }
            Mode::Human => {
                if self.verbosity > 0 || duration >= NOTABLE_WAIT {
                    self.line(&wait_line(what, duration))
                }
            }
        }
    }

    /// `-vv`: the headers that steer the client and the body, a JSON body
    /// in full up to [`MAX_SHOWN_BODY`] (ACME objects and problem documents:
    /// what the CA said, for telling its quirks apart), other bodies (a
    /// certificate chain) by type and size only.
    fn response(&self, url: &str, headers: &[(&str, String)], body: &[u8]) {
        if self.verbosity < 2 || self.mode == Mode::Quiet {
            return;
        }
        let json: Option<Value> = serde_json::from_slice(body).ok();
        match self.mode {
            Mode::Json => {
                let headers: serde_json::Map<String, Value> = headers
                    .iter()
                    .map(|(name, value)| (name.to_string(), json!(value)))
                    .collect();
                self.event(json!({
                    "event": "response", "url": url, "headers": headers,
                    "bytes": body.len(), "body": json,
                }));
            }
            Mode::Human | Mode::Quiet => {
                for (name, value) in headers {
                    self.line(&format!("  < {name}: {value}"));
                }
                match json {
                    Some(doc) => {
                        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
                        let mut shown: String = text.chars().take(MAX_SHOWN_BODY).collect();
                        if shown.len() < text.len() {
                            shown.push_str(&format!("\n... ({} bytes in all)", text.len()));
                        }
                        for line in shown.lines() {
                            self.line(&format!("  < {line}"));
                        }
                    }
                    None if body.is_empty() => {}
                    None => self.line(&format!("  < ({} bytes)", body.len())),
                }
            }
        }
    }

    fn request(&self, method: &str, url: &str, status: Option<u16>, elapsed: Duration) {
        let status_text = status.map_or("failed".to_string(), |s| s.to_string());
        self.log(&format!(
            "{method} {url} -> {status_text} ({} ms)",
            elapsed.as_millis()
        ));
        if self.verbosity == 0 {
            return;
        }
        match self.mode {
            Mode::Json => self.event(json!({
                "event": "request", "method": method, "url": url,
                "status": status, "ms": elapsed.as_millis() as u64
            })),
            Mode::Quiet => {}
            Mode::Human => self.line(&format!(
                "{method} {url} -> {status_text} ({} ms)",
                elapsed.as_millis()
            )),
        }
    }

    fn warn(&self, message: &str) {
        self.log(&format!("warning: {message}"));
        match self.mode {
            Mode::Json => self.event(json!({"event": "warning", "message": message})),
            Mode::Quiet => {}
            Mode::Human => self.line(&format!("warning: {message}")),
        }
    }
}
