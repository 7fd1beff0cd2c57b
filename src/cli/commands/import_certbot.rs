//! `certwright import-certbot`: take over certbot's lineages and accounts.

use crate::cli::ImportCertbotArgs;
use crate::cli::context::Context;
use crate::error::Result;
use crate::exit_code as exit;
use crate::settings::config_file::ConfigFile;
use serde_json::json;

pub(super) fn run(ctx: &Context, args: &ImportCertbotArgs) -> Result<u8> {
    let settings = ctx.settings(ConfigFile::default())?;
    let store = ctx.store()?;
    let _lock = ctx.lock(&store, &settings)?;
    let reports = crate::import_certbot::import(&args.certbot_dir, &store)?;
    let mut human = String::new();
    for r in &reports {
        human.push_str(&format!(
            "{} {}\n",
            if r.imported { "imported" } else { "skipped " },
            r.name
        ));
        for note in &r.notes {
            human.push_str(&format!("  - {note}\n"));
        }
    }
    let imported = reports.iter().filter(|r| r.imported).count();
    human.push_str(&format!(
        "{imported} of {} certbot certificates imported into {}; certbot's files were not changed.",
        reports.len(),
        store.root().display()
    ));
    ctx.output.result(
        &human,
        json!({
            "ok": imported == reports.len(),
            "certbot_dir": std::path::absolute(&args.certbot_dir).unwrap_or(args.certbot_dir.clone()),
            "imported": imported,
            "skipped": reports.len() - imported,
            "lineages": reports,
        }),
    );
    Ok(if imported == reports.len() {
        exit::SUCCESS
    } else {
        exit::PARTIAL
    })
}
