//! What a solver saw of the CA's validation requests. The standalone http-01
//! server sees every fetch of a token, so it knows when asking the CA for
//! its verdict is worth a request: once each token has been fetched and the
//! fetches have stopped for a moment (a CA may check from several network
//! locations, one after another). Solvers that cannot see the CA (webroot,
//! dns-01) have none, and the poller follows its schedule.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long the fetches must have stopped before the CA is taken to have
/// finished looking: a CA validating from several places fetches the token
/// from each within a moment of the others.
pub const QUIET: Duration = Duration::from_millis(200);

#[derive(Default)]
pub struct Sightings {
    /// Token -> when it was last fetched.
    fetched: Mutex<HashMap<String, Instant>>,
    changed: Condvar,
}

impl Sightings {
    /// Records a fetch of `token` (called by the server on each request).
    pub fn saw(&self, token: &str) {
        let mut fetched = self.fetched.lock().expect("sightings mutex poisoned");
        fetched.insert(token.to_string(), Instant::now());
        self.changed.notify_all();
    }

    /// Blocks until every token in `tokens` was fetched after `since` and
    /// `quiet` has passed since the last fetch, or until `max` has passed.
    /// True when the CA looked at everything.
    pub fn wait_all(
        &self,
        tokens: &[String],
        since: Instant,
        quiet: Duration,
        max: Duration,
    ) -> bool {
        let deadline = Instant::now() + max;
        let mut fetched = self.fetched.lock().expect("sightings mutex poisoned");
        loop {
            let now = Instant::now();
            let last = tokens
                .iter()
                .map(|t| fetched.get(t).copied().filter(|at| *at >= since))
                .collect::<Option<Vec<Instant>>>()
                .and_then(|times| times.into_iter().max());
            let wake = match last {
                Some(last) if now >= last + quiet => return true,
                Some(last) => (last + quiet).min(deadline),
                None => deadline,
            };
            if now >= deadline {
                return false;
            }
            fetched = self
                .changed
                .wait_timeout(fetched, wake - now)
                .expect("sightings mutex poisoned")
                .0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn tokens(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn returns_once_every_token_was_fetched_and_things_went_quiet() {
        let s = Arc::new(Sightings::default());
        let since = Instant::now();
        let fetcher = {
            let s = Arc::clone(&s);
            std::thread::spawn(move || {
                s.saw("a");
                std::thread::sleep(Duration::from_millis(30));
                s.saw("b");
            })
        };
        let started = Instant::now();
        assert!(s.wait_all(
            &tokens(&["a", "b"]),
            since,
            Duration::from_millis(50),
            Duration::from_secs(20)
        ));
        let took = started.elapsed();
        fetcher.join().unwrap();
        // Not before the last fetch plus the quiet time, and long before max.
        assert!(took >= Duration::from_millis(80), "{took:?}");
        assert!(took < Duration::from_secs(10), "{took:?}");
    }

    #[test]
    fn gives_up_at_max_when_a_token_is_never_fetched() {
        let s = Sightings::default();
        s.saw("a");
        let started = Instant::now();
        assert!(!s.wait_all(
            &tokens(&["a", "b"]),
            Instant::now() - Duration::from_secs(1),
            Duration::ZERO,
            Duration::from_millis(100)
        ));
        assert!(started.elapsed() >= Duration::from_millis(100));
    }

    #[test]
    fn fetches_before_since_do_not_count() {
        let s = Sightings::default();
        s.saw("a");
        std::thread::sleep(Duration::from_millis(5));
        let since = Instant::now();
        assert!(!s.wait_all(
            &tokens(&["a"]),
            since,
            Duration::ZERO,
            Duration::from_millis(50)
        ));
    }
}
