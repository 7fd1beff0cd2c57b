//! `certwright renew`: scan every lineage, decide which are due (see
//! [`policy`]), and renew those with the settings they were issued
//! with. Built for cron and timers on many machines:
//!
//! - a run with nothing to do reads a few small files per lineage and sends
//!   no request at all (the CA's ARI support and answers are cached);
//! - a non-interactive run that must reach the CA first sleeps a random
//!   time, so a fleet on the same schedule does not arrive at once;
//! - lineages are independent: one failure is reported, backs off, and the
//!   others still run.

pub mod cert_scan;
pub mod check;
pub mod hooks;
pub mod inventory;
pub mod metrics;
pub mod parallel;
pub mod policy;

use crate::account;
use crate::acme::Error as AcmeError;
use crate::acme::ari;
use crate::acme::client::AcmeClient;
use crate::acme::pause::Pauses;
use crate::acme::retry::RetryPolicy;
use crate::acme::transport::{HttpSettings, Transport};
use crate::ca_servers::resolve_server;
use crate::challenge::http01::{SharedStandalone, Standalone};
use crate::clock::{Clock, human_duration, rfc3339};
use crate::error::{Error, Result};
use crate::issue::{IssueRequest, issue};
use crate::output::Output;
use crate::progress::Progress;
use crate::settings::Settings;
use crate::store::{self, RenewalConfig, SolverConfig, Store, Version};
use hooks::{PostHooks, run_deploy_hook, run_hook};
use policy::{CertFacts, Decision, LineageState, PolicyInput, Reason, RenewBefore, ServerState};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Everything `renew` needs from the command line, resolved.
#[derive(Debug, Clone)]
pub struct RenewSettings {
    pub cert_names: Vec<String>,
    pub force: bool,
    pub dry_run: bool,
    pub random_sleep: bool,
    pub random_sleep_max: Duration,
    pub lock_wait: Duration,
    /// Longest any hook may run (`hook_timeout`).
    pub hook_timeout: Duration,
    pub policy: RetryPolicy,
    /// Staging directory for dry runs of lineages whose CA has no known one.
    pub staging_server: Option<String>,
    /// Lineages renewed at once (`--jobs`, config `jobs`).
    pub jobs: usize,
    /// node_exporter textfile written after the run.
    pub metrics_file: Option<PathBuf>,
    /// Flags, environment and config file: laid over each lineage's
    /// renewal file (see `settings::Settings::effective`).
    pub layers: Settings,
}

/// What the command line asks of this run beyond the settings layers.
#[derive(Debug, Clone, Default)]
pub struct RenewRequest {
    /// Only these lineages (all when empty).
    pub cert_names: Vec<String>,
    pub force: bool,
    pub dry_run: bool,
    pub random_sleep: bool,
}

impl RenewSettings {
    pub fn new(request: RenewRequest, layers: Settings) -> Result<RenewSettings> {
        for name in &request.cert_names {
            store::validate_lineage_name(name)?;
        }
        Ok(RenewSettings {
            cert_names: request.cert_names,
            force: request.force,
            dry_run: request.dry_run,
            random_sleep: request.random_sleep,
            random_sleep_max: layers.random_sleep_max(),
            lock_wait: layers.lock_wait(),
            hook_timeout: layers.hook_timeout(),
            policy: layers.policy(),
            staging_server: layers.staging_server().map(str::to_string),
            jobs: layers.jobs(),
            metrics_file: layers.metrics_file().map(Path::to_path_buf),
            layers,
        })
    }
}

/// What the command shares with the rest of the binary.
pub struct Env<'a> {
    pub output: &'a Arc<Output>,
    pub clock: &'a Arc<dyn Clock>,
    pub store: &'a Store,
    pub interactive: bool,
}

/// ARI is advice: a CA that is slow to give it should not hold up a run
/// for minutes. One retry, a short Retry-After ceiling, then the fallback
/// rule decides and the next check backs off.
fn ari_policy(base: &RetryPolicy) -> RetryPolicy {
    RetryPolicy {
        max_attempts: 2,
        network_attempts: 1,
        max_retry_wait: base.max_retry_wait.min(Duration::from_secs(30)),
        ..base.clone()
    }
}

// ---- reading a lineage ----

/// [`cert_scan`]'s result computed with OpenSSL instead: the reference
/// the fast scan is tested against.
#[cfg(test)]
pub(crate) fn cert_facts_openssl(cert: &openssl::x509::X509Ref) -> Result<CertFacts> {
    let bad = |what: &str| Error::BadCertificate {
        reason: format!("cannot read the certificate's {what}"),
    };
    Ok(CertFacts {
        not_before: crate::crypto::asn1_to_system_time(cert.not_before())
            .ok_or_else(|| bad("notBefore"))?,
        not_after: crate::crypto::asn1_to_system_time(cert.not_after())
            .ok_or_else(|| bad("notAfter"))?,
        serial: cert
            .serial_number()
            .to_bn()
            .and_then(|bn| bn.to_hex_str().map(|s| s.to_string()))
            .map_err(|_| bad("serial number"))?,
        cert_id: ari::cert_id(cert),
    })
}

/// A lineage as read from the store, with the policy's verdict.
struct Lineage {
    name: String,
    /// The renewal file as this run uses it (flags, environment and config
    /// file laid over it).
    config: RenewalConfig,
    /// The renewal file as stored, for writing back.
    stored: RenewalConfig,
    version: Version,
    cert: CertFacts,
    state: LineageState,
    /// The state differs from the file and must be saved.
    dirty: bool,
    decision: Decision,
}

/// Server states read during a run, each file read once.
#[derive(Default)]
struct Servers {
    known: HashMap<String, Option<ServerState>>,
}

