//! Which server block answers a host name on a port, decided the way nginx
//! decides it (https://nginx.org/en/docs/http/server_names.html and
//! `ngx_http_find_virtual_server`): first the address and port the request
//! came in on pick the candidate blocks, then among them the exact name
//! wins, then the longest wildcard starting with `*.` (or `.name`, which
//! also matches the name itself), then the longest wildcard ending in `.*`,
//! then the first regular expression in configuration order, and the
//! default server of that address and port (the block marked
//! `default_server`, else the first) when nothing matches.
//!
//! Regular expressions are PCRE in nginx and the `regex-lite` crate here:
//! the two agree on the patterns server names use (anchors, classes, groups,
//! named captures in both spellings; host names are ASCII, so `\d` and
//! `\w` mean the same); a pattern the crate refuses (look-around,
//! back-references, Unicode classes) is reported and never matched.

use super::config::{Config, ListenAddr, ServerBlock};
use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    // Lower is better; within a kind, the tuple orders ties.
    Exact,
    /// Longer suffix first.
    LeadingWildcard(std::cmp::Reverse<usize>),
    TrailingWildcard(std::cmp::Reverse<usize>),
    Regex,
}

/// How `pattern` (a server_name value) matches `host`, if it does.
fn rank(pattern: &str, host: &str, notes: &mut Vec<String>) -> Option<Rank> {
    if let Some(re) = pattern.strip_prefix('~') {
        return match regex_lite::RegexBuilder::new(re)
            .case_insensitive(true)
            .build()
        {
            Ok(r) => r.is_match(host).then_some(Rank::Regex),
            Err(_) => {
                let note = format!(
                    "server_name {pattern} uses regular-expression features certwright cannot evaluate; it was not considered"
                );
                if !notes.contains(&note) {
                    notes.push(note);
                }
                None
            }
        };
    }
    if let Some(suffix) = pattern.strip_prefix("*.") {
        let matches = host.len() > suffix.len() + 1
            && host.ends_with(suffix)
            && host.as_bytes()[host.len() - suffix.len() - 1] == b'.';
        return matches.then_some(Rank::LeadingWildcard(std::cmp::Reverse(suffix.len())));
    }
    if let Some(suffix) = pattern.strip_prefix('.') {
        let matches = host == suffix
            || (host.len() > suffix.len() + 1
                && host.ends_with(suffix)
                && host.as_bytes()[host.len() - suffix.len() - 1] == b'.');
        return matches.then_some(Rank::LeadingWildcard(std::cmp::Reverse(suffix.len())));
    }
    if let Some(prefix) = pattern.strip_suffix(".*") {
        let matches = host.len() > prefix.len() + 1
            && host.starts_with(prefix)
            && host.as_bytes()[prefix.len()] == b'.';
        return matches.then_some(Rank::TrailingWildcard(std::cmp::Reverse(prefix.len())));
    }
    (pattern == host).then_some(Rank::Exact)
}

/// A block that answers a name, and whether it does so by its server_name
/// (else as the default server of one of its addresses).
#[derive(Debug, Clone, Copy)]
pub struct Match<'a> {
    pub server: &'a ServerBlock,
    pub by_name: bool,
}

#[derive(Debug, Default)]
pub struct Answer<'a> {
    pub matches: Vec<Match<'a>>,
    /// Patterns that could not be evaluated and might have matched.
    pub notes: Vec<String>,
}

impl<'a> Answer<'a> {
    pub fn by_name(&self) -> impl Iterator<Item = &'a ServerBlock> + '_ {
        self.matches.iter().filter(|m| m.by_name).map(|m| m.server)
    }
}

/// The blocks nginx would hand a request for `host` arriving on `port`.
/// Each address nginx listens on with that port has its own candidates
/// and its own default; the CA may connect to any of them, so each
/// address contributes the block it would pick. When some address picks
/// by name, the defaults of the others are left out: they would answer
/// only requests that do not reach the named block, and editing them
/// would touch blocks that have nothing to do with the name.
pub fn answering<'a>(config: &'a Config, host: &str, port: u16) -> Answer<'a> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let mut groups: Vec<(ListenAddr, Vec<(&ServerBlock, bool)>)> = Vec::new();
    for server in &config.servers {
        for listen in server.listens.iter().filter(|l| l.port == port) {
            if matches!(listen.addr, ListenAddr::Unix(_)) {
                continue;
            }
            let group = match groups.iter_mut().position(|(a, _)| *a == listen.addr) {
                Some(i) => &mut groups[i].1,
                None => {
                    groups.push((listen.addr.clone(), Vec::new()));
                    &mut groups.last_mut().expect("just pushed").1
                }
            };
            match group.iter_mut().find(|(s, _)| s.order == server.order) {
                Some(entry) => entry.1 |= listen.default_server,
                None => group.push((server, listen.default_server)),
            }
        }
    }
    let mut answer = Answer::default();
    let mut named = Vec::new();
    let mut defaults = Vec::new();
    for (_, group) in &groups {
        let best = group
            .iter()
            .filter_map(|(s, _)| {
                s.names
                    .iter()
                    .filter_map(|n| rank(n, &host, &mut answer.notes))
                    .min()
                    .map(|r| (r, s.order, *s))
            })
            .min_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        match best {
            Some((_, _, s)) => named.push(s),
            None => {
                let default = group
                    .iter()
                    .find(|(_, d)| *d)
                    .or(group.first())
                    .map(|(s, _)| *s)
                    .expect("a group has at least one server");
                defaults.push(default);
            }
        }
    }
    let (list, by_name) = if named.is_empty() {
        (defaults, false)
    } else {
        (named, true)
    };
    for server in list {
        if !answer
            .matches
            .iter()
            .any(|m| m.server.order == server.order)
        {
            answer.matches.push(Match { server, by_name });
        }
    }
    answer.matches.sort_by_key(|m| m.server.order);
    answer
}

