//! The issuance flow: order, authorizations, challenges, finalize, download,
//! verify, install. Resumes an order left in flight by an interrupted run, so
//! a crash never costs a second issuance or a new key.

use crate::acme::client::{Account, PollTarget};
use crate::acme::jws::{b64, b64_decode};
use crate::acme::types::*;
use crate::acme::{Error as AcmeError, ProblemKind};
use crate::challenge::{ChallengeTask, OrderPlan, Solver};
use crate::crypto::{self, CertInfo, KeyType};
use crate::error::{Error, Result};
use crate::store::{Pem, PendingOrder, Store, Version};
use crate::validation;
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;
use std::time::Duration;

pub struct IssueRequest {
    pub name: String,
    pub domains: Vec<String>,
    pub key_type: KeyType,
    /// PEM of a key to reuse instead of generating one.
    pub reuse_key: Option<Vec<u8>>,
    pub preferred_chain: Option<String>,
    /// RFC 9773 certID of the certificate this one replaces.
    pub replaces: Option<String>,
    pub profile: Option<String>,
    /// A DER CSR from the user, sent as is instead of one certwright builds;
    /// `reuse_key` must then hold its key.
    pub csr: Option<Vec<u8>>,
    /// Account id as stored, recorded with a pending order.
    pub account_id: String,
}

pub struct Issued {
    pub version: Version,
    pub info: CertInfo,
    /// True when an order left by an earlier run was completed.
    pub resumed: bool,
    pub order_url: String,
}

/// An order as last read, with the Retry-After the server sent with it.
type OrderSnapshot = (Order, Option<std::time::Duration>);

struct OrderInFlight {
    url: String,
    key: PKey<Private>,
    csr: Vec<u8>,
    resumed: bool,
}

pub fn issue(
    account: &Account<'_>,
    store: &Store,
    solver: &mut dyn Solver,
    req: &IssueRequest,
) -> Result<Issued> {
    let identifiers: Vec<Identifier> = req
        .domains
        .iter()
        .map(|d| Identifier::from_name(d))
        .collect();

    let (flight, mut order) = match resume(account, store, req)? {
        Some(Found::InFlight(flight, order)) => (flight, order),
        Some(Found::Installed(issued)) => return Ok(issued),
        None => {
            solver.before_order(&OrderPlan {
                domains: &req.domains,
                account_uri: account.kid,
                caa_identities: &account.client.meta().caa_identities,
            })?;
            start_order(account, store, req, &identifiers)?
        }
    };

    // Finalize attempts whose outcome was unknown and that the order, read
    // afterwards, showed were not applied.
    let mut finalize_failures = 0u32;
    loop {
        let (current, retry_after) = order;
        // Every read of the order, the first included: a CA that changes
        // the names is refused before anything is presented or finalized.
        // Such an order can never be right: it is not kept for resuming.
        let forget = |e: crate::acme::Error| -> Result<Error> {
            store.clear_pending(&req.name)?;
            Ok(e.into())
        };
        if let Err(e) = crate::acme::identifiers::check_order(&identifiers, &current, &flight.url) {
            return Err(forget(e)?);
        }
        order = match current.status {
            OrderStatus::Pending => {
                let memory = remembered_validation(store, account, solver);
                let expected = memory.as_ref().map(|m| m.fetches_per_validation);
                match authorize(
                    account,
                    solver,
                    &identifiers,
                    &flight.url,
                    &current,
                    expected,
                ) {
                    Ok(verdict) => {
                        if let Some(n) = verdict.fetches_per_validation
                            && Some(n) != expected
                        {
                            remember_validation(store, account, n);
                        }
                        (verdict.order, None)
                    }
                    Err(Error::Acme(e @ crate::acme::Error::WrongNames { .. })) => {
                        return Err(forget(e)?);
                    }
                    Err(e) => return Err(e),
                }
            }
            OrderStatus::Ready => finalize(account, &flight, &current, &mut finalize_failures)?,
            OrderStatus::Processing => {
                let o = account.poll_order(
                    &flight.url,
                    Some((current, retry_after)),
                    PollTarget {
                        what: "the CA to issue the certificate",
                    },
                    |s| s != OrderStatus::Processing,
                )?;
                (o, None)
            }
            OrderStatus::Valid => {
                let issued = match download_and_install(account, store, req, &flight, &current) {
                    // The order's certificate is wrong for good (another
                    // key, names missing, expired, a broken chain, not a
                    // certificate): resuming it could only fail again.
                    Err(e @ Error::BadCertificate { .. }) => {
                        store.clear_pending(&req.name)?;
                        return Err(e);
                    }
                    other => other?,
                };
                // A first issue keeps the record until the caller has
                // written the renewal file (see `finish_first_issue`): a
                // run that dies in between then completes from it without
                // a second order. With the renewal file there, it is done.
                if store.renewal_path(&req.name).exists() {
                    store.clear_pending(&req.name)?;
                    crate::crash_point::hit("issue.pending_cleared");
                }
                return Ok(issued);
            }
            OrderStatus::Invalid => {
                store.clear_pending(&req.name)?;
                return Err(invalid_order_error(account, &flight.url, &current));
            }
        };
    }
}

