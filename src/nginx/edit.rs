//! The changes certwright makes to an nginx configuration, as byte
//! splices of the file that holds each server block: everything outside
//! the spliced ranges stays byte-identical.

use super::config::{Config, Located, ServerBlock};
use super::parser::Directive;
use crate::error::{Error, Result};
use std::ops::Range;

/// Ends the line certwright adds for a challenge, so a run that was killed
/// before it could remove its own lines can recognise them later.
pub const CHALLENGE_MARK: &str = "# certwright: temporary ACME challenge";
/// Ends every line the installer adds, like certbot's "managed by Certbot".
pub const MANAGED_MARK: &str = "# managed by certwright";
pub const CHALLENGE_PREFIX: &str = "/.well-known/acme-challenge/";
/// The https port browsers use without one in the URL.
pub const DEFAULT_HTTPS_PORT: u16 = 443;

/// Replace `range` of file `file` (an index into [`Config::files`]) with
/// `text`; an empty range inserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    pub file: usize,
    pub range: Range<usize>,
    pub text: String,
}

/// Applies splices to one file's text. Insertions at one offset keep the
/// order they were given in; overlapping replacements are a bug in the
/// caller and refused.
pub fn apply(text: &[u8], splices: &[&Splice]) -> Result<Vec<u8>> {
    let mut sorted: Vec<&Splice> = splices.to_vec();
    sorted.sort_by_key(|s| (s.range.start, s.range.end));
    let mut out = Vec::with_capacity(text.len() + 512);
    let mut pos = 0;
    for s in sorted {
        if s.range.start < pos || s.range.end > text.len() {
            return Err(Error::Solver(format!(
                "internal error: overlapping nginx edits at byte {}",
                s.range.start
            )));
        }
        out.extend_from_slice(&text[pos..s.range.start]);
        out.extend_from_slice(s.text.as_bytes());
        pos = s.range.end;
    }
    out.extend_from_slice(&text[pos..]);
    Ok(out)
}

/// The whitespace that starts the line holding `offset`.
fn indent_at(text: &[u8], offset: usize) -> String {
    let line_start = text[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let ws = text[line_start..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    String::from_utf8_lossy(&text[line_start..line_start + ws]).into_owned()
}

/// Where new server-level lines go: after the block's last own `listen`
/// (where a reader expects them), else right after its `{`; and the
/// indentation they get.
fn insertion_point(config: &Config, server: &ServerBlock) -> (usize, String) {
    let text = &config.files[server.file].text;
    let block = server
        .directive
        .block
        .as_ref()
        .expect("a server block has a block");
    let own_listen = block.directives.iter().rfind(|d| d.is("listen"));
    match own_listen {
        Some(listen) => (listen.span.end, indent_at(text, listen.span.start)),
        None => {
            let indent = match block.directives.first() {
                Some(first) if text[block.open..first.span.start].contains(&b'\n') => {
                    indent_at(text, first.span.start)
                }
                _ => format!("{}    ", indent_at(text, server.directive.span.start)),
            };
            (block.open + 1, indent)
        }
    }
}

/// Writes `value` as one nginx word, quoting only when it must.
pub fn word(value: &str) -> String {
    let plain = !value.is_empty()
        && !value
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b";{}#\"'$\\".contains(&b));
    if plain {
        value.to_string()
    } else {
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    }
}

/// The temporary challenge for one token in one server block: a
/// `location =` that answers the key authorization, and a server-level
/// `rewrite ... break` before everything else, which stops the block's
/// own server-level `return`/`if` (an http-to-https redirect) from
/// answering the CA first; certbot does the same.
pub fn challenge_splice(
    config: &Config,
    server: &ServerBlock,
    token: &str,
    key_authorization: &str,
) -> Result<Splice> {
    let safe = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    };
    if !safe(token) || !safe(key_authorization) || token.is_empty() {
        return Err(Error::Solver(format!(
            "refusing to write a challenge with unexpected characters into nginx's configuration: {token:?}"
        )));
    }
    let text = &config.files[server.file].text;
    let block = server
        .directive
        .block
        .as_ref()
        .expect("a server block has a block");
    let (_, indent) = insertion_point(config, server);
    let path = format!("{CHALLENGE_PREFIX}{token}");
    let mut line = format!(
        "\n{indent}rewrite ^({escaped})$ $1 break; location = {path} {{ default_type text/plain; return 200 \"{key_authorization}\"; }} {CHALLENGE_MARK}",
        escaped = path.replace('.', "\\."),
    );
    // The mark is a comment to the end of the line: a block whose `{` is
    // followed by more on the same line needs a line break after it.
    if !matches!(text.get(block.open + 1), Some(b'\n' | b'\r')) {
        line.push('\n');
        line.push_str(&indent);
    }
    Ok(Splice {
        file: server.file,
        range: block.open + 1..block.open + 1,
        text: line,
    })
}

