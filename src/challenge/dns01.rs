//! dns-01 (RFC 8555 §8.4) and manual challenges: the records are published
//! by DNS providers (certwright changes the DNS itself, see
//! [`super::dns_provider`]), by the user's hook scripts (certbot-compatible
//! environment), or by a person at the terminal.
//!
//! `present` only queues: the hooks run in `ready`, once every challenge of
//! the order is known, because certbot's environment tells each run how many
//! challenges remain and which domains are involved. Then comes the
//! propagation wait, before the CA is asked to validate anything, so a
//! record that never appears costs no failed authorization at the CA.
//!
//! Cleanup runs for every challenge whose auth hook was started (or whose
//! record a provider was asked to create), also when a later one or the
//! wait failed, and also on Ctrl-C/SIGTERM/SIGHUP.

use super::dns_lookup::DnsProbe;
use super::dns_provider::ProviderSet;
use super::propagation::{self, Expected, PropagationSettings};
use super::{ChallengeTask, Solver};
use crate::acme::jws::b64;
use crate::acme::types::{ChallengeType, IdentifierKind};
use crate::clock::Clock;
use crate::crypto::sha256;
use crate::error::{Error, Result};
use crate::hooks;
use crate::interrupt::{self, InterruptGuard};
use crate::progress::Progress;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The label dns-01 TXT records live under (RFC 8555 §8.4).
pub const CHALLENGE_LABEL: &str = "_acme-challenge";

/// The TXT value for a key authorization: base64url(SHA-256(keyAuth)).
pub fn txt_value(key_authorization: &str) -> String {
    b64(&sha256(key_authorization.as_bytes()))
}

/// `_acme-challenge.<domain>`; a wildcard's record sits at its base name.
pub fn record_name(domain: &str) -> String {
    format!(
        "{CHALLENGE_LABEL}.{}",
        domain.strip_prefix("*.").unwrap_or(domain)
    )
}

/// A person at the terminal (manual mode).
pub trait Operator: Send + Sync {
    /// Shows `text` and waits until the person confirms (Enter).
    fn instruct(&self, text: &str) -> Result<()>;
    /// Shows `text` without waiting.
    fn tell(&self, text: &str);
}

/// Who publishes the records.
pub enum Publisher {
    Hooks {
        auth: String,
        cleanup: Option<String>,
        /// Longest each hook may run (`hook_timeout`).
        timeout: Duration,
    },
    Person(Arc<dyn Operator>),
    /// DNS providers; the lock is shared with the interrupt cleanup.
    Providers(Mutex<ProviderSet>),
}

/// One challenge as published: what its hooks saw.
#[derive(Debug, Clone)]
struct Published {
    domain: String,
    env: BTreeMap<String, String>,
}

type PublishedList = Arc<Mutex<Vec<Published>>>;

pub struct ExternalSolver {
    kind: ChallengeType,
    publisher: Arc<Publisher>,
    propagation: PropagationSettings,
    probe: Option<DnsProbe>,
    clock: Arc<dyn Clock>,
    progress: Arc<dyn Progress>,
    queued: Vec<ChallengeTask>,
    published: PublishedList,
    _interrupt: InterruptGuard,
}

impl ExternalSolver {
    /// Everything that can be checked (hook files, resolver address,
    /// resolv.conf) is checked here, before the CA hears from us.
    pub fn new(
        kind: ChallengeType,
        publisher: Publisher,
        propagation: PropagationSettings,
        clock: Arc<dyn Clock>,
        progress: Arc<dyn Progress>,
    ) -> Result<ExternalSolver> {
        match (&kind, &publisher) {
            (ChallengeType::Dns01, _) | (ChallengeType::Http01, Publisher::Person(_)) => {}
            (other, _) => {
                return Err(Error::Usage(format!(
                    "hook scripts and DNS providers answer dns-01 only, not {other}; for http-01 use --webroot or --standalone"
                )));
            }
        }
        let probe = match (&kind, propagation.timeout) {
            (ChallengeType::Dns01, Some(_)) => {
                Some(DnsProbe::new(propagation.resolver.as_deref())?)
            }
            _ => None,
        };
        let publisher = Arc::new(publisher);
        let published: PublishedList = Arc::default();
        let guard = {
            let publisher = Arc::clone(&publisher);
            let published = Arc::clone(&published);
            interrupt::on_interrupt(move || {
                for problem in clean(&publisher, &published, true) {
                    crate::stdio::err(&format!("certwright: {problem}\n"));
                }
            })?
        };
        Ok(ExternalSolver {
            kind,
            publisher,
            propagation,
            probe,
            clock,
            progress,
            queued: Vec::new(),
            published,
            _interrupt: guard,
        })
    }

