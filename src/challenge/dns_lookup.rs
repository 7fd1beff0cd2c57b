//! The DNS side of the propagation check: a small synchronous stub client
//! (UDP, TCP when the answer is truncated) built on hickory-proto's message
//! encoding, and the [`Probe`] that asks for the expected TXT values.
//!
//! Like lego's precheck, it first follows CNAMEs on `_acme-challenge.<name>`
//! (delegated validation), then finds the zone of the final name by walking
//! up with SOA queries, asks for its NS set, and queries every one of those
//! authoritative servers directly, without recursion. The CA's resolvers
//! ask those servers too, so "visible at every one of them" is the earliest
//! moment validation can succeed no matter which one the CA reaches.
//! With `--dns-resolver` the one given server is asked instead, for
//! everything.

use super::dns_persist01::{ServerTxt, TxtAtAuthorities};
use super::propagation::{DNS_PORT, Expected, Missing, Probe, parse_server};
use crate::error::{Error, Result};
use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

/// One query's timeout (UDP is retried once within it).
const QUERY_TIMEOUT: Duration = Duration::from_secs(3);
/// Long enough for any real delegation chain, short enough to stop a loop.
const MAX_CNAME_HOPS: usize = 10;
const RESOLV_CONF: &str = "/etc/resolv.conf";

/// The `nameserver` lines of resolv.conf.
pub fn system_resolvers(resolv_conf: &str) -> Vec<SocketAddr> {
    resolv_conf
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some("nameserver"))
                .then(|| words.next())
                .flatten()
                // Strip an IPv6 zone (fe80::1%eth0): std cannot parse it.
                .and_then(|ip| ip.split('%').next()?.parse::<IpAddr>().ok())
                .map(|ip| SocketAddr::new(ip, DNS_PORT))
        })
        .collect()
}

/// One question and its answer, or why there is none.
fn query(
    server: SocketAddr,
    name: &Name,
    kind: RecordType,
    recursion: bool,
    timeout: Duration,
) -> std::result::Result<Message, String> {
    let mut request = Message::query();
    request.metadata.recursion_desired = recursion;
    request.add_query(Query::query(name.clone(), kind));
    let bytes = request
        .to_vec()
        .map_err(|e| format!("cannot encode the query: {e}"))?;
    let answer = exchange(server, &bytes, &request, timeout, AfterSilence::Resend)?;
    Message::from_vec(&answer).map_err(|e| format!("malformed answer: {e}"))
}

/// What to do when half the time has passed without a UDP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterSilence {
    /// Send the datagram again: one lost packet should not cost a whole
    /// probe, and asking twice is harmless.
    Resend,
    /// Ask over TCP instead: for DNS UPDATE, where a late second copy could
    /// re-add a value after its cleanup.
    Tcp,
}

/// Sends one DNS message to `server` and returns the raw answer whose ID
/// and question match the request (raw, so a TSIG over it can be checked):
/// UDP first, TCP when the answer is truncated.
pub fn exchange(
    server: SocketAddr,
    bytes: &[u8],
    request: &Message,
    timeout: Duration,
    after_silence: AfterSilence,
) -> std::result::Result<Vec<u8>, String> {
    let deadline = Instant::now() + timeout;
    let answer = exchange_udp(server, bytes, request, deadline, after_silence)?;
    let truncated = Message::from_vec(&answer).is_ok_and(|m| m.metadata.truncation);
    if truncated {
        return exchange_tcp(server, bytes, request, deadline)
            .map_err(|e| format!("TCP (after a truncated UDP answer): {e}"));
    }
    Ok(answer)
}

fn answers(request: &Message, answer: &[u8]) -> bool {
    Message::from_vec(answer).is_ok_and(|response| {
        response.metadata.id == request.metadata.id && response.queries == request.queries
    })
}

