//! What a solver saw of the CA's validation requests. The standalone http-01
//! server sees every fetch of a token, so it knows when asking the CA for
//! its verdict is worth a request. A CA checks from several network
//! locations (Let's Encrypt's primary and remote perspectives at about the
//! same moment; Pebble from three, each after a random pause of whole
//! seconds) and decides once all of them have answered. What the poller
//! makes of these sightings is in `crate::validation`. Solvers that cannot
//! see the CA (webroot, dns-01) have none, and the poller follows its
//! schedule.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long the fetches must have stopped before the CA is taken to have
/// finished looking, the first time (when how many fetches a check takes is
/// not known yet): validators that check from several places at once fetch
/// within a moment of each other, and a CA that validates in milliseconds
/// should not wait on us.
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

/// Token -> when the CA fetched it, in order.
type Fetches = HashMap<String, Vec<Instant>>;

#[derive(Default)]
pub struct Sightings {
    fetched: Mutex<Fetches>,
    changed: Condvar,
}

/// What the CA has fetched of a set of tokens since a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    /// The fewest fetches of any one token (0 while one is not fetched).
    pub fewest: u32,
    /// The first and the last fetch of any of them.
    pub first: Option<Instant>,
    pub last: Option<Instant>,
}

impl Snapshot {
    /// From the first fetch to the last.
    pub fn spread(&self) -> Duration {
        match (self.first, self.last) {
            (Some(first), Some(last)) => last.saturating_duration_since(first),
            _ => Duration::ZERO,
        }
    }
}

fn snapshot(fetched: &Fetches, tokens: &[String], since: Instant) -> Snapshot {
    let mut snap = Snapshot {
        fewest: u32::MAX,
        first: None,
        last: None,
    };
    for token in tokens {
        let times: &[Instant] = fetched.get(token).map_or(&[], Vec::as_slice);
        let after: Vec<Instant> = times.iter().copied().filter(|t| *t >= since).collect();
        snap.fewest = snap
            .fewest
            .min(u32::try_from(after.len()).unwrap_or(u32::MAX));
        if let (Some(first), Some(last)) = (after.first(), after.last()) {
            snap.first = Some(snap.first.map_or(*first, |f| f.min(*first)));
            snap.last = Some(snap.last.map_or(*last, |l| l.max(*last)));
        }
    }
    if tokens.is_empty() {
        snap.fewest = 0;
    }
    snap
}

impl Sightings {
    /// Records a fetch of `token` (called by the server once it answered).
    pub fn saw(&self, token: &str) {
        let now = Instant::now();
        let mut fetched = self.fetched.lock().expect("sightings mutex poisoned");
        fetched.entry(token.to_string()).or_default().push(now);
        self.changed.notify_all();
    }

    /// What was fetched of `tokens` at or after `since`.
    pub fn snapshot(&self, tokens: &[String], since: Instant) -> Snapshot {
        let fetched = self.fetched.lock().expect("sightings mutex poisoned");
        snapshot(&fetched, tokens, since)
    }

    /// Blocks until the moment `decide` names for what was fetched so far
    /// (asked again at every new fetch) has come; returns what was fetched
    /// by then.
    pub fn wait_until(
        &self,
        tokens: &[String],
        since: Instant,
        mut decide: impl FnMut(&Snapshot) -> Instant,
    ) -> Snapshot {
        let mut fetched = self.fetched.lock().expect("sightings mutex poisoned");
        loop {
            let snap = snapshot(&fetched, tokens, since);
            let wake = decide(&snap);
            let now = Instant::now();
            if now >= wake {
                return snap;
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
    fn counts_the_fetches_of_the_least_fetched_token_since_a_moment() {
        let s = Sightings::default();
        s.saw("a");
        let since = Instant::now();
        let t = tokens(&["a", "b"]);
        assert_eq!(s.snapshot(&t, since).fewest, 0);
        assert_eq!(s.snapshot(&t, since).last, None);
        s.saw("a");
        s.saw("b");
        s.saw("a");
        let snap = s.snapshot(&t, since);
        assert_eq!(snap.fewest, 1);
        assert!(snap.first.unwrap() <= snap.last.unwrap());
        s.saw("b");
        assert_eq!(s.snapshot(&t, since).fewest, 2);
        assert_eq!(s.snapshot(&tokens(&["c"]), since).fewest, 0);
    }

    #[test]
    fn waits_until_the_moment_decided_for_the_latest_fetches() {
        let s = Arc::new(Sightings::default());
        let since = Instant::now();
        let fetcher = {
            let s = Arc::clone(&s);
            std::thread::spawn(move || {
                s.saw("a");
                std::thread::sleep(Duration::from_millis(30));
                s.saw("a");
            })
        };
        let started = Instant::now();
        // Two fetches, then 50 ms: at most 20 s.
        let snap = s.wait_until(&tokens(&["a"]), since, |snap| match snap.last {
            Some(last) if snap.fewest >= 2 => last + Duration::from_millis(50),
            _ => started + Duration::from_secs(20),
        });
        let took = started.elapsed();
        fetcher.join().unwrap();
        assert_eq!(snap.fewest, 2);
        assert!(took >= Duration::from_millis(80), "{took:?}");
        assert!(took < Duration::from_secs(10), "{took:?}");
        // A moment already past returns at once.
        let snap = s.wait_until(&tokens(&["b"]), since, |_| since);
        assert_eq!(snap.fewest, 0);
    }
}
