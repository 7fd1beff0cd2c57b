//! Problem documents are rendered to the user: parsing and Display must
//! cope with anything, including deep subproblem nesting.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(problem) = serde_json::from_slice::<certwright::acme::types::Problem>(data) {
        let _ = problem.to_string();
        let _ = problem.acme_type();
    }
});
