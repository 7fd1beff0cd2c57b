//! The process's exit statuses (docs/exit-codes.md) and which error maps
//! to which.

use crate::error::Error;

pub const SUCCESS: u8 = 0;
pub const FAILURE: u8 = 1;
pub const USAGE: u8 = 2;
pub const PARTIAL: u8 = 3;
pub const LOCKED: u8 = 4;

pub fn of(error: &Error) -> u8 {
    match error {
        Error::Usage(_)
        | Error::NoAccount { .. }
        | Error::Acme(crate::acme::Error::NotAcmeDirectory { .. }) => USAGE,
        Error::LockHeld { .. } => LOCKED,
        _ => FAILURE,
    }
}
