//! `powerdns`: the PowerDNS Authoritative HTTP API (`/api/v1`).
//!
//! The API changes whole RRsets only (PATCH with `changetype` REPLACE or
//! DELETE), so adding a value reads the current TXT RRset and writes it
//! back with ours added; cleanup writes it back without ours, or deletes
//! it when ours was the last. Values others put there (another client, a
//! name's wildcard) stay. The zone comes from the server's own zone list:
//! the longest zone name the record name ends with.

use super::credentials::Credentials;
use super::{DnsProvider, RECORD_TTL, REQUEST_TIMEOUT, Registration};
use crate::error::{Error, Result};
use serde::Deserialize;
use serde_json::json;
use std::path::PathBuf;

pub const PROVIDER: Registration = Registration {
    name: "powerdns",
    about: "the PowerDNS Authoritative HTTP API",
    env: &["PDNS_API_URL", "PDNS_API_KEY", "PDNS_SERVER_NAME"],
    open,
};

const DEFAULT_SERVER_ID: &str = "localhost";
/// What PowerDNS answers with, at most (a zone's RRsets can be large).
const MAX_BODY: u64 = 64 * 1024 * 1024;

#[derive(Deserialize)]
struct Zone {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct ZoneDetail {
    #[serde(default)]
    rrsets: Vec<RrSet>,
}

#[derive(Deserialize)]
struct RrSet {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    ttl: Option<u32>,
    #[serde(default)]
    records: Vec<RecordEntry>,
}

#[derive(Deserialize, Clone)]
struct RecordEntry {
    content: String,
    #[serde(default)]
    disabled: bool,
}

pub struct PowerDns {
    /// `…/api/v1/servers/{server_id}`, no trailing slash.
    base: String,
    api_key: String,
    source: String,
    agent: ureq::Agent,
    zones: Option<Vec<Zone>>,
}

fn open(c: &Credentials) -> Result<Box<dyn DnsProvider>> {
    Ok(Box::new(PowerDns::from_credentials(c)?))
}

/// Keeps what may stand in a URL path segment; PowerDNS zone IDs are
/// names with `=XX` escapes, which pass unchanged.
fn path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'=' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A TXT record's content as PowerDNS stores it: one quoted string.
fn quoted(value: &str) -> String {
    format!("\"{value}\"")
}

fn absolute(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.').to_ascii_lowercase())
}

impl PowerDns {
    pub fn from_credentials(c: &Credentials) -> Result<PowerDns> {
        let url = c.require(&["api_url"], &["PDNS_API_URL"])?;
        let api_key = c.require(&["api_key"], &["PDNS_API_KEY"])?.to_string();
        let server_id = c
            .get(&["server_id"], &["PDNS_SERVER_NAME"])
            .unwrap_or(DEFAULT_SERVER_ID);
        let ca_bundle = c.get(&["ca_bundle"], &[]).map(PathBuf::from);
        let url = url.trim().trim_end_matches('/');
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::Usage(format!(
                "api_url {url:?} in {} is not an http:// or https:// URL (e.g. http://127.0.0.1:8081)",
                c.source()
            )));
        }
        // lego's PDNS_API_URL is the server's root; accept the API's too.
        let root = url.strip_suffix("/api/v1").unwrap_or(url);
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(concat!("certwright/", env!("CARGO_PKG_VERSION")))
            .timeout_global(Some(REQUEST_TIMEOUT))
            .build();
        let agent = crate::acme::tls::agent(config, ca_bundle.as_deref())?;
        Ok(PowerDns {
            base: format!("{root}/api/v1/servers/{}", path_segment(server_id)),
            api_key,
            source: c.source(),
            agent,
            zones: None,
        })
    }

    /// A request's status and body; a PowerDNS error becomes a message
    /// with its `error` field.
    fn call(&self, method: &str, url: &str, body: Option<serde_json::Value>) -> Result<String> {
        let fail = |detail: String| Error::Solver(format!("PowerDNS {method} {url}: {detail}"));
        let result = match (method, body) {
            ("PATCH", Some(body)) => self
                .agent
                .patch(url)
                .header("X-API-Key", &self.api_key)
                .header("Content-Type", "application/json")
                .send(body.to_string().as_bytes()),
            _ => self
                .agent
                .get(url)
                .header("X-API-Key", &self.api_key)
                .call(),
        };
        let mut response = result.map_err(|e| fail(e.to_string()))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_string()
            .unwrap_or_default();
        if (200..300).contains(&status) {
            return Ok(text);
        }
        let detail = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
            .unwrap_or_else(|| text.chars().take(300).collect());
        let hint = match status {
            401 | 403 => format!(": check api_key in {}", self.source),
            404 if url == self.zones_url() => format!(
                ": check api_url and server_id in {} (the server ID is usually \"localhost\")",
                self.source
            ),
            _ => String::new(),
        };
        Err(fail(format!("HTTP {status}: {detail}{hint}")))
    }

    fn zones_url(&self) -> String {
        format!("{}/zones", self.base)
    }

    fn zone_url(&self, zone_id: &str) -> String {
        format!("{}/zones/{}", self.base, path_segment(zone_id))
    }

    fn zone_id(&mut self, zone: &str) -> Result<String> {
        self.find_zone(zone)?;
        let wanted = absolute(zone);
        self.zones
            .as_ref()
            .and_then(|zones| zones.iter().find(|z| absolute(&z.name) == wanted))
            .map(|z| z.id.clone())
            .ok_or_else(|| Error::Solver(format!("PowerDNS has no zone {zone}")))
    }

    /// The TXT RRset at `fqdn`: its TTL and records (empty when none).
    fn current(&self, zone_id: &str, fqdn: &str) -> Result<(Option<u32>, Vec<RecordEntry>)> {
        let name = absolute(fqdn);
        // rrset_name/rrset_type only narrow the answer (PowerDNS 4.8+); older
        // servers send the whole zone, filtered here either way.
        let url = format!(
            "{}?rrset_name={}&rrset_type=TXT",
            self.zone_url(zone_id),
            path_segment(&name)
        );
        let text = self.call("GET", &url, None)?;
        let zone: ZoneDetail = serde_json::from_str(&text)
            .map_err(|e| Error::Solver(format!("PowerDNS GET {url}: not a zone document: {e}")))?;
        Ok(zone
            .rrsets
            .into_iter()
            .find(|r| absolute(&r.name) == name && r.kind.eq_ignore_ascii_case("TXT"))
            .map(|r| (r.ttl, r.records))
            .unwrap_or_default())
    }

    fn write(
        &self,
        zone_id: &str,
        fqdn: &str,
        ttl: Option<u32>,
        records: &[RecordEntry],
    ) -> Result<()> {
        let rrset = if records.is_empty() {
            json!({"name": absolute(fqdn), "type": "TXT", "changetype": "DELETE"})
        } else {
            json!({
                "name": absolute(fqdn),
                "type": "TXT",
                "ttl": ttl.unwrap_or(RECORD_TTL),
                "changetype": "REPLACE",
                "records": records
                    .iter()
                    .map(|r| json!({"content": r.content, "disabled": r.disabled}))
                    .collect::<Vec<_>>(),
            })
        };
        self.call(
            "PATCH",
            &self.zone_url(zone_id),
            Some(json!({ "rrsets": [rrset] })),
        )
        .map(drop)
    }
}

