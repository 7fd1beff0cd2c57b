//! The certificate store: the only code that touches the config directory.
//!
//! ```text
//! <root>/accounts/<server-id>/<account-id>/account.json, account.key (0600)
//! <root>/archive/<name>/<N>/cert.pem chain.pem fullchain.pem privkey.pem
//! <root>/archive/<name>/pending/order.json, privkey.pem   (an order in flight)
//! <root>/live/<name> -> ../archive/<name>/<N>
//! <root>/renewal/<name>.toml
//! <root>/renewal/.state/<name>.json, servers/<server-id>.json, servers/<server-id>.validation.json  (renewal cache)
//! ```
//!
//! Unlike certbot, `live/<name>` is one symlink to a complete version
//! directory rather than four links to four files: switching versions is a
//! single atomic rename, so a crash can never leave a new certificate paired
//! with an old key. Paths like `live/<name>/fullchain.pem` are unchanged.
//!
//! Every write is atomic (temp file in the same directory, fsync, rename,
//! fsync the directory); private keys are 0600 and their directories 0700.

mod atomic;
mod lock;
pub mod renewal_check;
pub mod safe_fs;
mod schema;

pub use lock::{LOCK_WAIT, StoreLock};
pub use schema::*;

use crate::error::{Error, Result};
use safe_fs::SafeDir;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fs;
use std::path::{Path, PathBuf};

pub const PRIVATE_FILE_MODE: u32 = 0o600;
pub const PUBLIC_FILE_MODE: u32 = 0o644;
pub const PRIVATE_DIR_MODE: u32 = 0o700;
/// In a version directory: the URL of the order it was issued from.
const ORDER_URL_FILE: &str = "order-url";

pub struct Store {
    root: PathBuf,
}

/// A stable directory name for an ACME server: host, port and path with
/// separators flattened (`acme-v02.api.letsencrypt.org_directory`).
pub fn server_id(directory_url: &str) -> String {
    let rest = directory_url
        .split_once("://")
        .map(|(_, r)| r)
        .unwrap_or(directory_url);
    rest.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .trim_matches('_')
        .to_string()
}

pub use crate::names::{MAX_LINEAGE_NAME, validate_lineage_name};

/// Below the root: one `<name>.toml` per lineage.
const RENEWAL_DIR: &str = "renewal";

/// Paths of one installed version.
#[derive(Debug, Clone)]
pub struct Version {
    pub number: u32,
    pub dir: PathBuf,
}

// The file names of a version directory (and so of `live/<name>/`).
const CERT_FILE: &str = "cert.pem";
const CHAIN_FILE: &str = "chain.pem";
const FULLCHAIN_FILE: &str = "fullchain.pem";
const PRIVKEY_FILE: &str = "privkey.pem";
/// In `archive/<name>/pending/`: the order in flight (its key is PRIVKEY_FILE).
const PENDING_ORDER_FILE: &str = "order.json";
// In `accounts/<server-id>/<account-id>/`.
const ACCOUNT_KEY_FILE: &str = "account.key";
const ACCOUNT_RECORD_FILE: &str = "account.json";

impl Version {
    pub fn cert(&self) -> PathBuf {
        self.dir.join(CERT_FILE)
    }
    pub fn chain(&self) -> PathBuf {
        self.dir.join(CHAIN_FILE)
    }
    pub fn fullchain(&self) -> PathBuf {
        self.dir.join(FULLCHAIN_FILE)
    }
    pub fn privkey(&self) -> PathBuf {
        self.dir.join(PRIVKEY_FILE)
    }

    /// The certificate (leaf) PEM.
    pub fn read_cert(&self) -> Result<Vec<u8>> {
        let path = self.cert();
        fs::read(&path).map_err(Error::io(&path))
    }

    /// The private key PEM.
    pub fn read_privkey(&self) -> Result<Vec<u8>> {
        let path = self.privkey();
        fs::read(&path).map_err(Error::io(&path))
    }
}