    fn env(
        &self,
        task: &ChallengeTask,
        remaining: usize,
        all_domains: &str,
    ) -> BTreeMap<String, String> {
        let mut env = BTreeMap::from([
            ("CERTBOT_DOMAIN".to_string(), task.identifier.value.clone()),
            (
                "CERTBOT_REMAINING_CHALLENGES".to_string(),
                remaining.to_string(),
            ),
            ("CERTBOT_ALL_DOMAINS".to_string(), all_domains.to_string()),
        ]);
        match self.kind {
            ChallengeType::Http01 => {
                env.insert("CERTBOT_VALIDATION".into(), task.key_authorization.clone());
                env.insert("CERTBOT_TOKEN".into(), task.token.clone());
            }
            _ => {
                env.insert(
                    "CERTBOT_VALIDATION".into(),
                    txt_value(&task.key_authorization),
                );
            }
        }
        env
    }

    fn publish_with_hooks(&mut self, auth: &str, timeout: Duration) -> Result<()> {
        let mut all = Vec::new();
        for t in &self.queued {
            if !all.contains(&t.identifier.value) {
                all.push(t.identifier.value.clone());
            }
        }
        let all = all.join(",");
        let total = self.queued.len();
        for (i, task) in self.queued.iter().enumerate() {
            let env = self.env(task, total - i - 1, &all);
            let domain = task.identifier.value.clone();
            // Listed before it runs: a hook that fails halfway may have
            // created the record, and its cleanup must still run.
            self.published
                .lock()
                .expect("published challenges mutex")
                .push(Published {
                    domain: domain.clone(),
                    env: env.clone(),
                });
            self.progress
                .step(&format!("running the {} auth hook for {domain}", self.kind));
            let what = format!("the {} auth hook for {domain}", self.kind);
            let output = hooks::run(&what, auth, &env, timeout)?;
            if !output.stderr.trim().is_empty() {
                self.progress.warn(&format!(
                    "{what} wrote to stderr: {}",
                    output.stderr.trim_end()
                ));
            }
            // certbot hands the auth hook's stdout to the cleanup hook.
            if let Some(p) = self
                .published
                .lock()
                .expect("published challenges mutex")
                .last_mut()
            {
                p.env.insert(
                    "CERTBOT_AUTH_OUTPUT".into(),
                    output.stdout.trim_end().to_string(),
                );
            }
        }
        Ok(())
    }

    fn publish_with_providers(&mut self, providers: &Mutex<ProviderSet>) -> Result<()> {
        let lock = || {
            providers
                .lock()
                .map_err(|_| Error::Solver("the DNS provider state is poisoned".into()))
        };
        // Every name must have a provider before the first record is made.
        lock()?.check_routes(self.queued.iter().map(|t| t.identifier.value.as_str()))?;
        for task in &self.queued {
            let domain = &task.identifier.value;
            let name = record_name(domain);
            self.progress
                .step(&format!("creating the TXT record {name} for {domain}"));
            // Locked per record, so an interrupt's cleanup waits for one
            // request at most.
            lock()?.present(domain, &name, &txt_value(&task.key_authorization))?;
        }
        Ok(())
    }

