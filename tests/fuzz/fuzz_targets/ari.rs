//! ARI (RFC 9773): the renewalInfo body from the network, through the
//! renewal policy that draws a moment inside its window; and the certID
//! built from a certificate's key identifier and serial.
#![no_main]
use certwright::acme::ari;
use certwright::renew::policy::{CertFacts, LineageState, PolicyInput, ServerState, decide};
use libfuzzer_sys::fuzz_target;
use rand::SeedableRng;
use std::time::{Duration, SystemTime};

fuzz_target!(|data: &[u8]| {
    if let Some((&split, rest)) = data.split_first() {
        let (kid, serial) = rest.split_at(usize::from(split).min(rest.len()));
        let content = ari::serial_content_octets(serial);
        assert!(!content.is_empty());
        assert!(content.len() == 1 || content[0] != 0 || content[1] & 0x80 != 0);
        let id = ari::cert_id_from_parts(kid, &content);
        assert_eq!(id.matches('.').count(), 1);
    }
    let retry_after = data
        .first()
        .map(|b| Duration::from_secs(u64::from(*b) << 20));
    let Ok(info) = ari::parse(data, "https://ca.test/renewal-info/x.y", retry_after) else {
        return;
    };
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let cert = CertFacts {
        not_before: now - Duration::from_secs(30 * 86400),
        not_after: now + Duration::from_secs(60 * 86400),
        serial: "01".into(),
        cert_id: Some("a.b".into()),
    };
    let mut state = LineageState::for_cert(None, &cert);
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    state.ari_answered(
        "https://ca.test/renewal-info/x.y",
        (info.start, info.end),
        info.explanation_url,
        info.retry_after,
        now,
        &mut rng,
    );
    let server = ServerState::answered(
        "https://ca.test/dir",
        Some("https://ca.test/renewal-info"),
        now,
    );
    for later in [0, 86400, 365 * 86400] {
        let _ = decide(&PolicyInput {
            now: now + Duration::from_secs(later),
            cert: &cert,
            revoked: false,
            renew_before: None,
            state: &state,
            server: Some(&server),
            force: false,
        });
    }
});