impl Servers {
    fn get(
        &mut self,
        store: &Store,
        progress: &dyn Progress,
        server: &str,
    ) -> Option<&ServerState> {
        self.known
            .entry(server.to_string())
            .or_insert_with(|| match store.server_state(server) {
                Ok(s) => s,
                Err(e) => {
                    progress.warn(&format!("ignoring the cached directory facts: {e}"));
                    None
                }
            })
            .as_ref()
    }
}

/// The installed certificate's facts, read without OpenSSL (see
/// `cert_scan` for why).
fn read_facts(version: &Version) -> Result<CertFacts> {
    let pem = version.read_cert()?;
    Ok(cert_scan::read_pem(&pem, &version.cert())?.facts())
}

/// The policy's verdict on one lineage (`force`: renew whatever it says).
fn decide(
    config: &RenewalConfig,
    renew_before: Option<RenewBefore>,
    cert: &CertFacts,
    state: &LineageState,
    server: Option<&ServerState>,
    now: SystemTime,
    force: bool,
) -> Decision {
    policy::decide(&PolicyInput {
        now,
        cert,
        revoked: config.revoked,
        renew_before,
        state,
        server,
        force,
    })
}

fn load_lineage(
    env: &Env<'_>,
    settings: &RenewSettings,
    servers: &mut Servers,
    name: &str,
    now: SystemTime,
) -> Result<Lineage> {
    let store = env.store;
    let renewal_file = store.renewal_config(name)?.ok_or_else(|| Error::BadFile {
        path: store.renewal_path(name),
        reason: "the renewal file disappeared during the run".into(),
    })?;
    let config = settings.layers.effective(&renewal_file);
    let version = store.current_version(name)?.ok_or_else(|| Error::BadFile {
        path: store.live_path(name),
        reason: format!(
            "no certificate is installed for this lineage; run `certwright issue --cert-name {name} ...` or remove {}",
            store.renewal_path(name).display()
        ),
    })?;
    let cert = read_facts(&version)?;
    let stored = store.lineage_state(name).unwrap_or_else(|e| {
        env.output.warn(&format!("{name}: {e}"));
        None
    });
    let state = LineageState::for_cert(stored, &cert);
    let decision = decide(
        &config,
        config.renew_before,
        &cert,
        &state,
        servers.get(store, env.output.as_ref(), &config.server),
        now,
        settings.force || settings.dry_run,
    );
    Ok(Lineage {
        name: name.to_string(),
        config,
        stored: renewal_file,
        version,
        cert,
        state,
        dirty: false,
        decision,
    })
}

/// The lineages a run looks at, checked up front so a typo fails before
/// anything happens.
fn select_names(store: &Store, wanted: &[String]) -> Result<Vec<String>> {
    let all = store.lineage_names()?;
    if wanted.is_empty() {
        return Ok(all);
    }
    for w in wanted {
        if all.binary_search(w).is_err() {
            return Err(Error::Usage(format!(
                "no certificate named {w:?} in {} (see `certwright certificates`)",
                store.root().display()
            )));
        }
    }
    Ok(all.into_iter().filter(|n| wanted.contains(n)).collect())
}

// ---- outcomes ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Renewed,
    Failed,
    NotDue,
    BackingOff,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Renewed => "renewed",
            Action::Failed => "failed",
            Action::NotDue => "not_due",
            Action::BackingOff => "backing_off",
        }
    }
}

struct Outcome {
    name: String,
    action: Action,
    reason: Option<Reason>,
    /// Not due / backing off: when the next run has something to do.
    next: Option<SystemTime>,
    version: Option<u32>,
    not_after: Option<SystemTime>,
    error: Option<String>,
    deploy_error: Option<String>,
    /// The lineage's installer (nginx) failed after the renewal.
    install_error: Option<String>,
    /// The renewal completed an order an interrupted run had left.
    resumed: bool,
    /// HTTP requests sent for this lineage.
    requests: u32,
}

impl Outcome {
    fn new(name: &str, action: Action) -> Outcome {
        Outcome {
            name: name.to_string(),
            action,
            reason: None,
            next: None,
            version: None,
            not_after: None,
            error: None,
            deploy_error: None,
            install_error: None,
            resumed: false,
            requests: 0,
        }
    }

    /// One entry of `renew --json`'s `certificates`: every key always
    /// present (null when it does not apply), see docs/json-output.md.
    fn json(&self, store: &Store) -> Value {
        json!({
            "name": self.name,
            "action": self.action.as_str(),
            "reason": self.reason.map(Reason::as_str),
            "next": self.next.map(rfc3339),
            "version": self.version,
            "not_after": self.not_after.map(rfc3339),
            "live": store.live_path(&self.name),
            "error": self.error,
            "deploy_hook_error": self.deploy_error,
            "install_error": self.install_error,
            "resumed": self.resumed,
            "requests": self.requests,
        })
    }
}

/// The outcomes of a run. Lineages that are simply not due are only
/// counted (plus the soonest one) unless the JSON report lists them all,
/// so a run over 10,000 lineages keeps its memory flat.
struct Outcomes {
    listed: Vec<Outcome>,
    list_not_due: bool,
    not_due: usize,
    soonest: Option<(SystemTime, String)>,
}

impl Outcomes {
    fn new(list_not_due: bool) -> Outcomes {
        Outcomes {
            listed: Vec::new(),
            list_not_due,
            not_due: 0,
            soonest: None,
        }
    }

