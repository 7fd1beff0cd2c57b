//! JSON files certwright reads back from its own store (they can be
//! damaged by an editor, a full disk or another tool): pending orders,
//! account records, renewal state. Any bytes load or give an error; a
//! loaded state goes through the renewal decision without panicking.
#![no_main]
use certwright::renew::policy::{CertFacts, LineageState, PolicyInput, ServerState, decide};
use certwright::store::{AccountRecord, PendingOrder};
use libfuzzer_sys::fuzz_target;
use std::time::{Duration, SystemTime};

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<PendingOrder>(data);
    let _ = serde_json::from_slice::<AccountRecord>(data);
    let server = serde_json::from_slice::<ServerState>(data).ok();
    let Ok(stored) = serde_json::from_slice::<LineageState>(data) else {
        return;
    };
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let cert = CertFacts {
        not_before: now - Duration::from_secs(30 * 86400),
        not_after: now + Duration::from_secs(60 * 86400),
        serial: stored.cert_serial.clone().unwrap_or_default(),
        cert_id: Some("a.b".into()),
    };
    let state = LineageState::for_cert(Some(stored), &cert);
    for later in [0, 86400, 365 * 86400] {
        let _ = decide(&PolicyInput {
            now: now + Duration::from_secs(later),
            cert: &cert,
            revoked: false,
            renew_before: None,
            state: &state,
            server: server.as_ref(),
            force: false,
        });
    }
});
