//! How the protocol core reports what it is doing, without knowing whether a
//! person, cron or a CI pipeline is watching. `output` implements it.

use std::time::Duration;

pub trait Progress: Send + Sync {
    /// A step of the flow ("creating order", "validating example.com").
    fn step(&self, message: &str);
    /// About to sleep `duration` waiting for `what`.
    fn waiting(&self, what: &str, duration: Duration);
    /// One HTTP exchange; `status` is None when the request failed in transit.
    fn request(&self, method: &str, url: &str, status: Option<u16>, elapsed: Duration);
    /// What the CA answered to that request: the headers that steer the
    /// client (Location, Retry-After, Link) and the body (`-vv`).
    fn response(&self, _url: &str, _headers: &[(&str, String)], _body: &[u8]) {}
    /// Something the user should know that is not (yet) an error.
    fn warn(&self, message: &str);
}

/// Reports nothing; for library callers and tests.
pub struct Silent;

impl Progress for Silent {
    fn step(&self, _: &str) {}
    fn waiting(&self, _: &str, _: Duration) {}
    fn request(&self, _: &str, _: &str, _: Option<u16>, _: Duration) {}
    fn warn(&self, _: &str) {}
}