pub struct Pem<'a> {
    pub cert: &'a [u8],
    pub chain: &'a [u8],
    pub fullchain: &'a [u8],
    pub privkey: &'a [u8],
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn accounts_dir(&self, server: &str) -> PathBuf {
        self.root.join("accounts").join(server_id(server))
    }

    pub fn account_dir(&self, server: &str, id: &str) -> PathBuf {
        self.accounts_dir(server).join(id)
    }

    pub fn archive_dir(&self, name: &str) -> PathBuf {
        self.root.join("archive").join(name)
    }

    pub fn live_path(&self, name: &str) -> PathBuf {
        self.root.join("live").join(name)
    }

    pub fn renewal_path(&self, name: &str) -> PathBuf {
        self.root.join(RENEWAL_DIR).join(format!("{name}.toml"))
    }

    /// Where each run's log goes (`log_file` names and rotates the files).
    pub fn log_dir(&self) -> PathBuf {
        self.root.join("logs")
    }

    /// `live/<name>/fullchain.pem`: what a web server is pointed at.
    pub fn live_fullchain(&self, name: &str) -> PathBuf {
        self.live_path(name).join(FULLCHAIN_FILE)
    }

    /// `live/<name>/privkey.pem`.
    pub fn live_privkey(&self, name: &str) -> PathBuf {
        self.live_path(name).join(PRIVKEY_FILE)
    }

    fn pending_dir(&self, name: &str) -> PathBuf {
        self.archive_dir(name).join("pending")
    }

    /// The record of the order in flight, for naming it in errors.
    pub fn pending_order_path(&self, name: &str) -> PathBuf {
        self.pending_dir(name).join(PENDING_ORDER_FILE)
    }

    // ---- accounts ----

    pub fn save_account(
        &self,
        id: &str,
        record: &AccountRecord,
        key_pem: &[u8],
    ) -> Result<PathBuf> {
        let dir = self.account_dir(&record.server, id);
        self.make_dir(&dir, PRIVATE_DIR_MODE)?;
        // Key first: account.json's presence means the account is complete.
        self.write_file(&dir.join(ACCOUNT_KEY_FILE), key_pem, PRIVATE_FILE_MODE)?;
        self.update_account(id, record)?;
        Ok(dir)
    }

    pub fn update_account(&self, id: &str, record: &AccountRecord) -> Result<()> {
        let dir = self.account_dir(&record.server, id);
        let json = serde_json::to_vec_pretty(record).expect("account record serialises");
        self.write_file(&dir.join(ACCOUNT_RECORD_FILE), &json, PRIVATE_FILE_MODE)
    }

    /// Accounts stored for a server, as (id, record), sorted by id.
    pub fn accounts(&self, server: &str) -> Result<Vec<(String, AccountRecord)>> {
        let dir = self.accounts_dir(server);
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&dir)(e)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(Error::io(&dir))?;
            let json_path = entry.path().join(ACCOUNT_RECORD_FILE);
            let Ok(data) = fs::read(&json_path) else {
                continue;
            };
            let record: AccountRecord =
                serde_json::from_slice(&data).map_err(|e| Error::BadFile {
                    path: json_path.clone(),
                    reason: format!("not a certwright account file ({e})"),
                })?;
            out.push((entry.file_name().to_string_lossy().into_owned(), record));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Where an account's private key lives.
    pub fn account_key_path(&self, server: &str, id: &str) -> PathBuf {
        self.account_dir(server, id).join(ACCOUNT_KEY_FILE)
    }

    pub fn account_key_pem(&self, server: &str, id: &str) -> Result<(PathBuf, Vec<u8>)> {
        let path = self.account_key_path(server, id);
        let pem = fs::read(&path).map_err(Error::io(&path))?;
        Ok((path, pem))
    }

    // ---- lineages ----

    /// The renewal file of lineage `name`, checked as input: read without
    /// following a link, refused when others could have written it
    /// ([`crate::strict_modes`]) or when over [`renewal_check::MAX_RENEWAL_FILE`],
    /// and every value validated like its flag ([`renewal_check`]).
    pub fn renewal_config(&self, name: &str) -> Result<Option<RenewalConfig>> {
        validate_lineage_name(name)?;
        let path = self.renewal_path(name);
        let root = match SafeDir::open_root(&self.root) {
            Ok(r) => r,
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let Some(dir) = root.open_dir(Path::new(RENEWAL_DIR))? else {
            return Ok(None);
        };
        let file_name = format!("{name}.toml");
        let Some(file) = dir.open_file(&file_name)? else {
            return Ok(None);
        };
        for (d, what) in [
            (&root, "the config directory"),
            (&dir, "the renewal directory"),
        ] {
            crate::strict_modes::check_metadata(d.path(), &d.metadata()?, what, false)?;
        }
        let meta = file.metadata().map_err(Error::io(&path))?;
        crate::strict_modes::check_metadata(&path, &meta, "the renewal file", false)?;
        let data = dir
            .read_capped(&file_name, renewal_check::MAX_RENEWAL_FILE)?
            .ok_or_else(|| Error::io(&path)(std::io::ErrorKind::NotFound.into()))?;
        let config = renewal_check::parse(&data, &path)?;
        renewal_check::validate(config, name, &path).map(Some)
    }

    pub fn save_renewal_config(&self, config: &RenewalConfig) -> Result<()> {
        let path = self.renewal_path(&config.name);
        self.make_dir(
            path.parent().expect("renewal path has a parent"),
            PRIVATE_DIR_MODE,
        )?;
        let text = toml::to_string_pretty(config).expect("renewal config serialises");
        let text = format!(
            "# How certwright renews this certificate. Edit with care; see docs/configuration.md.\n{text}"
        );
        self.write_file(&path, text.as_bytes(), PUBLIC_FILE_MODE)
    }

    /// Every lineage with a renewal file, sorted by name.
    pub fn lineage_names(&self) -> Result<Vec<String>> {
        let dir = self.root.join(RENEWAL_DIR);
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&dir)(e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".toml"))
                    .filter(|n| !n.starts_with('.'))
                    .map(str::to_string)
            })
            .collect();
        names.sort();
        Ok(names)
    }

    /// Every name with an entry in `live/` (with or without a renewal
    /// file), sorted; hidden and invalid names are skipped.
    pub fn live_names(&self) -> Result<Vec<String>> {
        let dir = self.root.join("live");
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&dir)(e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| validate_lineage_name(n).is_ok())
            .collect();
        names.sort();
        Ok(names)
    }

    /// The version `live/<name>` points at.
    pub fn current_version(&self, name: &str) -> Result<Option<Version>> {
        let live = self.live_path(name);
        let target = match fs::read_link(&live) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&live)(e)),
        };
        let number = target
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| Error::BadFile {
                path: live.clone(),
                reason: format!(
                    "points at {} which is not a version directory",
                    target.display()
                ),
            })?;
        Ok(Some(Version {
            number,
            dir: self.archive_dir(name).join(number.to_string()),
        }))
    }

    /// The ACME order the live version was issued from, when recorded.
    pub fn installed_order_url(&self, name: &str) -> Result<Option<String>> {
        let Some(version) = self.current_version(name)? else {
            return Ok(None);
        };
        let path = version.dir.join(ORDER_URL_FILE);
        match fs::read_to_string(&path) {
            Ok(url) => Ok(Some(url)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path)(e)),
        }
    }

    fn next_version(&self, name: &str) -> Result<u32> {
        let dir = self.archive_dir(name);
        let highest = match fs::read_dir(&dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
                .max()
                .unwrap_or(0),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => return Err(Error::io(&dir)(e)),
        };
        Ok(highest + 1)
    }

    /// Installs a new version: writes it completely under archive/, then
    /// swaps live/<name> to it in one rename.
    pub fn install(&self, name: &str, pem: Pem<'_>) -> Result<Version> {
        self.install_from_order(name, pem, None)
    }

    /// [`Store::install`], recording in the version the ACME order it came
    /// from, so a run that dies after the live switch but before its
    /// pending order is cleared can tell the order was already installed.
    pub fn install_from_order(
        &self,
        name: &str,
        pem: Pem<'_>,
        order_url: Option<&str>,
    ) -> Result<Version> {
        validate_lineage_name(name)?;
        let archive = self.archive_dir(name);
        let archive_dir = self.make_dir(&archive, PRIVATE_DIR_MODE)?;
        let number = self.next_version(name)?;
        // A run that died between completing a version and switching live
        // to it left that version behind; the same order needs no second.
        if let Some(url) = order_url
            && number > 1
            && self
                .current_version(name)?
                .is_none_or(|v| v.number < number - 1)
        {
            let previous = archive.join((number - 1).to_string());
            if fs::read_to_string(previous.join(ORDER_URL_FILE)).is_ok_and(|u| u == url) {
                return self.switch_live(name, number - 1);
            }
        }
        let staging_name = format!(".{number}.partial");
        let staging = archive.join(&staging_name);
        // remove_dir_all does not follow links (it removes a link itself).
        match fs::remove_dir_all(&staging) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&staging)(e)),
        }
        let (staging_dir, _) = archive_dir.create_dir(&staging_name, PRIVATE_DIR_MODE)?;
        // The version dir is 0700 (it holds the key), but certificates are
        // public and services often read them as another user via the path.
        staging_dir.set_mode(0o755)?;
        staging_dir.write_atomic(PRIVKEY_FILE, pem.privkey, PRIVATE_FILE_MODE)?;
        crate::crash_point::hit("store.archive.privkey");
        staging_dir.write_atomic(CERT_FILE, pem.cert, PUBLIC_FILE_MODE)?;
        crate::crash_point::hit("store.archive.cert");
        staging_dir.write_atomic(CHAIN_FILE, pem.chain, PUBLIC_FILE_MODE)?;
        crate::crash_point::hit("store.archive.chain");
        staging_dir.write_atomic(FULLCHAIN_FILE, pem.fullchain, PUBLIC_FILE_MODE)?;
        if let Some(url) = order_url {
            staging_dir.write_atomic(ORDER_URL_FILE, url.as_bytes(), PUBLIC_FILE_MODE)?;
        }
        crate::crash_point::hit("store.archive.files");
        archive_dir.rename(&staging_name, &archive_dir, &number.to_string())?;
        archive_dir.sync()?;
        crate::crash_point::hit("store.archive.complete");
        self.switch_live(name, number)
    }

    /// Points live/<name> at version `number` in one rename.
    fn switch_live(&self, name: &str, number: u32) -> Result<Version> {
        let live_dir = self.make_dir(&self.root.join("live"), 0o755)?;
        let tmp_link = format!(".{name}.new-{}", std::process::id());
        live_dir.remove_file(&tmp_link)?;
        let target = Path::new("..")
            .join("archive")
            .join(name)
            .join(number.to_string());
        live_dir.symlink(&target, &tmp_link)?;
        live_dir.rename(&tmp_link, &live_dir, name)?;
        live_dir.sync()?;
        crate::crash_point::hit("store.live_switched");
        Ok(Version {
            number,
            dir: self.archive_dir(name).join(number.to_string()),
        })
    }

    // ---- renewal state (a cache the renewal policy reads and updates) ----

    fn state_dir(&self) -> PathBuf {
        self.root.join(RENEWAL_DIR).join(".state")
    }

    pub fn lineage_state_path(&self, name: &str) -> PathBuf {
        self.state_dir().join(format!("{name}.json"))
    }

    pub fn server_state_path(&self, server: &str) -> PathBuf {
        self.state_dir()
            .join("servers")
            .join(format!("{}.json", server_id(server)))
    }

    /// What the renewal runs remembered about a lineage; None if nothing.
    pub fn lineage_state<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        self.read_json(&self.lineage_state_path(name))
    }

    pub fn save_lineage_state<T: Serialize>(&self, name: &str, state: &T) -> Result<()> {
        validate_lineage_name(name)?;
        self.write_json(&self.lineage_state_path(name), state)?;
        crate::crash_point::hit("store.lineage_state_saved");
        Ok(())
    }

    /// What the renewal runs remembered about a CA's directory.
    pub fn server_state<T: DeserializeOwned>(&self, server: &str) -> Result<Option<T>> {
        self.read_json(&self.server_state_path(server))
    }

    pub fn save_server_state<T: Serialize>(&self, server: &str, state: &T) -> Result<()> {
        self.write_json(&self.server_state_path(server), state)
    }

    /// How a CA validated last time (`crate::validation::ValidationMemory`).
    pub fn validation_memory<T: DeserializeOwned>(&self, server: &str) -> Result<Option<T>> {
        self.read_json(&self.validation_memory_path(server))
    }

    pub fn save_validation_memory<T: Serialize>(&self, server: &str, memory: &T) -> Result<()> {
        self.write_json(&self.validation_memory_path(server), memory)
    }

    pub fn validation_memory_path(&self, server: &str) -> PathBuf {
        self.state_dir()
            .join("servers")
            .join(format!("{}.validation.json", server_id(server)))
    }

    // ---- orders in flight ----

    pub fn save_pending(&self, name: &str, order: &PendingOrder, key_pem: &[u8]) -> Result<()> {
        validate_lineage_name(name)?;
        let dir = self.pending_dir(name);
        self.make_dir(&dir, PRIVATE_DIR_MODE)?;
        self.write_file(&dir.join(PRIVKEY_FILE), key_pem, PRIVATE_FILE_MODE)?;
        let json = serde_json::to_vec_pretty(order).expect("pending order serialises");
        self.write_file(&dir.join(PENDING_ORDER_FILE), &json, PRIVATE_FILE_MODE)
    }

    pub fn pending(&self, name: &str) -> Result<Option<(PendingOrder, Vec<u8>)>> {
        let dir = self.pending_dir(name);
        let json_path = dir.join(PENDING_ORDER_FILE);
        let data = match fs::read(&json_path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&json_path)(e)),
        };
        let order = serde_json::from_slice(&data).map_err(|e| Error::BadFile {
            path: json_path,
            reason: format!("not a pending order record ({e})"),
        })?;
        let key_path = dir.join(PRIVKEY_FILE);
        let key = fs::read(&key_path).map_err(Error::io(&key_path))?;
        Ok(Some((order, key)))
    }

    pub fn clear_pending(&self, name: &str) -> Result<()> {
        let dir = self.pending_dir(name);
        match fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(&dir)(e)),
        }
    }
}

