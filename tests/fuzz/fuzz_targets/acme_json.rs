//! Every ACME resource certwright reads from a server.
#![no_main]
use certwright::acme::types::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<Directory>(data);
    if let Ok(order) = serde_json::from_slice::<Order>(data) {
        for id in &order.identifiers {
            let _ = id.to_string();
        }
    }
    if let Ok(authz) = serde_json::from_slice::<Authorization>(data) {
        for c in &authz.challenges {
            let _ = c.kind.to_string();
            if let Some(token) = &c.token {
                let _ = certwright::challenge::check_token(token);
            }
        }
    }
    let _ = serde_json::from_slice::<AccountResource>(data);
});
