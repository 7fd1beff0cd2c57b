//! What certwright prints, end to end against Pebble:
//!
//! - every command's `--json` document and every JSON event line match the
//!   field tables of docs/json-output.md, read from the doc itself, in both
//!   directions (each listed field is there, no field is unlisted), so the
//!   doc and the binary cannot drift apart;
//! - `--quiet` prints nothing at all on success.

use crate::common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Output;

/// One row of a field table.
#[derive(Debug)]
struct Field {
    /// May be absent ("optional" in the type column).
    optional: bool,
    /// Passed through as the CA sent it: not described further.
    free_form: bool,
}

/// docs/json-output.md's tables: section ("issue", "account show",
/// "errors", "event step") -> field path -> Field.
fn documented() -> BTreeMap<String, BTreeMap<String, Field>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/json-output.md");
    let text = std::fs::read_to_string(path).unwrap();
    let mut sections: BTreeMap<String, BTreeMap<String, Field>> = BTreeMap::new();
    let mut current = None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            let name = heading
                .replace('`', "")
                .trim_start_matches("certwright ")
                .to_string();
            sections.entry(name.clone()).or_default();
            current = Some(name);
            continue;
        }
        if line.starts_with("## ") {
            current = None;
            continue;
        }
        let (Some(section), Some(row)) = (&current, line.strip_prefix("| `")) else {
            continue;
        };
        let mut cells = row.split('|');
        let field = cells.next().unwrap().trim().trim_end_matches('`');
        let kind = cells.next().unwrap_or("").trim();
        sections.get_mut(section).unwrap().insert(
            field.to_string(),
            Field {
                optional: kind.contains("optional"),
                free_form: kind.contains("free-form"),
            },
        );
    }
    sections
}

/// Every field path in `value` ("a", "a.b", "list[].b"), not descending
/// into documented free-form objects.
fn paths(value: &Value, prefix: &str, doc: &BTreeMap<String, Field>, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(p.clone());
                if !doc.get(&p).is_some_and(|f| f.free_form) {
                    paths(v, &p, doc, out);
                }
            }
        }
        Value::Array(items) if !prefix.is_empty() => {
            for item in items {
                paths(item, &format!("{prefix}[]"), doc, out);
            }
        }
        _ => {}
    }
}

/// The objects that must hold the last segment of `path`: its parents,
/// expanded over arrays, skipping parents that are null or absent.
fn parents<'a>(doc: &'a Value, path: &str) -> (Vec<&'a Value>, String) {
    let segments: Vec<&str> = path.split('.').collect();
    let mut current = vec![doc];
    for seg in &segments[..segments.len() - 1] {
        let (name, array) = match seg.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (*seg, false),
        };
        let mut next = Vec::new();
        for v in current {
            match v.get(name) {
                Some(Value::Array(items)) if array => next.extend(items.iter()),
                Some(Value::Null) | None => {}
                Some(other) if !array => next.push(other),
                Some(other) => panic!("{path}: {name} is not an array: {other}"),
            }
        }
        current = next;
    }
    (current, segments[segments.len() - 1].to_string())
}

struct Checker {
    docs: BTreeMap<String, BTreeMap<String, Field>>,
    checked: BTreeSet<String>,
}

impl Checker {
    fn new() -> Checker {
        Checker {
            docs: documented(),
            checked: BTreeSet::new(),
        }
    }

    /// `value` has exactly the fields docs/json-output.md lists for `section`.
    fn check(&mut self, section: &str, value: &Value) {
        let fields = self
            .docs
            .get(section)
            .unwrap_or_else(|| panic!("docs/json-output.md has no section for {section:?}"));
        assert!(!fields.is_empty(), "{section}: no fields documented");
        let mut actual = BTreeSet::new();
        paths(value, "", fields, &mut actual);
        for p in &actual {
            assert!(
                fields.contains_key(p),
                "{section}: `{p}` is printed but not documented in docs/json-output.md\n{value:#}"
            );
        }
        for (path, field) in fields {
            if field.optional {
                continue;
            }
            let (parents, key) = parents(value, path);
            for parent in parents {
                assert!(
                    parent.get(&key).is_some(),
                    "{section}: documented field `{path}` is missing\n{value:#}"
                );
            }
        }
        self.checked.insert(section.to_string());
    }

