//! When to try again: Retry-After parsing (RFC 9110 §10.2.3), the retry
//! policy for overloaded servers and flaky networks, and the polling schedule.
//! One place decides every wait, so the rules are the same for every request.

use rand::RngExt;
use std::time::{Duration, SystemTime};

/// Default ceiling on one request's total Retry-After waiting.
pub const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(300);
/// Default overall deadline for one order's validations or processing.
pub const DEFAULT_ORDER_TIMEOUT: Duration = Duration::from_secs(600);
/// Polls without Retry-After: one quick look (a CA that validates or issues
/// in milliseconds is not kept waiting), then from 100 ms doubling to a
/// polite ceiling. Against a CA that takes ~1.5 s this costs one request more
/// than a 1 s interval; any Retry-After the CA sends is a floor.
pub const DEFAULT_POLL_SCHEDULE: [Duration; 9] = [
    Duration::from_millis(25),
    Duration::from_millis(100),
    Duration::from_millis(200),
    Duration::from_millis(400),
    Duration::from_millis(800),
    Duration::from_millis(1600),
    Duration::from_millis(3200),
    Duration::from_millis(6400),
    Duration::from_secs(8),
];

/// Parses a Retry-After value: delta-seconds or an HTTP-date. A date in the
/// past means "now"; anything else (negative, fractional, garbage) is None,
/// and the caller falls back to its own backoff.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Saturate absurdly large values; the policy's cap turns them into
        // an error that says when to retry, and that instant must still be
        // a time the clock can hold.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

/// Longest Retry-After taken literally (about ten years): far beyond any
/// wait the policy accepts, small enough to add to any clock reading.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(10 * 365 * 86400);

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Most total time one request may spend waiting on Retry-After.
    pub max_retry_wait: Duration,
    /// Attempts for one request on 5xx and 429.
    pub max_attempts: u32,
    /// Attempts for one request when the connection fails: a short blip is
    /// worth riding out, a server that is down is better reported at once.
    pub network_attempts: u32,
    /// Extra attempts on badNonce.
    pub bad_nonce_retries: u32,
    /// First backoff step when the server gives no Retry-After.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// Overall deadline for polling one order or authorization.
    pub order_timeout: Duration,
    pub poll_schedule: Vec<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retry_wait: DEFAULT_MAX_RETRY_WAIT,
            max_attempts: 6,
            network_attempts: 3,
            bad_nonce_retries: 5,
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(60),
            order_timeout: DEFAULT_ORDER_TIMEOUT,
            poll_schedule: DEFAULT_POLL_SCHEDULE.to_vec(),
        }
    }
}

impl RetryPolicy {
    /// Exponential backoff with full jitter for attempt `n` (1-based):
    /// uniform in [base*2^(n-1) / 2, base*2^(n-1)], capped.
    pub fn backoff(&self, attempt: u32, rng: &mut impl rand::Rng) -> Duration {
        let exp = self
            .backoff_base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.backoff_cap);
        let half = exp / 2;
        let jitter_ms = rng.random_range(0..=half.as_millis() as u64);
        half + Duration::from_millis(jitter_ms)
    }

    /// The wait before poll number `n` (0-based): the schedule's step (its
    /// last step repeats), or the server's Retry-After when that is longer.
    /// Retry-After is a minimum (RFC 9110 §10.2.3), so a server answering
    /// `Retry-After: 0` on every poll still gets our backoff, not a tight
    /// loop until the order deadline.
    pub fn poll_delay(&self, n: usize, retry_after: Option<Duration>) -> Duration {
        let step = self
            .poll_schedule
            .get(n)
            .or(self.poll_schedule.last())
            .copied()
            .unwrap_or(Duration::from_secs(1));
        retry_after.map_or(step, |after| after.max(step))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn retry_after_delta_seconds() {
        assert_eq!(
            parse_retry_after("120", at(0)),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after(" 3 ", at(0)),
            Some(Duration::from_secs(3))
        );
        assert_eq!(parse_retry_after("0", at(0)), Some(Duration::ZERO));
    }

    #[test]
    fn huge_retry_after_is_capped_so_now_plus_it_cannot_overflow() {
        for value in ["99999999999999999999999", "18446744073709551615"] {
            let d = parse_retry_after(value, at(0)).unwrap();
            assert_eq!(d, MAX_RETRY_AFTER);
            let _ = SystemTime::now() + d;
        }
    }

    #[test]
    fn retry_after_http_date() {
        // 1994-11-06T08:49:37Z is 784111777.
        let now = at(784111777 - 30);
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(30))
        );
        // A date already past means retry now.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", at(784111777 + 5)),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn retry_after_garbage_is_ignored() {
        for bad in [
            "",
            "-5",
            "1.5",
            "soon",
            "Sun, 99 Nov 1994 08:49:37 GMT",
            "12abc",
        ] {
            assert_eq!(parse_retry_after(bad, at(0)), None, "{bad:?}");
        }
    }

    #[test]
    fn backoff_grows_with_jitter_and_cap() {
        let policy = RetryPolicy::default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for attempt in 1..=10 {
            let full = (Duration::from_secs(1) * (1 << (attempt - 1))).min(policy.backoff_cap);
            let d = policy.backoff(attempt, &mut rng);
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
        }
    }

    #[test]
    fn poll_delay_honors_retry_after_as_a_minimum_and_repeats_last_step() {
        let policy = RetryPolicy::default();
        let schedule: Vec<Duration> = (0..10).map(|n| policy.poll_delay(n, None)).collect();
        assert_eq!(
            schedule,
            [25, 100, 200, 400, 800, 1600, 3200, 6400, 8000, 8000].map(Duration::from_millis)
        );
        // Let's Encrypt's `Retry-After: 3` on a processing order.
        assert_eq!(
            policy.poll_delay(0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        // A Retry-After shorter than the schedule never speeds polling up.
        assert_eq!(
            policy.poll_delay(8, Some(Duration::ZERO)),
            Duration::from_secs(8)
        );
        assert_eq!(
            policy.poll_delay(5, Some(Duration::from_secs(1))),
            Duration::from_millis(1600)
        );
    }
}
