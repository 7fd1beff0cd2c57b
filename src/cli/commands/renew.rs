//! `certwright renew`: renew every lineage that is due.

use crate::cli::RenewArgs;
use crate::cli::context::Context;
use crate::error::Result;
use crate::renew::RenewRequest;

pub(super) fn run(ctx: &Context, args: &RenewArgs) -> Result<u8> {
    let settings = crate::renew::RenewSettings::new(
        RenewRequest {
            cert_names: args.cert_names.clone(),
            force: args.force_renewal,
            dry_run: args.dry_run,
            random_sleep: !args.no_random_sleep,
        },
        ctx.settings(crate::cli::flags::renew_flags(args)?)?,
    )?;
    let live = ctx.store()?;
    let store = if args.staging.staging {
        crate::staging::staging_store(&live)
    } else {
        live
    };
    crate::renew::run(
        &crate::renew::Env {
            output: &ctx.output,
            clock: &ctx.clock,
            store: &store,
            interactive: ctx.interactive,
        },
        &settings,
    )
}
