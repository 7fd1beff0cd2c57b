//! The command line: clap's definitions ([`args`]), how flags become a
//! settings layer ([`flags`]), what every command shares ([`context`]) and
//! one file per subcommand ([`commands`]). Nothing below this module sees
//! clap.

pub mod args;
pub mod commands;
pub mod completion;
pub(crate) mod context;
pub mod flags;
pub mod man;

pub use args::*;
