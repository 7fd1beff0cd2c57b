//! `import-certbot`: takes over certbot's lineages and accounts without
//! touching certbot's files. Reads certbot's renewal files (configobj INI),
//! its account directories (JWK keys), and the current certificate and key
//! of each lineage, and writes them into the certwright store.

use crate::account::account_id;
use crate::crypto::{self, KeyType};
use crate::error::{Error, Result};
use crate::store::{AccountRecord, InstallerConfig, Pem, RenewalConfig, SolverConfig, Store};
use openssl::bn::BigNum;
use openssl::pkey::{PKey, Private};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A parsed certbot renewal file: top-level keys, and `[section]` keys.
#[derive(Debug, Default)]
pub struct CertbotRenewal {
    pub top: BTreeMap<String, String>,
    pub sections: BTreeMap<String, BTreeMap<String, String>>,
}

/// Parses certbot's configobj format: `key = value`, `[section]`,
/// `[[subsection]]` (nested under the previous section), `#` comments.
pub fn parse_renewal_conf(text: &str) -> CertbotRenewal {
    let mut conf = CertbotRenewal::default();
    let mut section: Option<String> = None;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            section = Some(
                line.trim_matches(|c| c == '[' || c == ']')
                    .trim()
                    .to_string(),
            );
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim().to_string(), value.trim().to_string());
        match &section {
            None => {
                conf.top.insert(key, value);
            }
            Some(s) => {
                conf.sections
                    .entry(s.clone())
                    .or_default()
                    .insert(key, value);
            }
        }
    }
    conf
}

/// certbot writes lists as "a, b," (trailing comma for one element).
fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The outcome for one lineage, shown to the user.
#[derive(Debug, serde::Serialize)]
pub struct ImportReport {
    pub name: String,
    pub imported: bool,
    /// Settings certwright could not carry over, or why the lineage was skipped.
    pub notes: Vec<String>,
}

pub fn import(certbot_dir: &Path, store: &Store) -> Result<Vec<ImportReport>> {
    let renewal_dir = certbot_dir.join("renewal");
    let entries = std::fs::read_dir(&renewal_dir).map_err(Error::io(&renewal_dir))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    files.sort();
    let mut reports = Vec::new();
    for file in files {
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut report = ImportReport {
            name: name.clone(),
            imported: false,
            notes: Vec::new(),
        };
        match import_lineage(certbot_dir, store, &file, &name, &mut report.notes) {
            Ok(()) => report.imported = true,
            Err(e) => report.notes.push(format!("not imported: {e}")),
        }
        reports.push(report);
    }
    Ok(reports)
}