fn exchange_udp(
    server: SocketAddr,
    bytes: &[u8],
    request: &Message,
    deadline: Instant,
    after_silence: AfterSilence,
) -> std::result::Result<Vec<u8>, String> {
    let local: SocketAddr = if server.is_ipv6() {
        "[::]:0".parse().expect("static address")
    } else {
        "0.0.0.0:0".parse().expect("static address")
    };
    let socket = UdpSocket::bind(local).map_err(|e| e.to_string())?;
    socket.connect(server).map_err(|e| e.to_string())?;
    let halfway = Instant::now() + deadline.saturating_duration_since(Instant::now()) / 2;
    socket.send(bytes).map_err(|e| e.to_string())?;
    let mut retried = false;
    let mut buf = [0u8; 4096];
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Err("timed out".into());
        }
        let wait_until = if retried { deadline } else { halfway };
        let wait = wait_until
            .saturating_duration_since(now)
            .max(Duration::from_millis(1));
        socket
            .set_read_timeout(Some(wait))
            .map_err(|e| e.to_string())?;
        match socket.recv(&mut buf) {
            // Anything else on this port is a stray or spoofed packet.
            Ok(n) if answers(request, &buf[..n]) => return Ok(buf[..n].to_vec()),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if !retried && Instant::now() >= halfway {
                    retried = true;
                    match after_silence {
                        AfterSilence::Resend => {
                            socket.send(bytes).map_err(|e| e.to_string())?;
                        }
                        AfterSilence::Tcp => {
                            return exchange_tcp(server, bytes, request, deadline)
                                .map_err(|e| format!("no answer over UDP, and over TCP: {e}"));
                        }
                    }
                }
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}

fn exchange_tcp(
    server: SocketAddr,
    bytes: &[u8],
    request: &Message,
    deadline: Instant,
) -> std::result::Result<Vec<u8>, String> {
    let left = || {
        deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1))
    };
    let mut stream = TcpStream::connect_timeout(&server, left()).map_err(|e| e.to_string())?;
    let io = |e: std::io::Error| format!("TCP: {e}");
    stream.set_write_timeout(Some(left())).map_err(io)?;
    let length = u16::try_from(bytes.len()).map_err(|_| "message too long".to_string())?;
    let mut framed = length.to_be_bytes().to_vec();
    framed.extend_from_slice(bytes);
    stream.write_all(&framed).map_err(io)?;
    stream.set_read_timeout(Some(left())).map_err(io)?;
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).map_err(io)?;
    let mut body = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut body).map_err(io)?;
    if answers(request, &body) {
        Ok(body)
    } else {
        Err("the answer does not match the question".into())
    }
}

fn txt_values(response: &Message, name: &Name) -> BTreeSet<String> {
    response
        .answers
        .iter()
        .filter(|r| r.name == *name)
        .filter_map(|r| match &r.data {
            // A TXT value may be split into 255-byte strings; they join.
            RData::TXT(txt) => Some(
                txt.txt_data
                    .iter()
                    .map(|part| String::from_utf8_lossy(part).into_owned())
                    .collect::<String>(),
            ),
            _ => None,
        })
        .collect()
}

fn fqdn(name: &str) -> Result<Name> {
    let mut n = Name::from_ascii(name).map_err(|e| {
        Error::Solver(format!(
            "{name:?} is not a DNS name the propagation check can ask for: {e}"
        ))
    })?;
    n.set_fqdn(true);
    Ok(n)
}

fn display(name: &Name) -> String {
    name.to_ascii().trim_end_matches('.').to_string()
}

/// Walks up from `name` asking `ask` for SOA records; the first owner that
/// encloses `name` is its zone. With `authoritative`, only answers with the
/// AA bit count: the zones a primary itself serves.
pub fn soa_walk(
    name: &Name,
    authoritative: bool,
    mut ask: impl FnMut(&Name) -> std::result::Result<Message, String>,
) -> std::result::Result<Name, String> {
    let mut candidate = name.clone();
    loop {
        let response = ask(&candidate)?;
        let soa_owner = response
            .answers
            .iter()
            .chain(&response.authorities)
            .find(|r| matches!(r.data, RData::SOA(_)))
            .map(|r| r.name.clone());
        if let Some(owner) = soa_owner
            && owner.zone_of(name)
            && (response.metadata.authoritative || !authoritative)
        {
            return Ok(owner);
        }
        if candidate.is_root() {
            return Err(format!("no zone (SOA) found for {}", display(name)));
        }
        candidate = candidate.base_name();
    }
}

