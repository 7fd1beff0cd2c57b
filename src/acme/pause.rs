//! A CA-wide "not before" instant. When the CA answers one request with
//! 503 or 429 and a Retry-After, it is overloaded or limiting this client
//! as a whole, not that one request: every worker of a `renew --jobs N`
//! run holds its next request to that CA until the instant has passed,
//! instead of the others carrying on and being refused too.
//!
//! Shared by every transport talking to one CA (the ACME client's and the
//! ARI one); consulted before each request.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

#[derive(Debug, Default)]
pub struct Pause {
    until: Mutex<Option<SystemTime>>,
}

impl Pause {
    /// The CA asked to wait `after` from `now`; a later instant already
    /// set is kept.
    pub fn hold(&self, now: SystemTime, after: Duration) {
        let Some(until) = now.checked_add(after) else {
            return;
        };
        let mut guard = self.until.lock().expect("pause mutex");
        if guard.is_none_or(|t| t < until) {
            *guard = Some(until);
        }
    }

    /// How long a request must still wait at `now` (None: send it).
    pub fn remaining(&self, now: SystemTime) -> Option<Duration> {
        let until = (*self.until.lock().expect("pause mutex"))?;
        until.duration_since(now).ok().filter(|d| !d.is_zero())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(s)
    }

    #[test]
    fn holds_until_the_latest_instant_asked_for() {
        let p = Pause::default();
        assert_eq!(p.remaining(at(100)), None);
        p.hold(at(100), Duration::from_secs(2));
        assert_eq!(p.remaining(at(100)), Some(Duration::from_secs(2)));
        assert_eq!(p.remaining(at(101)), Some(Duration::from_secs(1)));
        // A shorter request from another worker does not cut the pause.
        p.hold(at(101), Duration::from_millis(100));
        assert_eq!(p.remaining(at(101)), Some(Duration::from_secs(1)));
        p.hold(at(101), Duration::from_secs(5));
        assert_eq!(p.remaining(at(102)), Some(Duration::from_secs(4)));
        assert_eq!(p.remaining(at(106)), None);
        assert_eq!(p.remaining(at(200)), None);
    }
}
