//! What a solver saw of the CA's validation requests. The standalone http-01
//! server sees every fetch of a token, so it knows when asking the CA for
//! its verdict is worth a request: once each token has been fetched and the
//! fetches have stopped for a moment. A CA checks from several network
//! locations (Let's Encrypt at once, Pebble one after another with a random
//! pause each), so after a look that found the order still `pending` the
//! next one waits for new fetches and a longer quiet. Solvers that cannot
//! see the CA (webroot, dns-01) have none, and the poller follows its
//! schedule.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long the fetches must have stopped before the CA is taken to have
/// finished looking, the first time: validators that check from several
/// places at once fetch within a moment of each other, and a CA that
/// validates in milliseconds should not wait on us.
pub const QUIET: Duration = Duration::from_millis(50);

/// The same once a look found the CA still at work while its fetches so far
/// came close together (a slow perspective of a concurrent check).
pub const QUIET_CLOSE: Duration = Duration::from_millis(200);

/// The same once a look found the CA still at work and its fetches spread
/// over more than [`SPREAD`]: its checks come one after another, so a
/// longer pause is needed to tell the last one.
pub const QUIET_SPREAD: Duration = Duration::from_millis(1500);

/// Fetches further apart than this are taken for checks made one after
/// another.
pub const SPREAD: Duration = Duration::from_millis(500);

#[derive(Default)]
pub struct Sightings {
    /// Token -> when it was first and last fetched.
    fetched: Mutex<HashMap<String, (Instant, Instant)>>,
    changed: Condvar,
}

/// What a wait ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Every token was fetched, there were fetches since `news_after`, and
    /// they have been quiet since: worth a look.
    Settled,
    /// Some fetches came, but not for every token or not settled by the end.
    Some,
    /// No token was fetched at all.
    Nothing,
}

impl Sightings {
    /// Records a fetch of `token` (called by the server on each request).
    pub fn saw(&self, token: &str) {
        let now = Instant::now();
        let mut fetched = self.fetched.lock().expect("sightings mutex poisoned");
        fetched
            .entry(token.to_string())
            .and_modify(|(_, last)| *last = now)
            .or_insert((now, now));
        self.changed.notify_all();
    }

    /// How far apart the fetches of `tokens` (at or after `since`) were:
    /// from the first to the last.
    pub fn spread(&self, tokens: &[String], since: Instant) -> Duration {
        let fetched = self.fetched.lock().expect("sightings mutex poisoned");
        let times: Vec<(Instant, Instant)> = tokens
            .iter()
            .filter_map(|t| fetched.get(t).copied())
            .filter(|(_, last)| *last >= since)
            .collect();
        match (
            times.iter().map(|(first, _)| *first).min(),
            times.iter().map(|(_, last)| *last).max(),
        ) {
            (Some(first), Some(last)) => last.saturating_duration_since(first),
            _ => Duration::ZERO,
        }
    }

    /// Blocks until every token in `tokens` was fetched (at or after
    /// `since`), some fetch came after `news_after`, and `quiet` has passed
    /// since the last one; or until `max` has passed.
    pub fn wait(
        &self,
        tokens: &[String],
        since: Instant,
        news_after: Instant,
        quiet: Duration,
        max: Duration,
    ) -> Seen {
        let deadline = Instant::now() + max;
        let mut fetched = self.fetched.lock().expect("sightings mutex poisoned");
        loop {
            let now = Instant::now();
            let times: Vec<Option<(Instant, Instant)>> = tokens
                .iter()
                .map(|t| fetched.get(t).copied().filter(|(_, last)| *last >= since))
                .collect();
            let latest = times.iter().flatten().map(|(_, last)| *last).max();
            let all = times.iter().all(Option::is_some);
            let wake = match latest {
                Some(last) if all && last > news_after => {
                    if now >= last + quiet {
                        return Seen::Settled;
                    }
                    (last + quiet).min(deadline)
                }
                _ => deadline,
            };
            if now >= deadline {
                return if latest.is_some() {
                    Seen::Some
                } else {
                    Seen::Nothing
                };
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
    fn settles_once_every_token_was_fetched_and_things_went_quiet() {
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
        let seen = s.wait(
            &tokens(&["a", "b"]),
            since,
            since,
            Duration::from_millis(50),
            Duration::from_secs(20),
        );
        let took = started.elapsed();
        fetcher.join().unwrap();
        assert_eq!(seen, Seen::Settled);
        // Not before the last fetch plus the quiet time, and long before max.
        assert!(took >= Duration::from_millis(80), "{took:?}");
        assert!(took < Duration::from_secs(10), "{took:?}");
    }

    #[test]
    fn gives_up_at_max_when_a_token_is_never_fetched() {
        let s = Sightings::default();
        let since = Instant::now();
        s.saw("a");
        let started = Instant::now();
        let seen = s.wait(
            &tokens(&["a", "b"]),
            since,
            since,
            Duration::ZERO,
            Duration::from_millis(100),
        );
        assert_eq!(seen, Seen::Some);
        assert!(started.elapsed() >= Duration::from_millis(100));
        let none = s.wait(
            &tokens(&["c"]),
            since,
            since,
            Duration::ZERO,
            Duration::from_millis(10),
        );
        assert_eq!(none, Seen::Nothing);
    }

    #[test]
    fn only_fetches_after_the_last_look_are_news() {
        let s = Sightings::default();
        let since = Instant::now();
        s.saw("a");
        std::thread::sleep(Duration::from_millis(5));
        let looked = Instant::now();
        let seen = s.wait(
            &tokens(&["a"]),
            since,
            looked,
            Duration::ZERO,
            Duration::from_millis(50),
        );
        assert_eq!(seen, Seen::Some);
        // Fetches before `since` do not count at all.
        let later = Instant::now();
        let seen = s.wait(
            &tokens(&["a"]),
            later,
            later,
            Duration::ZERO,
            Duration::from_millis(10),
        );
        assert_eq!(seen, Seen::Nothing);
    }
}