/// One question to one server, without recursion.
pub fn ask_server(
    server: SocketAddr,
    name: &Name,
    kind: RecordType,
    timeout: Duration,
) -> std::result::Result<Message, String> {
    query(server, name, kind, false, timeout)
}

/// One authoritative server of a zone: its name and addresses.
#[derive(Debug, Clone)]
struct NameServer {
    name: String,
    addrs: Vec<SocketAddr>,
}

/// Where to look for one expected name, found once and reused by every
/// probe (delegations do not change while we wait).
#[derive(Debug, Clone)]
struct Target {
    name: Name,
    via: Option<String>,
    servers: Vec<NameServer>,
}

/// The probe used for real runs.
pub struct DnsProbe {
    /// `--dns-resolver`: ask only this server, with recursion.
    direct: Option<SocketAddr>,
    /// Recursive resolvers for CNAME, SOA, NS and address lookups.
    recursive: Vec<SocketAddr>,
    /// Port of authoritative servers (53; tests use another).
    authoritative_port: u16,
    targets: BTreeMap<String, Target>,
}

impl DnsProbe {
    /// With `resolver`, asks only it; else the system's resolvers (from
    /// /etc/resolv.conf) lead to the authoritative servers.
    pub fn new(resolver: Option<&str>) -> Result<DnsProbe> {
        if let Some(r) = resolver {
            return Ok(DnsProbe {
                direct: Some(parse_server(r)?),
                recursive: Vec::new(),
                authoritative_port: DNS_PORT,
                targets: BTreeMap::new(),
            });
        }
        let conf = std::fs::read_to_string(RESOLV_CONF).map_err(Error::io(RESOLV_CONF))?;
        let recursive = system_resolvers(&conf);
        if recursive.is_empty() {
            return Err(Error::Usage(format!(
                "{RESOLV_CONF} lists no nameserver for the DNS propagation check; pass --dns-resolver ADDR"
            )));
        }
        Ok(DnsProbe::with_resolvers(recursive, DNS_PORT))
    }

    fn with_resolvers(recursive: Vec<SocketAddr>, authoritative_port: u16) -> DnsProbe {
        DnsProbe {
            direct: None,
            recursive,
            authoritative_port,
            targets: BTreeMap::new(),
        }
    }

    /// Asks the recursive resolvers in turn until one answers.
    fn recursive_query(
        &self,
        name: &Name,
        kind: RecordType,
        timeout: Duration,
    ) -> std::result::Result<Message, String> {
        let servers = match self.direct {
            Some(d) => vec![d],
            None => self.recursive.clone(),
        };
        let mut last = String::from("no resolver configured");
        for server in servers {
            match query(server, name, kind, true, timeout) {
                Ok(m) if m.metadata.response_code != ResponseCode::ServFail => return Ok(m),
                Ok(_) => last = format!("{server} answered SERVFAIL"),
                Err(e) => last = format!("{server}: {e}"),
            }
        }
        Err(last)
    }

    fn follow_cnames(
        &self,
        start: &Name,
        timeout: Duration,
    ) -> std::result::Result<(Name, Option<String>), String> {
        let mut current = start.clone();
        let mut seen = BTreeSet::from([current.to_ascii().to_ascii_lowercase()]);
        for _ in 0..MAX_CNAME_HOPS {
            let response = self.recursive_query(&current, RecordType::CNAME, timeout)?;
            let next = response.answers.iter().find_map(|r| match &r.data {
                RData::CNAME(target) if r.name == current => Some(target.0.clone()),
                _ => None,
            });
            let Some(next) = next else {
                let via = (current != *start).then(|| display(start));
                return Ok((current, via));
            };
            if !seen.insert(next.to_ascii().to_ascii_lowercase()) {
                return Err(format!("CNAME loop at {}", display(&next)));
            }
            current = next;
        }
        Err(format!(
            "more than {MAX_CNAME_HOPS} CNAMEs from {}",
            display(start)
        ))
    }

