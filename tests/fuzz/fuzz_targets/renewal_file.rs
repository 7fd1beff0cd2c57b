//! Renewal files are edited by hand: any text must load or give an error.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = toml::from_str::<certwright::store::RenewalConfig>(text);
    }
});