    /// The run's stdout document, checked; and its stderr event lines.
    fn run(&mut self, section: &str, out: &Output) -> Value {
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{section}: stdout is not one JSON document ({e}):\n{}\n{}",
                stdout(out),
                stderr(out)
            )
        });
        self.check(section, &doc);
        for line in stderr(out).lines() {
            let event: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{section}: stderr line is not JSON ({e}): {line}"));
            let kind = event["event"].as_str().unwrap_or_else(|| panic!("{line}"));
            self.check(&format!("event {kind}"), &event);
        }
        doc
    }
}

fn json_run(cw: &Certwright, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.push("--json");
    cw.run(&all)
}

#[test]
fn json_documents_match_docs_json_output_md() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(&tmp.path().join("config"), &pebble);
    let mut c = Checker::new();
    let port = pebble.http_port.to_string();
    let issue_args = [
        "issue",
        "-d",
        "json.example.test",
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port,
    ];

    let out = json_run(
        &cw,
        &["register", "--email", "a@example.com", "--agree-tos"],
    );
    assert!(out.status.success());
    let doc = c.run("register", &out);
    assert_eq!(doc["ok"], true);

    // -v: request events on stderr too.
    let mut args = issue_args.to_vec();
    args.push("-v");
    let out = json_run(&cw, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = c.run("issue", &out);
    assert_eq!(doc["issued"], true);
    assert!(Path::new(doc["fullchain"].as_str().unwrap()).is_absolute());
    assert!(c.checked.contains("event request") && c.checked.contains("event step"));
    // Already installed: the same fields, nothing done.
    let doc = c.run("issue", &json_run(&cw, &issue_args));
    assert_eq!(
        (&doc["issued"], &doc["requests"]),
        (&Value::from(false), &Value::from(0))
    );

    let doc = c.run("certificates", &json_run(&cw, &["certificates"]));
    assert_eq!(doc["certificates"][0]["installed"], true);
    assert!(doc["certificates"][0]["renewal"]["next_renewal"].is_string());

    let out = json_run(&cw, &["renew", "--no-random-sleep", "--force-renewal"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = c.run("renew", &out);
    assert_eq!(doc["certificates"][0]["action"], "renewed");
    let doc = c.run("renew", &json_run(&cw, &["renew", "--no-random-sleep"]));
    assert_eq!(doc["certificates"][0]["action"], "not_due");

    let nginx = crate::common::nginx::NginxServer::start(&[crate::common::nginx::Site {
        file: "json",
        body: "server { listen 127.0.0.1:{http}; server_name json.example.test; }\n".into(),
    }]);
    let (root, http, https) = (
        nginx.root().display().to_string(),
        nginx.http_port.to_string(),
        nginx.https_port.to_string(),
    );
    let out = json_run(
        &cw,
        &[
            "install",
            "--nginx",
            "--cert-name",
            "json.example.test",
            "--nginx-server-root",
            &root,
            "--http-01-port",
            &http,
            "--https-port",
            &https,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = c.run("install", &out);
    assert_eq!(doc["changed_files"].as_array().map(Vec::len), Some(1));

    c.run("account list", &json_run(&cw, &["account", "list"]));
    c.run("account show", &json_run(&cw, &["account", "show"]));
    let doc = c.run(
        "account update",
        &json_run(&cw, &["account", "update", "--email", "b@example.com"]),
    );
    assert_eq!(doc["account"]["contact"][0], "mailto:b@example.com");
    c.run("account rollover", &json_run(&cw, &["account", "rollover"]));
    let doc = c.run(
        "persist-record",
        &json_run(
            &cw,
            &[
                "persist-record",
                "-d",
                "json.example.test",
                "--issuer-domain-name",
                "pebble.example",
            ],
        ),
    );
    assert_eq!(
        doc["records"][0]["name"],
        "_validation-persist.json.example.test"
    );

    // A change proven by a dry run (this Pebble plays its own staging CA).
    let out = json_run(
        &cw,
        &[
            "reconfigure",
            "--cert-name",
            "json.example.test",
            "--deploy-hook",
            "true",
            "--staging-server",
            &pebble.directory,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = c.run("reconfigure", &out);
    assert_eq!(doc["changed"], serde_json::json!(["deploy_hook"]));

    let out = json_run(
        &cw,
        &[
            "revoke",
            "--cert-name",
            "json.example.test",
            "--reason",
            "superseded",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = c.run("revoke", &out);
    assert_eq!(
        (&doc["reason"], &doc["reason_code"]),
        (&"superseded".into(), &4.into())
    );

    let out = json_run(
        &cw,
        &["delete", "--cert-name", "json.example.test", "--yes"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(c.run("delete", &out)["deleted"], true);

    let certbot = tmp.path().join("letsencrypt");
    std::fs::create_dir_all(certbot.join("renewal")).unwrap();
    std::fs::write(
        certbot.join("renewal/nginx.example.test.conf"),
        "cert = /nonexistent/cert.pem\nprivkey = /nonexistent/privkey.pem\n\
         [renewalparams]\nauthenticator = nginx\naccount = abc\n",
    )
    .unwrap();
    let out = json_run(
        &cw,
        &["import-certbot", "--certbot-dir", certbot.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(3));
    let doc = c.run("import-certbot", &out);
    assert_eq!((&doc["ok"], &doc["skipped"]), (&false.into(), &1.into()));

    // Failures: a usage error, a refused command line, and one from the CA.
    let out = json_run(&cw, &["revoke", "--cert-name", "nothing.example.test"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(c.run("errors", &out)["ok"], false);
    let out = json_run(&cw, &["issue", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(c.run("errors", &out)["ok"], false);
    let out = json_run(&cw, &["issue", "-d", "bad..name.test", "--standalone"]);
    assert_eq!(out.status.code(), Some(2));
    c.run("errors", &out);

    let out = json_run(&cw, &["account", "deactivate", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    c.run("account deactivate", &out);

    // Every command's section was exercised.
    let commands: BTreeSet<String> = c
        .docs
        .keys()
        .filter(|s| !s.starts_with("event "))
        .cloned()
        .collect();
    let missed: Vec<&String> = commands.difference(&c.checked).collect();
    assert!(missed.is_empty(), "not exercised: {missed:?}");
}

/// `-q`: cron mails nothing when all is well.
#[test]
fn quiet_prints_nothing_on_success() {
    let pebble = Pebble::start();
    let tmp = tempfile::tempdir().unwrap();
    let cw = Certwright::new(&tmp.path().join("config"), &pebble);
    let port = pebble.http_port.to_string();
    let silent = |args: &[&str]| {
        let out = cw.run(args);
        assert!(
            out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
            "{args:?}: exit {}\nstdout: {}\nstderr: {}",
            out.status,
            stdout(&out),
            stderr(&out)
        );
    };
    silent(&["register", "-q", "--email", "a@example.com", "--agree-tos"]);
    silent(&[
        "issue",
        "-q",
        "-d",
        "quiet.example.test",
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        &port,
        "--deploy-hook",
        "echo deployed",
    ]);
    silent(&["renew", "-q", "--no-random-sleep", "--force-renewal"]);
    silent(&["renew", "-q"]);
    silent(&["certificates", "-q"]);
    // Errors still get through.
    let out = cw.run(&["renew", "-q", "--cert-name", "nothing.example.test"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
}
