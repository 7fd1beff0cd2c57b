//! `certwright delete`: remove a lineage from the store. It does not
//! revoke the certificate (that is `certwright revoke`), and says so.

use crate::cli::DeleteArgs;
use crate::cli::context::Context;
use crate::error::{Error, Result};
use crate::exit_code as exit;
use crate::settings::config_file::ConfigFile;
use serde_json::json;

pub(super) fn run(ctx: &Context, args: &DeleteArgs) -> Result<u8> {
    let settings = ctx.settings(ConfigFile::default())?;
    let store = ctx.store()?;
    crate::store::validate_lineage_name(&args.cert_name)?;
    let name = &args.cert_name;
    let known = store.lineage_names()?.contains(name) || store.live_names()?.contains(name);
    if !known {
        return Err(Error::Usage(format!(
            "no certificate named {name:?} in {} (see `certwright certificates`)",
            store.root().display()
        )));
    }
    let live = store.live_path(name);
    if !args.yes {
        if !ctx.interactive {
            return Err(Error::Usage(format!(
                "deleting {name} removes its certificate and key for good; pass --yes to confirm when not on a terminal"
            )));
        }
        let question = format!(
            "Delete {name}? Its certificate and private key ({}) are removed; anything using them stops working at its next reload. The certificate is NOT revoked.",
            live.display()
        );
        if !ctx.output.confirm(&question) {
            ctx.output.result(
                "Nothing deleted.",
                json!({"ok": true, "deleted": false, "name": name, "revoked": false, "live": live}),
            );
            return Ok(exit::SUCCESS);
        }
    }
    let _lock = ctx.lock(&store, &settings)?;
    store.delete_lineage(name)?;
    ctx.output.result(
        &format!(
            "Deleted {name}: live/, archive/ and renewal/ entries removed; certwright no longer renews it.\nThe certificate was not revoked (it stays valid until it expires); to revoke, use `certwright revoke --cert-path FILE` with a copy of it before deleting, or `certwright revoke --cert-name {name} --delete-after-revoke`."
        ),
        json!({"ok": true, "deleted": true, "name": name, "revoked": false, "live": live}),
    );
    Ok(exit::SUCCESS)
}
