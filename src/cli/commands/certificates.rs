//! `certwright certificates`: what is installed and when it renews.

use crate::cli::CertificatesArgs;
use crate::cli::context::Context;
use crate::clock::rfc3339;
use crate::crypto;
use crate::error::Result;
use crate::exit_code as exit;
use crate::settings::config_file::ConfigFile;
use serde_json::json;

pub(super) fn run(ctx: &Context, args: &CertificatesArgs) -> Result<u8> {
    let settings = ctx.settings(ConfigFile::default())?;
    let store = ctx.store()?;
    let now = ctx.clock.now();
    let mut human = String::new();
    let mut docs = Vec::new();
    for name in store.lineage_names()? {
        if !args.cert_names.is_empty() && !args.cert_names.contains(&name) {
            continue;
        }
        let Some(config) = store.renewal_config(&name)? else {
            continue;
        };
        let Some(version) = store.current_version(&name)? else {
            human.push_str(&format!("{name}: no certificate installed\n"));
            docs.push(json!({
                "name": name,
                "installed": false,
                "domains": config.domains,
                "key_type": config.key_type,
                "serial": null,
                "not_after": null,
                "days_left": null,
                "server": config.server,
                "version": null,
                "live": store.live_path(&name),
                "fullchain": null,
                "privkey": null,
                "renewal": null,
            }));
            continue;
        };
        let pem = version.read_cert()?;
        let leaf = crypto::split_pem_chain(&pem)?;
        let info = crypto::cert_info(&leaf[0])?;
        let renew_before = settings.lineage(Some(&config)).renew_before;
        let (schedule, schedule_doc) =
            crate::renew::describe(&store, &config, renew_before, &pem, now);
        let days_left = info
            .not_after
            .duration_since(now)
            .map(|d| d.as_secs() / 86400)
            .unwrap_or(0);
        human.push_str(&format!(
            "{name}\n  domains:  {}\n  key type: {}\n  expires:  {} ({} days)\n  path:     {}\n",
            info.names.join(", "),
            config.key_type,
            rfc3339(info.not_after),
            days_left,
            store.live_fullchain(&name).display()
        ));
        human.push_str(&schedule);
        docs.push(json!({
            "name": name,
            "installed": true,
            "domains": info.names,
            "key_type": config.key_type,
            "serial": info.serial_hex,
            "not_after": rfc3339(info.not_after),
            "days_left": days_left,
            "server": config.server,
            "version": version.number,
            "live": store.live_path(&name),
            "fullchain": store.live_fullchain(&name),
            "privkey": store.live_privkey(&name),
            "renewal": schedule_doc,
        }));
    }
    if docs.is_empty() {
        human.push_str("No certificates found.");
    }
    ctx.output
        .result(human.trim_end(), json!({"ok": true, "certificates": docs}));
    Ok(exit::SUCCESS)
}
