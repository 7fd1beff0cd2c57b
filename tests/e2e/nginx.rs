//! certwright's nginx support against a real Debian nginx in its own prefix
//! (tests/common/nginx.rs): reading the effective configuration through
//! `nginx -T`, challenge locations added and removed byte-exactly, the
//! installer, and every rollback.

use crate::common::nginx::{NginxServer, Site};
use certwright::acme::types::Identifier;
use certwright::challenge::nginx::NginxSolver;
use certwright::challenge::{ChallengeTask, Solver};
use certwright::nginx::ctl::Nginx;
use certwright::nginx::install::{self as installer, InstallOptions};
use certwright::progress::Silent;
use std::sync::Arc;

/// Debian's default site, a site with two blocks (one listing several
/// names and a wildcard, on IPv4 and IPv6), and a snippet include.
fn debian_sites() -> Vec<Site> {
    vec![
        Site {
            file: "default",
            body: "# Default server configuration (Debian)
server {
\tlisten 127.0.0.1:{http} default_server;
\tlisten [::1]:{http} default_server;

\t# SSL configuration
\t# listen 443 ssl default_server;
\t# include snippets/snakeoil.conf;

\troot /var/www/html;
\tindex index.html index.htm index.nginx-debian.html;
\tserver_name _;

\tlocation / {
\t\ttry_files $uri $uri/ =404;
\t}
}
"
            .into(),
        },
        Site {
            file: "example",
            body: "server {
    listen 127.0.0.1:{http};
    listen [::1]:{http};
    server_name example.test www.example.test *.wild.test;
    include snippets/headers.conf;
    location / { return 200 \"example\\n\"; }
}

server {
    listen 127.0.0.1:{http};
    server_name other.test;   # another site
    if ($request_method = POST) { return 405; }
    location / { return 200 'other'; }
}
"
            .into(),
        },
    ]
}

fn nginx_of(server: &NginxServer) -> Nginx {
    Nginx::new("nginx", server.root())
}

fn task(name: &str, token: &str) -> ChallengeTask {
    ChallengeTask {
        identifier: Identifier::from_name(name),
        token: token.into(),
        key_authorization: format!("{token}.thumbprint_{name}").replace('*', "x"),
        wildcard: false,
        persist: None,
    }
}

fn challenge(server: &NginxServer, name: &str, token: &str) -> (u16, String) {
    server.get(name, &format!("/.well-known/acme-challenge/{token}"))
}

