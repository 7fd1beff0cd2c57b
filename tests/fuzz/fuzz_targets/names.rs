//! Names from the command line: whatever normalize_domain accepts must be
//! harmless as a path component and as a lineage name.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = certwright::store::validate_lineage_name(text);
    if let Ok(name) = certwright::names::normalize_domain(text) {
        assert!(name.is_ascii(), "{name:?}");
        assert!(!name.contains('/') && !name.contains(".."), "{name:?}");
        assert!(
            !name.bytes().any(|b| b.is_ascii_control() || b == b' '),
            "{name:?}"
        );
        let lineage = certwright::names::default_lineage_name(std::slice::from_ref(&name));
        certwright::store::validate_lineage_name(&lineage)
            .unwrap_or_else(|e| panic!("{name:?} gives lineage {lineage:?}: {e}"));
        // Normalising is idempotent.
        assert_eq!(certwright::names::normalize_domain(&name).ok(), Some(name));
    }
});
