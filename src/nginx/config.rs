//! The effective configuration of an nginx: every file `nginx -T` printed,
//! parsed, with `include`s resolved the way nginx resolves them (relative
//! to the directory of the main file, globs expanded in byte order), and
//! the `server` blocks of the `http` context with the file and byte range
//! that hold them.

use super::parser::{self, Directive, Parsed, line_of};
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::net::IpAddr;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What `nginx -T` prints before each file.
const DUMP_HEADER: &[u8] = b"# configuration file ";
/// nginx's default when a server block has no `listen` (as root).
pub const DEFAULT_LISTEN_PORT: u16 = 80;
/// Includes nested deeper than this are a loop (nginx itself has no limit
/// but runs out of file descriptors).
const MAX_INCLUDE_DEPTH: usize = 32;

/// Splits `nginx -T`'s standard output into (path, contents). nginx writes
/// the header line, the file's bytes, then one line feed. A file that
/// itself contains a header-like line cannot be split by searching, so
/// where `read` gives the file's current contents and they fit at this
/// point of the dump, they decide where the section ends.
pub fn split_dump(
    dump: &[u8],
    read: impl Fn(&Path) -> Option<Vec<u8>>,
) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let malformed =
        |reason: String| Error::Solver(format!("cannot read `nginx -T`'s output: {reason}"));
    let mut sections = Vec::new();
    let mut pos = match find(dump, DUMP_HEADER, 0) {
        Some(0) => 0,
        Some(p) if dump[p - 1] == b'\n' => p,
        _ => return Err(malformed("it has no \"# configuration file\" line".into())),
    };
    while pos < dump.len() {
        if !dump[pos..].starts_with(DUMP_HEADER) {
            return Err(malformed(format!(
                "expected a \"# configuration file\" line at byte {pos}"
            )));
        }
        let line_end = find(dump, b"\n", pos)
            .ok_or_else(|| malformed("the last header line is cut".into()))?;
        let header = &dump[pos + DUMP_HEADER.len()..line_end];
        let Some(name) = header.strip_suffix(b":") else {
            return Err(malformed(format!(
                "header {:?} does not end in ':'",
                String::from_utf8_lossy(header)
            )));
        };
        let path = PathBuf::from(std::ffi::OsStr::from_encoded_bytes_checked(name));
        let start = line_end + 1;
        let fits = |len: usize| {
            let end = start + len;
            dump.len() > end
                && dump[end] == b'\n'
                && (end + 1 == dump.len() || dump[end + 1..].starts_with(DUMP_HEADER))
        };
        let end = match read(&path) {
            Some(disk) if dump[start..].starts_with(&disk) && fits(disk.len()) => {
                start + disk.len()
            }
            _ => {
                let mut at = start;
                loop {
                    match find(dump, b"\n", at) {
                        Some(nl) if nl + 1 == dump.len() => break nl,
                        Some(nl) if dump[nl + 1..].starts_with(DUMP_HEADER) => break nl,
                        Some(nl) => at = nl + 1,
                        None => {
                            return Err(malformed(format!(
                                "the section of {} does not end in a line feed",
                                path.display()
                            )));
                        }
                    }
                }
            }
        };
        sections.push((path, dump[start..end].to_vec()));
        pos = end + 1;
    }
    Ok(sections)
}

trait FromBytes {
    fn from_encoded_bytes_checked(bytes: &[u8]) -> std::ffi::OsString;
}

