//! The config file and its precedence, end to end with the real binary
//! against Pebble: flags > CERTWRIGHT_* environment > config.toml > the
//! lineage's renewal file > defaults (unit tests of every pair are in
//! src/settings/; these show the wiring in real commands).

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A port nothing listens on: a CA there fails at once.
const NOWHERE: &str = "https://127.0.0.1:1/dir";

struct Setup {
    pebble: Pebble,
    cw: Certwright,
    tmp: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let pebble = Pebble::start();
        let tmp = tempfile::tempdir().unwrap();
        let cw = Certwright::new(&tmp.path().join("config"), &pebble);
        std::fs::create_dir_all(&cw.config_dir).unwrap();
        Setup { pebble, cw, tmp }
    }

    fn write_config(&self, text: &str) {
        std::fs::write(self.cw.config_dir.join("config.toml"), text).unwrap();
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// A command with neither server nor CA bundle in the environment: only
    /// what the test adds (or the config file) says where the CA is.
    fn bare(&self) -> Command {
        let mut cmd = self.cw.command();
        cmd.env_remove("CERTWRIGHT_SERVER")
            .env_remove("CERTWRIGHT_CA_BUNDLE");
        cmd
    }

    fn standalone_args(&self, name: &str) -> Vec<String> {
        [
            "issue",
            "-d",
            name,
            "--standalone",
            "--http-01-address",
            "127.0.0.1",
            "--http-01-port",
            &self.pebble.http_port.to_string(),
        ]
        .map(String::from)
        .to_vec()
    }

    fn renewal_file(&self, name: &str) -> String {
        std::fs::read_to_string(self.cw.config_dir.join(format!("renewal/{name}.toml"))).unwrap()
    }
}

fn describe(out: &Output) -> String {
    format!(
        "exit {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        stdout(out),
        stderr(out)
    )
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", describe(out)))
}

fn toml_str(p: &Path) -> String {
    format!("{:?}", p.to_str().unwrap())
}

