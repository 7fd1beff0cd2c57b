//! Retry-After values come straight from the network: any string must parse
//! to a duration or None, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::time::{Duration, SystemTime};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let _ = certwright::acme::retry::parse_retry_after(text, now);
        for (target, rel) in certwright::acme::transport::parse_link_header(text) {
            assert!(!target.contains('>'));
            let _ = rel;
        }
    }
});
