//! `certwright revoke`: revokes a certificate (RFC 8555 §7.6), signed by the
//! account that holds it or, when that account is lost, by the certificate's
//! own key. The lineage is then marked revoked so renewal replaces it, and
//! can be deleted.

use crate::account;
use crate::acme::jws::SigningKey;
use crate::acme::{Error as AcmeError, ProblemKind};
use crate::cli::context::Context;
use crate::cli::{RevocationReason, RevokeArgs};
use crate::crypto;
use crate::error::{Error, Result};
use crate::exit_code as exit;
use crate::progress::Progress;
use crate::settings::config_file::ConfigFile;
use crate::store::{RenewalConfig, Store, validate_lineage_name};
use openssl::x509::X509;
use serde_json::json;
use std::path::Path;

/// RFC 5280 §5.3.1 CRLReason codes. 2 (cACompromise), 6 (certificateHold),
/// 8 (removeFromCRL), 9 (privilegeWithdrawn) and 10 (aACompromise) are not
/// the subscriber's to give; 7 is unused.
pub fn reason_code(reason: RevocationReason) -> u8 {
    match reason {
        RevocationReason::Unspecified => 0,
        RevocationReason::KeyCompromise => 1,
        RevocationReason::AffiliationChanged => 3,
        RevocationReason::Superseded => 4,
        RevocationReason::CessationOfOperation => 5,
    }
}

/// The certificate to revoke: the leaf of a PEM file or chain, or DER.
fn read_certificate(path: &Path) -> Result<X509> {
    let raw = std::fs::read(path).map_err(Error::io(path))?;
    parse_certificate(&raw, path)
}

fn parse_certificate(raw: &[u8], path: &Path) -> Result<X509> {
    let cert = if raw.trim_ascii_start().starts_with(b"-----BEGIN") {
        X509::stack_from_pem(raw)
            .ok()
            .and_then(|chain| chain.into_iter().next())
    } else {
        X509::from_der(raw).ok()
    };
    cert.ok_or_else(|| Error::BadFile {
        path: path.to_path_buf(),
        reason: "not a PEM or DER certificate".into(),
    })
}

/// The lineage whose installed certificate is `der`, if any.
fn lineage_of(store: &Store, der: &[u8]) -> Result<Option<RenewalConfig>> {
    for name in store.lineage_names()? {
        let Some(version) = store.current_version(&name)? else {
            continue;
        };
        let Ok(installed) = version
            .read_cert()
            .and_then(|pem| parse_certificate(&pem, &version.cert()))
        else {
            continue;
        };
        if installed.to_der().ok().as_deref() == Some(der) {
            return store.renewal_config(&name);
        }
    }
    Ok(None)
}