    fn push(&mut self, o: Outcome) {
        if o.action == Action::NotDue {
            self.not_due += 1;
            if let Some(t) = o.next
                && self.soonest.as_ref().is_none_or(|(s, _)| t < *s)
            {
                self.soonest = Some((t, o.name.clone()));
            }
            if !self.list_not_due {
                return;
            }
        }
        self.listed.push(o);
    }
}

// ---- the run ----

/// A scan of every selected lineage: the few that need the CA, and the
/// verdicts for the rest.
struct Scan {
    work: Vec<Lineage>,
    done: Outcomes,
    /// Lineages that could not be read.
    broken: Vec<(String, Error)>,
}

fn scan(env: &Env<'_>, settings: &RenewSettings, names: &[String]) -> Scan {
    let now = env.clock.now();
    let mut servers = Servers::default();
    let mut out = Scan {
        work: Vec::new(),
        done: Outcomes::new(env.output.mode == crate::output::Mode::Json),
        broken: Vec::new(),
    };
    for name in names {
        match load_lineage(env, settings, &mut servers, name, now) {
            Ok(l) if l.decision.contacts_ca() => out.work.push(l),
            Ok(l) => out.done.push(idle_outcome(&l)),
            Err(e) => {
                let mut o = Outcome::new(name, Action::Failed);
                o.error = Some(e.to_string());
                out.done.push(o);
                out.broken.push((name.clone(), e));
            }
        }
    }
    out
}

fn idle_outcome(l: &Lineage) -> Outcome {
    let (action, reason) = match &l.decision {
        Decision::BackingOff { .. } => (Action::BackingOff, None),
        Decision::NotDue { reason, .. } => (Action::NotDue, Some(*reason)),
        // Only idle decisions reach here.
        _ => (Action::NotDue, None),
    };
    let mut o = Outcome::new(&l.name, action);
    o.reason = reason;
    o.next = policy::next_action(&l.decision, &l.state);
    o.not_after = Some(l.cert.not_after);
    if action == Action::BackingOff {
        o.error = l
            .state
            .failure
            .as_ref()
            .map(|f| format!("{} failed renewal(s), last: {}", f.count, f.error));
    }
    o
}

/// Runs `renew`; returns the exit code.
pub fn run(env: &Env<'_>, settings: &RenewSettings) -> Result<u8> {
    let store = env.store;
    let names = select_names(store, &settings.cert_names)?;
    let announce = |holder: Option<&str>, wait| {
        env.output
            .notice(&crate::output::lock_wait_notice(store.root(), holder, wait))
    };
    let mut lock = store.lock_announcing(settings.lock_wait, announce)?;
    let mut found = scan(env, settings, &names);
    let must_contact_ca = found.work.iter().any(|l| l.decision.contacts_ca());
    let slept = policy::random_sleep(
        env.interactive,
        settings.random_sleep,
        settings.random_sleep_max,
        must_contact_ca,
        &mut rand::rng(),
    );
    if let Some(delay) = slept {
        // Sleep without the lock, so an admin's `issue` is not blocked for
        // minutes; the store may change meanwhile, so look again after.
        drop(lock);
        env.output.waiting(
            "random delay before contacting the CA (spreads a fleet's renewals; --no-random-sleep skips it)",
            delay,
        );
        env.clock.sleep(delay);
        lock = store.lock_announcing(settings.lock_wait, announce)?;
        found = scan(env, settings, &names);
    }
    let runner = Runner::new(env, settings, PostHooks::new(settings.hook_timeout)?);
    for (name, e) in &found.broken {
        env.output.error_in(name, e);
    }
    runner
        .failures
        .fetch_add(found.broken.len() as u32, Ordering::Relaxed);
    let mut outcomes = found.done;
    let jobs = settings.jobs.max(1);
    let buffered = jobs > 1 && found.work.len() > 1;
    if buffered {
        env.output.step(&format!(
            "renewing {} certificate(s), {} at a time",
            found.work.len(),
            jobs.min(found.work.len())
        ));
    }
    // Results come back in name order, whatever order they finished in.
    for o in parallel::run(jobs, found.work, |l| runner.process_logged(l, buffered)) {
        outcomes.push(o);
    }
    runner.run_post_hooks();
    drop(lock);
    let exit = runner.report(&outcomes, names.len(), slept);
    if let Some(path) = &settings.metrics_file
        && let Err(e) = write_metrics(env, settings, path)
    {
        env.output.error_in("metrics file", &e);
        return Ok(crate::exit_code::FAILURE.max(exit));
    }
    Ok(exit)
}

type ClientSlot = std::result::Result<Arc<AcmeClient>, String>;

/// What the workers of one run share. Everything behind a lock is either
/// cheap to hold (maps) or meant to make the others wait (the directory
/// read, the pre-hook, deploy hooks).
struct Runner<'a> {
    env: &'a Env<'a>,
    settings: &'a RenewSettings,
    /// Progress for code shared by the workers: routed to the lineage the
    /// calling worker is busy with.
    routed: Arc<parallel::Routed>,
    servers: Mutex<Servers>,
    clients: Mutex<HashMap<(String, Option<PathBuf>), ClientSlot>>,
    ari_transports: Mutex<HashMap<Option<PathBuf>, Arc<Transport>>>,
    /// The CA's Retry-After instants, for every transport of the run.
    pauses: Arc<Pauses>,
    /// Pre-hooks already run (command, whether it succeeded); held while
    /// one runs, so the other workers wait for it.
    pre_hooks: Mutex<Vec<(String, std::result::Result<(), String>)>>,
    post_hooks: PostHooks,
    /// One deploy hook at a time.
    deploying: Mutex<()>,
    /// A staging account is registered once, not by every worker.
    staging_account: Mutex<()>,
    /// Standalone http-01 servers shared by the lineages of a parallel run
    /// that listen on the same address and port.
    standalone: Mutex<HashMap<(String, u16), Arc<Standalone>>>,
    /// Lineages whose solver holds something only one can have at a time
    /// (nginx's configuration, the tls-alpn-01 port) renew one at a time.
    exclusive: Mutex<()>,
    /// Lineage blocks are printed whole.
    printing: Mutex<()>,
    renewed: AtomicU32,
    failures: AtomicU32,
}

