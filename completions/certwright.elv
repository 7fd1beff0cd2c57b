
use builtin;
use str;

set edit:completion:arg-completer[certwright] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'certwright'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'certwright'= {
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand register 'Create (or find) an account with the CA'
            cand issue 'Obtain a certificate and install it under live/<name>/'
            cand certificates 'List the certificates certwright manages'
            cand revoke 'Revoke a certificate'
            cand account 'Manage ACME accounts: list, show, update, rollover, deactivate'
            cand import-certbot 'Take over certbot''s certificates and accounts (certbot''s files are only read, never changed)'
            cand renew 'Renew every certificate that is due (run it from cron or a timer)'
            cand check 'Nagios/Icinga check of every certificate (expiry, revocation, failing renewals, ARI windows moved earlier); reads the store only'
            cand delete 'Remove a certificate (live/, archive/, renewal/) from the store; it is not revoked'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certwright;register'= {
            cand --server 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging'
            cand --ca-bundle 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)'
            cand --max-retry-wait 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]'
            cand --order-timeout 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]'
            cand -m 'Contact email for the account (expiry and policy notices); repeatable'
            cand --email 'Contact email for the account (expiry and policy notices); repeatable'
            cand --account-key-type 'Key type of a new account key'
            cand --eab-kid 'External account binding: the key id your CA gave you (ZeroSSL, Google Trust Services, private CAs)'
            cand --eab-hmac-key 'External account binding: the base64url HMAC key your CA gave you (prefer the environment variable: command lines are visible to others)'
            cand --staging-server 'Staging directory URL, for CAs whose staging directory certwright does not know'
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --agree-tos 'Agree to the CA''s terms of service (config file: agree_tos = true)'
            cand --register-unsafely-without-email 'Register without an email address (you will get no expiry notices)'
            cand --new-account 'Create a further account even when one exists for this server (other commands then need the account''s id to pick one)'
            cand --staging 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certwright;issue'= {
            cand --server 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging'
            cand --ca-bundle 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)'
            cand --max-retry-wait 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]'
            cand --order-timeout 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]'
            cand -d 'A name for the certificate (DNS name, *.wildcard, or IP address); repeatable, the first one names the lineage'
            cand --domain 'A name for the certificate (DNS name, *.wildcard, or IP address); repeatable, the first one names the lineage'
            cand -w 'The web server''s document root, for --webroot'
            cand --webroot-path 'The web server''s document root, for --webroot'
            cand --http-01-port 'Port of the standalone server (the CA always connects to port 80; change this only behind a port forward or for test CAs)'
            cand --http-01-address 'Address the standalone server listens on [default: all]'
            cand --cert-name 'Name of the lineage [default: the first domain]'
            cand --key-type 'Key type of the certificate'
            cand --account 'Account to use when several exist for the server'
            cand --preferred-chain 'Prefer the alternate chain whose top issuer has this common name'
            cand --renew-before 'When `renew` renews this certificate: "30d" before expiry, or "1/3" of its lifetime left (stored in the renewal file)'
            cand --pre-hook 'Command run once before the first renewal of a run (e.g. to stop a web server that holds port 80)'
            cand --post-hook 'Command run once after the last renewal of a run (runs whenever the pre-hook ran, even if renewals failed)'
            cand --deploy-hook 'Command run after each renewed certificate, with RENEWED_LINEAGE (the live directory) and RENEWED_DOMAINS (space-separated) set'
            cand --profile 'ACME profile to request (Let''s Encrypt: classic, tlsserver, shortlived); see `certwright account show` for the CA''s list'
            cand --csr 'Use this certificate signing request (PEM or DER) instead of making one; the names come from it'
            cand --key-path 'The private key of --csr (PEM)'
            cand --dns-hook 'Answer dns-01: run SCRIPT once per challenge to create the TXT record; it gets CERTBOT_DOMAIN, CERTBOT_VALIDATION, CERTBOT_REMAINING_CHALLENGES and CERTBOT_ALL_DOMAINS in its environment (certbot''s --manual-auth-hook also works)'
            cand --manual-auth-hook 'Answer dns-01: run SCRIPT once per challenge to create the TXT record; it gets CERTBOT_DOMAIN, CERTBOT_VALIDATION, CERTBOT_REMAINING_CHALLENGES and CERTBOT_ALL_DOMAINS in its environment (certbot''s --manual-auth-hook also works)'
            cand --dns-cleanup-hook 'Run SCRIPT once per challenge afterwards to remove the record, also when issuance failed or was interrupted (certbot''s --manual-cleanup-hook also works)'
            cand --manual-cleanup-hook 'Run SCRIPT once per challenge afterwards to remove the record, also when issuance failed or was interrupted (certbot''s --manual-cleanup-hook also works)'
            cand --preferred-challenges 'Challenge type for --manual, in order of preference [default: dns-01]'
            cand --propagation-delay 'Seconds to wait unconditionally after all TXT records are set'
            cand --propagation-timeout 'Check that every TXT record is visible at the zone''s authoritative name servers before the CA looks, for up to SECONDS (no check unless set)'
            cand --propagation-sleep-times 'Seconds between those checks; the last value repeats [default: 1,2,4,8]'
            cand --dns-resolver 'Ask this DNS server for the TXT records instead of the zone''s authoritative servers'
            cand -m 'Contact email for the account (expiry and policy notices); repeatable'
            cand --email 'Contact email for the account (expiry and policy notices); repeatable'
            cand --account-key-type 'Key type of a new account key'
            cand --eab-kid 'External account binding: the key id your CA gave you (ZeroSSL, Google Trust Services, private CAs)'
            cand --eab-hmac-key 'External account binding: the base64url HMAC key your CA gave you (prefer the environment variable: command lines are visible to others)'
            cand --staging-server 'Staging directory URL, for CAs whose staging directory certwright does not know'
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --standalone 'Answer http-01 with a built-in web server (needs the port free)'
            cand --webroot 'Answer http-01 by writing files into a running web server''s root'
            cand --force-renewal 'Replace the lineage''s certificate even if one is installed'
            cand --allow-name-removal 'Issue even if this leaves out names the lineage''s certificate has (without it, that needs a yes on a terminal)'
            cand --expand 'Accepted for certbot compatibility: adding names to a lineage needs no flag (certwright says which names it adds)'
            cand --reuse-key 'Keep the private key across renewals (stored in the renewal file)'
            cand --no-reuse-key 'Generate a new private key at each renewal (stored in the renewal file; overrides reuse_key in the config file)'
            cand --dry-run 'Run the whole flow against the CA''s staging directory with a staging account, and install nothing'
            cand --manual 'Show the TXT records (or http-01 files) to create by hand and wait for Enter; needs a terminal (use --dns-hook in scripts)'
            cand --agree-tos 'Agree to the CA''s terms of service (config file: agree_tos = true)'
            cand --register-unsafely-without-email 'Register without an email address (you will get no expiry notices)'
            cand --staging 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certwright;certificates'= {
            cand --cert-name 'Only these lineages'
            cand --format 'Output format'
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certwright;revoke'= {
            cand --server 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging'
            cand --ca-bundle 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)'
            cand --max-retry-wait 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]'
            cand --order-timeout 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]'
            cand --cert-name 'The lineage to revoke (its current certificate); server and account come from its renewal file'
            cand --cert-path 'A certificate file (PEM or DER) to revoke'
            cand --reason 'Why the certificate is revoked'
            cand --key-path 'Sign with the certificate''s own private key instead of the account (when the account is lost)'
            cand --account 'Account to sign with when several exist for the server'
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --delete-after-revoke 'Remove the lineage (live link, archive, renewal file) afterwards; asks first on a terminal'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certwright;account'= {
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the accounts stored locally (no network)'
            cand show 'Show an account as the CA sees it, and what the CA offers'
            cand update 'Change the account''s contact addresses'
            cand rollover 'Replace the account key (RFC 8555 key change)'
            cand deactivate 'Deactivate the account for good (the CA refuses it afterwards)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certwright;account;list'= {
            cand --server 'Only accounts for this server'
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certwright;account;show'= {
            cand --server 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging'
            cand --ca-bundle 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)'
            cand --max-retry-wait 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]'
            cand --order-timeout 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]'
            cand --account 'Account to use when several exist for the server'
            cand --staging-server 'Staging directory URL, for CAs whose staging directory certwright does not know'
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --staging 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certwright;account;update'= {
            cand --server 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging'
            cand --ca-bundle 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)'
            cand --max-retry-wait 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]'
            cand --order-timeout 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]'
            cand --account 'Account to use when several exist for the server'
            cand --staging-server 'Staging directory URL, for CAs whose staging directory certwright does not know'
            cand -m 'New contact email (replaces all current ones); repeatable'
            cand --email 'New contact email (replaces all current ones); repeatable'
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --staging 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/'
            cand --no-email 'Remove every contact address'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certwright;account;rollover'= {
            cand --server 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging'
            cand --ca-bundle 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)'
            cand --max-retry-wait 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]'
            cand --order-timeout 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]'
            cand --account 'Account to use when several exist for the server'
            cand --staging-server 'Staging directory URL, for CAs whose staging directory certwright does not know'
            cand --account-key-type 'Key type of the new account key'
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --staging 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certwright;account;deactivate'= {
            cand --server 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging'
            cand --ca-bundle 'PEM CA certificates to trust for the ACME server''s own TLS, instead of the system''s (private CAs, test servers such as Pebble)'
            cand --max-retry-wait 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]'
            cand --order-timeout 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]'
            cand --account 'Account to use when several exist for the server'
            cand --staging-server 'Staging directory URL, for CAs whose staging directory certwright does not know'
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --staging 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/'
            cand --yes 'Do not ask for confirmation'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certwright;account;help'= {
            cand list 'List the accounts stored locally (no network)'
            cand show 'Show an account as the CA sees it, and what the CA offers'
            cand update 'Change the account''s contact addresses'
            cand rollover 'Replace the account key (RFC 8555 key change)'
            cand deactivate 'Deactivate the account for good (the CA refuses it afterwards)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certwright;account;help;list'= {
        }
        &'certwright;account;help;show'= {
        }
        &'certwright;account;help;update'= {
        }
        &'certwright;account;help;rollover'= {
        }
        &'certwright;account;help;deactivate'= {
        }
        &'certwright;account;help;help'= {
        }
        &'certwright;import-certbot'= {
            cand --certbot-dir 'certbot''s configuration directory'
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certwright;renew'= {
            cand --cert-name 'Only these lineages (repeatable) [default: all]'
            cand --random-sleep-max 'Upper bound, in seconds, of the random sleep of non-interactive runs [default: 480]'
            cand --jobs 'Renew up to N certificates at once (they share the account and the CA''s Retry-After pauses) [default: 4, see docs/renewal.md]'
            cand --metrics-file 'After the run, write every certificate''s expiry, planned renewal and failures to FILE in node_exporter''s textfile format (atomically)'
            cand --renew-before 'Renew this long before expiry ("30d", "12h") or when this fraction of the lifetime is left ("1/3", "0.5"), for lineages that set none [default: ARI, else 1/3 (1/2 below 10 days of lifetime)]'
            cand --max-retry-wait 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]'
            cand --order-timeout 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]'
            cand --pre-hook 'Command run once before the first renewal of a run (e.g. to stop a web server that holds port 80)'
            cand --post-hook 'Command run once after the last renewal of a run (runs whenever the pre-hook ran, even if renewals failed)'
            cand --deploy-hook 'Command run after each renewed certificate, with RENEWED_LINEAGE (the live directory) and RENEWED_DOMAINS (space-separated) set'
            cand --staging-server 'Staging directory URL, for CAs whose staging directory certwright does not know'
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --force-renewal 'Renew even if not due, ignoring any backoff after failures'
            cand --no-random-sleep 'Do not sleep a random time before contacting the CA'
            cand --dry-run 'Renew every selected certificate against the CA''s staging directory (with a staging account) and keep nothing: live/, archive/ and renewal/ are not touched, no deploy hooks run'
            cand --reuse-key 'Keep each lineage''s private key instead of generating a new one'
            cand --no-reuse-key 'Generate a new private key even where reuse_key is set (renewal file or config file)'
            cand --staging 'Use the CA''s staging directory and keep the result apart from production, under <config-dir>/staging/'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certwright;check'= {
            cand --warning 'WARNING when a certificate has fewer days left than this'
            cand --critical 'CRITICAL when a certificate has fewer days left than this'
            cand --cert-name 'Only these lineages [default: all]'
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certwright;delete'= {
            cand --cert-name 'The lineage to remove'
            cand --config-dir 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]'
            cand --config 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]'
            cand --lock-wait 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]'
            cand -y 'Do not ask (required when stdin is not a terminal)'
            cand --yes 'Do not ask (required when stdin is not a terminal)'
            cand --non-interactive 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
            cand -v 'More output: -v shows every request to the CA, -vv adds details'
            cand --verbose 'More output: -v shows every request to the CA, -vv adds details'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand --json 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certwright;help'= {
            cand register 'Create (or find) an account with the CA'
            cand issue 'Obtain a certificate and install it under live/<name>/'
            cand certificates 'List the certificates certwright manages'
            cand revoke 'Revoke a certificate'
            cand account 'Manage ACME accounts: list, show, update, rollover, deactivate'
            cand import-certbot 'Take over certbot''s certificates and accounts (certbot''s files are only read, never changed)'
            cand renew 'Renew every certificate that is due (run it from cron or a timer)'
            cand check 'Nagios/Icinga check of every certificate (expiry, revocation, failing renewals, ARI windows moved earlier); reads the store only'
            cand delete 'Remove a certificate (live/, archive/, renewal/) from the store; it is not revoked'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certwright;help;register'= {
        }
        &'certwright;help;issue'= {
        }
        &'certwright;help;certificates'= {
        }
        &'certwright;help;revoke'= {
        }
        &'certwright;help;account'= {
            cand list 'List the accounts stored locally (no network)'
            cand show 'Show an account as the CA sees it, and what the CA offers'
            cand update 'Change the account''s contact addresses'
            cand rollover 'Replace the account key (RFC 8555 key change)'
            cand deactivate 'Deactivate the account for good (the CA refuses it afterwards)'
        }
        &'certwright;help;account;list'= {
        }
        &'certwright;help;account;show'= {
        }
        &'certwright;help;account;update'= {
        }
        &'certwright;help;account;rollover'= {
        }
        &'certwright;help;account;deactivate'= {
        }
        &'certwright;help;import-certbot'= {
        }
        &'certwright;help;renew'= {
        }
        &'certwright;help;check'= {
        }
        &'certwright;help;delete'= {
        }
        &'certwright;help;help'= {
        }
    ]
    $completions[$command]
}