pub(crate) fn run(ctx: &Context, args: &RevokeArgs) -> Result<u8> {
    let settings = ctx.settings(
        ConfigFile {
            account: args.account.clone(),
            ..ConfigFile::default()
        }
        .or(crate::cli::flags::ca_flags(&args.ca)),
    )?;
    let store = ctx.store()?;
    let _lock = ctx.lock(&store, &settings)?;
    let (cert, lineage) = match (&args.cert_name, &args.cert_path) {
        (Some(name), _) => {
            validate_lineage_name(name)?;
            let config = store.renewal_config(name)?.ok_or_else(|| {
                Error::Usage(format!(
                    "no certificate named {name:?} in {} (see `certwright certificates`)",
                    store.root().display()
                ))
            })?;
            let version = store.current_version(name)?.ok_or_else(|| {
                Error::Usage(format!("{name} has no installed certificate to revoke"))
            })?;
            let pem = version.read_cert()?;
            (parse_certificate(&pem, &version.cert())?, Some(config))
        }
        (None, Some(path)) => {
            let cert = read_certificate(path)?;
            let der = cert
                .to_der()
                .map_err(crypto::crypto("encoding the certificate"))?;
            (cert, lineage_of(&store, &der)?)
        }
        (None, None) => {
            return Err(Error::Usage(
                "name the certificate with --cert-name NAME or --cert-path PATH".into(),
            ));
        }
    };
    let der = cert
        .to_der()
        .map_err(crypto::crypto("encoding the certificate"))?;
    let info = crypto::cert_info(&cert)?;
    // Checked before any request: a key that does not match would only earn
    // an unauthorized problem from the CA.
    let cert_key = match &args.key_path {
        Some(path) => {
            let pem = std::fs::read(path).map_err(Error::io(path))?;
            let key = crypto::parse_private_key(&pem, path)?;
            let public = cert
                .public_key()
                .map_err(crypto::crypto("reading the certificate's key"))?;
            if !public.public_eq(&key) {
                return Err(Error::Usage(format!(
                    "{} is not the private key of this certificate (serial {})",
                    path.display(),
                    info.serial_hex
                )));
            }
            Some(SigningKey::new(key)?)
        }
        None => None,
    };
    let ca = settings.lineage_ca(
        lineage.as_ref().map(|c| c.server.as_str()),
        lineage.as_ref().and_then(|c| c.ca_bundle.as_deref()),
    )?;
    let reason = args.reason.map(reason_code);
    let client = ctx.connect(&ca)?;
    ctx.output.step(&format!(
        "revoking the certificate with serial {}",
        info.serial_hex
    ));
    let outcome = match &cert_key {
        Some(key) => client.revoke_with_certificate_key(key, &der, reason),
        None => {
            let lost = || {
                Error::Usage(format!(
                    "no account for {} in {} to sign with: revoke with the certificate's own key instead (--key-path privkey.pem)",
                    ca.server,
                    store.root().display()
                ))
            };
            // The renewal file names the account that obtained the
            // certificate; if it is gone, say how to revoke without it.
            // An account named by flag wins; else the lineage's own (see
            // settings: a lineage's account is not a preference); else the
            // configured one.
            let wanted: Option<&str> = match (&args.account, &lineage) {
                (Some(id), _) => Some(id),
                (None, Some(config)) => {
                    if !store
                        .accounts(&ca.server)?
                        .iter()
                        .any(|(id, _)| *id == config.account)
                    {
                        return Err(lost());
                    }
                    Some(&config.account)
                }
                (None, None) => settings.account(),
            };
            let acct = account::load(&store, &ca.server, wanted)?.ok_or_else(lost)?;
            client
                .account(&acct.key, &acct.record.url)
                .revoke(&der, reason)
        }
    };
    // Revoking twice is not a failure: the certificate is revoked either way.
    let already = match outcome {
        Ok(()) => false,
        Err(AcmeError::Problem {
            kind: ProblemKind::AlreadyRevoked,
            ..
        }) => true,
        Err(e) => return Err(e.into()),
    };
    let name = lineage.as_ref().map(|c| c.name.clone());
    if let Some(mut config) = lineage {
        config.revoked = true;
        store.save_renewal_config(&config)?;
    }
    let mut deleted = false;
    if let (true, Some(name)) = (args.delete_after_revoke, &name) {
        let go = !ctx.interactive
            || ctx.output.confirm(&format!(
                "Delete {name} (live link, all archived versions and the renewal file)?"
            ));
        if go {
            store.delete_lineage(name)?;
            deleted = true;
        }
    }
    let mut human = format!(
        "Certificate {} ({}) {}revoked{}.",
        info.serial_hex,
        info.names.join(", "),
        if already { "was already " } else { "" },
        args.reason
            .map(|r| format!(" (reason: {})", reason_name(r)))
            .unwrap_or_default()
    );
    match (&name, deleted) {
        (Some(n), true) => human.push_str(&format!("\n  deleted lineage {n}")),
        (Some(n), false) => human.push_str(&format!(
            "\n  lineage {n} is marked revoked; `certwright renew` will replace it"
        )),
        (None, _) => {}
    }
    ctx.output.result(
        &human,
        json!({
            "ok": true,
            "revoked": true,
            "already_revoked": already,
            "serial": info.serial_hex,
            "domains": info.names,
            "reason": args.reason.map(reason_name),
            "reason_code": reason,
            "signed_with": if cert_key.is_some() { "certificate_key" } else { "account" },
            "name": name,
            "deleted": deleted,
            "server": ca.server,
            "requests": client.transport.request_count(),
        }),
    );
    Ok(exit::SUCCESS)
}

fn reason_name(reason: RevocationReason) -> &'static str {
    match reason {
        RevocationReason::Unspecified => "unspecified",
        RevocationReason::KeyCompromise => "keyCompromise",
        RevocationReason::AffiliationChanged => "affiliationChanged",
        RevocationReason::Superseded => "superseded",
        RevocationReason::CessationOfOperation => "cessationOfOperation",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5280_reason_codes() {
        assert_eq!(reason_code(RevocationReason::Unspecified), 0);
        assert_eq!(reason_code(RevocationReason::KeyCompromise), 1);
        assert_eq!(reason_code(RevocationReason::AffiliationChanged), 3);
        assert_eq!(reason_code(RevocationReason::Superseded), 4);
        assert_eq!(reason_code(RevocationReason::CessationOfOperation), 5);
    }
}
