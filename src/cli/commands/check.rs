//! `certwright check`: a Nagios / Icinga plugin over every lineage (see
//! `renew::check` for the verdict). Reads the store only.

use crate::cli::CheckArgs;
use crate::cli::context::Context;
use crate::error::Result;
use crate::renew::check::{self, State, Thresholds};
use crate::renew::inventory;

pub(super) fn run(ctx: &Context, args: &CheckArgs) -> Result<u8> {
    // The plugin API reserves 3 (UNKNOWN) for bad arguments too.
    let thresholds = match Thresholds::from_days(args.warning, args.critical) {
        Ok(t) => t,
        Err(why) => {
            crate::stdio::out(&format!("CERTWRIGHT UNKNOWN - {why}\n"));
            return Ok(State::Unknown.exit_code());
        }
    };
    let store = match ctx.store() {
        Ok(s) => s,
        Err(e) => {
            crate::stdio::out(&format!("CERTWRIGHT UNKNOWN - {e}\n"));
            return Ok(State::Unknown.exit_code());
        }
    };
    let entries = match inventory::scan(&store, &args.cert_names) {
        Ok(e) => e,
        Err(e) => {
            crate::stdio::out(&format!("CERTWRIGHT UNKNOWN - {e}\n"));
            return Ok(State::Unknown.exit_code());
        }
    };
    let facts: Vec<check::Facts> = entries.iter().map(check::Facts::of).collect();
    let report = check::report(
        &facts,
        ctx.clock.now(),
        thresholds,
        &store.root().display().to_string(),
    );
    crate::stdio::out(&report.text);
    Ok(report.state.exit_code())
}