    fn publish_by_hand(&mut self, operator: &dyn Operator) -> Result<()> {
        let text = match self.kind {
            ChallengeType::Http01 => {
                let mut text = String::from(
                    "Make each of these URLs return exactly the data below it (as plain text, over port 80):\n",
                );
                for task in &self.queued {
                    text.push_str(&format!(
                        "\n  http://{}{}{}\n    {}\n",
                        task.identifier.value,
                        super::http01::CHALLENGE_PATH,
                        task.token,
                        task.key_authorization
                    ));
                }
                text
            }
            _ => {
                let mut text = String::from(
                    "Create these DNS TXT records (a name listed twice needs both values at once):\n\n",
                );
                for task in &self.queued {
                    text.push_str(&format!(
                        "  {}.  300  IN  TXT  \"{}\"\n",
                        record_name(&task.identifier.value),
                        txt_value(&task.key_authorization)
                    ));
                }
                if self.propagation.timeout.is_none() {
                    text.push_str(
                        "\nWait until they are visible from outside (or pass --propagation-timeout to let certwright check).\n",
                    );
                }
                text
            }
        };
        {
            let mut published = self.published.lock().expect("published challenges mutex");
            for task in &self.queued {
                published.push(Published {
                    domain: task.identifier.value.clone(),
                    env: BTreeMap::new(),
                });
            }
        }
        operator.instruct(&format!(
            "{text}\nPress Enter to continue once they are in place."
        ))
    }

    fn expected(&self) -> Expected {
        let mut expected = Expected::new();
        for task in &self.queued {
            expected
                .entry(record_name(&task.identifier.value))
                .or_default()
                .insert(txt_value(&task.key_authorization));
        }
        expected
    }
}

/// Removes what was published; returns the problems (every record is
/// attempted even when one fails). Holding the lock throughout means a
/// Ctrl-C during a normal cleanup waits for it instead of racing it.
/// `interrupted`: the process exits next, so nothing may be created after
/// this cleanup (a provider call the main thread starts later is refused).
fn clean(
    publisher: &Publisher,
    published: &Mutex<Vec<Published>>,
    interrupted: bool,
) -> Vec<Error> {
    let Ok(mut published) = published.lock() else {
        return Vec::new();
    };
    let done: Vec<Published> = published.drain(..).collect();
    let mut problems = Vec::new();
    match publisher {
        Publisher::Hooks { cleanup: None, .. } => {}
        Publisher::Hooks {
            cleanup: Some(command),
            timeout,
            ..
        } => {
            for p in &done {
                let what = format!("the cleanup hook for {}", p.domain);
                if let Err(e) = hooks::run(&what, command, &p.env, *timeout) {
                    problems.push(e.into());
                }
            }
        }
        Publisher::Person(operator) if !done.is_empty() => {
            operator.tell("The CA is done with the challenge: you can remove the records or files you created for it.");
        }
        Publisher::Person(_) => {}
        Publisher::Providers(set) => {
            if let Ok(mut set) = set.lock() {
                problems.extend(set.cleanup());
                if interrupted {
                    set.close();
                }
            }
        }
    }
    problems
}

impl Solver for ExternalSolver {
    fn challenge_type(&self) -> ChallengeType {
        self.kind.clone()
    }

    fn present(&mut self, task: &ChallengeTask) -> Result<()> {
        if self.kind == ChallengeType::Dns01 && task.identifier.kind == IdentifierKind::Ip {
            return Err(Error::Usage(format!(
                "{} is an IP address: dns-01 cannot validate it; use --standalone or --webroot",
                task.identifier
            )));
        }
        self.queued.push(task.clone());
        Ok(())
    }

    fn ready(&mut self) -> Result<()> {
        let publisher = Arc::clone(&self.publisher);
        match &*publisher {
            Publisher::Hooks { auth, timeout, .. } => self.publish_with_hooks(auth, *timeout)?,
            Publisher::Person(operator) => self.publish_by_hand(operator.as_ref())?,
            Publisher::Providers(set) => self.publish_with_providers(set)?,
        }
        if self.kind != ChallengeType::Dns01 {
            return Ok(());
        }
        let expected = self.expected();
        // A probe exists exactly when a timeout enables the active check.
        match self.probe.as_mut() {
            Some(probe) => propagation::wait(
                &self.propagation,
                &expected,
                probe,
                self.clock.as_ref(),
                self.progress.as_ref(),
            ),
            None => {
                propagation::delay(
                    &self.propagation,
                    self.clock.as_ref(),
                    self.progress.as_ref(),
                );
                Ok(())
            }
        }
    }

