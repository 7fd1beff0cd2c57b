//! certwright.toml is edited by hand: any text must load or give an error
//! that points at the problem.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(e) =
            certwright::settings::config_file::ConfigFile::parse(text, Path::new("certwright.toml"))
    {
        let _ = e.to_string();
    }
});
