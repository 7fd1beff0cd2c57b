//! The CA's "not before" instants. When a CA answers one request with 503
//! or 429 and a Retry-After, it is overloaded or limiting this client as a
//! whole, not that one request: every worker of a `renew --jobs N` run
//! holds its next request to that CA until the instant has passed, instead
//! of the others carrying on and being refused too.
//!
//! Kept per origin (scheme, host and port: the CA's ACME and ARI
//! endpoints share it), shared by every transport of a run, consulted
//! before each request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

#[derive(Debug, Default)]
pub struct Pauses {
    until: Mutex<HashMap<String, SystemTime>>,
}

/// `https://host:port` of a URL: requests to one CA share it.
fn origin(url: &str) -> &str {
    let rest_at = url.find("://").map_or(0, |i| i + 3);
    match url[rest_at..].find('/') {
        Some(slash) => &url[..rest_at + slash],
        None => url,
    }
}

impl Pauses {
    /// The CA behind `url` asked to wait `after` from `now`; a later
    /// instant already set is kept.
    pub fn hold(&self, url: &str, now: SystemTime, after: Duration) {
        let Some(until) = now.checked_add(after) else {
            return;
        };
        let mut map = self.until.lock().expect("pause mutex");
        let entry = map.entry(origin(url).to_string()).or_insert(until);
        if *entry < until {
            *entry = until;
        }
    }

    /// How long a request to `url` must still wait at `now` (None: send it).
    pub fn remaining(&self, url: &str, now: SystemTime) -> Option<Duration> {
        let map = self.until.lock().expect("pause mutex");
        let until = *map.get(origin(url))?;
        until.duration_since(now).ok().filter(|d| !d.is_zero())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(s)
    }

    const CA: &str = "https://ca.test:14000/acme/new-order";

    #[test]
    fn holds_every_request_to_the_ca_until_the_latest_instant() {
        let p = Pauses::default();
        assert_eq!(p.remaining(CA, at(100)), None);
        p.hold(CA, at(100), Duration::from_secs(2));
        // Another endpoint of the same CA waits too; another CA does not.
        let other_endpoint = "https://ca.test:14000/acme/renewal-info/abc";
        assert_eq!(
            p.remaining(other_endpoint, at(100)),
            Some(Duration::from_secs(2))
        );
        assert_eq!(p.remaining("https://other.test/dir", at(100)), None);
        assert_eq!(p.remaining("https://ca.test:14001/dir", at(100)), None);
        assert_eq!(p.remaining(CA, at(101)), Some(Duration::from_secs(1)));
        // A shorter request from another worker does not cut the pause.
        p.hold(CA, at(101), Duration::from_millis(100));
        assert_eq!(p.remaining(CA, at(101)), Some(Duration::from_secs(1)));
        p.hold(CA, at(101), Duration::from_secs(5));
        assert_eq!(p.remaining(CA, at(102)), Some(Duration::from_secs(4)));
        assert_eq!(p.remaining(CA, at(106)), None);
    }

    #[test]
    fn origins() {
        assert_eq!(origin("https://a.test:1/x/y"), "https://a.test:1");
        assert_eq!(origin("https://a.test"), "https://a.test");
    }
}