/// The error for names no server block answers on the http port: which
/// names, what was read, and what to do instead.
pub fn no_block_error(config: &Config, names: &[String], condition: &str, port: u16) -> Error {
    let files: Vec<String> = config
        .file_list()
        .iter()
        .map(|p| format!("  {}", p.display()))
        .collect();
    Error::Usage(format!(
        "no nginx server block {condition} {}. certwright read these files (from `nginx -T`):\n{}\nAdd the name{} to a server block's server_name (and `listen {port};`), or use --webroot with that block's root.",
        names.join(", "),
        files.join("\n"),
        if names.len() > 1 { "s" } else { "" },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn config(text: &str) -> Config {
        let path = PathBuf::from("/nonexistent/nginx.conf");
        Config::from_sections(&path, vec![(path.clone(), text.as_bytes().to_vec())]).unwrap()
    }

    fn pick(config: &Config, host: &str, port: u16) -> Vec<(usize, bool)> {
        answering(config, host, port)
            .matches
            .iter()
            .map(|m| (m.server.order, m.by_name))
            .collect()
    }

    #[test]
    fn name_kinds_in_nginx_order() {
        let c = config(
            r#"http {
  server { listen 80; server_name _; }
  server { listen 80; server_name ~^(?<sub>.+)\.example\.com$; }
  server { listen 80; server_name www.*; }
  server { listen 80; server_name *.example.com; }
  server { listen 80; server_name *.b.example.com; }
  server { listen 80; server_name exact.example.com; }
  server { listen 80; server_name .example.org; }
}"#,
        );
        assert_eq!(pick(&c, "exact.example.com", 80), [(5, true)]);
        assert_eq!(
            pick(&c, "a.b.example.com", 80),
            [(4, true)],
            "longest leading wildcard"
        );
        assert_eq!(pick(&c, "x.example.com", 80), [(3, true)]);
        assert_eq!(
            pick(&c, "www.example.com", 80),
            [(3, true)],
            "leading wildcard beats trailing"
        );
        assert_eq!(pick(&c, "www.example.net", 80), [(2, true)]);
        assert_eq!(
            pick(&c, "EXACT.example.com.", 80),
            [(5, true)],
            "case and a final dot do not matter"
        );
        assert_eq!(
            pick(&c, "example.org", 80),
            [(6, true)],
            ".name matches the name itself"
        );
        assert_eq!(pick(&c, "a.example.org", 80), [(6, true)]);
        assert_eq!(
            pick(&c, "example.com", 80),
            [(0, false)],
            "*.x does not match x: default server"
        );
        assert_eq!(pick(&c, "nothing.test", 80), [(0, false)]);
        assert!(pick(&c, "exact.example.com", 443).is_empty());
    }

    #[test]
    fn regexes_in_config_order_and_unsupported_ones_reported() {
        let c = config(
            r#"http {
  server { listen 80; server_name ~^a; }
  server { listen 80; server_name ~^ab; }
  server { listen 80; server_name "~^(?!www)x$"; }
}"#,
        );
        assert_eq!(pick(&c, "abc", 80), [(0, true)]);
        let answer = answering(&c, "x", 80);
        assert!(!answer.matches[0].by_name);
        assert_eq!(answer.notes.len(), 1, "{:?}", answer.notes);
        assert!(answer.notes[0].contains("(?!www)"));
    }

    #[test]
    fn default_server_per_address_and_port() {
        let c = config(
            "http {
  server { listen 80; server_name first; }
  server { listen 80 default_server; listen [::]:80; server_name second; }
  server { listen [::]:80 default_server; listen 8080; server_name third; }
  server { listen 127.0.0.1:80; server_name local; }
  server { server_name implied; }
}",
        );
        // Every address answers with its default: *:80 -> 1, [::]:80 -> 2,
        // 127.0.0.1:80 -> 3 (its only block).
        assert_eq!(
            pick(&c, "unknown", 80),
            [(1, false), (2, false), (3, false)]
        );
        // A name match anywhere leaves the other addresses' defaults out.
        assert_eq!(pick(&c, "first", 80), [(0, true)]);
        assert_eq!(pick(&c, "second", 80), [(1, true)]);
        assert_eq!(pick(&c, "third", 8080), [(2, true)]);
        // A block without listen is on *:80.
        assert_eq!(pick(&c, "implied", 80), [(4, true)]);
    }

    #[test]
    fn duplicate_names_go_to_the_first_block() {
        let c = config("http { server { server_name a; } server { server_name a; } }");
        assert_eq!(pick(&c, "a", 80), [(0, true)]);
    }
}