    /// The zone that holds `name`: the closest enclosing name with an SOA.
    fn find_zone(&self, name: &Name, timeout: Duration) -> std::result::Result<Name, String> {
        soa_walk(name, false, |candidate| {
            self.recursive_query(candidate, RecordType::SOA, timeout)
        })
    }

    fn name_servers(
        &self,
        zone: &Name,
        timeout: Duration,
    ) -> std::result::Result<Vec<NameServer>, String> {
        let response = self.recursive_query(zone, RecordType::NS, timeout)?;
        let names: BTreeSet<Name> = response
            .answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::NS(ns) if r.name == *zone => Some(ns.0.clone()),
                _ => None,
            })
            .collect();
        if names.is_empty() {
            return Err(format!("no NS records for the zone {}", display(zone)));
        }
        let mut servers = Vec::new();
        for ns in names {
            let mut addrs = Vec::new();
            // IPv4 first: hosts without IPv6 reach those.
            for kind in [RecordType::A, RecordType::AAAA] {
                if let Ok(resp) = self.recursive_query(&ns, kind, timeout) {
                    addrs.extend(resp.answers.iter().filter_map(|r| match &r.data {
                        RData::A(a) => {
                            Some(SocketAddr::new(IpAddr::V4(a.0), self.authoritative_port))
                        }
                        RData::AAAA(a) => {
                            Some(SocketAddr::new(IpAddr::V6(a.0), self.authoritative_port))
                        }
                        _ => None,
                    }));
                }
            }
            servers.push(NameServer {
                name: display(&ns),
                addrs,
            });
        }
        Ok(servers)
    }

    fn target(
        &mut self,
        expected_name: &str,
        timeout: Duration,
    ) -> std::result::Result<Target, String> {
        if let Some(t) = self.targets.get(expected_name) {
            return Ok(t.clone());
        }
        let start = fqdn(expected_name).map_err(|e| e.to_string())?;
        let (name, via) = self.follow_cnames(&start, timeout)?;
        let servers = match self.direct {
            Some(addr) => vec![NameServer {
                name: addr.to_string(),
                addrs: vec![addr],
            }],
            None => {
                let zone = self.find_zone(&name, timeout)?;
                self.name_servers(&zone, timeout)?
            }
        };
        let target = Target { name, via, servers };
        self.targets
            .insert(expected_name.to_string(), target.clone());
        Ok(target)
    }
}

/// The TXT values one server holds at one name (its first address that
/// answers), or what went wrong.
fn server_txt(
    server: &NameServer,
    name: &Name,
    recursion: bool,
    timeout: Duration,
) -> std::result::Result<BTreeSet<String>, String> {
    asked_txt(server, name, recursion, timeout).map_err(|(e, _)| e)
}

/// [`server_txt`], telling apart an error the server answered with (false)
/// from a server that could not be asked at all (true).
fn asked_txt(
    server: &NameServer,
    name: &Name,
    recursion: bool,
    timeout: Duration,
) -> std::result::Result<BTreeSet<String>, (String, bool)> {
    if server.addrs.is_empty() {
        return Err(("its address could not be resolved".into(), true));
    }
    let mut last_error = String::new();
    for addr in &server.addrs {
        match query(*addr, name, RecordType::TXT, recursion, timeout) {
            Ok(response) if response.metadata.response_code == ResponseCode::NoError => {
                return Ok(txt_values(&response, name));
            }
            // NXDOMAIN is an answer: nothing there (yet).
            Ok(response) if response.metadata.response_code == ResponseCode::NXDomain => {
                return Ok(BTreeSet::new());
            }
            Ok(response) => {
                return Err((
                    format!("answered {}", response.metadata.response_code),
                    false,
                ));
            }
            Err(e) => last_error = format!("{addr}: {e}"),
        }
    }
    Err((last_error, true))
}

