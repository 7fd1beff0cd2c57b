//! Renewal files are edited by hand (or planted): any bytes must load or
//! give an error, through the same parse and validation `renew` uses.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("/etc/certwright/renewal/example.com.toml");
    if let Ok(config) = certwright::store::renewal_check::parse(data, path) {
        let _ = certwright::store::renewal_check::validate(config, "example.com", path);
    }
});
