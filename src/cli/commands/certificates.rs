//! `certwright certificates`: what is installed and when it renews. Every
//! lineage is listed, including broken ones (with the path and the fix),
//! so one corrupt file cannot hide the others.

use crate::cli::context::Context;
use crate::cli::{CertificatesArgs, ListFormat};
use crate::clock::rfc3339;
use crate::crypto;
use crate::error::Result;
use crate::exit_code as exit;
use crate::renew::inventory::{self, Broken, Entry};
use crate::renew::metrics;
use crate::settings::Settings;
use crate::settings::config_file::ConfigFile;
use crate::store::Store;
use serde_json::{Value, json};
use std::time::SystemTime;

pub(super) fn run(ctx: &Context, args: &CertificatesArgs) -> Result<u8> {
    let settings = ctx.settings(ConfigFile::default())?;
    let store = ctx.store()?;
    let now = ctx.clock.now();
    let entries = inventory::scan(&store, &args.cert_names)?;
    if args.format == ListFormat::Prometheus {
        let lineages: Vec<metrics::LineageMetrics> = entries
            .iter()
            .map(|e| {
                metrics::LineageMetrics::of(e, &store, now, |c| {
                    settings.lineage(Some(c)).renew_before
                })
            })
            .collect();
        crate::stdio::out(&metrics::render(&lineages, now));
        return Ok(exit::SUCCESS);
    }
    let mut human = String::new();
    let mut docs = Vec::new();
    let mut broken = 0;
    for e in &entries {
        let (text, doc) = describe(&store, &settings, e, now);
        broken += usize::from(doc["status"] == "broken");
        human.push_str(&text);
        docs.push(doc);
    }
    if docs.is_empty() {
        human.push_str("No certificates found.");
    } else if broken > 0 {
        human.push_str(&format!(
            "{broken} of {} certificate(s) broken; the others are listed as usual.",
            docs.len()
        ));
    }
    ctx.output.result(
        human.trim_end(),
        json!({"ok": broken == 0, "certificates": docs}),
    );
    Ok(if broken == 0 {
        exit::SUCCESS
    } else {
        exit::FAILURE
    })
}

fn broken_doc(b: &Broken) -> Value {
    json!({"path": b.path, "reason": b.reason, "fix": b.fix})
}

/// One lineage, for people and as a JSON entry (every key always there).
fn describe(store: &Store, settings: &Settings, e: &Entry, now: SystemTime) -> (String, Value) {
    let name = &e.name;
    let live = store.live_path(name);
    let config = e.config.as_ref().ok();
    // The names need a real parse; an unparsable certificate is broken.
    let info = e.installed.as_ref().ok().and_then(|i| {
        crypto::split_pem_chain(&i.pem)
            .ok()
            .and_then(|leaf| crypto::cert_info(leaf.first()?).ok())
    });
    let trouble = e.broken().cloned().or_else(|| {
        (e.installed.is_ok() && info.is_none()).then(|| Broken {
            path: live.join("cert.pem"),
            reason: "the certificate cannot be parsed".into(),
            fix: format!(
                "replace it with `certwright issue --cert-name {name} -d DOMAIN... --force-renewal`"
            ),
        })
    });
    let status = match (&trouble, &info) {
        (Some(_), _) => "broken",
        _ if e.revoked() => "revoked",
        (None, Some(i)) if i.not_after <= now => "expired",
        _ => "valid",
    };
    let days_left = info.as_ref().map(|i| {
        i.not_after
            .duration_since(now)
            .map(|d| d.as_secs() / 86400)
            .unwrap_or(0)
    });
    let domains: Vec<String> = match (&info, config) {
        (Some(i), _) => i.names.clone(),
        (None, Some(c)) => c.domains.clone(),
        (None, None) => Vec::new(),
    };
    let installed = e.installed.as_ref().ok();
    let mut human = format!("{name}: {}\n", status.to_uppercase());
    if let Some(b) = &trouble {
        human.push_str(&format!(
            "  problem:  {}\n  path:     {}\n  fix:      {}\n",
            b.reason,
            b.path.display(),
            b.fix
        ));
    }
    if !domains.is_empty() {
        human.push_str(&format!("  domains:  {}\n", domains.join(", ")));
    }
    if let Some(i) = &info {
        human.push_str(&format!("  serial:   {}\n", i.serial_hex));
        if let Some(c) = config {
            human.push_str(&format!("  key type: {}\n", c.key_type));
        }
        human.push_str(&format!(
            "  expires:  {} ({} days)\n  path:     {}\n  key:      {}\n",
            rfc3339(i.not_after),
            days_left.unwrap_or(0),
            live.join("fullchain.pem").display(),
            live.join("privkey.pem").display()
        ));
    }
    let mut schedule_doc = Value::Null;
    if let (Some(c), Some(i), None) = (config, installed, &trouble) {
        let renew_before = settings.lineage(Some(c)).renew_before;
        let (schedule, doc) = crate::renew::describe(store, c, renew_before, &i.pem, now);
        human.push_str(&schedule);
        schedule_doc = doc;
    }
    let doc = json!({
        "name": name,
        "status": status,
        "broken": trouble.as_ref().map(broken_doc),
        "installed": installed.is_some(),
        "domains": domains,
        "key_type": config.map(|c| c.key_type),
        "serial": info.as_ref().map(|i| i.serial_hex.clone()),
        "not_after": info.as_ref().map(|i| rfc3339(i.not_after)),
        "days_left": days_left,
        "server": config.map(|c| c.server.clone()),
        "version": installed.map(|i| i.version.number),
        "live": live,
        "fullchain": installed.map(|_| live.join("fullchain.pem")),
        "privkey": installed.map(|_| live.join("privkey.pem")),
        "renewal": schedule_doc,
    });
    (human, doc)
}