/// What one server says about one name, compared with what must be there,
/// and whether the server could not be asked at all.
fn check_server(
    server: &NameServer,
    name: &Name,
    wanted: &BTreeSet<String>,
    recursion: bool,
    timeout: Duration,
) -> Option<(String, bool)> {
    let have = match asked_txt(server, name, recursion, timeout) {
        Ok(have) => have,
        Err(e) => return Some(e),
    };
    let absent: Vec<&String> = wanted.difference(&have).collect();
    if absent.is_empty() {
        return None;
    }
    Some((
        if have.is_empty() {
            "no TXT record yet".into()
        } else {
            format!(
                "{} of {} expected value(s) missing ({})",
                absent.len(),
                wanted.len(),
                absent
                    .iter()
                    .map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        false,
    ))
}

impl DnsProbe {
    /// How a server is named in messages.
    fn label(&self, server: &NameServer) -> String {
        match (self.direct, server.addrs.first()) {
            (None, Some(addr)) => format!("{} ({})", server.name, addr.ip()),
            _ => server.name.clone(),
        }
    }
}

/// dns-persist-01's check asks the same servers the same way.
impl TxtAtAuthorities for DnsProbe {
    fn txt_at_authorities(
        &mut self,
        name: &str,
        timeout: Duration,
    ) -> std::result::Result<Vec<ServerTxt>, String> {
        let target = self.target(name, timeout)?;
        Ok(target
            .servers
            .iter()
            .map(|server| ServerTxt {
                server: self.label(server),
                values: server_txt(server, &target.name, self.direct.is_some(), timeout),
            })
            .collect())
    }
}

/// The providers change the record where a CNAME leads, found the same way
/// the propagation check finds it.
/// Follows CNAMEs from a record name to where its TXT records really live.
pub trait CnameLookup: Send {
    fn record_target(&mut self, name: &str) -> Result<String>;
}

impl CnameLookup for DnsProbe {
    fn record_target(&mut self, name: &str) -> Result<String> {
        let start = fqdn(name)?;
        DnsProbe::follow_cnames(self, &start, QUERY_TIMEOUT)
            .map(|(target, _)| display(&target))
            .map_err(|e| {
                Error::Solver(format!(
                    "cannot look up a CNAME at {name} (delegated validation): {e}; check the resolver (--dns-resolver, or /etc/resolv.conf)"
                ))
            })
    }
}

impl Probe for DnsProbe {
    fn probe(&mut self, expected: &Expected, time_left: Duration) -> Vec<Missing> {
        // Bound each query by what is left, but give it a moment even on
        // the last probe, which runs with nothing left by design.
        let timeout = time_left.clamp(Duration::from_millis(500), QUERY_TIMEOUT);
        let mut missing = Vec::new();
        for (expected_name, wanted) in expected {
            let target = match self.target(expected_name, timeout) {
                Ok(t) => t,
                Err(e) => {
                    missing.push(Missing {
                        name: expected_name.clone(),
                        via: None,
                        server: self
                            .direct
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "the system resolver".into()),
                        detail: e,
                        cannot_check: true,
                    });
                    continue;
                }
            };
            for server in &target.servers {
                let label = self.label(server);
                if let Some((detail, cannot_check)) =
                    check_server(server, &target.name, wanted, self.direct.is_some(), timeout)
                {
                    missing.push(Missing {
                        name: display(&target.name),
                        via: target.via.clone(),
                        server: label,
                        detail,
                        cannot_check,
                    });
                }
            }
        }
        missing
    }
}

#[cfg(test)]
pub(crate) mod fake {
    //! A tiny DNS server for tests: answers from a closure, on UDP and TCP.
    use hickory_proto::op::{Message, ResponseCode};
    use hickory_proto::rr::{Name, Record, RecordType};
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpListener, UdpSocket};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    pub struct Answer {
        pub code: ResponseCode,
        pub answers: Vec<Record>,
        pub authorities: Vec<Record>,
        /// Set TC on UDP so the client must retry over TCP.
        pub truncate_udp: bool,
    }

    impl Answer {
        pub fn records(answers: Vec<Record>) -> Answer {
            Answer {
                code: ResponseCode::NoError,
                answers,
                authorities: Vec::new(),
                truncate_udp: false,
            }
        }
    }

    type Handler = Arc<dyn Fn(&Name, RecordType) -> Answer + Send + Sync>;

    pub struct FakeDns {
        pub addr: SocketAddr,
        stop: Arc<AtomicBool>,
    }

    impl Drop for FakeDns {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
        }
    }

    fn respond(handler: &Handler, request: &[u8], udp: bool) -> Option<Vec<u8>> {
        let request = Message::from_vec(request).ok()?;
        let q = request.queries.first()?;
        let answer = handler(&q.name, q.query_type);
        let mut response = Message::response(request.metadata.id, request.metadata.op_code);
        response.metadata.response_code = answer.code;
        response.metadata.authoritative = true;
        response.add_query(q.clone());
        if udp && answer.truncate_udp {
            response.metadata.truncation = true;
        } else {
            response.add_answers(answer.answers);
            response.add_authorities(answer.authorities);
        }
        response.to_vec().ok()
    }

    /// Serves on `ip`, port 0 (any) or the given one.
    pub fn start(
        ip: &str,
        port: u16,
        handler: impl Fn(&Name, RecordType) -> Answer + Send + Sync + 'static,
    ) -> FakeDns {
        let handler: Handler = Arc::new(handler);
        // A free UDP port may be taken for TCP by a parallel test: with
        // port 0, try again until both protocols get the same number.
        let (udp, addr, tcp) = (0..50)
            .find_map(|_| {
                let udp = UdpSocket::bind((ip, port)).ok()?;
                let addr = udp.local_addr().ok()?;
                let tcp = TcpListener::bind(addr).ok()?;
                Some((udp, addr, tcp))
            })
            .expect("a port free for both UDP and TCP");
        tcp.set_nonblocking(true).unwrap();
        udp.set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let s = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while !s.load(Ordering::SeqCst) {
                if let Ok((n, peer)) = udp.recv_from(&mut buf)
                    && let Some(out) = respond(&handler, &buf[..n], true)
                {
                    let _ = udp.send_to(&out, peer);
                }
                if let Ok((mut stream, _)) = tcp.accept() {
                    let _ = stream.set_nonblocking(false);
                    let mut len = [0u8; 2];
                    if stream.read_exact(&mut len).is_ok() {
                        let mut body = vec![0u8; usize::from(u16::from_be_bytes(len))];
                        if stream.read_exact(&mut body).is_ok()
                            && let Some(out) = respond(&handler, &body, false)
                        {
                            let mut framed = (out.len() as u16).to_be_bytes().to_vec();
                            framed.extend(out);
                            let _ = stream.write_all(&framed);
                        }
                    }
                }
            }
        });
        FakeDns { addr, stop }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::{Answer, start};
    use super::*;
    use hickory_proto::rr::Record;
    use hickory_proto::rr::rdata::{A, CNAME, NS, SOA, TXT};
    use std::net::Ipv4Addr;

    fn n(s: &str) -> Name {
        fqdn(s).unwrap()
    }

    fn txt(name: &str, values: &[&str]) -> Vec<Record> {
        values
            .iter()
            .map(|v| Record::from_rdata(n(name), 60, RData::TXT(TXT::new(vec![v.to_string()]))))
            .collect()
    }

    fn expected(pairs: &[(&str, &[&str])]) -> Expected {
        pairs
            .iter()
            .map(|(name, values)| {
                (
                    name.to_string(),
                    values.iter().map(|v| v.to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn resolver_addresses_parse() {
        assert_eq!(
            parse_server("192.0.2.1").unwrap(),
            "192.0.2.1:53".parse().unwrap()
        );
        assert_eq!(
            parse_server("192.0.2.1:5353").unwrap(),
            "192.0.2.1:5353".parse().unwrap()
        );
        assert_eq!(
            parse_server("2001:db8::1").unwrap(),
            "[2001:db8::1]:53".parse().unwrap()
        );
        assert_eq!(
            parse_server("[2001:db8::1]:54").unwrap(),
            "[2001:db8::1]:54".parse().unwrap()
        );
        assert!(parse_server("dns.example.com").is_err());
        let conf = "# comment\nsearch example.com\nnameserver 192.0.2.53\nnameserver fe80::1%eth0\noptions ndots:1\n";
        assert_eq!(
            system_resolvers(conf),
            vec![
                "192.0.2.53:53".parse().unwrap(),
                "[fe80::1]:53".parse().unwrap()
            ]
        );
    }

    #[test]
    fn direct_mode_sees_all_values_and_names_what_is_missing() {
        let server = start("127.0.0.1", 0, |name, kind| match kind {
            RecordType::TXT if *name == n("_acme-challenge.example.test") => {
                Answer::records(txt("_acme-challenge.example.test", &["one", "two"]))
            }
            _ => Answer::records(Vec::new()),
        });
        let mut probe = DnsProbe::new(Some(&server.addr.to_string())).unwrap();
        let ok = expected(&[("_acme-challenge.example.test", &["one", "two"])]);
        assert!(probe.probe(&ok, Duration::from_secs(2)).is_empty());
        let partly = expected(&[
            ("_acme-challenge.example.test", &["one", "three"]),
            ("_acme-challenge.other.test", &["x"]),
        ]);
        let missing = probe.probe(&partly, Duration::from_secs(2));
        assert_eq!(missing.len(), 2, "{missing:?}");
        assert_eq!(missing[0].name, "_acme-challenge.example.test");
        assert!(missing[0].detail.contains("three"), "{:?}", missing[0]);
        assert!(!missing[0].detail.contains("one"), "{:?}", missing[0]);
        assert_eq!(missing[1].detail, "no TXT record yet");
        assert_eq!(missing[1].server, server.addr.to_string());
    }

    #[test]
    fn truncated_udp_answers_are_retried_over_tcp() {
        let server = start("127.0.0.1", 0, |_, _| Answer {
            truncate_udp: true,
            ..Answer::records(txt("_acme-challenge.big.test", &["a", "b", "c"]))
        });
        let mut probe = DnsProbe::new(Some(&server.addr.to_string())).unwrap();
        let want = expected(&[("_acme-challenge.big.test", &["a", "b", "c"])]);
        assert_eq!(probe.probe(&want, Duration::from_secs(2)), Vec::new());
    }

    #[test]
    fn an_unreachable_server_counts_as_missing_within_the_time_left() {
        // A bound socket that never answers.
        let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
        let mut probe = DnsProbe::new(Some(&silent.local_addr().unwrap().to_string())).unwrap();
        let started = Instant::now();
        let missing = probe.probe(
            &expected(&[("_acme-challenge.example.test", &["v"])]),
            Duration::from_millis(600),
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(missing.len(), 1);
        assert!(missing[0].detail.contains("timed out"), "{:?}", missing[0]);
    }

    /// The full walk: a CNAME delegates the record into another zone, whose
    /// SOA is found by walking up, whose two name servers are asked
    /// directly; the one that lacks a value is named.
    #[test]
    fn follows_cnames_and_asks_every_authoritative_server() {
        // Both authoritative servers on one port, as real ones share 53.
        let ns1 = start("127.0.0.2", 0, |name, kind| match kind {
            RecordType::TXT if *name == n("_acme-challenge.validation.test") => {
                Answer::records(txt("_acme-challenge.validation.test", &["v1", "v2"]))
            }
            _ => Answer::records(Vec::new()),
        });
        let port = ns1.addr.port();
        let ns2 = start("127.0.0.3", port, |name, kind| match kind {
            RecordType::TXT if *name == n("_acme-challenge.validation.test") => {
                Answer::records(txt("_acme-challenge.validation.test", &["v1"]))
            }
            _ => Answer::records(Vec::new()),
        });
        let queries = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = Arc::clone(&queries);
        let recursive = start("127.0.0.1", 0, move |name, kind| {
            log.lock().unwrap().push((name.to_ascii(), kind));
            let soa = |owner: &str| {
                Record::from_rdata(
                    n(owner),
                    60,
                    RData::SOA(SOA::new(
                        n("ns1.validation.test"),
                        n("admin.validation.test"),
                        1,
                        1,
                        1,
                        1,
                        1,
                    )),
                )
            };
            match (name.to_ascii().as_str(), kind) {
                ("_acme-challenge.example.test.", RecordType::CNAME) => {
                    Answer::records(vec![Record::from_rdata(
                        name.clone(),
                        60,
                        RData::CNAME(CNAME(n("_acme-challenge.validation.test"))),
                    )])
                }
                // No SOA at the record's own name: NXDOMAIN-ish with no
                // authority section, so the client must walk up.
                ("_acme-challenge.validation.test.", RecordType::SOA) => Answer {
                    code: ResponseCode::NoError,
                    ..Answer::records(Vec::new())
                },
                ("validation.test.", RecordType::SOA) => {
                    Answer::records(vec![soa("validation.test")])
                }
                ("validation.test.", RecordType::NS) => Answer::records(vec![
                    Record::from_rdata(name.clone(), 60, RData::NS(NS(n("ns1.validation.test")))),
                    Record::from_rdata(name.clone(), 60, RData::NS(NS(n("ns2.validation.test")))),
                ]),
                ("ns1.validation.test.", RecordType::A) => {
                    Answer::records(vec![Record::from_rdata(
                        name.clone(),
                        60,
                        RData::A(A(Ipv4Addr::new(127, 0, 0, 2))),
                    )])
                }
                ("ns2.validation.test.", RecordType::A) => {
                    Answer::records(vec![Record::from_rdata(
                        name.clone(),
                        60,
                        RData::A(A(Ipv4Addr::new(127, 0, 0, 3))),
                    )])
                }
                _ => Answer::records(Vec::new()),
            }
        });
        let mut probe = DnsProbe::with_resolvers(vec![recursive.addr], port);
        let want = expected(&[("_acme-challenge.example.test", &["v1", "v2"])]);
        let missing = probe.probe(&want, Duration::from_secs(2));
        assert_eq!(missing.len(), 1, "{missing:?}");
        let m = &missing[0];
        assert_eq!(m.name, "_acme-challenge.validation.test");
        assert_eq!(m.via.as_deref(), Some("_acme-challenge.example.test"));
        assert_eq!(m.server, "ns2.validation.test (127.0.0.3)");
        assert!(m.detail.contains("v2") && !m.detail.contains("v1"), "{m:?}");
        let text = m.to_string();
        assert!(
            text.contains("CNAME target of _acme-challenge.example.test"),
            "{text}"
        );

        // The walk is done once; later probes only ask for the TXT records.
        let walked = queries.lock().unwrap().len();
        probe.probe(&want, Duration::from_secs(2));
        assert_eq!(queries.lock().unwrap().len(), walked, "discovery is cached");
        drop((ns1, ns2));
    }

    #[test]
    fn cname_loops_are_reported() {
        let server = start("127.0.0.1", 0, |name, kind| {
            let target = if name.to_ascii().starts_with("_acme-challenge.a") {
                "_acme-challenge.b.test"
            } else {
                "_acme-challenge.a.test"
            };
            match kind {
                RecordType::CNAME => Answer::records(vec![Record::from_rdata(
                    name.clone(),
                    60,
                    RData::CNAME(CNAME(n(target))),
                )]),
                _ => Answer::records(Vec::new()),
            }
        });
        let mut probe = DnsProbe::new(Some(&server.addr.to_string())).unwrap();
        let missing = probe.probe(
            &expected(&[("_acme-challenge.a.test", &["v"])]),
            Duration::from_secs(2),
        );
        assert!(missing[0].detail.contains("CNAME loop"), "{missing:?}");
    }

    use std::sync::Arc;
}