impl FromBytes for std::ffi::OsStr {
    fn from_encoded_bytes_checked(bytes: &[u8]) -> std::ffi::OsString {
        use std::os::unix::ffi::OsStrExt;
        std::ffi::OsStr::from_bytes(bytes).to_os_string()
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// One file of the configuration as nginx read it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as nginx named it (a symlink stays a symlink).
    pub path: PathBuf,
    pub text: Vec<u8>,
    pub parsed: Parsed,
}

impl SourceFile {
    pub fn line(&self, offset: usize) -> usize {
        line_of(&self.text, offset)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ListenAddr {
    /// `listen 80`, `listen *:80`, `listen 0.0.0.0:80`.
    AnyV4,
    /// `listen [::]:80`.
    AnyV6,
    Ip(IpAddr),
    /// A host name nginx resolved at startup.
    Host(String),
    Unix(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    pub addr: ListenAddr,
    pub port: u16,
    pub ssl: bool,
    pub default_server: bool,
    /// Connections start with a PROXY protocol header: no plain request
    /// can be sent to check it.
    pub proxy_protocol: bool,
    /// Where it is written; `None` for the implied `listen 80` of a block
    /// without any.
    pub at: Option<(usize, Range<usize>)>,
}

impl Listen {
    pub fn is_ipv6(&self) -> bool {
        matches!(self.addr, ListenAddr::AnyV6 | ListenAddr::Ip(IpAddr::V6(_)))
    }
}

/// A directive and the file that holds it.
#[derive(Debug, Clone)]
pub struct Located {
    pub file: usize,
    pub directive: Directive,
}

/// A `server { }` block of the `http` context.
#[derive(Debug, Clone)]
pub struct ServerBlock {
    /// The file that holds the block (index into [`Config::files`]).
    pub file: usize,
    pub directive: Directive,
    /// Its position among the http server blocks: nginx's order, which
    /// decides the default server and which regex wins.
    pub order: usize,
    /// `server_name` values, lower-cased as nginx stores them; `[""]` when
    /// the block has none.
    pub names: Vec<String>,
    pub listens: Vec<Listen>,
    /// Server-level directives, includes expanded.
    pub directives: Vec<Located>,
}

impl ServerBlock {
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Located> + 'a {
        self.directives.iter().filter(move |d| d.directive.is(name))
    }

    pub fn listens_on(&self, port: u16) -> bool {
        self.listens.iter().any(|l| l.port == port)
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The main file (`-c`).
    pub conf_path: PathBuf,
    pub files: Vec<SourceFile>,
    pub servers: Vec<ServerBlock>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Main,
    Http,
    Server(usize),
    Other,
}

struct Loader<'a> {
    conf_dir: PathBuf,
    sources: &'a HashMap<PathBuf, Vec<u8>>,
    files: Vec<SourceFile>,
    index: HashMap<PathBuf, usize>,
    servers: Vec<ServerBlock>,
}

impl Config {
    /// Builds the configuration from `nginx -T`'s sections; every file an
    /// include names must be among them.
    pub fn from_sections(conf_path: &Path, sections: Vec<(PathBuf, Vec<u8>)>) -> Result<Config> {
        let sources: HashMap<PathBuf, Vec<u8>> = sections.into_iter().collect();
        let conf_dir = conf_path.parent().unwrap_or(Path::new("/")).to_path_buf();
        let mut loader = Loader {
            conf_dir,
            sources: &sources,
            files: Vec::new(),
            index: HashMap::new(),
            servers: Vec::new(),
        };
        let main = loader.load(conf_path)?;
        let directives = loader.files[main].parsed.directives.clone();
        loader.walk(main, &directives, Context::Main, 0)?;
        Ok(Config {
            conf_path: conf_path.to_path_buf(),
            files: loader.files,
            servers: loader.servers,
        })
    }

    /// "FILE:LINE" of a server block, for messages.
    pub fn where_is(&self, server: &ServerBlock) -> String {
        let file = &self.files[server.file];
        format!(
            "{}:{}",
            file.path.display(),
            file.line(server.directive.span.start)
        )
    }

    /// The files that were read, for "where certwright looked".
    pub fn file_list(&self) -> Vec<&Path> {
        self.files.iter().map(|f| f.path.as_path()).collect()
    }
}

impl Loader<'_> {
    fn load(&mut self, path: &Path) -> Result<usize> {
        if let Some(&i) = self.index.get(path) {
            return Ok(i);
        }
        let text = match self.sources.get(path) {
            Some(t) => t.clone(),
            None => {
                // nginx prints the path as the glob produced it; tolerate a
                // spelling difference (`//`, `./`) by comparing real paths.
                let real = std::fs::canonicalize(path).ok();
                let found = self
                    .sources
                    .iter()
                    .find(|(p, _)| real.is_some() && std::fs::canonicalize(p).ok() == real);
                match found {
                    Some((_, t)) => t.clone(),
                    None => {
                        return Err(Error::Solver(format!(
                            "{} is included by the nginx configuration but `nginx -T` did not show it; certwright reads only what nginx itself read",
                            path.display()
                        )));
                    }
                }
            }
        };
        let parsed = parser::parse(&text).map_err(|e| Error::BadFile {
            path: path.to_path_buf(),
            reason: format!("cannot parse the nginx configuration: {e}"),
        })?;
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            text,
            parsed,
        });
        let i = self.files.len() - 1;
        self.index.insert(path.to_path_buf(), i);
        Ok(i)
    }