/// Finds challenge lines a killed run left behind, as splices that remove
/// them (from the line break before the `rewrite` to the end of the mark).
pub fn stale_challenges(config: &Config) -> Vec<Splice> {
    let mut out = Vec::new();
    for (i, file) in config.files.iter().enumerate() {
        let text = &file.text;
        let mark = CHALLENGE_MARK.as_bytes();
        let mut from = 0;
        while let Some(p) = text[from..].windows(mark.len()).position(|w| w == mark) {
            let at = from + p;
            let end = at + mark.len();
            let line_start = text[..at].iter().rposition(|&b| b == b'\n').unwrap_or(0);
            let line = String::from_utf8_lossy(&text[line_start..at]);
            if line.trim_start().starts_with(&format!(
                "rewrite ^({}",
                CHALLENGE_PREFIX.replace('.', "\\.")
            )) {
                out.push(Splice {
                    file: i,
                    range: line_start..end,
                    text: String::new(),
                });
            }
            from = end;
        }
    }
    out
}

/// How to install a certificate into the blocks that serve its names.
#[derive(Debug, Clone)]
pub struct InstallPlan {
    pub fullchain: String,
    pub privkey: String,
    pub https_port: u16,
    /// `Some(http_port)`: add an http-to-https redirect to the blocks
    /// serving the names on that port.
    pub redirect: bool,
}

fn only_one<'a>(
    config: &Config,
    server: &'a ServerBlock,
    name: &str,
) -> Result<Option<&'a Located>> {
    let found: Vec<&Located> = server
        .directives
        .iter()
        .filter(|d| d.directive.is(name))
        .collect();
    let block_span = &server.directive.span;
    for d in &found {
        if d.file != server.file
            || !(block_span.start..block_span.end).contains(&d.directive.span.start)
        {
            let f = &config.files[d.file];
            return Err(Error::Solver(format!(
                "the server block at {} gets its {name} from {}:{} (an include): certwright changes only lines of the block itself; move the {name} lines into the block, or install by hand with --webroot and a deploy hook",
                config.where_is(server),
                f.path.display(),
                f.line(d.directive.span.start)
            )));
        }
    }
    if found.len() > 1 {
        return Err(Error::Solver(format!(
            "the server block at {} has {} {name} lines (one per key type?); certwright does not know which one to replace: keep one, or install by hand",
            config.where_is(server),
            found.len()
        )));
    }
    Ok(found.first().copied())
}

/// A server-level redirect to https already there (ours, certbot's, or
/// hand-written), so none is added.
fn has_https_redirect(server: &ServerBlock) -> bool {
    let is_redirect = |d: &Directive| {
        (d.is("return") && d.arg(1).is_some_and(|u| u.starts_with("https://")))
            || (d.is("rewrite") && d.args.iter().any(|w| w.value.starts_with("https://")))
    };
    server.directives.iter().any(|l| {
        let d = &l.directive;
        is_redirect(d)
            || (d.is("if")
                && d.args.iter().any(|w| w.value.contains("$scheme"))
                && d.block
                    .as_ref()
                    .is_some_and(|b| b.directives.iter().any(is_redirect)))
    })
}

