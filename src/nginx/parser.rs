//! A parser of nginx's configuration syntax that keeps the byte position of
//! every word, directive and block, so edits can splice the file and leave
//! everything else (comments, indentation, odd formatting) byte-identical.
//!
//! The tokenizer follows `ngx_conf_read_token` (src/core/ngx_conf_file.c)
//! rule for rule: a `#` starts a comment only where a word could start
//! (`a#b` is one word), quotes are recognised only at the start of a word
//! and must be followed by whitespace, `;`, `{` or `)`, `${` inside a word
//! is a variable and not a block, a backslash protects the next byte, and
//! `\"`, `\'`, `\\`, `\t`, `\r`, `\n` are unescaped in every word. Blocks
//! whose contents are not nginx syntax (OpenResty's `*_by_lua_block`) are
//! not supported; Debian's nginx has none.

use std::ops::Range;

/// One word of a directive as nginx sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The value after unescaping and without the quotes.
    pub value: String,
    /// The raw bytes in the file, quotes included.
    pub span: Range<usize>,
    /// `Some(b'"')` or `Some(b'\'')` for a quoted word.
    pub quote: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Byte offset of the `{`.
    pub open: usize,
    /// Byte offset of the matching `}`.
    pub close: usize,
    pub directives: Vec<Directive>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: Word,
    pub args: Vec<Word>,
    pub block: Option<Block>,
    /// From the first byte of the name to the `;` or the block's `}`,
    /// inclusive.
    pub span: Range<usize>,
}

impl Directive {
    pub fn is(&self, name: &str) -> bool {
        self.name.value == name
    }