    fn walk(
        &mut self,
        file: usize,
        directives: &[Directive],
        ctx: Context,
        depth: usize,
    ) -> Result<()> {
        if depth > MAX_INCLUDE_DEPTH {
            return Err(Error::BadFile {
                path: self.files[file].path.clone(),
                reason: format!(
                    "includes nest deeper than {MAX_INCLUDE_DEPTH} levels (an include loop?)"
                ),
            });
        }
        for d in directives {
            if d.is("include") && d.block.is_none() {
                let Some(pattern) = d.arg(0) else { continue };
                for path in expand_include(pattern, &self.conf_dir)? {
                    let child = self.load(&path)?;
                    let children = self.files[child].parsed.directives.clone();
                    self.walk(child, &children, ctx, depth + 1)?;
                }
                continue;
            }
            if let Context::Server(s) = ctx {
                self.servers[s].directives.push(Located {
                    file,
                    directive: d.clone(),
                });
                continue;
            }
            let Some(block) = &d.block else { continue };
            let inner = match (ctx, d.name.value.as_str()) {
                (Context::Main, "http") => Context::Http,
                (Context::Http, "server") => {
                    let order = self.servers.len();
                    self.servers.push(ServerBlock {
                        file,
                        directive: d.clone(),
                        order,
                        names: Vec::new(),
                        listens: Vec::new(),
                        directives: Vec::new(),
                    });
                    Context::Server(order)
                }
                // `map`, `upstream`, `types`, `geo`, `stream`, `mail`,
                // `events`: nothing of ours inside.
                _ => Context::Other,
            };
            if inner == Context::Other {
                continue;
            }
            self.walk(file, &block.directives, inner, depth)?;
            if let Context::Server(s) = inner {
                self.finish_server(s)?;
            }
        }
        Ok(())
    }

    fn finish_server(&mut self, s: usize) -> Result<()> {
        let mut names = Vec::new();
        let mut listens = Vec::new();
        for located in &self.servers[s].directives {
            let d = &located.directive;
            if d.is("server_name") {
                names.extend(d.args.iter().map(|w| {
                    // Regexes keep their case; nginx compiles them caseless.
                    if w.value.starts_with('~') {
                        w.value.clone()
                    } else {
                        w.value.to_ascii_lowercase()
                    }
                }));
            } else if d.is("listen") {
                let file = &self.files[located.file];
                let listen = parse_listen(d).map_err(|reason| Error::BadFile {
                    path: file.path.clone(),
                    reason: format!("line {}: {reason}", file.line(d.span.start)),
                })?;
                listens.push(Listen {
                    at: Some((located.file, d.span.clone())),
                    ..listen
                });
            }
        }
        if names.is_empty() {
            names.push(String::new());
        }
        if listens.is_empty() {
            listens.push(Listen {
                addr: ListenAddr::AnyV4,
                port: DEFAULT_LISTEN_PORT,
                ssl: false,
                default_server: false,
                proxy_protocol: false,
                at: None,
            });
        }
        let server = &mut self.servers[s];
        server.names = names;
        server.listens = listens;
        Ok(())
    }
}