/// A new order for `req`, with its key and CSR saved as pending before the
/// CA can act on it.
fn start_order(
    account: &Account<'_>,
    store: &Store,
    req: &IssueRequest,
    identifiers: &[Identifier],
) -> Result<(OrderInFlight, (Order, Option<Duration>))> {
    let transport = &account.client.transport;
    let progress = &transport.progress;
    progress.step(&format!("creating an order for {}", req.domains.join(", ")));
    let (url, order) = new_order(account, identifiers, req)?;
    let key = match &req.reuse_key {
        Some(pem) => crypto::parse_private_key(pem, &store.archive_dir(&req.name))?,
        None => req.key_type.generate()?,
    };
    let csr = match &req.csr {
        Some(der) => der.clone(),
        None => crypto::build_csr(&key, &req.domains)?,
    };
    // Persist before any step the CA might complete without us
    // seeing the answer, so the next run picks this order up.
    store.save_pending(
        &req.name,
        &PendingOrder {
            order_url: url.clone(),
            server: account.client.directory_url.clone(),
            account: req.account_id.clone(),
            domains: req.domains.clone(),
            csr: b64(&csr),
            created: crate::clock::rfc3339(transport.clock.now()),
        },
        &crypto::private_key_pem(&key)?,
    )?;
    crate::crash_point::hit("issue.pending_saved");
    Ok((
        OrderInFlight {
            url,
            key,
            csr,
            resumed: false,
        },
        (order, None),
    ))
}

/// Sends the CSR of a `ready` order; `failures` counts earlier finalize
/// attempts whose outcome was unknown and that the order showed were not
/// applied.
fn finalize(
    account: &Account<'_>,
    flight: &OrderInFlight,
    current: &Order,
    failures: &mut u32,
) -> Result<(Order, Option<Duration>)> {
    let transport = &account.client.transport;
    let progress = &transport.progress;
    if *failures > 0 {
        // The order is still `ready`, so the CA never acted on
        // the CSR and sending it again cannot issue twice.
        let pause = transport.policy.backoff(*failures, &mut rand::rng());
        progress.waiting(
            "waiting for the CA to recover before finalizing again",
            pause,
        );
        transport.clock.sleep(pause);
    }
    progress.step("finalizing the order");
    match account.finalize(&current.finalize, &flight.csr) {
        Ok(o) => {
            crate::crash_point::hit("issue.finalized");
            Ok(o)
        }
        // A lost or failed finalize may still have been applied:
        // re-read the order rather than resending blindly.
        Err(mut e) if outcome_unknown(&e) => {
            *failures += 1;
            if *failures >= MAX_FINALIZE_ATTEMPTS {
                if let AcmeError::ServerError { attempts, .. } = &mut e {
                    *attempts = *failures;
                }
                return Err(e.into());
            }
            progress.warn(&format!("finalize failed ({e}); checking the order"));
            Ok(account.order(&flight.url)?)
        }
        Err(e) => Err(e.into()),
    }
}

/// Finalize requests sent for one order when the CA keeps failing them
/// (answer lost or 5xx) while the order shows they were not applied.
pub const MAX_FINALIZE_ATTEMPTS: u32 = 3;

/// Whether a failed request may have been carried out by the CA anyway: the
/// connection broke, or the server failed (5xx) somewhere along the way.
fn outcome_unknown(e: &AcmeError) -> bool {
    match e {
        AcmeError::Transport { .. } | AcmeError::ServerError { .. } => true,
        AcmeError::Problem { kind, problem, .. } => {
            *kind == ProblemKind::ServerInternal || problem.status.is_some_and(|s| s >= 500)
        }
        _ => false,
    }
}