impl DnsProvider for PowerDns {
    fn kind(&self) -> &'static str {
        PROVIDER.name
    }

    fn find_zone(&mut self, fqdn: &str) -> Result<String> {
        if self.zones.is_none() {
            let url = self.zones_url();
            let text = self.call("GET", &url, None)?;
            let zones: Vec<Zone> = serde_json::from_str(&text).map_err(|e| {
                Error::Solver(format!("PowerDNS GET {url}: not a list of zones: {e}"))
            })?;
            self.zones = Some(zones);
        }
        let name = absolute(fqdn);
        self.zones
            .as_ref()
            .into_iter()
            .flatten()
            .map(|z| absolute(&z.name))
            .filter(|z| name == *z || name.ends_with(&format!(".{z}")))
            .max_by_key(String::len)
            .map(|z| z.trim_end_matches('.').to_string())
            .ok_or_else(|| {
                Error::Solver(format!(
                    "PowerDNS at {} has no zone that holds {fqdn}: create it, or give this name another provider",
                    self.base
                ))
            })
    }

    fn present(&mut self, zone: &str, fqdn: &str, value: &str) -> Result<()> {
        let id = self.zone_id(zone)?;
        let (ttl, mut records) = self.current(&id, fqdn)?;
        let content = quoted(value);
        if records.iter().any(|r| r.content == content) {
            return Ok(());
        }
        records.push(RecordEntry {
            content,
            disabled: false,
        });
        self.write(&id, fqdn, ttl, &records)
    }

    fn cleanup(&mut self, zone: &str, fqdn: &str, value: &str) -> Result<()> {
        let id = self.zone_id(zone)?;
        let (ttl, records) = self.current(&id, fqdn)?;
        let content = quoted(value);
        if !records.iter().any(|r| r.content == content) {
            return Ok(());
        }
        let kept: Vec<RecordEntry> = records
            .into_iter()
            .filter(|r| r.content != content)
            .collect();
        self.write(&id, fqdn, ttl, &kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};

    /// A one-thread HTTP server that plays PowerDNS: a zone list, one TXT
    /// RRset it keeps, and PATCHes applied to it; every request logged.
    struct FakePdns {
        url: String,
        log: Arc<Mutex<Vec<String>>>,
    }

    fn fake(key: &'static str, initial: Vec<&'static str>) -> FakePdns {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut records: Vec<String> = initial.into_iter().map(String::from).collect();
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let (mut length, mut api_key) = (0, String::new());
                loop {
                    let mut h = String::new();
                    reader.read_line(&mut h).unwrap();
                    let h = h.trim_end();
                    if h.is_empty() {
                        break;
                    }
                    let (k, v) = h.split_once(':').unwrap();
                    match k.to_ascii_lowercase().as_str() {
                        "content-length" => length = v.trim().parse().unwrap(),
                        "x-api-key" => api_key = v.trim().to_string(),
                        _ => {}
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let body = String::from_utf8(body).unwrap();
                let request = line
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ");
                sink.lock()
                    .unwrap()
                    .push(format!("{request} {body}").trim().to_string());
                let (status, reply) = if api_key != key {
                    (401, json!({"error": "Unauthorized"}).to_string())
                } else if request.ends_with(
                    "/zones/example.test.?rrset_name=_acme-challenge.example.test.&rrset_type=TXT",
                ) {
                    let rrsets = if records.is_empty() {
                        json!([])
                    } else {
                        json!([{"name": "_acme-challenge.example.test.", "type": "TXT", "ttl": 120,
                            "records": records.iter().map(|c| json!({"content": c, "disabled": false})).collect::<Vec<_>>()}])
                    };
                    (
                        200,
                        json!({"id": "example.test.", "rrsets": rrsets}).to_string(),
                    )
                } else if request == "GET /api/v1/servers/localhost/zones" {
                    (
                        200,
                        json!([{"id": "example.test.", "name": "example.test."},
                                 {"id": "sub.example.test.", "name": "sub.example.test."}])
                        .to_string(),
                    )
                } else if request.starts_with("PATCH /api/v1/servers/localhost/zones/example.test.")
                {
                    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                    let rrset = &v["rrsets"][0];
                    records = match rrset["changetype"].as_str().unwrap() {
                        "DELETE" => Vec::new(),
                        _ => rrset["records"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|r| r["content"].as_str().unwrap().to_string())
                            .collect(),
                    };
                    (204, String::new())
                } else {
                    (
                        422,
                        json!({"error": "Could not find domain 'nope.'"}).to_string(),
                    )
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            }
        });
        FakePdns { url, log }
    }

    fn provider(url: &str, key: &str) -> PowerDns {
        PowerDns::from_credentials(&Credentials::from_parts(
            Some(std::path::Path::new("/etc/certwright/pdns.toml")),
            &[("api_url", url), ("api_key", key)],
            &[],
        ))
        .unwrap()
    }

    /// Other values survive both the add and the cleanup; the last of ours
    /// leaving deletes the RRset.
    #[test]
    fn values_are_added_and_removed_one_at_a_time() {
        let server = fake("k", vec!["\"someone-else\""]);
        let mut p = provider(&server.url, "k");
        assert_eq!(
            p.find_zone("_acme-challenge.example.test").unwrap(),
            "example.test"
        );
        assert_eq!(
            p.find_zone("_acme-challenge.www.sub.example.test").unwrap(),
            "sub.example.test"
        );
        assert!(p.find_zone("_acme-challenge.example.org").is_err());
        p.present("example.test", "_acme-challenge.example.test", "v1")
            .unwrap();
        p.present("example.test", "_acme-challenge.example.test", "v2")
            .unwrap();
        p.cleanup("example.test", "_acme-challenge.example.test", "v1")
            .unwrap();
        p.cleanup("example.test", "_acme-challenge.example.test", "v2")
            .unwrap();
        let log = server.log.lock().unwrap().clone();
        let patches: Vec<&String> = log.iter().filter(|l| l.starts_with("PATCH")).collect();
        assert_eq!(patches.len(), 4, "{log:#?}");
        assert!(
            patches[1].contains(r#"\"someone-else\""#)
                && patches[1].contains(r#"\"v1\""#)
                && patches[1].contains(r#"\"v2\""#),
            "{}",
            patches[1]
        );
        assert!(
            patches[1].contains("\"ttl\":120"),
            "the RRset's TTL is kept: {}",
            patches[1]
        );
        assert!(
            !patches[3].contains("v2") && patches[3].contains("someone-else"),
            "{}",
            patches[3]
        );
        assert!(!patches.iter().any(|p| p.contains("DELETE")));
        // Only one zone list for all of that.
        assert_eq!(log.iter().filter(|l| l.ends_with("/zones")).count(), 1);
    }

    #[test]
    fn the_last_value_leaving_deletes_the_rrset() {
        let server = fake("k", vec![]);
        let mut p = provider(&server.url, "k");
        p.present("example.test", "_acme-challenge.example.test", "v1")
            .unwrap();
        p.cleanup("example.test", "_acme-challenge.example.test", "v1")
            .unwrap();
        let log = server.log.lock().unwrap().clone();
        assert!(
            log.last().unwrap().contains(r#""changetype":"DELETE""#),
            "{log:#?}"
        );
    }

    #[test]
    fn errors_show_powerdns_error_field_and_what_to_check() {
        let server = fake("right", vec![]);
        let mut p = provider(&server.url, "wrong");
        let err = p
            .find_zone("_acme-challenge.example.test")
            .unwrap_err()
            .to_string();
        assert!(err.contains("HTTP 401: Unauthorized"), "{err}");
        assert!(
            err.contains("check api_key in /etc/certwright/pdns.toml"),
            "{err}"
        );
        assert!(!err.contains("wrong"), "the key leaked: {err}");
        let mut p = provider(&server.url, "right");
        p.zones = Some(vec![Zone {
            id: "nope.".into(),
            name: "nope.".into(),
        }]);
        let err = p
            .present("nope", "_acme-challenge.nope", "v")
            .unwrap_err()
            .to_string();
        assert!(err.contains("Could not find domain 'nope.'"), "{err}");
    }

    #[test]
    fn the_api_url_may_be_the_root_or_the_api() {
        let a = provider("http://127.0.0.1:8081/", "k");
        let b = provider("http://127.0.0.1:8081/api/v1", "k");
        assert_eq!(a.base, "http://127.0.0.1:8081/api/v1/servers/localhost");
        assert_eq!(a.base, b.base);
        assert_eq!(path_segment("a b/c"), "a%20b%2Fc");
        let bad = PowerDns::from_credentials(&Credentials::from_parts(
            None,
            &[],
            &[("PDNS_API_URL", "127.0.0.1:8081"), ("PDNS_API_KEY", "k")],
        ));
        assert!(bad.err().unwrap().to_string().contains("not an http"));
    }
}
