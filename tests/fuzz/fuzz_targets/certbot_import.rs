//! import-certbot reads certbot's renewal/*.conf and its account keys
//! (JWK JSON): whatever is in /etc/letsencrypt must import or be skipped
//! with a note, never crash the import.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = certwright::import_certbot::parse_renewal_conf(text);
    }
    if let Ok(jwk) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = certwright::import_certbot::jwk_to_private_key(&jwk);
    }
});