fn import_lineage(
    certbot_dir: &Path,
    store: &Store,
    file: &Path,
    name: &str,
    notes: &mut Vec<String>,
) -> Result<()> {
    crate::store::validate_lineage_name(name)?;
    if store.renewal_config(name)?.is_some() {
        return Err(Error::Usage(format!(
            "certwright already manages a certificate named {name}"
        )));
    }
    let text = std::fs::read_to_string(file).map_err(Error::io(file))?;
    let conf = parse_renewal_conf(&text);
    let params = conf
        .sections
        .get("renewalparams")
        .cloned()
        .unwrap_or_default();
    let solver = match params.get("authenticator").map(String::as_str) {
        Some("standalone") => SolverConfig::Standalone {
            http_port: params.get("http01_port").and_then(|p| p.parse().ok()),
            http_address: params
                .get("http01_address")
                .filter(|a| !a.is_empty())
                .cloned(),
        },
        Some("webroot") => {
            let mut roots: Vec<String> = conf
                .sections
                .get("webroot_map")
                .map(|m| m.values().cloned().collect())
                .unwrap_or_default();
            roots.extend(
                params
                    .get("webroot_path")
                    .map(|v| list(v))
                    .unwrap_or_default(),
            );
            roots.sort();
            roots.dedup();
            let Some(first) = roots.first() else {
                return Err(Error::Unsupported(
                    "webroot authenticator without a webroot path".into(),
                ));
            };
            if roots.len() > 1 {
                notes.push(format!(
                    "several webroots ({}); certwright uses one: {first}",
                    roots.join(", ")
                ));
            }
            SolverConfig::Webroot {
                webroot: PathBuf::from(first),
            }
        }
        Some("nginx") => nginx_solver(&params),
        Some(other) => {
            return Err(Error::Unsupported(format!(
                "certbot authenticator `{other}` has no certwright equivalent; re-issue with --webroot or --standalone"
            )));
        }
        None => {
            return Err(Error::Unsupported(
                "the renewal file names no authenticator".into(),
            ));
        }
    };
    let path_of = |key: &str| -> Result<PathBuf> {
        conf.top
            .get(key)
            .map(PathBuf::from)
            .ok_or_else(|| Error::BadFile {
                path: file.to_path_buf(),
                reason: format!("no `{key}` path"),
            })
    };
    let read = |path: PathBuf| std::fs::read(&path).map_err(Error::io(&path));
    let cert = read(path_of("cert")?)?;
    let chain = read(path_of("chain")?)?;
    let fullchain = read(path_of("fullchain")?)?;
    let privkey = read(path_of("privkey")?)?;

    let leaf = crypto::split_pem_chain(&cert)?;
    let key = crypto::parse_private_key(&privkey, &path_of("privkey")?)?;
    let leaf_key = leaf[0]
        .public_key()
        .map_err(crypto::crypto("reading a certbot certificate"))?;
    if !leaf_key.public_eq(&key) {
        return Err(Error::BadCertificate {
            reason: "certbot's cert.pem and privkey.pem do not match".into(),
        });
    }
    let mut domains = crypto::certificate_names(&leaf[0]);
    if let Some(pos) = domains.iter().position(|d| d == name) {
        let first = domains.remove(pos);
        domains.insert(0, first);
    }
    let key_type = KeyType::of(&key).ok_or_else(|| {
        Error::Unsupported("the certificate key is of a type certwright does not issue".into())
    })?;
    let server = params
        .get("server")
        .cloned()
        .unwrap_or_else(|| crate::ca_servers::LETSENCRYPT.to_string());

    // certbot's hooks mean the same here (renew_hook is the old name of
    // deploy_hook) and see the same environment.
    let hook = |key: &str| params.get(key).filter(|v| !v.trim().is_empty()).cloned();
    let deploy_hook = hook("deploy_hook").or_else(|| hook("renew_hook"));
    let account = import_account(certbot_dir, store, &server, params.get("account"), notes)?;

    store.install(
        name,
        Pem {
            cert: &cert,
            chain: &chain,
            fullchain: &fullchain,
            privkey: &privkey,
        },
    )?;
    store.save_renewal_config(&RenewalConfig {
        name: name.to_string(),
        server,
        account,
        domains,
        key_type,
        reuse_key: params.get("reuse_key").is_some_and(|v| v == "True"),
        solver,
        ca_bundle: None,
        preferred_chain: params.get("preferred_chain").cloned(),
        profile: None,
        csr_path: None,
        key_path: None,
        revoked: false,
        renew_before: None,
        pre_hook: hook("pre_hook"),
        post_hook: hook("post_hook"),
        deploy_hook,
        installer: nginx_installer(&params, notes),
        certwright_version: env!("CARGO_PKG_VERSION").into(),
    })?;
    Ok(())
}

/// certbot's nginx plugin keeps its options (when not default) under the
/// names of its flags.
fn nginx_paths(params: &BTreeMap<String, String>) -> (PathBuf, PathBuf) {
    let get = |k: &str, default: &str| {
        PathBuf::from(
            params
                .get(k)
                .filter(|v| !v.is_empty())
                .map_or(default, String::as_str),
        )
    };
    (
        get("nginx_server_root", crate::nginx::ctl::DEFAULT_SERVER_ROOT),
        get("nginx_ctl", crate::nginx::ctl::DEFAULT_CTL),
    )
}

fn nginx_solver(params: &BTreeMap<String, String>) -> SolverConfig {
    let (server_root, ctl) = nginx_paths(params);
    SolverConfig::Nginx {
        server_root,
        ctl,
        http_port: params.get("http01_port").and_then(|p| p.parse().ok()),
    }
}