/// Parses a `listen` directive's address and the flags certwright cares
/// about (`ssl`, `default_server`; the rest do not change the answer).
pub fn parse_listen(d: &Directive) -> std::result::Result<Listen, String> {
    let first = d.arg(0).ok_or("listen without an address")?;
    let bad_port = |p: &str| format!("listen {first}: {p:?} is not a port");
    let port_of = |p: &str| {
        p.parse::<u16>()
            .ok()
            .filter(|&n| n != 0)
            .ok_or_else(|| bad_port(p))
    };
    let (addr, port) = if let Some(path) = first.strip_prefix("unix:") {
        (ListenAddr::Unix(path.to_string()), 0)
    } else if let Some(rest) = first.strip_prefix('[') {
        let (ip, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("listen {first}: no closing ']'"))?;
        let ip: std::net::Ipv6Addr = ip
            .parse()
            .map_err(|_| format!("listen {first}: {ip:?} is not an IPv6 address"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => port_of(p)?,
            None if after.is_empty() => DEFAULT_LISTEN_PORT,
            None => return Err(format!("listen {first}: unexpected {after:?}")),
        };
        let addr = if ip.is_unspecified() {
            ListenAddr::AnyV6
        } else {
            ListenAddr::Ip(IpAddr::V6(ip))
        };
        (addr, port)
    } else if first.bytes().all(|b| b.is_ascii_digit()) {
        (ListenAddr::AnyV4, port_of(first)?)
    } else {
        let (host, port) = match first.rsplit_once(':') {
            Some((h, p)) => (h, port_of(p)?),
            None => (first, DEFAULT_LISTEN_PORT),
        };
        let addr = match host {
            "*" | "0.0.0.0" => ListenAddr::AnyV4,
            h => match h.parse::<IpAddr>() {
                Ok(ip) => ListenAddr::Ip(ip),
                Err(_) => ListenAddr::Host(h.to_ascii_lowercase()),
            },
        };
        (addr, port)
    };
    let flag = |f: &str| d.args[1..].iter().any(|w| w.value == f);
    Ok(Listen {
        addr,
        port,
        ssl: flag("ssl"),
        default_server: flag("default_server") || flag("default"),
        proxy_protocol: flag("proxy_protocol"),
        at: None,
    })
}

/// The files an `include` names: relative patterns are relative to the
/// directory of the main file (nginx's conf prefix with `-c`); glob
/// patterns expand like glob(3) with no flags: sorted, names starting with
/// a dot only when the pattern's component does, no match is no error.
pub fn expand_include(pattern: &str, conf_dir: &Path) -> Result<Vec<PathBuf>> {
    let full = if Path::new(pattern).is_absolute() {
        PathBuf::from(pattern)
    } else {
        conf_dir.join(pattern)
    };
    if !pattern.contains(['*', '?', '[']) {
        return Ok(vec![full]);
    }
    let mut found = vec![PathBuf::new()];
    for component in full.components() {
        let part = component.as_os_str().to_string_lossy();
        if !part.contains(['*', '?', '[']) {
            for p in &mut found {
                p.push(component.as_os_str());
            }
            continue;
        }
        let mut next = Vec::new();
        for dir in &found {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.starts_with('.') && !part.starts_with('.') {
                    continue;
                }
                if glob_match(part.as_bytes(), name.as_bytes()) {
                    next.push(dir.join(&*name));
                }
            }
        }
        found = next;
    }
    // glob(3) sorts with strcoll; nginx never calls setlocale, so "C".
    found.sort_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    Ok(found.into_iter().filter(|p| p.exists()).collect())
}

