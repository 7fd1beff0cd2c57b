//! nginx configuration files (read from disk and from `nginx -T`): the
//! parser never panics, every span it reports lies inside its parent, and
//! a challenge added to any server block parses again and is removed
//! exactly by the stale-line cleanup.
#![no_main]
use certwright::nginx::config::{Config, split_dump};
use certwright::nginx::edit::{self, InstallPlan, Splice};
use certwright::nginx::parser::{Directive, parse};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fn check(d: &Directive, within: std::ops::Range<usize>) {
    assert!(within.start <= d.span.start && d.span.end <= within.end, "{d:?}");
    assert_eq!(d.name.span.start, d.span.start);
    for w in &d.args {
        assert!(d.span.start <= w.span.start && w.span.end <= d.span.end);
    }
    if let Some(b) = &d.block {
        assert!(b.open < b.close && b.close + 1 == d.span.end);
        let mut last = b.open;
        for c in &b.directives {
            assert!(c.span.start > last);
            check(c, b.open + 1..b.close);
            last = c.span.end - 1;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = split_dump(data, |_| None);
    let Ok(parsed) = parse(data) else { return };
    let mut last = 0;
    for d in &parsed.directives {
        assert!(d.span.start >= last);
        check(d, 0..data.len());
        last = d.span.end;
    }
    // No includes: they would read whatever the fuzzer names.
    if data.windows(7).any(|w| w == b"include") || data.windows(10).any(|w| w == b"certwright") {
        return;
    }
    let path = PathBuf::from("/fuzz/nginx.conf");
    let Ok(config) = Config::from_sections(&path, vec![(path.clone(), data.to_vec())]) else {
        return;
    };
    for server in &config.servers {
        let splice = edit::challenge_splice(&config, server, "tok", "tok.key").unwrap();
        let text = edit::apply(data, &[&splice]).unwrap();
        let again = Config::from_sections(&path, vec![(path.clone(), text.clone())])
            .unwrap_or_else(|e| panic!("the challenge broke the file: {e}\n{}", String::from_utf8_lossy(&text)));
        assert_eq!(again.servers.len(), config.servers.len());
        let stale: Vec<Splice> = edit::stale_challenges(&again);
        assert_eq!(stale.len(), 1);
        let refs: Vec<&Splice> = stale.iter().collect();
        let back = edit::apply(&text, &refs).unwrap();
        // A line break added after a `{` with more on its line stays.
        let again = parse(&back).unwrap();
        assert_eq!(again.directives.len(), parsed.directives.len());

        let plan = InstallPlan {
            fullchain: "/etc/certwright/live/x/fullchain.pem".into(),
            privkey: "/etc/certwright/live/x/privkey.pem".into(),
            https_port: 443,
            redirect: true,
        };
        if let Ok(splices) = edit::install_splices(&config, &[server], &[server], &plan) {
            let refs: Vec<&Splice> = splices.iter().collect();
            let text = edit::apply(data, &refs).unwrap();
            Config::from_sections(&path, vec![(path.clone(), text.clone())])
                .unwrap_or_else(|e| panic!("the install broke the file: {e}\n{}", String::from_utf8_lossy(&text)));
        }
    }
});