/// `installer = nginx`: renewals then point nginx's certificate lines at
/// certwright's live/ (certbot's own directory is never changed; nginx is
/// not touched by the import itself).
fn nginx_installer(
    params: &BTreeMap<String, String>,
    notes: &mut Vec<String>,
) -> Option<InstallerConfig> {
    if params.get("installer").map(String::as_str) != Some("nginx") {
        return None;
    }
    let (server_root, ctl) = nginx_paths(params);
    notes.push(
        "installer nginx: the next renewal (or `certwright install --nginx --cert-name NAME` now) points nginx at certwright's live/".into(),
    );
    Some(InstallerConfig::Nginx {
        server_root,
        ctl,
        http_port: params.get("http01_port").and_then(|p| p.parse().ok()),
        https_port: params
            .get("https_port")
            .and_then(|p| p.parse().ok())
            .unwrap_or(crate::nginx::edit::DEFAULT_HTTPS_PORT),
        redirect: false,
    })
}

/// Imports certbot's account `id` for `server`, returning certwright's id
/// for it. certbot keeps accounts in accounts/<host>/<path>/<id>/ with the
/// key as a JWK and the account URL in regr.json.
fn import_account(
    certbot_dir: &Path,
    store: &Store,
    server: &str,
    id: Option<&String>,
    notes: &mut Vec<String>,
) -> Result<String> {
    let Some(id) = id else {
        return Err(Error::Unsupported(
            "the renewal file names no account".into(),
        ));
    };
    let host_path = server.split_once("://").map(|(_, r)| r).unwrap_or(server);
    let dir = certbot_dir.join("accounts").join(host_path).join(id);
    let read_json = |file: &str| -> Result<serde_json::Value> {
        let path = dir.join(file);
        let data = std::fs::read(&path).map_err(Error::io(&path))?;
        serde_json::from_slice(&data).map_err(|e| Error::BadFile {
            path,
            reason: e.to_string(),
        })
    };
    let regr = read_json("regr.json")?;
    let url = regr["uri"].as_str().ok_or_else(|| Error::BadFile {
        path: dir.join("regr.json"),
        reason: "no account `uri`".into(),
    })?;
    let our_id = account_id(url);
    if store
        .accounts(server)?
        .iter()
        .any(|(existing, _)| *existing == our_id)
    {
        return Ok(our_id);
    }
    let key =
        jwk_to_private_key(&read_json("private_key.json")?).ok_or_else(|| Error::BadFile {
            path: dir.join("private_key.json"),
            reason: "not an RSA or EC private JWK".into(),
        })?;
    let contact = regr["body"]["contact"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    store.save_account(
        &our_id,
        &AccountRecord {
            url: url.to_string(),
            server: server.to_string(),
            contact,
            created: read_json("meta.json")
                .ok()
                .and_then(|m| m["creation_dt"].as_str().map(str::to_string))
                .unwrap_or_default(),
            terms_of_service: regr["terms_of_service"].as_str().map(str::to_string),
            deactivated: false,
        },
        &crypto::private_key_pem(&key)?,
    )?;
    notes.push(format!("imported certbot account {id} as {our_id}"));
    Ok(our_id)
}

/// RFC 7518 §6 private JWK (RSA with CRT parameters, or EC) to an OpenSSL key.
pub fn jwk_to_private_key(jwk: &serde_json::Value) -> Option<PKey<Private>> {
    let field = |name: &str| -> Option<BigNum> {
        let bytes = crate::acme::jws::b64_decode(jwk[name].as_str()?)?;
        BigNum::from_slice(&bytes).ok()
    };
    match jwk["kty"].as_str()? {
        "RSA" => {
            let rsa = openssl::rsa::Rsa::from_private_components(
                field("n")?,
                field("e")?,
                field("d")?,
                field("p")?,
                field("q")?,
                field("dp")?,
                field("dq")?,
                field("qi")?,
            )
            .ok()?;
            PKey::from_rsa(rsa).ok()
        }
        "EC" => {
            let nid = match jwk["crv"].as_str()? {
                "P-256" => openssl::nid::Nid::X9_62_PRIME256V1,
                "P-384" => openssl::nid::Nid::SECP384R1,
                _ => return None,
            };
            let group = openssl::ec::EcGroup::from_curve_name(nid).ok()?;
            let mut ctx = openssl::bn::BigNumContext::new().ok()?;
            let d = field("d")?;
            let mut public = openssl::ec::EcPoint::new(&group).ok()?;
            public.mul_generator2(&group, &d, &mut ctx).ok()?;
            let (x, y) = (field("x")?, field("y")?);
            let mut px = BigNum::new().ok()?;
            let mut py = BigNum::new().ok()?;
            public
                .affine_coordinates(&group, &mut px, &mut py, &mut ctx)
                .ok()?;
            if px != x || py != y {
                return None;
            }
            let ec = openssl::ec::EcKey::from_private_components(&group, &d, &public).ok()?;
            PKey::from_ec_key(ec).ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_certbot_renewal_files() {
        let conf = parse_renewal_conf(
            "# renew_before_expiry = 30 days\nversion = 2.1.0\narchive_dir = /etc/letsencrypt/archive/example.com\n\
             cert = /etc/letsencrypt/live/example.com/cert.pem\n\n# Options used in the renewal process\n\
             [renewalparams]\naccount = 0123abcd\nauthenticator = webroot\nwebroot_path = /var/www/html,\n\
             server = https://acme-v02.api.letsencrypt.org/directory\nkey_type = ecdsa\n\
             [[webroot_map]]\nexample.com = /var/www/html\nwww.example.com = /var/www/html\n",
        );
        assert_eq!(conf.top["version"], "2.1.0");
        assert_eq!(conf.sections["renewalparams"]["authenticator"], "webroot");
        assert_eq!(
            list(&conf.sections["renewalparams"]["webroot_path"]),
            vec!["/var/www/html"]
        );
        assert_eq!(
            conf.sections["webroot_map"]["www.example.com"],
            "/var/www/html"
        );
    }

    #[test]
    fn certbot_nginx_lineages_become_nginx_solver_and_installer() {
        let conf = parse_renewal_conf(
            "[renewalparams]\nauthenticator = nginx\ninstaller = nginx\nnginx_server_root = /srv/nginx\nhttps_port = 8443\n",
        );
        let params = &conf.sections["renewalparams"];
        assert_eq!(
            nginx_solver(params),
            SolverConfig::Nginx {
                server_root: "/srv/nginx".into(),
                ctl: "nginx".into(),
                http_port: None
            }
        );
        let mut notes = Vec::new();
        assert_eq!(
            nginx_installer(params, &mut notes),
            Some(InstallerConfig::Nginx {
                server_root: "/srv/nginx".into(),
                ctl: "nginx".into(),
                http_port: None,
                https_port: 8443,
                redirect: false,
            })
        );
        assert_eq!(notes.len(), 1);
        // `certbot certonly --nginx`: no installer.
        let conf = parse_renewal_conf("[renewalparams]\nauthenticator = nginx\n");
        assert_eq!(
            nginx_installer(&conf.sections["renewalparams"], &mut notes),
            None
        );
    }

    #[test]
    fn jwk_round_trips_for_rsa_and_ec() {
        for kt in [KeyType::Rsa2048, KeyType::EcdsaP256] {
            let key = kt.generate().unwrap();
            let jwk = private_jwk(&key);
            let back = jwk_to_private_key(&jwk).unwrap();
            assert!(back.public_eq(&key), "{kt}");
        }
        assert!(jwk_to_private_key(&serde_json::json!({"kty": "oct"})).is_none());
    }

    fn private_jwk(key: &PKey<Private>) -> serde_json::Value {
        use crate::acme::jws::b64;
        if let Ok(rsa) = key.rsa() {
            let f = |b: Option<&openssl::bn::BigNumRef>| b64(&b.unwrap().to_vec());
            serde_json::json!({"kty": "RSA", "n": b64(&rsa.n().to_vec()), "e": b64(&rsa.e().to_vec()),
                "d": b64(&rsa.d().to_vec()), "p": f(rsa.p()), "q": f(rsa.q()), "dp": f(rsa.dmp1()),
                "dq": f(rsa.dmq1()), "qi": f(rsa.iqmp())})
        } else {
            let ec = key.ec_key().unwrap();
            let mut ctx = openssl::bn::BigNumContext::new().unwrap();
            let (mut x, mut y) = (BigNum::new().unwrap(), BigNum::new().unwrap());
            ec.public_key()
                .affine_coordinates(ec.group(), &mut x, &mut y, &mut ctx)
                .unwrap();
            serde_json::json!({"kty": "EC", "crv": "P-256", "x": b64(&x.to_vec_padded(32).unwrap()),
                "y": b64(&y.to_vec_padded(32).unwrap()), "d": b64(&ec.private_key().to_vec_padded(32).unwrap())})
        }
    }
}