// ---- account lifecycle and lineage removal (revoke, account commands) ----

/// Name of the next account key while a key change is in flight.
const NEXT_ACCOUNT_KEY: &str = "account.key.next";

impl Store {
    /// Every stored account for every server, as (id, record), sorted by
    /// server then id. Reads only; for `account list`.
    pub fn all_accounts(&self) -> Result<Vec<(String, AccountRecord)>> {
        let dir = self.root.join("accounts");
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&dir)(e)),
        };
        let mut servers = Vec::new();
        for entry in entries {
            let entry = entry.map_err(Error::io(&dir))?;
            // The server URL is in each account.json; read one to get it.
            for sub in fs::read_dir(entry.path()).map_err(Error::io(entry.path()))? {
                let sub = sub.map_err(Error::io(entry.path()))?;
                let json_path = sub.path().join(ACCOUNT_RECORD_FILE);
                if let Ok(data) = fs::read(&json_path) {
                    let record: AccountRecord =
                        serde_json::from_slice(&data).map_err(|e| Error::BadFile {
                            path: json_path.clone(),
                            reason: format!("not a certwright account file ({e})"),
                        })?;
                    servers.push(record.server);
                    break;
                }
            }
        }
        servers.sort();
        servers.dedup();
        let mut out = Vec::new();
        for server in servers {
            out.extend(self.accounts(&server)?);
        }
        Ok(out)
    }

    /// Writes the key a key change will install, before the CA hears of
    /// it: if the run dies after the CA switched keys, the key survives.
    pub fn save_next_account_key(&self, server: &str, id: &str, key_pem: &[u8]) -> Result<()> {
        let path = self.account_dir(server, id).join(NEXT_ACCOUNT_KEY);
        self.write_file(&path, key_pem, PRIVATE_FILE_MODE)
    }

    /// A key change left unfinished by an earlier run, if any.
    pub fn next_account_key(&self, server: &str, id: &str) -> Result<Option<(PathBuf, Vec<u8>)>> {
        let path = self.account_dir(server, id).join(NEXT_ACCOUNT_KEY);
        match fs::read(&path) {
            Ok(pem) => Ok(Some((path, pem))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path)(e)),
        }
    }

    /// Makes the saved next key the account key (one rename: atomic).
    pub fn commit_next_account_key(&self, server: &str, id: &str) -> Result<()> {
        let dir = self.make_dir(&self.account_dir(server, id), PRIVATE_DIR_MODE)?;
        dir.rename(NEXT_ACCOUNT_KEY, &dir, ACCOUNT_KEY_FILE)?;
        dir.sync()
    }

    pub fn discard_next_account_key(&self, server: &str, id: &str) -> Result<()> {
        let path = self.account_dir(server, id).join(NEXT_ACCOUNT_KEY);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(&path)(e)),
        }
    }

    /// Removes a lineage, renewal file first: once it is gone nothing
    /// renews the lineage, and what a crash may leave behind (a `live/`
    /// entry without renewal file) is listed by `certificates` as broken
    /// with this command as the fix. Each part is renamed into a private
    /// `.trash/` directory (one atomic rename each) and only then removed,
    /// so no half-deleted archive is ever reachable through `live/`.
    pub fn delete_lineage(&self, name: &str) -> Result<()> {
        validate_lineage_name(name)?;
        let root = self.root_dir()?;
        let (trash_root, _) = root.create_dir(TRASH_DIR, PRIVATE_DIR_MODE)?;
        let batch = format!("{name}.{}", rand::random::<u32>());
        let (trash, _) = trash_root.create_dir(&batch, PRIVATE_DIR_MODE)?;
        let state = format!("{name}.json");
        let renewal_file = format!("{name}.toml");
        // (directory below the root, entry in it, name in the trash)
        let parts: [(&str, &str, &str); 4] = [
            ("renewal", &renewal_file, "renewal.toml"),
            ("live", name, "live"),
            ("archive", name, "archive"),
            ("renewal/.state", &state, "state.json"),
        ];
        for (dir, entry, as_name) in parts {
            let Some(dir) = root.open_dir(Path::new(dir))? else {
                continue;
            };
            match dir.rename(entry, &trash, as_name) {
                Ok(()) => dir.sync()?,
                Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            crate::crash_point::hit("store.delete_lineage_part");
        }
        self.empty_trash()
    }

    /// Removes what deletions left in `.trash/` (an interrupted one too).
    /// Only certwright writes there (0700, created without following
    /// links), so removing the tree by path is safe.
    pub fn empty_trash(&self) -> Result<()> {
        let dir = self.root.join(TRASH_DIR);
        match fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(&dir)(e)),
        }
    }
}