    fn cleanup(&mut self) -> Result<()> {
        self.queued.clear();
        let mut problems = clean(&self.publisher, &self.published, false).into_iter();
        match problems.next() {
            None => Ok(()),
            Some(first) => {
                for other in problems {
                    self.progress.warn(&other.to_string());
                }
                Err(first)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acme::types::Identifier;
    use crate::clock::fake::FakeClock;
    use crate::progress::Silent;
    use std::time::{Duration, SystemTime};

    fn task(domain: &str, token: &str) -> ChallengeTask {
        ChallengeTask {
            identifier: Identifier::from_name(domain),
            token: token.into(),
            key_authorization: format!("{token}.thumbprint"),
            wildcard: false,
            persist: None,
        }
    }

    fn solver(publisher: Publisher, propagation: PropagationSettings) -> ExternalSolver {
        ExternalSolver::new(
            ChallengeType::Dns01,
            publisher,
            propagation,
            Arc::new(FakeClock::new(SystemTime::UNIX_EPOCH)),
            Arc::new(Silent),
        )
        .unwrap()
    }

    #[test]
    fn txt_value_is_base64url_sha256_of_the_key_authorization() {
        // RFC 8555 §8.4: the digest of the key authorization, unpadded base64url.
        let v = txt_value("token.thumbprint");
        assert_eq!(v.len(), 43);
        assert!(!v.contains('=') && !v.contains('+') && !v.contains('/'));
        assert_eq!(v, b64(&openssl::sha::sha256(b"token.thumbprint")));
        assert_eq!(record_name("*.example.com"), "_acme-challenge.example.com");
        assert_eq!(record_name("example.com"), "_acme-challenge.example.com");
    }

    /// Hooks run in order with certbot's variables; cleanup gets the auth
    /// hook's stdout; every started challenge is cleaned after a failure.
    #[test]
    fn hooks_get_certbot_environment_and_cleanup_runs_after_a_failure() {
        let tmp = tempfile::tempdir().unwrap();
        let log = tmp.path().join("log");
        let auth = format!(
            "echo \"auth $CERTBOT_DOMAIN $CERTBOT_VALIDATION $CERTBOT_REMAINING_CHALLENGES $CERTBOT_ALL_DOMAINS ${{CERTBOT_TOKEN:-none}}\" >> {log}; \
             echo out-$CERTBOT_REMAINING_CHALLENGES; \
             [ \"$CERTBOT_REMAINING_CHALLENGES\" != 0 ] || {{ echo 'api says no' >&2; exit 7; }}",
            log = log.display()
        );
        let cleanup = format!(
            "echo \"clean $CERTBOT_DOMAIN $CERTBOT_AUTH_OUTPUT\" >> {}",
            log.display()
        );
        let mut s = solver(
            Publisher::Hooks {
                auth,
                cleanup: Some(cleanup),
                timeout: crate::hooks::HOOK_TIMEOUT,
            },
            PropagationSettings::default(),
        );
        s.present(&task("example.com", "t1")).unwrap();
        s.present(&task("example.com", "t2")).unwrap();
        s.present(&task("www.example.com", "t3")).unwrap();
        let err = s.ready().unwrap_err();
        assert!(err.to_string().contains("api says no"), "{err}");
        assert!(err.to_string().contains("www.example.com"), "{err}");
        s.cleanup().unwrap();
        let lines: Vec<String> = std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        let all = "example.com,www.example.com";
        assert_eq!(
            lines,
            vec![
                format!(
                    "auth example.com {} 2 {all} none",
                    txt_value("t1.thumbprint")
                ),
                format!(
                    "auth example.com {} 1 {all} none",
                    txt_value("t2.thumbprint")
                ),
                format!(
                    "auth www.example.com {} 0 {all} none",
                    txt_value("t3.thumbprint")
                ),
                "clean example.com out-2".to_string(),
                "clean example.com out-1".to_string(),
                // The failed hook's record is cleaned too; it printed
                // before failing, but a failed run's output is not kept.
                "clean www.example.com ".to_string(),
            ]
        );
        // A second cleanup has nothing left to do.
        s.cleanup().unwrap();
        assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 6);
    }

    struct FakeOperator(Mutex<Vec<String>>);
    impl Operator for FakeOperator {
        fn instruct(&self, text: &str) -> Result<()> {
            self.0.lock().unwrap().push(format!("instruct: {text}"));
            Ok(())
        }
        fn tell(&self, text: &str) {
            self.0.lock().unwrap().push(format!("tell: {text}"));
        }
    }

    #[test]
    fn manual_mode_shows_both_values_of_a_name_and_its_wildcard() {
        let operator = Arc::new(FakeOperator(Mutex::default()));
        let mut s = solver(
            Publisher::Person(operator.clone()),
            PropagationSettings {
                delay: Duration::from_secs(2),
                ..Default::default()
            },
        );
        s.present(&task("example.com", "a")).unwrap();
        s.present(&task("example.com", "b")).unwrap();
        s.ready().unwrap();
        s.cleanup().unwrap();
        let said = operator.0.lock().unwrap().clone();
        assert_eq!(said.len(), 2, "{said:?}");
        for t in ["a", "b"] {
            let line = format!(
                "_acme-challenge.example.com.  300  IN  TXT  \"{}\"",
                txt_value(&format!("{t}.thumbprint"))
            );
            assert!(said[0].contains(&line), "{}", said[0]);
        }
        assert!(said[0].contains("Press Enter"));
        assert!(said[1].starts_with("tell: ") && said[1].contains("remove"));
    }

    /// The identifier comes from the CA's authorization, so a hostile CA
    /// controls CERTBOT_DOMAIN: it must reach the hook as data only.
    #[test]
    fn a_hostile_identifier_from_the_ca_is_never_executed() {
        let tmp = tempfile::tempdir().unwrap();
        let pwned = tmp.path().join("pwned");
        let seen = tmp.path().join("seen");
        let evil = format!("$(touch {p}).`touch {p}`;touch {p}", p = pwned.display());
        let mut s = solver(
            Publisher::Hooks {
                auth: format!("printf '%s' \"$CERTBOT_DOMAIN\" > {}", seen.display()),
                cleanup: Some(format!(
                    "printf '%s' \"$CERTBOT_DOMAIN\" >> {}",
                    seen.display()
                )),
                timeout: crate::hooks::HOOK_TIMEOUT,
            },
            PropagationSettings::default(),
        );
        s.present(&ChallengeTask {
            identifier: Identifier {
                kind: IdentifierKind::Dns,
                value: evil.clone(),
            },
            token: "t".into(),
            key_authorization: "t.x".into(),
            wildcard: false,
            persist: None,
        })
        .unwrap();
        s.ready().unwrap();
        s.cleanup().unwrap();
        assert!(!pwned.exists(), "the identifier was executed");
        assert_eq!(
            std::fs::read_to_string(&seen).unwrap(),
            format!("{evil}{evil}")
        );
    }

    #[test]
    fn ip_identifiers_are_refused_for_dns01() {
        let mut s = solver(
            Publisher::Hooks {
                auth: "true".into(),
                cleanup: None,
                timeout: crate::hooks::HOOK_TIMEOUT,
            },
            PropagationSettings::default(),
        );
        assert!(s.present(&task("192.0.2.1", "t")).is_err());
    }

    #[test]
    fn hooks_are_refused_for_http01() {
        let err = ExternalSolver::new(
            ChallengeType::Http01,
            Publisher::Hooks {
                auth: "true".into(),
                cleanup: None,
                timeout: crate::hooks::HOOK_TIMEOUT,
            },
            PropagationSettings::default(),
            Arc::new(FakeClock::new(SystemTime::UNIX_EPOCH)),
            Arc::new(Silent),
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("--webroot"), "{err}");
    }
}