impl<'a> Runner<'a> {
    fn new(env: &'a Env<'a>, settings: &'a RenewSettings, post_hooks: PostHooks) -> Runner<'a> {
        Runner {
            env,
            settings,
            routed: Arc::new(parallel::Routed(Arc::clone(env.output))),
            servers: Mutex::default(),
            clients: Mutex::default(),
            ari_transports: Mutex::default(),
            pauses: Arc::default(),
            pre_hooks: Mutex::default(),
            post_hooks,
            deploying: Mutex::default(),
            staging_account: Mutex::default(),
            standalone: Mutex::default(),
            exclusive: Mutex::default(),
            printing: Mutex::default(),
            renewed: AtomicU32::new(0),
            failures: AtomicU32::new(0),
        }
    }

    fn now(&self) -> SystemTime {
        self.env.clock.now()
    }

    fn progress(&self) -> &dyn Progress {
        self.routed.as_ref()
    }

    fn error_in(&self, context: &str, e: &Error) {
        self.routed.error_in(context, e);
    }

    fn failed(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    /// One lineage with its messages in its own log (printed as one block
    /// when `buffered`), and the requests sent for it counted.
    fn process_logged(&self, l: Lineage, buffered: bool) -> Outcome {
        let log = Arc::new(if buffered {
            parallel::LineageLog::buffered()
        } else {
            parallel::LineageLog::direct(Arc::clone(self.env.output))
        });
        let mut outcome = {
            let _route = parallel::route_to(Arc::clone(&log));
            self.process(l)
        };
        outcome.requests = log.requests();
        log.flush(self.env.output, &self.printing);
        outcome
    }

    fn process(&self, mut l: Lineage) -> Outcome {
        // Each check makes the next decision final (the cache is fresh),
        // so this settles in at most two checks; the bound is a safeguard.
        for _ in 0..4 {
            match l.decision.clone() {
                Decision::CheckDirectory => self.learn_directory(&l.config),
                Decision::CheckAri { url } => self.check_ari(&mut l, &url),
                Decision::Renew(reason) => return self.renew(l, reason),
                Decision::NotDue { .. } | Decision::BackingOff { .. } => break,
            }
            l.decision = self.decide(&l);
        }
        self.save_state(&l);
        let mut o = idle_outcome(&l);
        if l.decision.contacts_ca() {
            o.error = Some("could not settle whether renewal is due".into());
        }
        o
    }

    fn server_state(&self, server: &str) -> Option<ServerState> {
        self.servers
            .lock()
            .expect("servers mutex")
            .get(self.env.store, self.progress(), server)
            .cloned()
    }

    fn decide(&self, l: &Lineage) -> Decision {
        let server = self.server_state(&l.config.server);
        decide(
            &l.config,
            l.config.renew_before,
            &l.cert,
            &l.state,
            server.as_ref(),
            self.now(),
            self.settings.force || self.settings.dry_run,
        )
    }

    fn save_state(&self, l: &Lineage) {
        if !l.dirty || self.settings.dry_run {
            return;
        }
        if let Err(e) = self.env.store.save_lineage_state(&l.name, &l.state) {
            self.error_in(&l.name, &e);
        }
    }

    /// The connected client for a CA, at most one directory request per CA
    /// per run (a failure is not retried within the run); the other
    /// workers wait for it. What the directory says about ARI is
    /// remembered for later runs.
    fn client(&self, server: &str, ca_bundle: Option<&Path>) -> Result<Arc<AcmeClient>> {
        let key = (server.to_string(), ca_bundle.map(Path::to_path_buf));
        let mut clients = self.clients.lock().expect("clients mutex");
        if let Some(slot) = clients.get(&key) {
            return slot.clone().map_err(|detail| {
                AcmeError::Transport {
                    url: server.to_string(),
                    detail,
                    hint: None,
                    permanent: true,
                }
                .into()
            });
        }
        let result = self.connect(server, ca_bundle);
        let now = self.now();
        let server_state = match &result {
            Ok(c) => {
                ServerState::answered(&c.directory_url, c.directory.renewal_info.as_deref(), now)
            }
            Err(e) => ServerState::failed(
                self.server_state(server).as_ref(),
                server,
                &e.to_string(),
                now,
            ),
        };
        if !self.settings.dry_run
            && let Err(e) = self.env.store.save_server_state(server, &server_state)
        {
            self.progress().warn(&e.to_string());
        }
        self.servers
            .lock()
            .expect("servers mutex")
            .known
            .insert(server.to_string(), Some(server_state));
        match result {
            Ok(c) => {
                let c = Arc::new(c);
                clients.insert(key, Ok(Arc::clone(&c)));
                Ok(c)
            }
            Err(e) => {
                clients.insert(key, Err(e.to_string()));
                Err(e)
            }
        }
    }

    fn connect(&self, server: &str, ca_bundle: Option<&Path>) -> Result<AcmeClient> {
        let server = resolve_server(Some(server))?;
        let transport = Transport::new(
            HttpSettings { ca_bundle },
            self.settings.policy.clone(),
            Arc::clone(self.env.clock),
            Arc::clone(&self.routed) as Arc<dyn Progress>,
        )?
        .with_pauses(Arc::clone(&self.pauses));
        self.progress().step(&format!("contacting {server}"));
        Ok(AcmeClient::connect(&server, transport)?)
    }

    fn learn_directory(&self, config: &RenewalConfig) {
        if let Err(e) = self.client(&config.server, config.ca_bundle.as_deref()) {
            self.progress().warn(&format!(
                "cannot read {}'s directory to learn whether it offers ARI ({e}); deciding by certificate lifetime",
                config.server
            ));
        }
    }

    fn check_ari(&self, l: &mut Lineage, url: &str) {
        let transport = match self.ari_transport(&l.config) {
            Ok(t) => t,
            Err(e) => {
                l.state.ari_failed(url, &e.to_string(), None, self.now());
                l.dirty = true;
                return;
            }
        };
        self.progress()
            .step(&format!("asking the CA when to renew {}", l.name));
        let result = ari::fetch(&transport, url);
        let now = self.now();
        match result {
            Ok(info) => l.state.ari_answered(
                url,
                (info.start, info.end),
                info.explanation_url,
                info.retry_after,
                now,
                &mut rand::rng(),
            ),
            Err(e) => {
                self.progress().warn(&format!(
                    "{}: no renewal information from the CA ({e}); deciding by certificate lifetime",
                    l.name
                ));
                let retry_after = match &e {
                    AcmeError::RetryLater { wait, .. } => Some(*wait),
                    _ => None,
                };
                l.state.ari_failed(url, &e.to_string(), retry_after, now);
            }
        }
        l.dirty = true;
    }

    fn ari_transport(&self, config: &RenewalConfig) -> Result<Arc<Transport>> {
        let mut transports = self.ari_transports.lock().expect("ARI transports mutex");
        if let Some(t) = transports.get(&config.ca_bundle) {
            return Ok(Arc::clone(t));
        }
        let t = Arc::new(
            Transport::new(
                HttpSettings {
                    ca_bundle: config.ca_bundle.as_deref(),
                },
                ari_policy(&self.settings.policy),
                Arc::clone(self.env.clock),
                Arc::clone(&self.routed) as Arc<dyn Progress>,
            )?
            .with_pauses(Arc::clone(&self.pauses)),
        );
        transports.insert(config.ca_bundle.clone(), Arc::clone(&t));
        Ok(t)
    }

    /// Runs the lineage's pre-hook unless this run already did; a worker
    /// that needs it while another runs it waits for the outcome.
    fn pre_hook(&self, config: &RenewalConfig) -> Result<()> {
        let Some(cmd) = config.pre_hook.clone() else {
            return Ok(());
        };
        let mut done = self.pre_hooks.lock().expect("pre-hook mutex");
        if let Some((_, earlier)) = done.iter().find(|(c, _)| *c == cmd) {
            // Each pre-hook runs once per run; a failure counts for every
            // lineage that needed it.
            return earlier.clone().map_err(|detail| Error::Hook {
                what: "pre-hook".into(),
                detail: format!("it failed earlier in this run ({detail})"),
            });
        }
        self.progress().step(&format!("running pre-hook: {cmd}"));
        let result = run_hook(
            "pre-hook",
            &cmd,
            &[],
            self.settings.hook_timeout,
            self.progress(),
        );
        done.push((cmd, result.as_ref().map(|_| ()).map_err(|e| e.to_string())));
        result
    }

    fn renew(&self, mut l: Lineage, reason: Reason) -> Outcome {
        let name = l.name.clone();
        self.progress().step(&format!(
            "renewing {name} ({})",
            match reason {
                Reason::Forced if self.settings.dry_run => "dry run",
                Reason::Forced => "forced",
                Reason::Expired => "expired",
                Reason::Revoked => "revoked",
                Reason::AriWindow => "the CA's suggested window",
                Reason::RenewBefore => "renewal margin reached",
            }
        ));
        if let Some(post) = &l.config.post_hook {
            self.post_hooks.add(post);
        }
        let result = self.pre_hook(&l.config).and_then(|()| self.issue(&l));
        let mut o = Outcome::new(&name, Action::Renewed);
        o.reason = Some(reason);
        match result {
            Ok((version, not_after, resumed)) => {
                self.renewed.fetch_add(1, Ordering::Relaxed);
                o.resumed = resumed;
                o.version = version;
                o.not_after = Some(not_after);
                if !self.settings.dry_run {
                    self.installed(&l);
                    // The configuration already points at live/: this
                    // reloads the server (and repairs removed lines). One
                    // worker at a time edits and reloads it.
                    if let Some(installer) = &l.config.installer {
                        let _one_at_a_time = self.deploying.lock().expect("deploy mutex");
                        let store = self.env.store;
                        if let Err(e) = crate::installer::install(
                            installer,
                            &store.live_fullchain(&name),
                            &store.live_privkey(&name),
                            &l.config.domains,
                            self.progress(),
                        ) {
                            self.error_in(&name, &e);
                            o.install_error = Some(e.to_string());
                            self.failed();
                        }
                    }
                    if let Err(e) = self.deploy_hook(&l.config) {
                        self.error_in(&name, &e);
                        o.deploy_error = Some(e.to_string());
                        self.failed();
                    }
                }
            }
            Err(e) => {
                self.error_in(&format!("renewing {name}"), &e);
                self.failed();
                o.action = Action::Failed;
                o.error = Some(e.to_string());
                let now = self.now();
                l.state.renewal_failed(&e.to_string(), &l.cert, now);
                o.next = l.state.failure.as_ref().map(|f| f.retry_at);
                l.dirty = true;
                self.save_state(&l);
            }
        }
        o
    }

    /// The solver for a lineage. In a parallel run, lineages answering
    /// http-01 on the same standalone address and port share one server
    /// for the run instead of failing to bind it.
    fn solver(&self, config: &SolverConfig) -> Result<Box<dyn crate::challenge::Solver>> {
        let own = || {
            crate::challenge::setup::build_solver_with(
                config,
                &crate::challenge::setup::SolverEnv {
                    clock: Arc::clone(self.env.clock),
                    progress: Arc::clone(&self.routed) as Arc<dyn Progress>,
                    operator: None,
                    hook_timeout: self.settings.hook_timeout,
                },
            )
        };
        let SolverConfig::Standalone {
            http_port,
            http_address,
        } = config
        else {
            return own();
        };
        if self.settings.jobs <= 1 {
            return own();
        }
        let key = (
            http_address.clone().unwrap_or_else(|| "::".to_string()),
            http_port.unwrap_or(crate::challenge::http01::DEFAULT_HTTP_PORT),
        );
        let mut servers = self.standalone.lock().expect("standalone mutex");
        let server = match servers.get(&key) {
            Some(s) => Arc::clone(s),
            None => {
                let s = Arc::new(Standalone::bind(&key.0, key.1)?);
                servers.insert(key, Arc::clone(&s));
                s
            }
        };
        Ok(Box::new(SharedStandalone::new(server)))
    }

    /// One renewal through the issuance flow; returns the installed
    /// version (None in a dry run), the new expiry, and whether an order
    /// left by an interrupted run was completed.
    fn issue(&self, l: &Lineage) -> Result<(Option<u32>, SystemTime, bool)> {
        let config = &l.config;
        // nginx's configuration is edited and reloaded per challenge; the
        // tls-alpn-01 server binds its port for one lineage's names.
        let exclusive = matches!(
            config.solver,
            SolverConfig::Nginx { .. } | SolverConfig::TlsAlpn { .. }
        );
        let _one_at_a_time =
            exclusive.then(|| self.exclusive.lock().expect("exclusive solver mutex"));
        // Bind the port / check the webroot before the CA hears from us.
        // Progress and hook warnings as `issue` shows them; never a prompt.
        let mut solver = self.solver(&config.solver)?;
        let store = self.env.store;
        let (client, acct) = if self.settings.dry_run {
            self.staging_client_and_account(config)?
        } else {
            let client = self.client(&config.server, config.ca_bundle.as_deref())?;
            let acct = account::load(store, &client.directory_url, Some(&config.account))?
                .ok_or_else(|| Error::NoAccount {
                    server: client.directory_url.clone(),
                    dir: store.root().to_path_buf(),
                })?;
            (client, acct)
        };
        // A lineage issued from the user's CSR is renewed from the same CSR
        // and key, read afresh (the user may have replaced them).
        let csr_input = match (&config.csr_path, &config.key_path) {
            (Some(csr), Some(key)) => Some(crate::csr::CsrInput::load(csr, key)?),
            _ => None,
        };
        let reuse_key = match &csr_input {
            Some(input) => Some(input.key_pem()?),
            None if config.reuse_key => Some(l.version.read_privkey()?),
            None => None,
        };
        // RFC 9773 §5: name the certificate this one replaces, so the CA can
        // relax limits for it. Not from a dry run, which would mark the real
        // certificate as replaced by one that is thrown away.
        let replaces = match (&client.directory.renewal_info, self.settings.dry_run) {
            (Some(_), false) => l.cert.cert_id.clone(),
            _ => None,
        };
        let request = IssueRequest {
            name: l.name.clone(),
            domains: config.domains.clone(),
            key_type: config.key_type,
            reuse_key,
            preferred_chain: config.preferred_chain.clone(),
            replaces,
            profile: config.profile.clone(),
            csr: csr_input.map(|c| c.der),
            account_id: acct.id.clone(),
        };
        let account = client.account(&acct.key, &acct.record.url);
        if self.settings.dry_run {
            let scratch = crate::staging::Scratch::new()?;
            let issued = issue(&account, &scratch.store, solver.as_mut(), &request)?;
            return Ok((None, issued.info.not_after, issued.resumed));
        }
        let issued = issue(&account, store, solver.as_mut(), &request)?;
        Ok((
            Some(issued.version.number),
            issued.info.not_after,
            issued.resumed,
        ))
    }

    /// A dry run talks to the CA's staging directory (as `issue --dry-run`
    /// does), with the staging account kept in `<config>/staging/`,
    /// registered on first use with the production account's contacts.
    fn staging_client_and_account(
        &self,
        config: &RenewalConfig,
    ) -> Result<(Arc<AcmeClient>, account::LoadedAccount)> {
        let server = crate::staging::staging_server_for(
            &resolve_server(Some(&config.server))?,
            self.settings.staging_server.as_deref(),
        )?;
        let client = self.client(&server, config.ca_bundle.as_deref())?;
        let staging_store = crate::staging::staging_store(self.env.store);
        // Two workers must not both register the staging account.
        let _one_at_a_time = self.staging_account.lock().expect("staging mutex");
        let store = self.env.store;
        let (acct, _) =
            crate::staging::staging_account(&client, &staging_store, self.progress(), || {
                let production = account::load(store, &config.server, Some(&config.account))?
                    .ok_or_else(|| Error::NoAccount {
                        server: config.server.clone(),
                        dir: store.root().to_path_buf(),
                    })?;
                Ok(account::Registration {
                    contact: production.record.emails(),
                    // The production account agreed to this CA's terms.
                    agree_tos: true,
                    key_type: crate::crypto::KeyType::EcdsaP256,
                    eab: None,
                })
            })?;
        Ok((client, acct))
    }

    /// Bookkeeping after a new certificate is live: a fresh state for it,
    /// and the revoked mark cleared.
    fn installed(&self, l: &Lineage) {
        let store = self.env.store;
        let result = (|| {
            if let Some(version) = store.current_version(&l.name)? {
                let cert = read_facts(&version)?;
                store.save_lineage_state(&l.name, &LineageState::installed(&cert, self.now()))?;
            }
            if l.stored.revoked {
                let mut config = l.stored.clone();
                config.revoked = false;
                config.certwright_version = env!("CARGO_PKG_VERSION").into();
                store.save_renewal_config(&config)?;
            }
            Ok::<(), Error>(())
        })();
        if let Err(e) = result {
            self.progress().warn(&format!("{}: {e}", l.name));
        }
    }

    fn deploy_hook(&self, config: &RenewalConfig) -> Result<()> {
        let Some(cmd) = config.deploy_hook.as_deref() else {
            return Ok(());
        };
        let _one_at_a_time = self.deploying.lock().expect("deploy mutex");
        run_deploy_hook(
            self.env.store,
            cmd,
            &config.name,
            &config.domains,
            self.settings.hook_timeout,
            self.progress(),
        )
    }

    fn run_post_hooks(&self) {
        // A post-hook undoes a pre-hook (restarts the web server it
        // stopped), so it runs even when renewals failed.
        let failed = self.post_hooks.run(self.env.output.as_ref());
        self.failures.fetch_add(failed, Ordering::Relaxed);
    }

    fn requests(&self) -> u32 {
        let clients: u32 = self
            .clients
            .lock()
            .expect("clients mutex")
            .values()
            .filter_map(|c| c.as_ref().ok())
            .map(|c| c.transport.request_count())
            .sum();
        let ari: u32 = self
            .ari_transports
            .lock()
            .expect("ARI transports mutex")
            .values()
            .map(|t| t.request_count())
            .sum();
        clients + ari
    }

    /// Prints the result; returns the exit code.
    fn report(&self, outcomes: &Outcomes, checked: usize, slept: Option<Duration>) -> u8 {
        use crate::exit_code as exit;
        let dry = self.settings.dry_run;
        let mut lines = Vec::new();
        for o in &outcomes.listed {
            match o.action {
                Action::Renewed if dry => {
                    lines.push(format!("{}: dry run succeeded (nothing was kept)", o.name))
                }
                Action::Renewed => lines.push(format!(
                    "{}: renewed (version {}, expires {}){}",
                    o.name,
                    o.version.unwrap_or_default(),
                    o.not_after.map(rfc3339).unwrap_or_default(),
                    match (&o.install_error, &o.deploy_error) {
                        (Some(_), _) => "; installing it into the web server failed",
                        (None, Some(_)) => "; the deploy hook failed",
                        (None, None) => "",
                    }
                )),
                // A dry run stores no backoff: nothing waits for a next attempt.
                Action::Failed if dry => lines.push(format!("{}: dry run failed", o.name)),
                Action::Failed => lines.push(format!(
                    "{}: renewal failed{}",
                    o.name,
                    o.next
                        .map(|t| format!("; next attempt after {}", rfc3339(t)))
                        .unwrap_or_default()
                )),
                Action::BackingOff => lines.push(format!(
                    "{}: skipped, backing off until {} ({})",
                    o.name,
                    o.next.map(rfc3339).unwrap_or_default(),
                    o.error.as_deref().unwrap_or("earlier failures")
                )),
                Action::NotDue => {}
            }
        }
        if let Some((t, name)) = &outcomes.soonest {
            let wait = t.duration_since(self.now()).unwrap_or_default();
            lines.push(format!(
                "{} of {checked} certificate(s) not due; next check: {name} at {} (in {})",
                outcomes.not_due,
                rfc3339(*t),
                human_duration(wait)
            ));
        }
        if checked == 0 {
            lines.push("No certificates to renew (none issued yet).".into());
        }
        let (failures, renewed) = (
            self.failures.load(Ordering::Relaxed),
            self.renewed.load(Ordering::Relaxed),
        );
        let exit = match (failures, renewed) {
            (0, _) => exit::SUCCESS,
            (_, 0) => exit::FAILURE,
            _ => exit::PARTIAL,
        };
        self.env.output.result(
            &lines.join("\n"),
            json!({
                "ok": failures == 0,
                "dry_run": dry,
                "checked": checked,
                "renewed": renewed,
                "failed": failures,
                "requests": self.requests(),
                "slept_ms": slept.map_or(0, |d| d.as_millis() as u64),
                "not_due": outcomes.not_due,
                "certificates": outcomes
                    .listed
                    .iter()
                    .map(|o| o.json(self.env.store))
                    .collect::<Vec<_>>(),
            }),
        );
        exit
    }
}

/// Renews `config`'s lineage in a dry run (against the CA's staging
/// directory, nothing kept) with `config` in place of its renewal file:
/// how `reconfigure` proves a change before saving it. Pre- and
/// post-hooks run, as in any dry run.
pub fn prove(env: &Env<'_>, settings: &RenewSettings, config: &RenewalConfig) -> Result<()> {
    let store = env.store;
    let name = &config.name;
    let version = store.current_version(name)?.ok_or_else(|| Error::BadFile {
        path: store.live_path(name),
        reason: format!(
            "no certificate is installed for this lineage; run `certwright issue --cert-name {name} ...`"
        ),
    })?;
    let cert = read_facts(&version)?;
    let lineage = Lineage {
        name: name.clone(),
        config: settings.layers.effective(config),
        stored: config.clone(),
        version,
        state: LineageState::for_cert(None, &cert),
        cert,
        dirty: false,
        decision: Decision::Renew(Reason::Forced),
    };
    let runner = Runner::new(env, settings, PostHooks::new(settings.hook_timeout)?);
    if let Some(post) = &lineage.config.post_hook {
        runner.post_hooks.add(post);
    }
    let result = runner
        .pre_hook(&lineage.config)
        .and_then(|()| runner.issue(&lineage));
    runner.run_post_hooks();
    result.map(|_| ())
}

/// Writes the node_exporter textfile for every lineage (see
/// `renew::metrics`), with the margins this run would use.
fn write_metrics(env: &Env<'_>, settings: &RenewSettings, path: &Path) -> Result<()> {
    let entries = inventory::scan(env.store, &[])?;
    let now = env.clock.now();
    let lineages: Vec<metrics::LineageMetrics> = entries
        .iter()
        .map(|e| {
            metrics::LineageMetrics::of(e, env.store, now, |c| {
                settings.layers.effective(c).renew_before
            })
        })
        .collect();
    // The textfile directory belongs to the admin, not to the store.
    store::safe_fs::replace_file(
        path,
        metrics::render(&lineages, now).as_bytes(),
        store::PUBLIC_FILE_MODE,
    )
}

/// Remembers what a CA's directory says about ARI, so later runs with
/// nothing to do need not ask. Called whenever certwright has the
/// directory anyway (issue, renew).
pub fn remember_directory(store: &Store, client: &AcmeClient, now: SystemTime) -> Result<()> {
    store.save_server_state(
        &client.directory_url,
        &ServerState::answered(
            &client.directory_url,
            client.directory.renewal_info.as_deref(),
            now,
        ),
    )
}

// ---- `certificates` ----

/// The renewal schedule of one lineage for `certwright certificates`: no
/// network, only what the cache knows.
pub fn describe(
    store: &Store,
    config: &RenewalConfig,
    renew_before: Option<RenewBefore>,
    cert_pem: &[u8],
    now: SystemTime,
) -> (String, Value) {
    let Ok(cert) = cert_scan::read_pem(cert_pem, &store.live_path(&config.name)).map(|l| l.facts())
    else {
        return (String::new(), Value::Null);
    };
    let state = LineageState::for_cert(store.lineage_state(&config.name).ok().flatten(), &cert);
    let server: Option<ServerState> = store.server_state(&config.server).ok().flatten();
    let decision = decide(
        config,
        renew_before,
        &cert,
        &state,
        server.as_ref(),
        now,
        false,
    );
    let fallback = policy::fallback_due_at(&cert, renew_before);
    let mut human = String::new();
    let mut doc = json!({"fallback_due": rfc3339(fallback)});
    let planned = match &decision {
        Decision::Renew(r) => {
            doc["due_now"] = json!(r.as_str());
            "due now".to_string()
        }
        Decision::NotDue { at, reason } => {
            doc["next_renewal"] = json!(rfc3339(*at));
            doc["basis"] = json!(reason.as_str());
            // Named as in the JSON (`basis`) and the config file.
            format!(
                "{} ({})",
                rfc3339(*at),
                if *reason == Reason::AriWindow {
                    "ari: the CA's suggested window".to_string()
                } else {
                    format!(
                        "renew_before: {}",
                        match renew_before {
                            Some(rb @ RenewBefore::Duration(_)) => format!("{rb} before expiry"),
                            Some(RenewBefore::Fraction(x)) => {
                                format!("{x} of the lifetime left")
                            }
                            None => "the default, 1/3 of the lifetime left (1/2 below 10 days)"
                                .to_string(),
                        }
                    )
                }
            )
        }
        Decision::BackingOff { until } => {
            doc["backing_off_until"] = json!(rfc3339(*until));
            format!("backing off until {}", rfc3339(*until))
        }
        Decision::CheckDirectory | Decision::CheckAri { .. } => {
            doc["next_renewal"] = json!(rfc3339(fallback));
            doc["basis"] = json!("pending_ari_check");
            format!(
                "{} unless the CA's ARI answer says otherwise",
                rfc3339(fallback)
            )
        }
    };
    human.push_str(&format!("  renewal:  {planned}\n"));
    if let Some(a) = &state.ari {
        if let (Some(s), Some(e)) = (a.window_start, a.window_end) {
            human.push_str(&format!(
                "  ARI:      window {} .. {}{}\n",
                rfc3339(s),
                rfc3339(e),
                if a.answered {
                    ""
                } else {
                    " (last check failed)"
                }
            ));
        }
        doc["ari"] = json!({
            "window_start": a.window_start.map(rfc3339),
            "window_end": a.window_end.map(rfc3339),
            "selected": a.selected.map(rfc3339),
            "answered": a.answered,
            "next_check": rfc3339(a.next_check),
            "explanation_url": a.explanation_url,
            "last_error": a.last_error,
            "moved_earlier_from": a.moved_earlier_from.map(rfc3339),
        });
        if let (Some(from), Some(start)) = (a.moved_earlier_from, a.window_start) {
            human.push_str(&format!(
                "  ARI:      the CA moved the window earlier (start was {}, now {}): it may revoke this certificate early\n",
                rfc3339(from),
                rfc3339(start)
            ));
        }
    }
    if let Some(f) = &state.failure {
        human.push_str(&format!(
            "  failures: {} (last {}: {}); next attempt after {}\n",
            f.count,
            rfc3339(f.last_at),
            f.error,
            rfc3339(f.retry_at)
        ));
        doc["failure"] = json!({
            "count": f.count,
            "last_at": rfc3339(f.last_at),
            "retry_at": rfc3339(f.retry_at),
            "error": f.error,
        });
    }
    (human, doc)
}