/// Where `delete_lineage` moves a lineage's parts before removing them.
const TRASH_DIR: &str = ".trash";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::KeyType;
    use std::os::unix::fs::PermissionsExt;

    fn pem<'a>(tag: &'a [u8]) -> Pem<'a> {
        Pem {
            cert: tag,
            chain: tag,
            fullchain: tag,
            privkey: tag,
        }
    }

    #[test]
    fn install_swaps_live_link_atomically_and_keeps_old_versions() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::new(tmp.path());
        let v1 = store.install("example.com", pem(b"one")).unwrap();
        let v2 = store.install("example.com", pem(b"two")).unwrap();
        assert_eq!((v1.number, v2.number), (1, 2));
        let live = store.live_path("example.com");
        assert_eq!(fs::read(live.join("fullchain.pem")).unwrap(), b"two");
        assert_eq!(fs::read(v1.fullchain()).unwrap(), b"one");
        assert_eq!(
            store
                .current_version("example.com")
                .unwrap()
                .unwrap()
                .number,
            2
        );
        let mode = fs::metadata(v2.privkey()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_leftover_partial_version_is_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::new(tmp.path());
        let partial = store.archive_dir("a.test").join(".1.partial");
        store.make_dir(&partial, 0o700).unwrap();
        fs::write(partial.join("cert.pem"), b"trunc").unwrap();
        let v = store.install("a.test", pem(b"ok")).unwrap();
        assert_eq!(v.number, 1);
        assert_eq!(fs::read(v.cert()).unwrap(), b"ok");
    }

    #[test]
    fn delete_removes_every_part_and_live_names_lists_orphans() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::new(tmp.path());
        store.install("gone.test", pem(b"x")).unwrap();
        store.install("kept.test", pem(b"y")).unwrap();
        store.save_lineage_state("gone.test", &1).unwrap();
        fs::create_dir_all(tmp.path().join("renewal")).unwrap();
        fs::write(store.renewal_path("gone.test"), "x").unwrap();
        assert_eq!(store.live_names().unwrap(), ["gone.test", "kept.test"]);
        store.delete_lineage("gone.test").unwrap();
        for p in [
            store.live_path("gone.test"),
            store.archive_dir("gone.test"),
            store.renewal_path("gone.test"),
            store.lineage_state_path("gone.test"),
            tmp.path().join(TRASH_DIR),
        ] {
            assert!(fs::symlink_metadata(&p).is_err(), "{} left", p.display());
        }
        assert_eq!(store.live_names().unwrap(), ["kept.test"]);
        assert!(store.live_path("kept.test").join("cert.pem").exists());
        // Deleting what is already gone is not an error.
        store.delete_lineage("gone.test").unwrap();
    }

    #[test]
    fn lineage_names_are_checked() {
        for bad in ["", "../x", "a/b", ".hidden", "a\nb", "bücher.de"] {
            assert!(validate_lineage_name(bad).is_err(), "{bad:?}");
        }
        validate_lineage_name("www.example.com").unwrap();
    }

    #[test]
    fn server_ids_are_flat() {
        assert_eq!(
            server_id("https://acme-v02.api.letsencrypt.org/directory"),
            "acme-v02.api.letsencrypt.org_directory"
        );
        assert_eq!(
            server_id("https://127.0.0.1:14000/dir"),
            "127.0.0.1_14000_dir"
        );
    }

    #[test]
    fn dns_solver_settings_round_trip_through_the_renewal_file() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::new(tmp.path());
        let solver = SolverConfig::Dns {
            auth_hook: "/etc/certwright/hooks/auth.sh".into(),
            cleanup_hook: Some("/etc/certwright/hooks/cleanup.sh --zone x".into()),
            propagation: PropagationOverrides {
                propagation_timeout: Some(120),
                propagation_sleep_times: Some(vec![2, 5]),
                ..Default::default()
            },
        };
        let config = RenewalConfig {
            name: "example.com".into(),
            server: "https://ca.test/dir".into(),
            account: "1".into(),
            domains: vec!["example.com".into(), "*.example.com".into()],
            key_type: KeyType::EcdsaP256,
            reuse_key: false,
            solver: solver.clone(),
            ca_bundle: None,
            preferred_chain: None,
            profile: None,
            csr_path: None,
            key_path: None,
            revoked: false,
            renew_before: Some(RenewBefore::parse("30d").unwrap()),
            pre_hook: None,
            post_hook: None,
            deploy_hook: Some("systemctl reload nginx".into()),
            installer: None,
            certwright_version: "test".into(),
        };
        store.save_renewal_config(&config).unwrap();
        let text = fs::read_to_string(store.renewal_path("example.com")).unwrap();
        assert!(text.contains("kind = \"dns\""), "{text}");
        assert!(text.contains("propagation_timeout = 120"), "{text}");
        // Unset values stay unset, so later default changes still apply.
        assert!(!text.contains("propagation_delay"), "{text}");
        assert!(text.contains("renew_before = \"30d\""), "{text}");
        assert!(!text.contains("pre_hook"), "{text}");
        let back = store.renewal_config("example.com").unwrap().unwrap();
        assert_eq!(back.solver, solver);
        assert_eq!(back.renew_before, config.renew_before);
        assert_eq!(back.deploy_hook, config.deploy_hook);
    }

    #[test]
    fn second_lock_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::new(tmp.path());
        let _held = store.lock_with_wait(LOCK_WAIT).unwrap();
        // flock locks belong to the open file description, so a second open
        // in the same process conflicts just like another process would.
        match store.lock_with_wait(LOCK_WAIT) {
            Err(Error::LockHeld { holder, .. }) => {
                assert_eq!(holder.unwrap(), format!("pid {}", std::process::id()))
            }
            other => panic!("expected LockHeld, got {:?}", other.err()),
        }
    }
}
