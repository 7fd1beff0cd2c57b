//! Running lineages on a bounded number of workers (`renew --jobs N`)
//! without tearing the output: each lineage's lines are kept in its own
//! [`LineageLog`] while it runs and printed as one block when it is done,
//! so a log reads lineage by lineage, and `--json` event lines of two
//! lineages never interleave.
//!
//! Code that does not know which lineage it works for (the shared ACME
//! transport reports its retries and waits) reports through [`Routed`],
//! which sends each message to the log of the lineage the calling worker
//! is busy with.

use crate::output::Output;
use crate::progress::Progress;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Runs `work` over `items` on at most `jobs` threads; results in input
/// order. One job runs on the calling thread (no thread, no buffering
/// difference from a plain loop).
pub fn run<T, R, F>(jobs: usize, items: Vec<T>, work: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let jobs = jobs.max(1).min(items.len().max(1));
    if jobs == 1 {
        return items.into_iter().map(work).collect();
    }
    let n = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    // Take the next item and release the queue before the
                    // (long) work starts.
                    let next = queue.lock().expect("queue mutex").next();
                    let Some((i, item)) = next else { break };
                    let r = work(item);
                    results.lock().expect("results mutex")[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("results mutex")
        .into_iter()
        .map(|r| r.expect("every item was processed: the workers ran to completion"))
        .collect()
}

#[derive(Debug, Clone)]
enum Line {
    Step(String),
    Waiting(String, Duration),
    Request(String, String, Option<u16>, Duration),
    Warn(String),
    Error(String, String, Option<crate::acme::types::Problem>),
}

/// One lineage's messages, held until the lineage is done (or passed on
/// at once when only one lineage runs at a time), and its request count.
pub struct LineageLog {
    lines: Mutex<Vec<(SystemTime, Line)>>,
    /// Some: print at once (one job), nothing is held.
    direct: Option<Arc<Output>>,
    requests: AtomicU32,
}

impl LineageLog {
    /// A log that holds its lines until [`LineageLog::flush`].
    pub fn buffered() -> LineageLog {
        LineageLog {
            lines: Mutex::default(),
            direct: None,
            requests: AtomicU32::new(0),
        }
    }

    /// A log that prints at once (and still counts requests).
    pub fn direct(output: Arc<Output>) -> LineageLog {
        LineageLog {
            direct: Some(output),
            ..LineageLog::buffered()
        }
    }

    /// HTTP requests sent for this lineage.
    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    fn push(&self, line: Line) {
        match &self.direct {
            Some(output) => replay(output, line),
            None => self
                .lines
                .lock()
                .expect("log mutex")
                .push((SystemTime::now(), line)),
        }
    }

    /// An error that does not end the run (see `Output::error_in`).
    pub fn error_in(&self, context: &str, error: &crate::error::Error) {
        self.push(Line::Error(
            context.to_string(),
            error.to_string(),
            error.problem().cloned(),
        ));
    }

    /// Prints the block; `printing` is held for the whole block so blocks
    /// of different lineages do not interleave.
    pub fn flush(&self, output: &Output, printing: &Mutex<()>) {
        let lines = std::mem::take(&mut *self.lines.lock().expect("log mutex"));
        let _whole_block = printing.lock().expect("print mutex");
        for (at, line) in lines {
            output.at(at, || replay(output, line));
        }
    }
}

fn replay(output: &Output, line: Line) {
    match line {
        Line::Step(m) => output.step(&m),
        Line::Waiting(w, d) => output.waiting(&w, d),
        Line::Request(m, u, s, e) => output.request(&m, &u, s, e),
        Line::Warn(m) => output.warn(&m),
        Line::Error(c, e, p) => output.error_parts_in(&c, &e, p.as_ref()),
    }
}

impl Progress for LineageLog {
    fn step(&self, message: &str) {
        self.push(Line::Step(message.to_string()));
    }
    fn waiting(&self, what: &str, duration: Duration) {
        self.push(Line::Waiting(what.to_string(), duration));
    }
    fn request(&self, method: &str, url: &str, status: Option<u16>, elapsed: Duration) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.push(Line::Request(
            method.to_string(),
            url.to_string(),
            status,
            elapsed,
        ));
    }
    fn warn(&self, message: &str) {
        self.push(Line::Warn(message.to_string()));
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<LineageLog>>> = const { RefCell::new(None) };
}

/// Makes `log` the destination of [`Routed`] messages on this thread
/// until the guard is dropped.
pub fn route_to(log: Arc<LineageLog>) -> RouteGuard {
    CURRENT.with(|c| *c.borrow_mut() = Some(log));
    RouteGuard(())
}

pub struct RouteGuard(());

impl Drop for RouteGuard {
    fn drop(&mut self) {
        CURRENT.with(|c| *c.borrow_mut() = None);
    }
}

/// A [`Progress`] shared by every worker: messages go to the calling
/// thread's current lineage log, or straight to the output when none is
/// set (outside a lineage).
pub struct Routed(pub Arc<Output>);

impl Routed {
    /// An error that does not end the run, to the current lineage's log.
    pub fn error_in(&self, context: &str, error: &crate::error::Error) {
        match CURRENT.with(|c| c.borrow().clone()) {
            Some(log) => log.error_in(context, error),
            None => self.0.error_in(context, error),
        }
    }

    fn with(&self, f: impl FnOnce(&dyn Progress)) {
        let current = CURRENT.with(|c| c.borrow().clone());
        match current {
            Some(log) => f(log.as_ref()),
            None => f(self.0.as_ref()),
        }
    }
}

impl Progress for Routed {
    fn step(&self, message: &str) {
        self.with(|p| p.step(message));
    }
    fn waiting(&self, what: &str, duration: Duration) {
        self.with(|p| p.waiting(what, duration));
    }
    fn request(&self, method: &str, url: &str, status: Option<u16>, elapsed: Duration) {
        self.with(|p| p.request(method, url, status, elapsed));
    }
    fn warn(&self, message: &str) {
        self.with(|p| p.warn(message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn results_keep_input_order_and_concurrency_is_bounded() {
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let out = run(3, (0..20).collect(), |i: u32| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(5));
            running.fetch_sub(1, Ordering::SeqCst);
            i * 2
        });
        assert_eq!(out, (0..20).map(|i| i * 2).collect::<Vec<_>>());
        let peak = peak.load(Ordering::SeqCst);
        assert!(peak <= 3, "{peak} workers at once");
        assert!(peak >= 2, "the work never overlapped");
    }

    #[test]
    fn one_job_runs_on_the_calling_thread() {
        let me = std::thread::current().id();
        let ids = run(1, vec![1, 2], |_| std::thread::current().id());
        assert!(ids.iter().all(|id| *id == me));
        assert!(run(4, Vec::<u8>::new(), |x| x).is_empty());
    }

    #[test]
    fn routed_messages_land_in_the_current_lineage_log() {
        let output = Arc::new(Output::new(crate::output::Mode::Quiet, 0));
        let routed = Routed(Arc::clone(&output));
        let a = Arc::new(LineageLog::buffered());
        {
            let _guard = route_to(Arc::clone(&a));
            routed.step("one");
            routed.waiting("CA busy", Duration::from_secs(2));
            routed.request("GET", "https://ca.test/dir", Some(200), Duration::ZERO);
        }
        // After the guard, messages are not captured any more.
        routed.step("outside");
        let lines: Vec<Line> = a
            .lines
            .lock()
            .unwrap()
            .iter()
            .map(|(_, l)| l.clone())
            .collect();
        assert_eq!(
            format!("{lines:?}"),
            format!(
                "{:?}",
                vec![
                    Line::Step("one".into()),
                    Line::Waiting("CA busy".into(), Duration::from_secs(2)),
                    Line::Request(
                        "GET".into(),
                        "https://ca.test/dir".into(),
                        Some(200),
                        Duration::ZERO
                    )
                ]
            )
        );
        // Each worker thread has its own destination.
        let b = Arc::new(LineageLog::buffered());
        std::thread::scope(|s| {
            s.spawn(|| {
                let _g = route_to(Arc::clone(&b));
                routed.warn("in b");
            });
        });
        assert_eq!(b.lines.lock().unwrap().len(), 1);
        assert_eq!(a.lines.lock().unwrap().len(), 3);
        assert_eq!(a.requests(), 1);
    }
}