    pub fn arg(&self, n: usize) -> Option<&str> {
        self.args.get(n).map(|w| w.value.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub directives: Vec<Directive>,
    /// Every `# ...` comment, without its line feed.
    pub comments: Vec<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ParseError {
    pub line: usize,
    pub reason: String,
}

/// The 1-based line of byte `offset`, for messages.
pub fn line_of(text: &[u8], offset: usize) -> usize {
    1 + text[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

enum Token {
    Word(Word),
    /// `;` at this offset.
    End(usize),
    BlockStart(usize),
    BlockEnd(usize),
    Eof,
}

struct Lexer<'a> {
    text: &'a [u8],
    pos: usize,
    comments: Vec<Range<usize>>,
    /// Set after a quoted word: the next byte must separate it.
    need_space: bool,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn unescape(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' && i + 1 < raw.len() {
            match raw[i + 1] {
                c @ (b'"' | b'\'' | b'\\') => {
                    out.push(c);
                    i += 2;
                    continue;
                }
                b't' => {
                    out.push(b'\t');
                    i += 2;
                    continue;
                }
                b'r' => {
                    out.push(b'\r');
                    i += 2;
                    continue;
                }
                b'n' => {
                    out.push(b'\n');
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Lexer<'_> {
    fn error(&self, at: usize, reason: impl Into<String>) -> ParseError {
        ParseError {
            line: line_of(self.text, at),
            reason: reason.into(),
        }
    }

    fn next(&mut self) -> Result<Token, ParseError> {
        let text = self.text;
        loop {
            let Some(&ch) = text.get(self.pos) else {
                return Ok(Token::Eof);
            };
            if self.need_space {
                if is_space(ch) {
                    self.need_space = false;
                    self.pos += 1;
                    continue;
                }
                match ch {
                    b';' | b'{' => {}
                    // `if ($a = "b")`: the `)` starts the next word.
                    b')' => self.need_space = false,
                    _ => {
                        return Err(self.error(
                            self.pos,
                            format!("unexpected \"{}\" after a quoted string", ch as char),
                        ));
                    }
                }
            }
            let start = self.pos;
            self.pos += 1;
            match ch {
                _ if is_space(ch) => continue,
                b';' => {
                    self.need_space = false;
                    return Ok(Token::End(start));
                }
                b'{' => {
                    self.need_space = false;
                    return Ok(Token::BlockStart(start));
                }
                b'}' => return Ok(Token::BlockEnd(start)),
                b'#' => {
                    let end = text[start..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(text.len(), |n| start + n);
                    self.comments.push(start..end);
                    self.pos = end;
                    continue;
                }
                b'"' | b'\'' => return self.quoted(start, ch),
                _ => return self.bare(start),
            }
        }
    }

    fn quoted(&mut self, start: usize, quote: u8) -> Result<Token, ParseError> {
        let text = self.text;
        let mut i = start + 1;
        while i < text.len() {
            match text[i] {
                b'\\' => i += 2,
                c if c == quote => {
                    self.pos = i + 1;
                    self.need_space = true;
                    return Ok(Token::Word(Word {
                        value: unescape(&text[start + 1..i]),
                        span: start..i + 1,
                        quote: Some(quote),
                    }));
                }
                _ => i += 1,
            }
        }
        Err(self.error(
            start,
            format!(
                "unexpected end of file in a string opened with {}",
                quote as char
            ),
        ))
    }

    fn bare(&mut self, start: usize) -> Result<Token, ParseError> {
        let text = self.text;
        let mut i = start;
        let mut variable = false;
        while i < text.len() {
            let ch = text[i];
            if ch == b'\\' {
                variable = false;
                i += 2;
                continue;
            }
            if ch == b'{' && variable {
                i += 1;
                variable = false;
                continue;
            }
            variable = ch == b'$';
            if is_space(ch) || ch == b';' || ch == b'{' {
                break;
            }
            i += 1;
        }
        let end = i.min(text.len());
        self.pos = end;
        Ok(Token::Word(Word {
            value: unescape(&text[start..end]),
            span: start..end,
            quote: None,
        }))
    }
}

/// Parses one configuration file.
pub fn parse(text: &[u8]) -> Result<Parsed, ParseError> {
    let mut lexer = Lexer {
        text,
        pos: 0,
        comments: Vec::new(),
        need_space: false,
    };
    let (directives, end) = parse_block(&mut lexer, None)?;
    debug_assert!(end.is_none());
    Ok(Parsed {
        directives,
        comments: lexer.comments,
    })
}

/// Parses directives until the `}` closing the block opened at `open`
/// (returning its offset) or, at the top level, the end of the file.
fn parse_block(
    lexer: &mut Lexer,
    open: Option<usize>,
) -> Result<(Vec<Directive>, Option<usize>), ParseError> {
    let mut directives = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    loop {
        match lexer.next()? {
            Token::Word(w) => words.push(w),
            Token::End(at) => {
                let Some(name) = take_name(&mut words) else {
                    return Err(lexer.error(at, "unexpected \";\""));
                };
                directives.push(Directive {
                    span: name.span.start..at + 1,
                    name,
                    args: std::mem::take(&mut words),
                    block: None,
                });
            }
            Token::BlockStart(at) => {
                let Some(name) = take_name(&mut words) else {
                    return Err(lexer.error(at, "unexpected \"{\""));
                };
                let args = std::mem::take(&mut words);
                let (children, close) = parse_block(lexer, Some(at))?;
                let close = close.expect("a nested block returns its closing brace");
                directives.push(Directive {
                    span: name.span.start..close + 1,
                    name,
                    args,
                    block: Some(Block {
                        open: at,
                        close,
                        directives: children,
                    }),
                });
            }
            Token::BlockEnd(at) => {
                if !words.is_empty() {
                    return Err(lexer.error(
                        at,
                        "unexpected \"}\" (a directive before it lacks its \";\")",
                    ));
                }
                if open.is_none() {
                    return Err(lexer.error(at, "unexpected \"}\""));
                }
                return Ok((directives, Some(at)));
            }
            Token::Eof => {
                if !words.is_empty() {
                    return Err(lexer.error(
                        lexer.text.len(),
                        "unexpected end of file, expecting \";\" or \"}\"",
                    ));
                }
                if let Some(open) = open {
                    return Err(lexer.error(
                        open,
                        "unexpected end of file, expecting \"}\" for the block opened here",
                    ));
                }
                return Ok((directives, None));
            }
        }
    }
}

fn take_name(words: &mut Vec<Word>) -> Option<Word> {
    if words.is_empty() {
        None
    } else {
        Some(words.remove(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Parsed {
        parse(s.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{s}"))
    }

    fn values(d: &Directive) -> Vec<&str> {
        d.args.iter().map(|w| w.value.as_str()).collect()
    }

    #[test]
    fn directives_blocks_and_spans() {
        let src = "user www-data;\nhttp {\n  server {\n    listen 80;\n  }\n}\n";
        let parsed = p(src);
        assert_eq!(parsed.directives.len(), 2);
        let user = &parsed.directives[0];
        assert_eq!(&src[user.span.clone()], "user www-data;");
        let http = &parsed.directives[1];
        let block = http.block.as_ref().unwrap();
        assert_eq!(&src[block.open..=block.open], "{");
        assert_eq!(&src[http.span.clone()], &src[15..src.len() - 1]);
        let server = &block.directives[0];
        assert!(server.is("server"));
        let listen = &server.block.as_ref().unwrap().directives[0];
        assert_eq!(&src[listen.span.clone()], "listen 80;");
        assert_eq!(listen.arg(0), Some("80"));
        assert_eq!(&src[listen.args[0].span.clone()], "80");
    }

    #[test]
    fn quotes_and_escapes_follow_nginx() {
        let src = r#"return 200 "a \"b\" c\n";  add_header X 'it\'s';  set $x a\;b;"#;
        let d = p(src).directives;
        assert_eq!(values(&d[0]), ["200", "a \"b\" c\n"]);
        assert_eq!(d[0].args[1].quote, Some(b'"'));
        assert_eq!(&src[d[0].args[1].span.clone()], r#""a \"b\" c\n""#);
        assert_eq!(values(&d[1]), ["X", "it's"]);
        // A backslash protects `;`, and nginx keeps that backslash.
        assert_eq!(values(&d[2]), ["$x", "a\\;b"]);
        // `\d` is not an escape nginx knows: kept as written.
        assert_eq!(
            values(&p(r#"rewrite "^/\d+$" /x;"#).directives[0])[0],
            "^/\\d+$"
        );
    }

    #[test]
    fn comments_only_where_a_word_starts() {
        let src = "# top\nlisten 80; # after\nserver_name a#b; #\n";
        let parsed = p(src);
        assert_eq!(parsed.comments.len(), 3);
        assert_eq!(&src[parsed.comments[0].clone()], "# top");
        assert_eq!(&src[parsed.comments[1].clone()], "# after");
        assert_eq!(parsed.directives[1].arg(0), Some("a#b"));
        // A `#` inside quotes is text.
        assert_eq!(p("x \"#no\";").directives[0].arg(0), Some("#no"));
    }

    #[test]
    fn variables_with_braces_are_not_blocks() {
        let d = p("set $a ${host}x; location ~ ^/(?<n>.+)$ { return 200 $n; }").directives;
        assert_eq!(values(&d[0]), ["$a", "${host}x"]);
        assert!(d[1].block.is_some());
        assert_eq!(values(&d[1]), ["~", "^/(?<n>.+)$"]);
    }

    #[test]
    fn if_map_and_types_blocks_parse_as_blocks() {
        let src = r#"
map $http_upgrade $connection_upgrade { default upgrade; '' close; ~^x 1; }
server {
    if ($scheme != "https") { return 301 https://$host$request_uri; }
    location = /a { }
    types { text/html html htm; }
}
"#;
        let d = p(src).directives;
        assert_eq!(values(&d[0]), ["$http_upgrade", "$connection_upgrade"]);
        let map = &d[0].block.as_ref().unwrap().directives;
        assert_eq!(map[1].name.value, "");
        assert_eq!(map[1].arg(0), Some("close"));
        let server = &d[1].block.as_ref().unwrap().directives;
        // nginx splits `($scheme` `!=` `https` `)`: the `)` after a quote
        // starts a word of its own.
        assert_eq!(values(&server[0]), ["($scheme", "!=", "https", ")"]);
        assert!(server[1].block.as_ref().unwrap().directives.is_empty());
        assert_eq!(
            server[2].block.as_ref().unwrap().directives[0].arg(1),
            Some("htm")
        );
    }

    #[test]
    fn errors_name_the_line() {
        for (src, line, needle) in [
            ("a b", 1, "end of file"),
            ("x {\n y;\n", 1, "expecting \"}\""),
            ("\n}", 2, "unexpected \"}\""),
            ("x \"a\"b;", 1, "after a quoted string"),
            ("x \"abc;", 1, "end of file in a string"),
            ("\n\n;", 3, "unexpected \";\""),
            ("{ }", 1, "unexpected \"{\""),
            ("s { a }", 1, "lacks its"),
        ] {
            let e = parse(src.as_bytes()).unwrap_err();
            assert_eq!(e.line, line, "{src:?}: {e}");
            assert!(e.reason.contains(needle), "{src:?}: {e}");
        }
    }

    #[test]
    fn odd_but_valid_layouts() {
        // No spaces before `{`, a `}` glued to a word, CRLF, tabs, an empty
        // file, a file of comments only.
        let d = p("server{listen\t80;server_name a}b;}\r\n").directives;
        let inner = &d[0].block.as_ref().unwrap().directives;
        assert_eq!(values(&inner[1]), ["a}b"]);
        assert!(p("").directives.is_empty());
        assert!(p("# only\n# comments").directives.is_empty());
        // Non-UTF-8 bytes (a koi8-r comment or value) do not stop the parser.
        let bytes = b"charset_map koi8-r windows-1251 { C0 FE; } # \xc1\xc2\n";
        let parsed = parse(bytes).unwrap();
        assert_eq!(parsed.directives[0].arg(0), Some("koi8-r"));
    }

    #[test]
    fn line_numbers() {
        let text = b"a;\nb;\n\nc;";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 3), 2);
        assert_eq!(line_of(text, 7), 4);
    }
}
