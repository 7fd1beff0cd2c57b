//! What every subcommand needs from the run: the terminal, the clock, the
//! store, the settings layers, a connection to the CA.

use crate::account::{self, EabCredentials, Registration};
use crate::acme::client::AcmeClient;
use crate::acme::transport::{HttpSettings, Transport};
use crate::cli::{GlobalArgs, RegistrationArgs};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::progress::Progress;
use crate::settings::config_file::ConfigFile;
use crate::settings::{CaSettings, Layers, Settings, config_dir};
use crate::store::{Store, StoreLock};
use std::io::IsTerminal;
use std::sync::Arc;

/// What every command needs from the run: how to talk to the user, the
/// clock, and where the store is.
pub(crate) struct Context {
    pub(crate) interactive: bool,
    pub(crate) output: Arc<Output>,
    pub(crate) clock: Arc<dyn Clock>,
    config_dir: Option<std::path::PathBuf>,
    layers: Layers,
    global_flags: ConfigFile,
}

impl Context {
    pub(crate) fn new(global: &GlobalArgs, output: Arc<Output>, layers: Layers) -> Context {
        Context {
            interactive: !global.non_interactive && std::io::stdin().is_terminal(),
            output,
            clock: Arc::new(SystemClock),
            config_dir: global.config_dir.clone(),
            layers,
            global_flags: crate::cli::flags::global_flags(global),
        }
    }

    /// The store, rooted at an absolute path: every path certwright prints
    /// or stores (hooks run from cron, JSON for scripts) is absolute.
    pub(crate) fn store(&self) -> Result<Store> {
        let dir = config_dir(self.config_dir.as_deref())?;
        let dir = std::path::absolute(&dir).map_err(Error::io(&dir))?;
        // Whoever can write the config dir decides which hooks run as root.
        crate::strict_modes::check_config_dir(&dir)?;
        Ok(Store::new(dir))
    }

    /// This command's settings: `flags` (plus the global ones) over the
    /// environment over the config file.
    pub(crate) fn settings(&self, flags: ConfigFile) -> Result<Settings> {
        self.layers.settings(flags.or(self.global_flags.clone()))
    }

    /// Takes the store's lock, waiting as configured (lock_wait).
    pub(crate) fn lock(&self, store: &Store, settings: &Settings) -> Result<StoreLock> {
        let output = &self.output;
        store.lock_announcing(settings.lock_wait(), |holder, wait| {
            output.notice(&crate::output::lock_wait_notice(store.root(), holder, wait))
        })
    }

    pub(crate) fn connect(&self, ca: &CaSettings) -> Result<AcmeClient> {
        let transport = Transport::new(
            HttpSettings {
                ca_bundle: ca.ca_bundle.as_deref(),
            },
            ca.policy.clone(),
            Arc::clone(&self.clock),
            Arc::clone(&self.output) as Arc<dyn Progress>,
        )?;
        self.output.step(&format!("contacting {}", ca.server));
        Ok(AcmeClient::connect(&ca.server, transport)?)
    }

    /// Registration settings (email and agree_tos may come from the
    /// config file); asks on a terminal when needed.
    pub(crate) fn registration(
        &self,
        settings: &Settings,
        args: &RegistrationArgs,
        client: &AcmeClient,
    ) -> Result<Registration> {
        let contact = match contacts(settings, args)? {
            Some(contact) => contact,
            // As certbot does: ask, rather than fail, when someone is there.
            None if self.interactive => vec![self.ask_email()?],
            None => {
                return Err(Error::Usage(
                    "give a contact address with --email or `email` in the config file (or --register-unsafely-without-email)".into(),
                ));
            }
        };
        let mut agree_tos = settings.agree_tos();
        if let (false, Some(tos)) = (agree_tos, client.meta().terms_of_service)
            && self.interactive
        {
            agree_tos = self
                .output
                .confirm(&format!("Do you agree to the terms of service at {tos}?"));
        }
        Ok(Registration {
            contact,
            agree_tos,
            key_type: args.account_key_type,
            eab: eab_credentials(args)?,
        })
    }
}

/// The contacts for a new account: none when the user said so, else the
/// configured ones (flags, environment, config file); None when nobody
/// said anything.
impl Context {
    /// The contact address for a new account, from the person at the
    /// terminal; a few tries for a typo.
    fn ask_email(&self) -> Result<String> {
        let no_email = || {
            Error::Usage(
                "no email address given: pass --email EMAIL, or --register-unsafely-without-email to register without one (you would get no notices from the CA)".into(),
            )
        };
        for _ in 0..3 {
            let answer = self
                .output
                .ask("Email address for the CA's notices about your certificates:")
                .ok_or_else(no_email)?;
            if answer.is_empty() {
                return Err(no_email());
            }
            match crate::account::check_email(&answer) {
                Ok(()) => return Ok(answer),
                Err(e) => crate::stdio::err(&format!("{e}; try again\n")),
            }
        }
        Err(no_email())
    }
}

pub(crate) fn contacts(
    settings: &Settings,
    args: &RegistrationArgs,
) -> Result<Option<Vec<String>>> {
    if args.register_unsafely_without_email {
        return Ok(Some(Vec::new()));
    }
    let email = settings.email();
    for e in email {
        account::check_email(e)?;
    }
    Ok((!email.is_empty()).then(|| email.to_vec()))
}

pub(crate) fn eab_credentials(args: &RegistrationArgs) -> Result<Option<EabCredentials>> {
    match (&args.eab_kid, &args.eab_hmac_key) {
        (Some(kid), Some(key)) => Ok(Some(EabCredentials::parse(kid, key)?)),
        (None, None) => Ok(None),
        _ => Err(Error::Usage(
            "--eab-kid and --eab-hmac-key go together: pass both".into(),
        )),
    }
}