#[test]
fn debian_layout_is_read_through_nginx_dump() {
    let server = NginxServer::start(&debian_sites());
    let config = nginx_of(&server).read_config().unwrap();
    let paths: Vec<String> = config
        .files
        .iter()
        .map(|f| {
            f.path
                .strip_prefix(server.root())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        paths,
        [
            "nginx.conf",
            "mime.types",
            "conf.d/gzip.conf",
            "sites-enabled/default",
            "sites-enabled/example",
            "snippets/headers.conf"
        ]
    );
    assert_eq!(config.servers.len(), 3);
    assert_eq!(config.servers[0].names, ["_"]);
    assert_eq!(
        config.servers[1].names,
        ["example.test", "www.example.test", "*.wild.test"]
    );
    assert!(config.servers[1].listens.iter().any(|l| l.is_ipv6()));
    // The snippet's directive is part of the block that includes it.
    assert!(config.servers[1].all("add_header").next().is_some());
    // Every section is byte-identical to the file nginx read.
    for f in &config.files {
        assert_eq!(
            std::fs::read(&f.path).unwrap(),
            f.text,
            "{}",
            f.path.display()
        );
    }
}

#[test]
fn challenges_are_served_then_removed_byte_for_byte() {
    let server = NginxServer::start(&debian_sites());
    let before = server.snapshot();
    let mut solver = NginxSolver::new(nginx_of(&server), server.http_port, Arc::new(Silent));
    let tasks = [
        task("example.test", "tok-a"),
        task("other.test", "tok-b"),
        task("x.wild.test", "tok-c"),
        task("unknown.test", "tok-d"),
    ];
    for t in &tasks {
        solver.present(t).unwrap();
    }
    solver.ready().unwrap();
    // ready() waited for nginx itself to answer: no polling needed here.
    for t in &tasks {
        assert_eq!(
            challenge(&server, &t.identifier.value, &t.token),
            (200, t.key_authorization.clone()),
            "{}",
            t.identifier.value
        );
    }
    // Over IPv6 too, where the block listens there.
    let v6 = crate::common::nginx::http_request(
        ("::1", server.http_port),
        "example.test",
        "/.well-known/acme-challenge/tok-a",
    );
    assert_eq!(v6.0, 200);
    // The site itself still works.
    assert_eq!(server.get("other.test", "/"), (200, "other".into()));
    assert_ne!(server.snapshot(), before);
    solver.cleanup().unwrap();
    assert_eq!(
        server.snapshot(),
        before,
        "cleanup restores every file byte for byte"
    );
    // The site's own `location /` answers that path again.
    server.eventually("challenges gone", || {
        challenge(&server, "example.test", "tok-a") == (200, "example\n".into())
    });
    server.eventually("challenges gone", || {
        challenge(&server, "unknown.test", "tok-d").0 == 404
    });
    let out = server.ctl(&["-t"]);
    assert!(out.status.success());
    // The symlink is still a symlink.
    let link = server.root().join("sites-enabled/example");
    assert!(
        std::fs::symlink_metadata(link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_config_that_fails_nginx_t_is_refused_untouched() {
    let server = NginxServer::start(&debian_sites());
    std::fs::write(
        server.root().join("conf.d/broken.conf"),
        "this_is_not_a_directive on;\n",
    )
    .unwrap();
    let before = server.snapshot();
    let mut solver = NginxSolver::new(nginx_of(&server), server.http_port, Arc::new(Silent));
    solver.present(&task("example.test", "tok")).unwrap();
    let err = solver.ready().unwrap_err().to_string();
    assert!(err.contains("does not pass its own test"), "{err}");
    assert!(
        err.contains("unknown directive \"this_is_not_a_directive\""),
        "nginx's own message: {err}"
    );
    solver.cleanup().unwrap();
    assert_eq!(server.snapshot(), before);
}

/// An `nginx` that fails `-t` (but not `-T`): the edit is written, the
/// test fails, everything must come back.
fn failing_ctl(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("nginx-fails-t");
    std::fs::write(
        &path,
        "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = -t ] && { echo 'nginx: [emerg] forced failure for the test' >&2; exit 1; }; done\nexec nginx \"$@\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}

#[test]
fn a_failing_nginx_t_after_the_edit_restores_everything() {
    let server = NginxServer::start(&debian_sites());
    let before = server.snapshot();
    let tmp = tempfile::tempdir().unwrap();
    let nginx = Nginx::new(failing_ctl(tmp.path()), server.root());
    let mut solver = NginxSolver::new(nginx, server.http_port, Arc::new(Silent));
    solver.present(&task("example.test", "tok")).unwrap();
    let err = solver.ready().unwrap_err().to_string();
    assert!(
        err.contains("forced failure") && err.contains("restored byte for byte"),
        "{err}"
    );
    assert_eq!(server.snapshot(), before);
    solver.cleanup().unwrap();
    assert_eq!(
        server.get("other.test", "/"),
        (200, "other".into()),
        "nginx still serves"
    );
}

#[test]
fn lines_left_by_a_killed_run_are_removed() {
    let server = NginxServer::start(&debian_sites());
    let before = server.snapshot();
    let mut first = NginxSolver::new(nginx_of(&server), server.http_port, Arc::new(Silent));
    first.present(&task("other.test", "old")).unwrap();
    first.ready().unwrap();
    // The run dies here (no cleanup). The next run finds the lines.
    std::mem::forget(first);
    let mut second = NginxSolver::new(nginx_of(&server), server.http_port, Arc::new(Silent));
    second.present(&task("other.test", "new")).unwrap();
    second.ready().unwrap();
    assert_eq!(
        challenge(&server, "other.test", "old"),
        (200, "other".into())
    );
    second.cleanup().unwrap();
    assert_eq!(server.snapshot(), before);
}

#[test]
fn names_without_a_block_on_the_port_are_refused_before_anything() {
    let server = NginxServer::start(&debian_sites());
    let solver = NginxSolver::new(nginx_of(&server), server.http_port + 1, Arc::new(Silent));
    let err = solver
        .preflight(&["example.test".into()])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("example.test")
            && err.contains("sites-enabled/example")
            && err.contains("--webroot"),
        "{err}"
    );
    let missing = Nginx::new("/nonexistent/nginx", server.root());
    let err = NginxSolver::new(missing, 80, Arc::new(Silent))
        .preflight(&[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("--nginx-ctl"), "{err}");
}

fn write_cert(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let fixture = crate::common::TlsFixture::create(dir);
    (fixture.cert_pem, fixture.key_pem)
}

fn der(pem: &[u8]) -> Vec<u8> {
    openssl::x509::X509::from_pem(pem)
        .unwrap()
        .to_der()
        .unwrap()
}

#[test]
fn installer_adds_tls_and_redirect_and_challenges_still_pass() {
    let server = NginxServer::start(&debian_sites());
    let tmp = tempfile::tempdir().unwrap();
    let (cert, key) = write_cert(tmp.path());
    let opts = InstallOptions {
        http_port: server.http_port,
        https_port: server.https_port,
        redirect: true,
    };
    let names = vec!["example.test".to_string(), "www.example.test".to_string()];
    let original = std::fs::read_to_string(server.site("example")).unwrap();
    let nginx = nginx_of(&server);
    installer::preflight(&nginx, &names, &opts).unwrap();
    let done = installer::install(&nginx, &names, &cert, &key, &opts, &Silent).unwrap();
    assert_eq!(done.changed, [server.root().join("sites-enabled/example")]);
    let edited = std::fs::read_to_string(server.site("example")).unwrap();
    // The diff is only the added lines.
    let added: Vec<&str> = edited
        .lines()
        .filter(|l| !original.lines().any(|o| o == *l))
        .collect();
    let p = server.https_port;
    assert_eq!(
        added,
        [
            format!("    listen {p} ssl; # managed by certwright"),
            format!("    listen [::]:{p} ssl; # managed by certwright"),
            format!(
                "    ssl_certificate {}; # managed by certwright",
                cert.display()
            ),
            format!(
                "    ssl_certificate_key {}; # managed by certwright",
                key.display()
            ),
            format!(
                "    if ($scheme != \"https\") {{ return 301 https://$host:{p}$request_uri; }} # managed by certwright"
            ),
        ]
    );
    assert_eq!(
        edited
            .lines()
            .filter(|l| !added.contains(l))
            .collect::<Vec<_>>(),
        original.lines().collect::<Vec<_>>()
    );
    let want = der(&std::fs::read(&cert).unwrap());
    server.eventually("nginx serves the certificate", || {
        server
            .served_certificate("example.test")
            .is_some_and(|pem| der(&pem) == want)
    });
    // Old workers may still take a connection for a moment after a reload.
    server.eventually("plain http redirects", || {
        server.get("example.test", "/page").0 == 301
    });
    // Renewal: the authenticator's rewrite beats the redirect.
    let mut solver = NginxSolver::new(nginx.clone(), server.http_port, Arc::new(Silent));
    let t = task("example.test", "renewal");
    solver.present(&t).unwrap();
    solver.ready().unwrap();
    assert_eq!(
        challenge(&server, "example.test", "renewal"),
        (200, t.key_authorization.clone())
    );
    solver.cleanup().unwrap();
    // Installing again changes nothing (and only reloads).
    let again = installer::install(&nginx, &names, &cert, &key, &opts, &Silent).unwrap();
    assert!(again.changed.is_empty());
    assert_eq!(
        std::fs::read_to_string(server.site("example")).unwrap(),
        edited
    );
}

#[test]
fn a_failing_nginx_t_at_install_leaves_the_config_and_the_served_site() {
    let server = NginxServer::start(&debian_sites());
    let tmp = tempfile::tempdir().unwrap();
    let (cert, key) = write_cert(tmp.path());
    let before = server.snapshot();
    let opts = InstallOptions {
        http_port: server.http_port,
        https_port: server.https_port,
        redirect: true,
    };
    let nginx = Nginx::new(failing_ctl(tmp.path()), server.root());
    let err = installer::install(&nginx, &["other.test".into()], &cert, &key, &opts, &Silent)
        .unwrap_err()
        .to_string();
    assert!(err.contains("forced failure"), "{err}");
    assert_eq!(server.snapshot(), before);
    assert_eq!(server.get("other.test", "/"), (200, "other".into()));
    assert!(
        server.served_certificate("other.test").is_none(),
        "no TLS listener appeared"
    );
}

/// Every file Debian's nginx package ships under /etc/nginx (nginx.conf,
/// mime.types, koi-win's charset maps, fastcgi params, snippets, the default
/// site) parses, and the default site's server block is found where nginx
/// would find it. Only read: no nginx runs on /etc/nginx.
#[test]
fn debian_package_files_parse() {
    let root = std::path::Path::new("/etc/nginx");
    if !root.join("nginx.conf").is_file() {
        eprintln!("skipped: no /etc/nginx/nginx.conf");
        return;
    }
    let mut stack = vec![root.to_path_buf()];
    let mut parsed = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = std::fs::read(&path) {
                certwright::nginx::parser::parse(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                parsed += 1;
            }
        }
    }
    assert!(parsed >= 8, "only {parsed} files");
    let main = std::fs::read(root.join("nginx.conf")).unwrap();
    let tree = certwright::nginx::parser::parse(&main).unwrap();
    let http = tree
        .directives
        .iter()
        .find(|d| d.is("http"))
        .expect("an http block");
    let includes: Vec<_> = http
        .block
        .as_ref()
        .unwrap()
        .directives
        .iter()
        .filter(|d| d.is("include"))
        .filter_map(|d| d.arg(0))
        .collect();
    assert!(
        includes.contains(&"/etc/nginx/sites-enabled/*"),
        "{includes:?}"
    );
}

/// The parser against nginx itself: each word is the body of a `return`,
/// so nginx answers with the value as it parsed it, and certwright's
/// parse of the same file must agree byte for byte (quotes, escapes, `#`
/// and braces inside words).
#[test]
fn words_parse_as_nginx_parses_them() {
    let words = [
        "plain",
        "\"double quoted\"",
        "'single quoted'",
        r#""esc \"q\" \\ back""#,
        r"'it\'s'",
        r"a\;b",
        r#""tab\there""#,
        r#""nl\nhere""#,
        r#""\d kept""#,
        "a#b",
        "\"#not a comment\"",
        "x}y",
        "\"a{b}\"",
        r"\x",
        "''",
    ];
    let mut body =
        String::from("server {\n    listen 127.0.0.1:{http};\n    server_name diff.test;\n");
    for (i, w) in words.iter().enumerate() {
        body.push_str(&format!(
            "    location = /t{i} {{ return 200 {w}; }} # word {i}\n"
        ));
    }
    body.push_str("}\n");
    let server = NginxServer::start(&[Site { file: "diff", body }]);
    let config = nginx_of(&server).read_config().unwrap();
    let block = &config.servers[0];
    let parsed: Vec<String> = block
        .all("location")
        .map(|l| {
            l.directive.block.as_ref().unwrap().directives[0].args[1]
                .value
                .clone()
        })
        .collect();
    assert_eq!(parsed.len(), words.len());
    for (i, ours) in parsed.iter().enumerate() {
        let (status, theirs) = server.get("diff.test", &format!("/t{i}"));
        assert_eq!(status, 200, "{}", words[i]);
        assert_eq!(ours, &theirs, "word {} {:?}", i, words[i]);
    }
}
