//! Everything the user sees: progress on a terminal (an indicatif spinner
//! that names what is being waited for), plain lines in logs, JSON lines for
//! CI, and the final result. Verbose request lines go through the spinner so
//! the two never tear each other.

use crate::clock::human_duration;
use crate::progress::Progress;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use std::cell::Cell;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

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
    spinner: Mutex<Option<ProgressBar>>,
    stderr_is_tty: bool,
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
        }
    }

    fn with_spinner(&self, f: impl FnOnce(&ProgressBar)) {
        let mut guard = self.spinner.lock().expect("spinner mutex");
        let bar = guard.get_or_insert_with(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                    .expect("static template is valid"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        f(bar);
    }

    fn spinner_active(&self) -> bool {
        self.mode == Mode::Human && self.stderr_is_tty
    }

    /// A line on stderr that does not tear the spinner.
    fn line(&self, text: &str) {
        if self.spinner_active() {
            let guard = self.spinner.lock().expect("spinner mutex");
            if let Some(bar) = guard.as_ref() {
                bar.println(text);
                return;
            }
        }
        eprintln!("{text}");
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
        if let Some(bar) = self.spinner.lock().expect("spinner mutex").take() {
            bar.finish_and_clear();
        }
    }

    /// The command's result: text for people, one JSON document for machines.
    pub fn result(&self, human: &str, doc: Value) {
        self.finish();
        match self.mode {
            Mode::Human => println!("{human}"),
            Mode::Quiet => {}
            Mode::Json => println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("JSON value serialises")
            ),
        }
    }

    pub fn error(&self, error: &crate::error::Error) {
        self.finish();
        match self.mode {
            Mode::Json => {
                let mut doc = json!({"ok": false, "error": error.to_string()});
                if let Some(p) = error.problem() {
                    doc["problem"] = serde_json::to_value(p).unwrap_or(Value::Null);
                }
                println!(
                    "{}",
                    serde_json::to_string_pretty(&doc).expect("JSON value serialises")
                );
            }
            Mode::Human | Mode::Quiet => eprintln!("error: {error}"),
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

    /// Asks a yes/no question on the terminal.
    pub fn confirm(&self, question: &str) -> bool {
        self.finish();
        eprint!("{question} [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err() {
            return false;
        }
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }
}

impl Progress for Output {
    fn step(&self, message: &str) {
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
        match self.mode {
            Mode::Json => self.event(json!({
                "event": "wait", "reason": what, "seconds": duration.as_secs_f64()
            })),
            Mode::Quiet => {}
            Mode::Human if self.spinner_active() => self.with_spinner(|bar| {
                bar.set_message(format!(
                    "{what} (next check in {})",
                    human_duration(duration)
                ))
            }),
            Mode::Human => {
                if self.verbosity > 0 || duration >= NOTABLE_WAIT {
                    self.line(&format!("{what}: waiting {}", human_duration(duration)))
                }
            }
        }
    }

    fn request(&self, method: &str, url: &str, status: Option<u16>, elapsed: Duration) {
        if self.verbosity == 0 {
            return;
        }
        let status_text = status.map_or("failed".to_string(), |s| s.to_string());
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
        match self.mode {
            Mode::Json => self.event(json!({"event": "warning", "message": message})),
            Mode::Quiet => {}
            Mode::Human => self.line(&format!("warning: {message}")),
        }
    }
}