/// fnmatch(3) for one path component: `*`, `?`, `[...]` with ranges and
/// `!`/`^` negation, `\` escaping the next byte.
pub fn glob_match(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|i| glob_match(rest, &name[i..])),
        Some((b'?', rest)) => !name.is_empty() && glob_match(rest, &name[1..]),
        Some((b'[', rest)) => {
            let Some((&c, name_rest)) = name.split_first() else {
                return false;
            };
            let (negate, body) = match rest.first() {
                Some(b'!' | b'^') => (true, &rest[1..]),
                _ => (false, rest),
            };
            // A `]` right after `[` or `[!` is a member, not the end.
            let Some(end) = body.iter().skip(1).position(|&b| b == b']').map(|p| p + 1) else {
                return c == b'[' && glob_match(rest, name_rest);
            };
            let set = &body[..end];
            let mut hit = false;
            let mut i = 0;
            while i < set.len() {
                if i + 2 < set.len() && set[i + 1] == b'-' {
                    hit |= set[i] <= c && c <= set[i + 2];
                    i += 3;
                } else {
                    hit |= set[i] == c;
                    i += 1;
                }
            }
            hit != negate && glob_match(&body[end + 1..], name_rest)
        }
        Some((b'\\', rest)) if !rest.is_empty() => {
            name.first() == Some(&rest[0]) && glob_match(&rest[1..], &name[1..])
        }
        Some((&p, rest)) => name.first() == Some(&p) && glob_match(rest, &name[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(files: &[(&str, &str)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (path, text) in files {
            out.extend_from_slice(format!("# configuration file {path}:\n{text}\n").as_bytes());
        }
        out
    }

    #[test]
    fn dump_sections_split_even_around_header_lookalikes() {
        let tricky = "x;\n# configuration file /fake:\ny;\n";
        let files = [
            ("/a.conf", "a;\n"),
            ("/b.conf", tricky),
            ("/c.conf", "no newline at end"),
        ];
        let d = dump(&files);
        // With the files readable, their contents decide.
        let read = |p: &Path| {
            files
                .iter()
                .find(|f| Path::new(f.0) == p)
                .map(|f| f.1.as_bytes().to_vec())
        };
        let sections = split_dump(&d, read).unwrap();
        assert_eq!(sections.len(), 3);
        assert_eq!(
            sections[1],
            (PathBuf::from("/b.conf"), tricky.as_bytes().to_vec())
        );
        assert_eq!(sections[2].1, b"no newline at end");
        // Without them, a look-alike line is taken for a header: this is
        // why the real files are consulted.
        let blind = split_dump(&d, |_| None).unwrap();
        assert_eq!(blind.len(), 4);
        assert_eq!(blind[0].1, b"a;\n");
        // Text before the first header (nginx's "syntax is ok" lines when
        // stderr is merged) is skipped; a dump without headers is refused.
        let mut noisy = b"nginx: the configuration file /a.conf syntax is ok\n".to_vec();
        noisy.extend_from_slice(&d);
        assert_eq!(split_dump(&noisy, read).unwrap().len(), 3);
        assert!(split_dump(b"nothing here\n", |_| None).is_err());
    }

    #[test]
    fn glob_matching_like_fnmatch() {
        for (p, n, want) in [
            ("*.conf", "a.conf", true),
            ("*.conf", "a.conf.bak", false),
            ("*", "default", true),
            ("site?", "site1", true),
            ("site?", "site", false),
            ("[ab]*", "beta", true),
            ("[!ab]*", "beta", false),
            ("[a-c]x", "bx", true),
            ("[]]", "]", true),
            ("\\*", "*", true),
            ("\\*", "a", false),
        ] {
            assert_eq!(glob_match(p.as_bytes(), n.as_bytes()), want, "{p} {n}");
        }
    }

    #[test]
    fn include_globs_expand_sorted_without_dotfiles() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("sites-enabled");
        std::fs::create_dir(&dir).unwrap();
        for f in ["b", "a", ".hidden", "C"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let got = expand_include("sites-enabled/*", tmp.path()).unwrap();
        let names: Vec<_> = got
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, ["C", "a", "b"]);
        assert!(
            expand_include("conf.d/*.conf", tmp.path())
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            expand_include("/abs/x.conf", tmp.path()).unwrap(),
            [PathBuf::from("/abs/x.conf")]
        );
        // A glob in a directory component.
        std::fs::create_dir(tmp.path().join("m1")).unwrap();
        std::fs::write(tmp.path().join("m1/x.conf"), "").unwrap();
        assert_eq!(
            expand_include("m*/x.conf", tmp.path()).unwrap(),
            [tmp.path().join("m1/x.conf")]
        );
    }

    fn listen(s: &str) -> Listen {
        let parsed = parser::parse(format!("listen {s};").as_bytes()).unwrap();
        parse_listen(&parsed.directives[0]).unwrap()
    }

    #[test]
    fn listen_variants() {
        let l = listen("80");
        assert_eq!((l.addr, l.port, l.ssl), (ListenAddr::AnyV4, 80, false));
        let l = listen("[::]:443 ssl http2 default_server");
        assert_eq!(
            (l.addr.clone(), l.port, l.ssl, l.default_server),
            (ListenAddr::AnyV6, 443, true, true)
        );
        assert!(l.is_ipv6());
        assert_eq!(
            listen("127.0.0.1:8080").addr,
            ListenAddr::Ip("127.0.0.1".parse().unwrap())
        );
        assert_eq!(listen("127.0.0.1").port, 80);
        assert_eq!(listen("*:8443 ssl").addr, ListenAddr::AnyV4);
        assert_eq!(listen("[::1]").port, 80);
        assert_eq!(
            listen("Example.com:81").addr,
            ListenAddr::Host("example.com".into())
        );
        assert!(listen("80 default").default_server);
        assert!(matches!(
            listen("unix:/run/x.sock").addr,
            ListenAddr::Unix(_)
        ));
        for bad in ["[::1", "a:b", "0", "[::]:x", "80000"] {
            let parsed = parser::parse(format!("listen {bad};").as_bytes()).unwrap();
            assert!(parse_listen(&parsed.directives[0]).is_err(), "{bad}");
        }
    }

    #[test]
    fn servers_are_found_through_includes_in_http_only() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir(root.join("sites-enabled")).unwrap();
        std::fs::create_dir(root.join("snippets")).unwrap();
        let main = "events {}\nhttp {\n  include snippets/common.conf;\n  include sites-enabled/*;\n  upstream u { server 127.0.0.1:9; }\n}\nstream { server { listen 9000; } }\n";
        let site = "server {\n  listen 80 default_server;\n  listen [::]:80;\n  server_name Example.COM www.example.com;\n  include snippets/ssl.conf;\n  location / { return 200; }\n}\nserver { server_name other.test; }\n";
        let files: Vec<(PathBuf, &str)> = vec![
            (root.join("nginx.conf"), main),
            (root.join("snippets/common.conf"), "gzip on;\n"),
            (root.join("sites-enabled/a-site"), site),
            (root.join("snippets/ssl.conf"), "ssl_certificate /x.pem;\n"),
        ];
        for (p, t) in &files {
            std::fs::write(p, t).unwrap();
        }
        let sections = files
            .iter()
            .map(|(p, t)| (p.clone(), t.as_bytes().to_vec()))
            .collect();
        let config = Config::from_sections(&root.join("nginx.conf"), sections).unwrap();
        assert_eq!(
            config.servers.len(),
            2,
            "upstream and stream servers are not http server blocks"
        );
        let s = &config.servers[0];
        assert_eq!(config.files[s.file].path, root.join("sites-enabled/a-site"));
        assert_eq!(s.names, ["example.com", "www.example.com"]);
        assert_eq!(s.listens.len(), 2);
        assert!(s.listens[0].default_server);
        let cert = s.all("ssl_certificate").next().unwrap();
        assert_eq!(config.files[cert.file].path, root.join("snippets/ssl.conf"));
        assert!(config.where_is(s).ends_with("a-site:1"));
        let implied = &config.servers[1];
        assert_eq!(implied.listens[0].port, 80);
        assert!(implied.listens[0].at.is_none());
        assert_eq!(config.servers[1].order, 1);
    }

    #[test]
    fn a_file_nginx_did_not_show_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let conf = tmp.path().join("nginx.conf");
        let sections = vec![(conf.clone(), b"http { include extra.conf; }".to_vec())];
        let err = Config::from_sections(&conf, sections).unwrap_err();
        assert!(err.to_string().contains("extra.conf"), "{err}");
        // A parse error names the file and line.
        let sections = vec![(conf.clone(), b"http {\n server {\n".to_vec())];
        let err = Config::from_sections(&conf, sections)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("nginx.conf") && err.contains("line 2"),
            "{err}"
        );
    }

    #[test]
    fn include_loops_stop() {
        let tmp = tempfile::tempdir().unwrap();
        let conf = tmp.path().join("nginx.conf");
        let sections = vec![(conf.clone(), b"include nginx.conf;".to_vec())];
        let err = Config::from_sections(&conf, sections).unwrap_err();
        assert!(err.to_string().contains("include loop"), "{err}");
    }
}