/// The splices that install the certificate into `target` (a block that
/// serves a name on the https port, or on the http port and gets a TLS
/// listener) and, with `redirect`, the redirect into `redirect_block`s.
pub fn install_splices(
    config: &Config,
    targets: &[&ServerBlock],
    redirect_blocks: &[&ServerBlock],
    plan: &InstallPlan,
) -> Result<Vec<Splice>> {
    let mut splices = Vec::new();
    let mut added: Vec<(usize, usize, String)> = Vec::new(); // (server order, offset, lines)
    for &server in targets {
        let (at, indent) = insertion_point(config, server);
        let mut lines = String::new();
        let line = |s: String| format!("\n{indent}{s} {MANAGED_MARK}");
        let on_port: Vec<_> = server
            .listens
            .iter()
            .filter(|l| l.port == plan.https_port)
            .collect();
        let ssl_on = server.all("ssl").any(|d| d.directive.arg(0) == Some("on"));
        if on_port.is_empty() {
            lines.push_str(&line(format!("listen {} ssl;", plan.https_port)));
            if server.listens.iter().any(|l| l.is_ipv6()) {
                lines.push_str(&line(format!("listen [::]:{} ssl;", plan.https_port)));
            }
        } else if !ssl_on {
            for l in on_port.iter().filter(|l| !l.ssl) {
                let Some((file, span)) = &l.at else { continue };
                let d_text = &config.files[*file].text[span.clone()];
                // After the address word: `listen 443` -> `listen 443 ssl`.
                let parsed =
                    super::parser::parse(d_text).map_err(|e| Error::Solver(e.to_string()))?;
                let addr_end = span.start + parsed.directives[0].args[0].span.end;
                splices.push(Splice {
                    file: *file,
                    range: addr_end..addr_end,
                    text: " ssl".into(),
                });
            }
        }
        let cert = only_one(config, server, "ssl_certificate")?;
        let key = only_one(config, server, "ssl_certificate_key")?;
        for (existing, directive, value) in [
            (cert, "ssl_certificate", &plan.fullchain),
            (key, "ssl_certificate_key", &plan.privkey),
        ] {
            match existing.and_then(|d| d.directive.args.first().map(|w| (d, w))) {
                Some((d, w)) => {
                    if w.value != *value {
                        splices.push(Splice {
                            file: d.file,
                            range: w.span.clone(),
                            text: word(value),
                        });
                    }
                }
                None => lines.push_str(&line(format!("{directive} {};", word(value)))),
            }
        }
        added.push((server.order, at, lines));
    }
    if plan.redirect {
        for &server in redirect_blocks {
            if has_https_redirect(server) {
                continue;
            }
            let port = if plan.https_port == DEFAULT_HTTPS_PORT {
                String::new()
            } else {
                format!(":{}", plan.https_port)
            };
            let (at, indent) = insertion_point(config, server);
            let text = format!(
                "\n{indent}if ($scheme != \"https\") {{ return 301 https://$host{port}$request_uri; }} {MANAGED_MARK}"
            );
            match added.iter_mut().find(|a| a.0 == server.order) {
                Some(a) => a.2.push_str(&text),
                None => added.push((server.order, at, text)),
            }
        }
    }
    for (order, at, lines) in added {
        if lines.is_empty() {
            continue;
        }
        let server = &config.servers[order];
        let text = &config.files[server.file].text;
        let mut lines = lines;
        // As with the challenge: a comment must not swallow what follows.
        if !matches!(text.get(at), Some(b'\n' | b'\r')) {
            lines.push('\n');
            lines.push_str(&indent_at(text, server.directive.span.start));
        }
        splices.push(Splice {
            file: server.file,
            range: at..at,
            text: lines,
        });
    }
    Ok(splices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn config(text: &str) -> Config {
        let path = PathBuf::from("/nonexistent/nginx.conf");
        Config::from_sections(&path, vec![(path.clone(), text.as_bytes().to_vec())]).unwrap()
    }

    fn edited(c: &Config, splices: &[Splice]) -> String {
        let refs: Vec<&Splice> = splices.iter().collect();
        String::from_utf8(apply(&c.files[0].text, &refs).unwrap()).unwrap()
    }

    fn plan(redirect: bool, port: u16) -> InstallPlan {
        InstallPlan {
            fullchain: "/etc/certwright/live/a.test/fullchain.pem".into(),
            privkey: "/etc/certwright/live/a.test/privkey.pem".into(),
            https_port: port,
            redirect,
        }
    }

    const SITE: &str = "http {\n    # keep me\n    server {\n        listen 80;\n        listen [::]:80;\n        server_name a.test;\n        root /var/www/html;\n    }\n}\n";

    #[test]
    fn challenge_goes_first_and_parses() {
        let c = config(SITE);
        let s = challenge_splice(&c, &c.servers[0], "tok-1", "tok-1.thumb").unwrap();
        let out = edited(&c, &[s]);
        assert!(out.contains("    server {\n        rewrite ^(/\\.well-known/acme-challenge/tok-1)$ $1 break; location = /.well-known/acme-challenge/tok-1 { default_type text/plain; return 200 \"tok-1.thumb\"; } # certwright: temporary ACME challenge\n        listen 80;"), "{out}");
        let again = config(&out);
        assert_eq!(again.servers[0].names, ["a.test"]);
        // A killed run's lines are found and removed exactly.
        let stale = stale_challenges(&again);
        assert_eq!(stale.len(), 1);
        assert_eq!(edited(&again, &stale), SITE);
    }

    #[test]
    fn challenge_in_a_one_line_block_keeps_the_rest_out_of_the_comment() {
        let src = "http { server { listen 80; server_name a.test; } }";
        let c = config(src);
        let out = edited(
            &c,
            &[challenge_splice(&c, &c.servers[0], "t", "t.k").unwrap()],
        );
        let again = config(&out);
        assert_eq!(again.servers[0].names, ["a.test"], "{out}");
        assert!(again.servers[0].all("location").count() == 1);
    }

    #[test]
    fn hostile_challenge_values_are_refused() {
        let c = config(SITE);
        for (t, k) in [("a;b", "k"), ("t", "k\"; }"), ("", "k"), ("t", "k\nx")] {
            assert!(
                challenge_splice(&c, &c.servers[0], t, k).is_err(),
                "{t:?} {k:?}"
            );
        }
    }

    #[test]
    fn install_adds_listeners_and_lines_after_the_last_listen() {
        let c = config(SITE);
        let s = &c.servers[0];
        let out = edited(
            &c,
            &install_splices(&c, &[s], &[s], &plan(true, 443)).unwrap(),
        );
        let want = "        listen [::]:80;\n        listen 443 ssl; # managed by certwright\n        listen [::]:443 ssl; # managed by certwright\n        ssl_certificate /etc/certwright/live/a.test/fullchain.pem; # managed by certwright\n        ssl_certificate_key /etc/certwright/live/a.test/privkey.pem; # managed by certwright\n        if ($scheme != \"https\") { return 301 https://$host$request_uri; } # managed by certwright\n        server_name a.test;";
        assert!(out.contains(want), "{out}");
        assert!(out.contains("# keep me"));
        // Installing again changes nothing: it is idempotent.
        let again = config(&out);
        let s2 = &again.servers[0];
        assert!(
            install_splices(&again, &[s2], &[s2], &plan(true, 443))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn install_replaces_existing_certificate_words_only() {
        let src = "http { server {\n  listen 443 ssl http2;\n  ssl_certificate   /old/cert.pem;  # mine\n  ssl_certificate_key \"/old/key.pem\";\n} }";
        let c = config(src);
        let s = &c.servers[0];
        let out = edited(
            &c,
            &install_splices(&c, &[s], &[], &plan(false, 443)).unwrap(),
        );
        assert_eq!(
            out,
            src.replace("/old/cert.pem", "/etc/certwright/live/a.test/fullchain.pem")
                .replace(
                    "\"/old/key.pem\"",
                    "/etc/certwright/live/a.test/privkey.pem"
                )
        );
    }

    #[test]
    fn install_adds_ssl_to_a_plain_listener_on_the_https_port() {
        let src = "http { server {\n  listen 8443;\n  server_name a.test;\n} }";
        let c = config(src);
        let s = &c.servers[0];
        let out = edited(
            &c,
            &install_splices(&c, &[s], &[], &plan(false, 8443)).unwrap(),
        );
        assert!(
            out.contains("  listen 8443 ssl;\n  ssl_certificate "),
            "{out}"
        );
    }

    #[test]
    fn redirect_names_a_non_default_port_and_is_not_doubled() {
        let c = config(SITE);
        let s = &c.servers[0];
        let out = edited(
            &c,
            &install_splices(&c, &[], &[s], &plan(true, 8443)).unwrap(),
        );
        assert!(
            out.contains("return 301 https://$host:8443$request_uri;"),
            "{out}"
        );
        let certbot = "http { server { listen 80; if ($scheme != \"https\") { return 301 https://$host$request_uri; } # managed by Certbot\n } }";
        let c = config(certbot);
        let s = &c.servers[0];
        assert!(
            install_splices(&c, &[], &[s], &plan(true, 443))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn certificate_lines_from_an_include_or_twice_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let conf = tmp.path().join("nginx.conf");
        let snippet = tmp.path().join("ssl.conf");
        let sections = vec![
            (
                conf.clone(),
                b"http { server { listen 443 ssl; include ssl.conf; } }".to_vec(),
            ),
            (
                snippet,
                b"ssl_certificate /x; ssl_certificate_key /y;".to_vec(),
            ),
        ];
        let c = Config::from_sections(&conf, sections).unwrap();
        let err = install_splices(&c, &[&c.servers[0]], &[], &plan(false, 443))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ssl.conf:1") && err.contains("include"),
            "{err}"
        );
        let c =
            config("http { server { listen 443 ssl; ssl_certificate /a; ssl_certificate /b; } }");
        let err = install_splices(&c, &[&c.servers[0]], &[], &plan(false, 443))
            .unwrap_err()
            .to_string();
        assert!(err.contains("2 ssl_certificate lines"), "{err}");
    }

    #[test]
    fn words_are_quoted_only_when_needed() {
        assert_eq!(word("/etc/a.pem"), "/etc/a.pem");
        assert_eq!(word("/etc/my certs/a.pem"), "\"/etc/my certs/a.pem\"");
        assert_eq!(word("/a\"b"), "\"/a\\\"b\"");
        let parsed =
            super::super::parser::parse(format!("x {};", word("/a \"b\\c;")).as_bytes()).unwrap();
        assert_eq!(parsed.directives[0].arg(0), Some("/a \"b\\c;"));
    }

    #[test]
    fn overlapping_splices_are_refused() {
        let a = Splice {
            file: 0,
            range: 0..4,
            text: "x".into(),
        };
        let b = Splice {
            file: 0,
            range: 2..3,
            text: "y".into(),
        };
        assert!(apply(b"abcdef", &[&a, &b]).is_err());
    }
}
