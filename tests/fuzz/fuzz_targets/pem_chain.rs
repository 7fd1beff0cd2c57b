//! Certificate chains as downloaded from the CA (or read back from disk).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(chain) = certwright::crypto::split_pem_chain(data) {
        for cert in &chain {
            let _ = certwright::crypto::cert_info(cert);
            let _ = certwright::crypto::certificate_names(cert);
        }
    }
});