#[test]
fn server_comes_from_flag_then_environment_then_config_file() {
    let s = Setup::new();
    let register = |env: Option<&str>, flag: Option<&str>| {
        let mut cmd = s.bare();
        if let Some(server) = env {
            cmd.env("CERTWRIGHT_SERVER", server);
        }
        cmd.args([
            "register",
            "--email",
            "a@example.com",
            "--agree-tos",
            "--json",
        ]);
        if let Some(server) = flag {
            cmd.args(["--server", server]);
        }
        cmd.output().unwrap()
    };
    let reached = |out: &Output| {
        assert!(out.status.success(), "{}", describe(out));
        assert_eq!(json(out)["account"]["server"], s.pebble.directory);
    };
    let refused = |out: &Output| {
        assert_eq!(out.status.code(), Some(1), "{}", describe(out));
        assert!(
            json(out)["error"].as_str().unwrap().contains("127.0.0.1:1"),
            "{}",
            describe(out)
        );
    };
    let bundle = toml_str(s.pebble.ca_bundle());
    let pebble = s.pebble.directory.as_str();

    // The config file names the CA (and its CA bundle).
    s.write_config(&format!("server = {pebble:?}\nca_bundle = {bundle}\n"));
    reached(&register(None, None));
    // Environment over config file.
    refused(&register(Some(NOWHERE), None));
    // Flag over environment.
    reached(&register(Some(NOWHERE), Some(pebble)));

    s.write_config(&format!("server = {NOWHERE:?}\nca_bundle = {bundle}\n"));
    refused(&register(None, None));
    reached(&register(Some(pebble), None));
    refused(&register(Some(pebble), Some(NOWHERE)));
    reached(&register(None, Some(pebble)));

    // --config FILE (or CERTWRIGHT_CONFIG) replaces config.toml, which
    // still points nowhere.
    let other = s.path("other.toml");
    std::fs::write(
        &other,
        format!("server = {pebble:?}\nca_bundle = {bundle}\n"),
    )
    .unwrap();
    let out = s
        .bare()
        .args([
            "--config",
            other.to_str().unwrap(),
            "account",
            "show",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let out = s
        .bare()
        .env("CERTWRIGHT_CONFIG", &other)
        .args(["account", "show", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
}

#[test]
fn renew_before_comes_from_flag_then_environment_then_config_then_renewal_file() {
    let s = Setup::new();
    s.cw.register();
    // Far more than the certificate's lifetime: due as soon as it applies.
    let always = "100000d";
    let mut args = s.standalone_args("margin.example.test");
    args.extend(["--renew-before".into(), always.into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    s.cw.ok(&args);
    assert!(
        s.renewal_file("margin.example.test")
            .contains("renew_before = \"100000d\"")
    );

    let renew = |env: Option<&str>, flag: Option<&str>| {
        let mut cmd = s.cw.command();
        if let Some(v) = env {
            cmd.env("CERTWRIGHT_RENEW_BEFORE", v);
        }
        cmd.args(["renew", "--no-random-sleep", "--json"]);
        if let Some(v) = flag {
            cmd.args(["--renew-before", v]);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", describe(&out));
        let doc = json(&out);
        let entry = &doc["certificates"][0];
        (
            entry["action"].as_str().unwrap().to_string(),
            entry["reason"].clone(),
        )
    };
    let renewed = ("renewed".to_string(), Value::from("renew_before"));
    let not_due = ("not_due".to_string(), Value::from("renew_before"));

    // The renewal file's margin over the default (a third: not due).
    assert_eq!(renew(None, None), renewed);
    // Config file over renewal file.
    s.write_config("renew_before = \"1s\"\n");
    assert_eq!(renew(None, None), not_due);
    // Flag over config file.
    assert_eq!(renew(None, Some(always)), renewed);
    // Environment over config file; flag over environment.
    s.write_config(&format!("renew_before = {always:?}\n"));
    assert_eq!(renew(Some("1s"), None), not_due);
    assert_eq!(renew(Some("1s"), Some(always)), renewed);
    // The config file never rewrote the lineage's own setting.
    assert!(
        s.renewal_file("margin.example.test")
            .contains("renew_before = \"100000d\"")
    );
}

#[test]
fn hooks_from_the_config_file_run_on_renew_and_replace_stored_ones() {
    let s = Setup::new();
    s.cw.register();
    let stored_marker = s.path("stored-hook-ran");
    let mut args = s.standalone_args("hooks.example.test");
    args.extend([
        "--deploy-hook".into(),
        format!("touch '{}'", stored_marker.display()),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    s.cw.ok(&args);
    assert!(stored_marker.exists(), "issue ran its deploy hook");
    std::fs::remove_file(&stored_marker).unwrap();

    let (deployed, pre, post) = (s.path("deployed"), s.path("pre"), s.path("post"));
    s.write_config(&format!(
        "deploy_hook = {:?}\npre_hook = {:?}\npost_hook = {:?}\n",
        format!(
            "printf '%s %s' \"$RENEWED_LINEAGE\" \"$RENEWED_DOMAINS\" > '{}'",
            deployed.display()
        ),
        format!("touch '{}'", pre.display()),
        format!("touch '{}'", post.display()),
    ));
    let out =
        s.cw.run(&["renew", "--no-random-sleep", "--force-renewal", "--json"]);
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(json(&out)["renewed"], 1);
    let live = s.cw.live("hooks.example.test");
    assert_eq!(
        std::fs::read_to_string(&deployed).unwrap(),
        format!("{} hooks.example.test", live.display())
    );
    assert!(pre.exists() && post.exists(), "pre- and post-hook ran");
    assert!(
        !stored_marker.exists(),
        "the config file's deploy hook replaces the renewal file's"
    );
    // Not copied into the renewal file: removing it from config.toml
    // brings the lineage's own hook back.
    let renewal = s.renewal_file("hooks.example.test");
    assert!(
        !renewal.contains("printf") && !renewal.contains("pre_hook"),
        "{renewal}"
    );

    // A flag beats the config file.
    std::fs::remove_file(&deployed).unwrap();
    let flag_marker = s.path("flag-hook-ran");
    let hook = format!("touch '{}'", flag_marker.display());
    s.cw.ok(&[
        "renew",
        "--no-random-sleep",
        "--force-renewal",
        "--deploy-hook",
        &hook,
    ]);
    assert!(flag_marker.exists() && !deployed.exists());

    // The environment beats the config file too.
    let env_marker = s.path("env-hook-ran");
    let out =
        s.cw.command()
            .env(
                "CERTWRIGHT_DEPLOY_HOOK",
                format!("touch '{}'", env_marker.display()),
            )
            .args(["renew", "--no-random-sleep", "--force-renewal"])
            .output()
            .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    assert!(env_marker.exists() && !deployed.exists());
}

#[test]
fn issue_takes_account_key_and_challenge_settings_from_the_config_file() {
    let s = Setup::new();
    // No account yet: email and agree_tos from the file register one on
    // the fly; the standalone port and key type come from the file too.
    s.write_config(&format!(
        "email = [\"cfg@example.com\"]\nagree_tos = true\nkey_type = \"ecdsa-p384\"\n\
         http_01_port = {}\nhttp_01_address = \"127.0.0.1\"\n",
        s.pebble.http_port
    ));
    let out =
        s.cw.run(&["issue", "-d", "cfg.example.test", "--standalone", "--json"]);
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(json(&out)["key_type"], "ecdsa-p384");
    let accounts = json(&s.cw.run(&["account", "list", "--json"]));
    assert_eq!(
        accounts["accounts"][0]["contact"][0],
        "mailto:cfg@example.com"
    );
    // The port is the file's to keep: the renewal file does not copy it,
    // and renew still finds it there.
    let renewal = s.renewal_file("cfg.example.test");
    assert!(!renewal.contains("http_port"), "{renewal}");
    let out =
        s.cw.run(&["renew", "--no-random-sleep", "--force-renewal", "--json"]);
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(json(&out)["renewed"], 1);
    // A flag beats the file: this port is closed, so the CA cannot connect.
    let closed = free_ports(1)[0].to_string();
    let out = s.cw.run(&[
        "issue",
        "-d",
        "cfg2.example.test",
        "--standalone",
        "--http-01-port",
        &closed,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
}

#[test]
fn malformed_configuration_is_exit_2_naming_file_line_and_key() {
    let s = Setup::new();
    let file = s.cw.config_dir.join("config.toml");
    s.write_config("server = \"letsencrypt\"\n# a comment\nrenew_befor = \"30d\"\n");
    for args in [
        vec!["certificates"],
        vec!["renew", "--no-random-sleep"],
        vec!["issue", "-d", "x.example.test", "--standalone"],
    ] {
        let out = s.cw.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", describe(&out));
        assert_eq!(
            stderr(&out).trim_end(),
            format!(
                "error: {}:3: unknown field `renew_befor`; did you mean `renew_before`? (key `renew_befor`)\n  details: {}",
                file.display(),
                s.cw.config_dir.join("logs/certwright.log").display()
            ),
            "{args:?}"
        );
    }
    // Wrong type and invalid value: line and key too; --json gets a document.
    s.write_config("\nhttp_01_port = \"eighty\"\n");
    let out = s.cw.run(&["certificates", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    assert_eq!(doc["ok"], false);
    let msg = doc["error"].as_str().unwrap();
    assert!(msg.starts_with(&format!("{}:2: ", file.display())), "{msg}");
    assert!(msg.ends_with("(key `http_01_port`)"), "{msg}");
    s.write_config("propagation_sleep_times = [2, 0]\n");
    let out = s.cw.run(&["certificates"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "{}:1: must be positive seconds, e.g. [1, 2, 4, 8] (got [2, 0]) (key `propagation_sleep_times`)",
            file.display()
        )),
        "{}",
        describe(&out)
    );
    std::fs::remove_file(&file).unwrap();

    // --config names a file that must exist.
    let out =
        s.cw.run(&["--config", "/nonexistent/certwright.toml", "certificates"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/certwright.toml does not exist"));
    // An environment variable with a bad value names the variable.
    let out =
        s.cw.command()
            .env("CERTWRIGHT_REUSE_KEY", "perhaps")
            .arg("certificates")
            .output()
            .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("CERTWRIGHT_REUSE_KEY=\"perhaps\": expected true or false"),
        "{}",
        describe(&out)
    );
}
