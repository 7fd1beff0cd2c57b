
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'certwright' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'certwright'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'certwright' {
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Create (or find) an account with the CA')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Obtain a certificate and install it under live/<name>/')
            [CompletionResult]::new('certificates', 'certificates', [CompletionResultType]::ParameterValue, 'List the certificates certwright manages')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a certificate')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Manage ACME accounts: list, show, update, rollover, deactivate')
            [CompletionResult]::new('import-certbot', 'import-certbot', [CompletionResultType]::ParameterValue, 'Take over certbot''s certificates and accounts (certbot''s files are only read, never changed)')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install an existing certificate into a web server''s configuration (kept in the renewal file: renewals reload the server)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Renew every certificate that is due (run it from cron or a timer)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Nagios/Icinga check of every certificate (expiry, revocation, failing renewals, ARI windows moved earlier); reads the store only')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a certificate (live/, archive/, renewal/) from the store; it is not revoked')
            [CompletionResult]::new('reconfigure', 'reconfigure', [CompletionResultType]::ParameterValue, 'Change how a certificate renews (solver, key, hooks, margin, profile), proven first by a dry run against the CA''s staging directory; nothing is saved if it fails')
            [CompletionResult]::new('persist-record', 'persist-record', [CompletionResultType]::ParameterValue, 'Print the dns-persist-01 TXT record that lets this account validate a name for as long as the record stays (draft-ietf-acme-dns-persist-01)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certwright;register' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)')
            [CompletionResult]::new('--max-retry-wait', '--max-retry-wait', [CompletionResultType]::ParameterName, 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]')
            [CompletionResult]::new('--order-timeout', '--order-timeout', [CompletionResultType]::ParameterName, 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Contact email for the account (expiry and policy notices); repeatable')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Contact email for the account (expiry and policy notices); repeatable')
            [CompletionResult]::new('--account-key-type', '--account-key-type', [CompletionResultType]::ParameterName, 'Key type of a new account key')
            [CompletionResult]::new('--eab-kid', '--eab-kid', [CompletionResultType]::ParameterName, 'External account binding: the key id your CA gave you (ZeroSSL, Google Trust Services, private CAs)')
            [CompletionResult]::new('--eab-hmac-key', '--eab-hmac-key', [CompletionResultType]::ParameterName, 'External account binding: the base64url HMAC key your CA gave you (prefer the environment variable: command lines are visible to others)')
            [CompletionResult]::new('--staging-server', '--staging-server', [CompletionResultType]::ParameterName, 'Staging directory URL, for CAs whose staging directory certwright does not know')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--agree-tos', '--agree-tos', [CompletionResultType]::ParameterName, 'Agree to the CA''s terms of service (config file: agree_tos = true)')
            [CompletionResult]::new('--register-unsafely-without-email', '--register-unsafely-without-email', [CompletionResultType]::ParameterName, 'Register without an email address (you will get no expiry notices)')
            [CompletionResult]::new('--new-account', '--new-account', [CompletionResultType]::ParameterName, 'Create a further account even when one exists for this server (other commands then need the account''s id to pick one)')
            [CompletionResult]::new('--staging', '--staging', [CompletionResultType]::ParameterName, 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;issue' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)')
            [CompletionResult]::new('--max-retry-wait', '--max-retry-wait', [CompletionResultType]::ParameterName, 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]')
            [CompletionResult]::new('--order-timeout', '--order-timeout', [CompletionResultType]::ParameterName, 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'A name for the certificate (DNS name, *.wildcard, or IP address); repeatable, the first one names the lineage')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'A name for the certificate (DNS name, *.wildcard, or IP address); repeatable, the first one names the lineage')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'The web server''s document root, for --webroot')
            [CompletionResult]::new('--webroot-path', '--webroot-path', [CompletionResultType]::ParameterName, 'The web server''s document root, for --webroot')
            [CompletionResult]::new('--http-01-port', '--http-01-port', [CompletionResultType]::ParameterName, 'Port of the standalone server (the CA always connects to port 80; change this only behind a port forward or for test CAs)')
            [CompletionResult]::new('--http-01-address', '--http-01-address', [CompletionResultType]::ParameterName, 'Address the standalone server listens on [default: all]')
            [CompletionResult]::new('--tls-alpn-01-port', '--tls-alpn-01-port', [CompletionResultType]::ParameterName, 'Port of the tls-alpn-01 server (the CA always connects to port 443; change this only behind a port forward or for test CAs)')
            [CompletionResult]::new('--tls-alpn-01-address', '--tls-alpn-01-address', [CompletionResultType]::ParameterName, 'Address the tls-alpn-01 server listens on [default: all]')
            [CompletionResult]::new('--nginx-server-root', '--nginx-server-root', [CompletionResultType]::ParameterName, 'The directory holding nginx.conf [default: /etc/nginx]')
            [CompletionResult]::new('--nginx-ctl', '--nginx-ctl', [CompletionResultType]::ParameterName, 'The nginx binary, or a wrapper [default: nginx]')
            [CompletionResult]::new('--https-port', '--https-port', [CompletionResultType]::ParameterName, 'Port a server block gets `listen PORT ssl` on when it has no TLS yet [default: 443]')
            [CompletionResult]::new('--cert-name', '--cert-name', [CompletionResultType]::ParameterName, 'Name of the lineage [default: the first domain]')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key type of the certificate')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account to use when several exist for the server')
            [CompletionResult]::new('--preferred-chain', '--preferred-chain', [CompletionResultType]::ParameterName, 'Prefer the alternate chain whose top issuer has this common name')
            [CompletionResult]::new('--renew-before', '--renew-before', [CompletionResultType]::ParameterName, 'When `renew` renews this certificate: "30d" before expiry, or "1/3" of its lifetime left (stored in the renewal file)')
            [CompletionResult]::new('--pre-hook', '--pre-hook', [CompletionResultType]::ParameterName, 'Command run once before the first renewal of a run (e.g. to stop a web server that holds port 80)')
            [CompletionResult]::new('--post-hook', '--post-hook', [CompletionResultType]::ParameterName, 'Command run once after the last renewal of a run (runs whenever the pre-hook ran, even if renewals failed)')
            [CompletionResult]::new('--deploy-hook', '--deploy-hook', [CompletionResultType]::ParameterName, 'Command run after each renewed certificate, with RENEWED_LINEAGE (the live directory) and RENEWED_DOMAINS (space-separated) set')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'ACME profile to request (Let''s Encrypt: classic, tlsserver, shortlived); see `certwright account show` for the CA''s list')
            [CompletionResult]::new('--csr', '--csr', [CompletionResultType]::ParameterName, 'Use this certificate signing request (PEM or DER) instead of making one; the names come from it')
            [CompletionResult]::new('--key-path', '--key-path', [CompletionResultType]::ParameterName, 'The private key of --csr (PEM)')
            [CompletionResult]::new('--dns-hook', '--dns-hook', [CompletionResultType]::ParameterName, 'Answer dns-01: run SCRIPT once per challenge to create the TXT record; it gets CERTBOT_DOMAIN, CERTBOT_VALIDATION, CERTBOT_REMAINING_CHALLENGES and CERTBOT_ALL_DOMAINS in its environment (certbot''s --manual-auth-hook also works)')
            [CompletionResult]::new('--manual-auth-hook', '--manual-auth-hook', [CompletionResultType]::ParameterName, 'Answer dns-01: run SCRIPT once per challenge to create the TXT record; it gets CERTBOT_DOMAIN, CERTBOT_VALIDATION, CERTBOT_REMAINING_CHALLENGES and CERTBOT_ALL_DOMAINS in its environment (certbot''s --manual-auth-hook also works)')
            [CompletionResult]::new('--dns-cleanup-hook', '--dns-cleanup-hook', [CompletionResultType]::ParameterName, 'Run SCRIPT once per challenge afterwards to remove the record, also when issuance failed or was interrupted (certbot''s --manual-cleanup-hook also works)')
            [CompletionResult]::new('--manual-cleanup-hook', '--manual-cleanup-hook', [CompletionResultType]::ParameterName, 'Run SCRIPT once per challenge afterwards to remove the record, also when issuance failed or was interrupted (certbot''s --manual-cleanup-hook also works)')
            [CompletionResult]::new('--preferred-challenges', '--preferred-challenges', [CompletionResultType]::ParameterName, 'Challenge type: for --manual (dns-01 or http-01 [default: dns-01]), tls-alpn-01 with --standalone, or dns-persist-01 on its own')
            [CompletionResult]::new('--propagation-delay', '--propagation-delay', [CompletionResultType]::ParameterName, 'Seconds to wait unconditionally after all TXT records are set')
            [CompletionResult]::new('--propagation-timeout', '--propagation-timeout', [CompletionResultType]::ParameterName, 'Check that every TXT record is visible at the zone''s authoritative name servers before the CA looks, for up to SECONDS (no check unless set)')
            [CompletionResult]::new('--propagation-sleep-times', '--propagation-sleep-times', [CompletionResultType]::ParameterName, 'Seconds between those checks; the last value repeats [default: 1,2,4,8]')
            [CompletionResult]::new('--dns-resolver', '--dns-resolver', [CompletionResultType]::ParameterName, 'Ask this DNS server for the TXT records instead of the zone''s authoritative servers')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Contact email for the account (expiry and policy notices); repeatable')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Contact email for the account (expiry and policy notices); repeatable')
            [CompletionResult]::new('--account-key-type', '--account-key-type', [CompletionResultType]::ParameterName, 'Key type of a new account key')
            [CompletionResult]::new('--eab-kid', '--eab-kid', [CompletionResultType]::ParameterName, 'External account binding: the key id your CA gave you (ZeroSSL, Google Trust Services, private CAs)')
            [CompletionResult]::new('--eab-hmac-key', '--eab-hmac-key', [CompletionResultType]::ParameterName, 'External account binding: the base64url HMAC key your CA gave you (prefer the environment variable: command lines are visible to others)')
            [CompletionResult]::new('--staging-server', '--staging-server', [CompletionResultType]::ParameterName, 'Staging directory URL, for CAs whose staging directory certwright does not know')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--standalone', '--standalone', [CompletionResultType]::ParameterName, 'Answer http-01 with a built-in web server (needs the port free)')
            [CompletionResult]::new('--webroot', '--webroot', [CompletionResultType]::ParameterName, 'Answer http-01 by writing files into a running web server''s root')
            [CompletionResult]::new('--nginx', '--nginx', [CompletionResultType]::ParameterName, 'Answer http-01 through the running nginx and install the certificate in the server blocks whose server_name matches')
            [CompletionResult]::new('--redirect', '--redirect', [CompletionResultType]::ParameterName, 'Redirect plain http to https (301) in the server blocks that serve the names')
            [CompletionResult]::new('--no-redirect', '--no-redirect', [CompletionResultType]::ParameterName, 'Add no redirect [default]')
            [CompletionResult]::new('--force-renewal', '--force-renewal', [CompletionResultType]::ParameterName, 'Replace the lineage''s certificate even if one is installed')
            [CompletionResult]::new('--allow-name-removal', '--allow-name-removal', [CompletionResultType]::ParameterName, 'Issue even if this leaves out names the lineage''s certificate has (without it, that needs a yes on a terminal)')
            [CompletionResult]::new('--expand', '--expand', [CompletionResultType]::ParameterName, 'Accepted for certbot compatibility: adding names to a lineage needs no flag (certwright says which names it adds)')
            [CompletionResult]::new('--reuse-key', '--reuse-key', [CompletionResultType]::ParameterName, 'Keep the private key across renewals (stored in the renewal file)')
            [CompletionResult]::new('--no-reuse-key', '--no-reuse-key', [CompletionResultType]::ParameterName, 'Generate a new private key at each renewal (stored in the renewal file; overrides reuse_key in the config file)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run the whole flow against the CA''s staging directory with a staging account, and install nothing')
            [CompletionResult]::new('--manual', '--manual', [CompletionResultType]::ParameterName, 'Show the TXT records (or http-01 files) to create by hand and wait for Enter; needs a terminal (use --dns-hook in scripts)')
            [CompletionResult]::new('--agree-tos', '--agree-tos', [CompletionResultType]::ParameterName, 'Agree to the CA''s terms of service (config file: agree_tos = true)')
            [CompletionResult]::new('--register-unsafely-without-email', '--register-unsafely-without-email', [CompletionResultType]::ParameterName, 'Register without an email address (you will get no expiry notices)')
            [CompletionResult]::new('--staging', '--staging', [CompletionResultType]::ParameterName, 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;certificates' {
            [CompletionResult]::new('--cert-name', '--cert-name', [CompletionResultType]::ParameterName, 'Only these lineages')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;revoke' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)')
            [CompletionResult]::new('--max-retry-wait', '--max-retry-wait', [CompletionResultType]::ParameterName, 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]')
            [CompletionResult]::new('--order-timeout', '--order-timeout', [CompletionResultType]::ParameterName, 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]')
            [CompletionResult]::new('--cert-name', '--cert-name', [CompletionResultType]::ParameterName, 'The lineage to revoke (its current certificate); server and account come from its renewal file')
            [CompletionResult]::new('--cert-path', '--cert-path', [CompletionResultType]::ParameterName, 'A certificate file (PEM or DER) to revoke')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why the certificate is revoked')
            [CompletionResult]::new('--key-path', '--key-path', [CompletionResultType]::ParameterName, 'Sign with the certificate''s own private key instead of the account (when the account is lost)')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account to sign with when several exist for the server')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--delete-after-revoke', '--delete-after-revoke', [CompletionResultType]::ParameterName, 'Remove the lineage (live link, archive, renewal file) afterwards; asks first on a terminal')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;account' {
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the accounts stored locally (no network)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show an account as the CA sees it, and what the CA offers')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change the account''s contact addresses')
            [CompletionResult]::new('rollover', 'rollover', [CompletionResultType]::ParameterValue, 'Replace the account key (RFC 8555 key change)')
            [CompletionResult]::new('deactivate', 'deactivate', [CompletionResultType]::ParameterValue, 'Deactivate the account for good (the CA refuses it afterwards)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certwright;account;list' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Only accounts for this server')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;account;show' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)')
            [CompletionResult]::new('--max-retry-wait', '--max-retry-wait', [CompletionResultType]::ParameterName, 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]')
            [CompletionResult]::new('--order-timeout', '--order-timeout', [CompletionResultType]::ParameterName, 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account to use when several exist for the server')
            [CompletionResult]::new('--staging-server', '--staging-server', [CompletionResultType]::ParameterName, 'Staging directory URL, for CAs whose staging directory certwright does not know')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--staging', '--staging', [CompletionResultType]::ParameterName, 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;account;update' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)')
            [CompletionResult]::new('--max-retry-wait', '--max-retry-wait', [CompletionResultType]::ParameterName, 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]')
            [CompletionResult]::new('--order-timeout', '--order-timeout', [CompletionResultType]::ParameterName, 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account to use when several exist for the server')
            [CompletionResult]::new('--staging-server', '--staging-server', [CompletionResultType]::ParameterName, 'Staging directory URL, for CAs whose staging directory certwright does not know')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'New contact email (replaces all current ones); repeatable')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'New contact email (replaces all current ones); repeatable')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--staging', '--staging', [CompletionResultType]::ParameterName, 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/')
            [CompletionResult]::new('--no-email', '--no-email', [CompletionResultType]::ParameterName, 'Remove every contact address')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;account;rollover' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)')
            [CompletionResult]::new('--max-retry-wait', '--max-retry-wait', [CompletionResultType]::ParameterName, 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]')
            [CompletionResult]::new('--order-timeout', '--order-timeout', [CompletionResultType]::ParameterName, 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account to use when several exist for the server')
            [CompletionResult]::new('--staging-server', '--staging-server', [CompletionResultType]::ParameterName, 'Staging directory URL, for CAs whose staging directory certwright does not know')
            [CompletionResult]::new('--account-key-type', '--account-key-type', [CompletionResultType]::ParameterName, 'Key type of the new account key')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--staging', '--staging', [CompletionResultType]::ParameterName, 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;account;deactivate' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)')
            [CompletionResult]::new('--max-retry-wait', '--max-retry-wait', [CompletionResultType]::ParameterName, 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]')
            [CompletionResult]::new('--order-timeout', '--order-timeout', [CompletionResultType]::ParameterName, 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account to use when several exist for the server')
            [CompletionResult]::new('--staging-server', '--staging-server', [CompletionResultType]::ParameterName, 'Staging directory URL, for CAs whose staging directory certwright does not know')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--staging', '--staging', [CompletionResultType]::ParameterName, 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;account;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the accounts stored locally (no network)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show an account as the CA sees it, and what the CA offers')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change the account''s contact addresses')
            [CompletionResult]::new('rollover', 'rollover', [CompletionResultType]::ParameterValue, 'Replace the account key (RFC 8555 key change)')
            [CompletionResult]::new('deactivate', 'deactivate', [CompletionResultType]::ParameterValue, 'Deactivate the account for good (the CA refuses it afterwards)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certwright;account;help;list' {
            break
        }
        'certwright;account;help;show' {
            break
        }
        'certwright;account;help;update' {
            break
        }
        'certwright;account;help;rollover' {
            break
        }
        'certwright;account;help;deactivate' {
            break
        }
        'certwright;account;help;help' {
            break
        }
        'certwright;import-certbot' {
            [CompletionResult]::new('--certbot-dir', '--certbot-dir', [CompletionResultType]::ParameterName, 'certbot''s configuration directory')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;install' {
            [CompletionResult]::new('--cert-name', '--cert-name', [CompletionResultType]::ParameterName, 'The lineage whose certificate to install')
            [CompletionResult]::new('--nginx-server-root', '--nginx-server-root', [CompletionResultType]::ParameterName, 'The directory holding nginx.conf [default: /etc/nginx]')
            [CompletionResult]::new('--nginx-ctl', '--nginx-ctl', [CompletionResultType]::ParameterName, 'The nginx binary, or a wrapper [default: nginx]')
            [CompletionResult]::new('--https-port', '--https-port', [CompletionResultType]::ParameterName, 'Port a server block gets `listen PORT ssl` on when it has no TLS yet [default: 443]')
            [CompletionResult]::new('--http-01-port', '--http-01-port', [CompletionResultType]::ParameterName, 'The port nginx serves plain http on (where --redirect goes) [default: 80]')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--nginx', '--nginx', [CompletionResultType]::ParameterName, 'Answer http-01 through the running nginx and install the certificate in the server blocks whose server_name matches')
            [CompletionResult]::new('--redirect', '--redirect', [CompletionResultType]::ParameterName, 'Redirect plain http to https (301) in the server blocks that serve the names')
            [CompletionResult]::new('--no-redirect', '--no-redirect', [CompletionResultType]::ParameterName, 'Add no redirect [default]')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;renew' {
            [CompletionResult]::new('--cert-name', '--cert-name', [CompletionResultType]::ParameterName, 'Only these lineages (repeatable) [default: all]')
            [CompletionResult]::new('--random-sleep-max', '--random-sleep-max', [CompletionResultType]::ParameterName, 'Upper bound, in seconds, of the random sleep of non-interactive runs [default: 480]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Renew up to N certificates at once (they share the account and the CA''s Retry-After pauses) [default: 4, see docs/renewal.md]')
            [CompletionResult]::new('--metrics-file', '--metrics-file', [CompletionResultType]::ParameterName, 'After the run, write every certificate''s expiry, planned renewal and failures to FILE in node_exporter''s textfile format (atomically)')
            [CompletionResult]::new('--renew-before', '--renew-before', [CompletionResultType]::ParameterName, 'Renew this long before expiry ("30d", "12h") or when this fraction of the lifetime is left ("1/3", "0.5"), for lineages that set none [default: ARI, else 1/3 (1/2 below 10 days of lifetime)]')
            [CompletionResult]::new('--max-retry-wait', '--max-retry-wait', [CompletionResultType]::ParameterName, 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]')
            [CompletionResult]::new('--order-timeout', '--order-timeout', [CompletionResultType]::ParameterName, 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]')
            [CompletionResult]::new('--pre-hook', '--pre-hook', [CompletionResultType]::ParameterName, 'Command run once before the first renewal of a run (e.g. to stop a web server that holds port 80)')
            [CompletionResult]::new('--post-hook', '--post-hook', [CompletionResultType]::ParameterName, 'Command run once after the last renewal of a run (runs whenever the pre-hook ran, even if renewals failed)')
            [CompletionResult]::new('--deploy-hook', '--deploy-hook', [CompletionResultType]::ParameterName, 'Command run after each renewed certificate, with RENEWED_LINEAGE (the live directory) and RENEWED_DOMAINS (space-separated) set')
            [CompletionResult]::new('--staging-server', '--staging-server', [CompletionResultType]::ParameterName, 'Staging directory URL, for CAs whose staging directory certwright does not know')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--force-renewal', '--force-renewal', [CompletionResultType]::ParameterName, 'Renew even if not due, ignoring any backoff after failures')
            [CompletionResult]::new('--no-random-sleep', '--no-random-sleep', [CompletionResultType]::ParameterName, 'Do not sleep a random time before contacting the CA')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Renew every selected certificate against the CA''s staging directory (with a staging account) and keep nothing: live/, archive/ and renewal/ are not touched, no deploy hooks run')
            [CompletionResult]::new('--reuse-key', '--reuse-key', [CompletionResultType]::ParameterName, 'Keep each lineage''s private key instead of generating a new one')
            [CompletionResult]::new('--no-reuse-key', '--no-reuse-key', [CompletionResultType]::ParameterName, 'Generate a new private key even where reuse_key is set (renewal file or config file)')
            [CompletionResult]::new('--staging', '--staging', [CompletionResultType]::ParameterName, 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;check' {
            [CompletionResult]::new('--warning', '--warning', [CompletionResultType]::ParameterName, 'WARNING when a certificate has fewer days left than this')
            [CompletionResult]::new('--critical', '--critical', [CompletionResultType]::ParameterName, 'CRITICAL when a certificate has fewer days left than this')
            [CompletionResult]::new('--cert-name', '--cert-name', [CompletionResultType]::ParameterName, 'Only these lineages [default: all]')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;delete' {
            [CompletionResult]::new('--cert-name', '--cert-name', [CompletionResultType]::ParameterName, 'The lineage to remove')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask (required when stdin is not a terminal)')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;reconfigure' {
            [CompletionResult]::new('--cert-name', '--cert-name', [CompletionResultType]::ParameterName, 'The lineage to change')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Document root for --webroot')
            [CompletionResult]::new('--webroot-path', '--webroot-path', [CompletionResultType]::ParameterName, 'Document root for --webroot')
            [CompletionResult]::new('--http-01-port', '--http-01-port', [CompletionResultType]::ParameterName, 'Port of the standalone http-01 server')
            [CompletionResult]::new('--http-01-address', '--http-01-address', [CompletionResultType]::ParameterName, 'Address of the standalone http-01 server')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key type of the next certificates')
            [CompletionResult]::new('--preferred-chain', '--preferred-chain', [CompletionResultType]::ParameterName, 'Prefer the alternate chain whose top issuer has this common name')
            [CompletionResult]::new('--renew-before', '--renew-before', [CompletionResultType]::ParameterName, 'Renew this long before expiry ("30d") or at this fraction of the lifetime left ("1/3")')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'ACME profile to request from now on')
            [CompletionResult]::new('--staging-server', '--staging-server', [CompletionResultType]::ParameterName, 'Staging directory URL for the dry run, for CAs whose staging directory certwright does not know')
            [CompletionResult]::new('--pre-hook', '--pre-hook', [CompletionResultType]::ParameterName, 'Command run once before the first renewal of a run (e.g. to stop a web server that holds port 80)')
            [CompletionResult]::new('--post-hook', '--post-hook', [CompletionResultType]::ParameterName, 'Command run once after the last renewal of a run (runs whenever the pre-hook ran, even if renewals failed)')
            [CompletionResult]::new('--deploy-hook', '--deploy-hook', [CompletionResultType]::ParameterName, 'Command run after each renewed certificate, with RENEWED_LINEAGE (the live directory) and RENEWED_DOMAINS (space-separated) set')
            [CompletionResult]::new('--dns-hook', '--dns-hook', [CompletionResultType]::ParameterName, 'Answer dns-01: run SCRIPT once per challenge to create the TXT record; it gets CERTBOT_DOMAIN, CERTBOT_VALIDATION, CERTBOT_REMAINING_CHALLENGES and CERTBOT_ALL_DOMAINS in its environment (certbot''s --manual-auth-hook also works)')
            [CompletionResult]::new('--manual-auth-hook', '--manual-auth-hook', [CompletionResultType]::ParameterName, 'Answer dns-01: run SCRIPT once per challenge to create the TXT record; it gets CERTBOT_DOMAIN, CERTBOT_VALIDATION, CERTBOT_REMAINING_CHALLENGES and CERTBOT_ALL_DOMAINS in its environment (certbot''s --manual-auth-hook also works)')
            [CompletionResult]::new('--dns-cleanup-hook', '--dns-cleanup-hook', [CompletionResultType]::ParameterName, 'Run SCRIPT once per challenge afterwards to remove the record, also when issuance failed or was interrupted (certbot''s --manual-cleanup-hook also works)')
            [CompletionResult]::new('--manual-cleanup-hook', '--manual-cleanup-hook', [CompletionResultType]::ParameterName, 'Run SCRIPT once per challenge afterwards to remove the record, also when issuance failed or was interrupted (certbot''s --manual-cleanup-hook also works)')
            [CompletionResult]::new('--preferred-challenges', '--preferred-challenges', [CompletionResultType]::ParameterName, 'Challenge type: for --manual (dns-01 or http-01 [default: dns-01]), tls-alpn-01 with --standalone, or dns-persist-01 on its own')
            [CompletionResult]::new('--propagation-delay', '--propagation-delay', [CompletionResultType]::ParameterName, 'Seconds to wait unconditionally after all TXT records are set')
            [CompletionResult]::new('--propagation-timeout', '--propagation-timeout', [CompletionResultType]::ParameterName, 'Check that every TXT record is visible at the zone''s authoritative name servers before the CA looks, for up to SECONDS (no check unless set)')
            [CompletionResult]::new('--propagation-sleep-times', '--propagation-sleep-times', [CompletionResultType]::ParameterName, 'Seconds between those checks; the last value repeats [default: 1,2,4,8]')
            [CompletionResult]::new('--dns-resolver', '--dns-resolver', [CompletionResultType]::ParameterName, 'Ask this DNS server for the TXT records instead of the zone''s authoritative servers')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--standalone', '--standalone', [CompletionResultType]::ParameterName, 'Answer http-01 with a built-in web server from now on')
            [CompletionResult]::new('--webroot', '--webroot', [CompletionResultType]::ParameterName, 'Answer http-01 by writing files into a running web server''s root')
            [CompletionResult]::new('--reuse-key', '--reuse-key', [CompletionResultType]::ParameterName, 'Keep the private key across renewals')
            [CompletionResult]::new('--no-reuse-key', '--no-reuse-key', [CompletionResultType]::ParameterName, 'Generate a new private key at each renewal')
            [CompletionResult]::new('--manual', '--manual', [CompletionResultType]::ParameterName, 'Show the TXT records (or http-01 files) to create by hand and wait for Enter; needs a terminal (use --dns-hook in scripts)')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;persist-record' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)')
            [CompletionResult]::new('--max-retry-wait', '--max-retry-wait', [CompletionResultType]::ParameterName, 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]')
            [CompletionResult]::new('--order-timeout', '--order-timeout', [CompletionResultType]::ParameterName, 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account to use when several exist for the server')
            [CompletionResult]::new('--staging-server', '--staging-server', [CompletionResultType]::ParameterName, 'Staging directory URL, for CAs whose staging directory certwright does not know')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'A name the record is for, repeatable; *.NAME implies --wildcard')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'A name the record is for, repeatable; *.NAME implies --wildcard')
            [CompletionResult]::new('--persist-until', '--persist-until', [CompletionResultType]::ParameterName, 'Add persistUntil: the CA refuses the record after this date (UTC), RFC 3339 time or UNIX time in seconds')
            [CompletionResult]::new('--issuer-domain-name', '--issuer-domain-name', [CompletionResultType]::ParameterName, 'The CA''s issuer domain name to put in the record [default: the first of the CA''s caaIdentities]')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]')
            [CompletionResult]::new('--lock-wait', '--lock-wait', [CompletionResultType]::ParameterName, 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]')
            [CompletionResult]::new('--staging', '--staging', [CompletionResultType]::ParameterName, 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/')
            [CompletionResult]::new('--wildcard', '--wildcard', [CompletionResultType]::ParameterName, 'Add policy=wildcard: the record then also covers *.NAME and every subdomain of NAME')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output: -v shows every request to the CA, -vv adds details')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document as the result (and JSON lines for progress events on stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certwright;help' {
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Create (or find) an account with the CA')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Obtain a certificate and install it under live/<name>/')
            [CompletionResult]::new('certificates', 'certificates', [CompletionResultType]::ParameterValue, 'List the certificates certwright manages')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a certificate')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Manage ACME accounts: list, show, update, rollover, deactivate')
            [CompletionResult]::new('import-certbot', 'import-certbot', [CompletionResultType]::ParameterValue, 'Take over certbot''s certificates and accounts (certbot''s files are only read, never changed)')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install an existing certificate into a web server''s configuration (kept in the renewal file: renewals reload the server)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Renew every certificate that is due (run it from cron or a timer)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Nagios/Icinga check of every certificate (expiry, revocation, failing renewals, ARI windows moved earlier); reads the store only')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a certificate (live/, archive/, renewal/) from the store; it is not revoked')
            [CompletionResult]::new('reconfigure', 'reconfigure', [CompletionResultType]::ParameterValue, 'Change how a certificate renews (solver, key, hooks, margin, profile), proven first by a dry run against the CA''s staging directory; nothing is saved if it fails')
            [CompletionResult]::new('persist-record', 'persist-record', [CompletionResultType]::ParameterValue, 'Print the dns-persist-01 TXT record that lets this account validate a name for as long as the record stays (draft-ietf-acme-dns-persist-01)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certwright;help;register' {
            break
        }
        'certwright;help;issue' {
            break
        }
        'certwright;help;certificates' {
            break
        }
        'certwright;help;revoke' {
            break
        }
        'certwright;help;account' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the accounts stored locally (no network)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show an account as the CA sees it, and what the CA offers')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change the account''s contact addresses')
            [CompletionResult]::new('rollover', 'rollover', [CompletionResultType]::ParameterValue, 'Replace the account key (RFC 8555 key change)')
            [CompletionResult]::new('deactivate', 'deactivate', [CompletionResultType]::ParameterValue, 'Deactivate the account for good (the CA refuses it afterwards)')
            break
        }
        'certwright;help;account;list' {
            break
        }
        'certwright;help;account;show' {
            break
        }
        'certwright;help;account;update' {
            break
        }
        'certwright;help;account;rollover' {
            break
        }
        'certwright;help;account;deactivate' {
            break
        }
        'certwright;help;import-certbot' {
            break
        }
        'certwright;help;install' {
            break
        }
        'certwright;help;renew' {
            break
        }
        'certwright;help;check' {
            break
        }
        'certwright;help;delete' {
            break
        }
        'certwright;help;reconfigure' {
            break
        }
        'certwright;help;persist-record' {
            break
        }
        'certwright;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