fn new_order(
    account: &Account<'_>,
    identifiers: &[Identifier],
    req: &IssueRequest,
) -> crate::acme::error::Result<(String, Order)> {
    match account.new_order(identifiers, req.replaces.as_deref(), req.profile.as_deref()) {
        // RFC 9773 §5: the replaced certificate was already renewed by
        // another order; ask again without `replaces`.
        Err(AcmeError::Problem {
            kind: ProblemKind::AlreadyReplaced,
            ..
        }) => account.new_order(identifiers, None, req.profile.as_deref()),
        other => other,
    }
}

/// Clears the pending record a first issue keeps until its renewal file is
/// written (see [`issue`]); call once that file is on disk.
pub fn finish_first_issue(store: &Store, name: &str) -> Result<()> {
    store.clear_pending(name)?;
    crate::crash_point::hit("issue.pending_cleared");
    Ok(())
}

/// What an earlier, interrupted run left behind.
enum Found {
    /// An order to carry on with.
    InFlight(OrderInFlight, OrderSnapshot),
    /// The run died after installing its certificate but before the
    /// lineage's renewal file was written: only that is left to do.
    Installed(Issued),
}

/// Picks up an order a previous run left in flight for this lineage, if it
/// is for the same server, account and names and still usable.
fn resume(account: &Account<'_>, store: &Store, req: &IssueRequest) -> Result<Option<Found>> {
    let Some((pending, key_pem)) = store.pending(&req.name)? else {
        return Ok(None);
    };
    let progress = &account.client.transport.progress;
    let same = pending.server == account.client.directory_url
        && pending.account == req.account_id
        && pending.domains == req.domains;
    if store.installed_order_url(&req.name)?.as_deref() == Some(pending.order_url.as_str()) {
        // Its certificate is live already. Without a renewal file the run
        // that installed it died before recording the lineage: finish that.
        // With one, the record is a leftover and a new order is wanted.
        if same
            && !store.renewal_path(&req.name).exists()
            && let Some(version) = store.current_version(&req.name)?
        {
            progress.step(&format!(
                "the order {} was installed by an interrupted run; completing it",
                pending.order_url
            ));
            let pem = version.read_cert()?;
            let info = crypto::cert_info(&crypto::split_pem_chain(&pem)?[0])?;
            return Ok(Some(Found::Installed(Issued {
                version,
                info,
                resumed: true,
                order_url: pending.order_url,
            })));
        }
        store.clear_pending(&req.name)?;
        return Ok(None);
    }
    if !same {
        progress.warn("discarding an unfinished order for different names or another CA");
        store.clear_pending(&req.name)?;
        return Ok(None);
    }
    let key = crypto::parse_private_key(&key_pem, &store.archive_dir(&req.name))?;
    let csr = b64_decode(&pending.csr).ok_or_else(|| Error::BadFile {
        path: store.pending_order_path(&req.name),
        reason: "the saved CSR is not base64url".into(),
    })?;
    match account.order(&pending.order_url) {
        Ok((order, retry_after)) if !matches!(order.status, OrderStatus::Invalid) => {
            progress.step(&format!(
                "resuming the unfinished order {}",
                pending.order_url
            ));
            Ok(Some(Found::InFlight(
                OrderInFlight {
                    url: pending.order_url,
                    key,
                    csr,
                    resumed: true,
                },
                (order, retry_after),
            )))
        }
        Ok(_) | Err(AcmeError::Problem { .. }) => {
            progress.warn(
                "the unfinished order from an earlier run is no longer usable; starting a new one",
            );
            store.clear_pending(&req.name)?;
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Presents every pending challenge, tells the CA, and waits (polling the
/// order, not each authorization) until validation is over. Cleanup always
/// runs.
fn authorize(
    account: &Account<'_>,
    solver: &mut dyn Solver,
    requested: &[Identifier],
    order_url: &str,
    order: &Order,
    fetches_per_validation: Option<u32>,
) -> Result<validation::Verdict> {
    let progress = &account.client.transport.progress;
    let thumbprint = account.key.thumbprint()?;
    let mut to_answer = Vec::new();
    let result = (|| {
        // All authorizations are read and checked before the first is
        // presented: one for a name not requested stops the run before a
        // solver or hook is touched.
        let mut authzs = Vec::with_capacity(order.authorizations.len());
        for authz_url in &order.authorizations {
            let authz = account.authorization(authz_url)?;
            crate::acme::identifiers::check_authorization(requested, &authz, authz_url)?;
            authzs.push((authz_url, authz));
        }
        for (authz_url, authz) in authzs {
            match authz.status {
                AuthorizationStatus::Valid => continue,
                AuthorizationStatus::Pending => {}
                AuthorizationStatus::Invalid => {
                    return Err(authorization_error(&authz, Some(&solver.challenge_type())));
                }
                AuthorizationStatus::Deactivated
                | AuthorizationStatus::Expired
                | AuthorizationStatus::Revoked => {
                    return Err(AcmeError::OrderInvalid {
                        url: order_url.to_string(),
                        problem: Some(Box::new(Problem {
                            detail: Some(format!(
                                "the authorization for {} is {:?}; run again to start a new order",
                                authz.identifier, authz.status
                            )),
                            ..Problem::default()
                        })),
                    }
                    .into());
                }
            }
            let wanted = solver.challenge_type();
            let challenge = authz
                .challenges
                .iter()
                .find(|c| c.kind == wanted)
                .ok_or_else(|| {
                    Error::Unsupported(format!(
                        "the CA offers no {wanted} challenge for {} (offered: {})",
                        authz.identifier,
                        authz
                            .challenges
                            .iter()
                            .map(|c| c.kind.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            // dns-persist-01 has no token: the record names the account.
            let (token, key_authorization, persist) = if wanted == ChallengeType::DnsPersist01 {
                let offer = crate::challenge::dns_persist01::PersistOffer {
                    account_uri: challenge.account_uri.clone(),
                    issuer_domain_names: challenge.issuer_domain_names.clone(),
                };
                (String::new(), String::new(), Some(offer))
            } else {
                let token = challenge
                    .token
                    .clone()
                    .ok_or_else(|| AcmeError::Malformed {
                        url: authz_url.clone(),
                        reason: format!("the {wanted} challenge has no token"),
                    })?;
                crate::challenge::check_token(&token)?;
                let key_authorization = format!("{token}.{thumbprint}");
                (token, key_authorization, None)
            };
            progress.step(&format!("preparing {wanted} for {}", authz.identifier));
            solver.present(&ChallengeTask {
                identifier: authz.identifier.clone(),
                token,
                key_authorization,
                wildcard: authz.wildcard,
                persist,
            })?;
            to_answer.push((
                authz.identifier.clone(),
                authz_url.clone(),
                challenge.clone(),
            ));
        }
        if !to_answer.is_empty() {
            solver.ready()?;
        }
        // Fetches that arrive from here on are the CA's validation.
        let answered_at = std::time::Instant::now();
        let mut answered = Vec::new();
        let mut round_trip = std::time::Duration::ZERO;
        for (identifier, authz_url, challenge) in to_answer {
            // A synchronous CA (smallstep, acme2certifier) decides inside
            // this request: its answer is the verdict.
            let latest = if challenge.status == ChallengeStatus::Pending {
                progress.step(&format!("asking the CA to validate {identifier}"));
                let sent = std::time::Instant::now();
                let latest = account.respond(&challenge.url)?;
                round_trip = round_trip.max(sent.elapsed());
                latest
            } else {
                challenge
            };
            answered.push(validation::Answered::new(identifier, authz_url, latest));
        }
        crate::crash_point::hit("issue.challenges_answered");
        validation::await_verdict(
            account,
            order_url,
            (order.clone(), None),
            &mut answered,
            solver.sightings().map(|sightings| validation::Watch {
                sightings,
                fetches_per_validation,
                round_trip,
            }),
            answered_at,
        )
    })();
    let cleanup = solver.cleanup();
    match (result, cleanup) {
        (Err(e), Err(c)) => {
            progress.warn(&format!("cleaning up challenges failed too: {c}"));
            Err(e)
        }
        (Err(e), Ok(())) | (Ok(_), Err(e)) => Err(e),
        (Ok(order), Ok(())) => Ok(order),
    }
}

/// How the CA validated last time, for a solver that can watch it; an
/// unreadable record is only a missed shortcut.
fn remembered_validation(
    store: &Store,
    account: &Account<'_>,
    solver: &dyn Solver,
) -> Option<validation::ValidationMemory> {
    solver.sightings()?;
    let directory = &account.client.directory_url;
    match store.validation_memory::<validation::ValidationMemory>(directory) {
        Ok(Some(m)) if m.directory == *directory && m.fetches_per_validation > 0 => Some(m),
        Ok(_) => None,
        Err(e) => {
            account
                .client
                .transport
                .progress
                .warn(&format!("{e}; the wait for validation starts from scratch"));
            None
        }
    }
}

fn remember_validation(store: &Store, account: &Account<'_>, fetches_per_validation: u32) {
    let memory = validation::ValidationMemory {
        directory: account.client.directory_url.clone(),
        fetches_per_validation,
        learned: account.client.transport.clock.now(),
    };
    if let Err(e) = store.save_validation_memory(&memory.directory, &memory) {
        account.client.transport.progress.warn(&e.to_string());
    }
}

fn authorization_error(authz: &Authorization, kind: Option<&ChallengeType>) -> Error {
    AcmeError::ValidationFailed {
        failures: vec![validation::authorization_failure(authz, kind)],
    }
    .into()
}

/// Builds the most useful error for an invalid order: the failed
/// challenges' problems when they can be found, else the order's own.
fn invalid_order_error(account: &Account<'_>, url: &str, order: &Order) -> Error {
    let failures: Vec<_> = order
        .authorizations
        .iter()
        .filter_map(|authz_url| account.authorization(authz_url).ok())
        .filter(|authz| authz.status == AuthorizationStatus::Invalid)
        .map(|authz| validation::authorization_failure(&authz, None))
        .collect();
    if !failures.is_empty() {
        return AcmeError::ValidationFailed { failures }.into();
    }
    AcmeError::OrderInvalid {
        url: url.to_string(),
        problem: order.error.clone().map(Box::new),
    }
    .into()
}

fn download_and_install(
    account: &Account<'_>,
    store: &Store,
    req: &IssueRequest,
    flight: &OrderInFlight,
    order: &Order,
) -> Result<Issued> {
    let transport = &account.client.transport;
    let cert_url = order
        .certificate
        .as_deref()
        .ok_or_else(|| AcmeError::Malformed {
            url: flight.url.clone(),
            reason: "the order is valid but has no certificate URL".into(),
        })?;
    transport.progress.step("downloading the certificate");
    let (mut pem, alternates) = account.download(cert_url)?;
    if let Some(preferred) = &req.preferred_chain
        && !chain_top_issuer_matches(&pem, preferred)
    {
        for alt in &alternates {
            let (alt_pem, _) = account.download(alt)?;
            if chain_top_issuer_matches(&alt_pem, preferred) {
                pem = alt_pem;
                break;
            }
        }
    }
    crate::crash_point::hit("issue.downloaded");
    let chain = crypto::split_pem_chain(&pem)?;
    let info = crypto::verify_issued_chain(&chain, &flight.key, transport.clock.now())?;
    check_leaf_names(&chain[0], &info, &req.domains)?;
    let to_pem = |certs: &[X509]| -> Result<Vec<u8>> {
        let mut out = Vec::new();
        for c in certs {
            out.extend(
                c.to_pem()
                    .map_err(crypto::crypto("encoding a certificate"))?,
            );
        }
        Ok(out)
    };
    let version = store.install_from_order(
        &req.name,
        Pem {
            cert: &to_pem(&chain[..1])?,
            chain: &to_pem(&chain[1..])?,
            fullchain: &to_pem(&chain)?,
            privkey: &crypto::private_key_pem(&flight.key)?,
        },
        Some(&flight.url),
    )?;
    Ok(Issued {
        version,
        info,
        resumed: flight.resumed,
        order_url: flight.url.clone(),
    })
}

/// certbot's rule: a chain matches when the issuer CN of its topmost
/// certificate is the preferred name.
fn chain_top_issuer_matches(pem: &[u8], preferred: &str) -> bool {
    crypto::split_pem_chain(pem)
        .ok()
        .and_then(|chain| {
            chain
                .last()
                .and_then(|top| crypto::common_name(top.issuer_name()))
        })
        .is_some_and(|cn| cn == preferred)
}

/// Exactly the requested names in the leaf: a name nobody asked for would be
/// served (and logged in CT) under this lineage.
fn check_leaf_names(leaf: &X509, info: &crypto::CertInfo, names: &[String]) -> Result<()> {
    let (extra, missing) = crate::acme::identifiers::compare_names(names, &info.names);
    if !missing.is_empty() {
        return Err(Error::BadCertificate {
            reason: format!(
                "the certificate lacks requested names: {}",
                missing.join(", ")
            ),
        });
    }
    if !extra.is_empty() {
        return Err(Error::BadCertificate {
            reason: format!(
                "the certificate carries names that were not requested: {}",
                extra.join(", ")
            ),
        });
    }
    let san_entries = leaf.subject_alt_names().map_or(0, |s| s.len());
    if san_entries != info.names.len() {
        return Err(Error::BadCertificate {
            reason: format!(
                "the certificate carries {} subject alternative name(s) that are neither DNS names nor IP addresses, which were not requested",
                san_entries.abs_diff(info.names.len())
            ),
        });
    }
    Ok(())
}
