# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_certwright_global_optspecs
    string join \n config-dir= config= lock-wait= non-interactive v/verbose q/quiet json h/help V/version
end

function __fish_certwright_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_certwright_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_certwright_using_subcommand
    set -l cmd (__fish_certwright_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c certwright -n "__fish_certwright_needs_command" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_needs_command" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_needs_command" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_needs_command" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_needs_command" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_needs_command" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_needs_command" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certwright -n "__fish_certwright_needs_command" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "register" -d 'Create (or find) an account with the CA'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "issue" -d 'Obtain a certificate and install it under live/<name>/'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "certificates" -d 'List the certificates certwright manages'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "revoke" -d 'Revoke a certificate'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "account" -d 'Manage ACME accounts: list, show, update, rollover, deactivate'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "import-certbot" -d 'Take over certbot\'s certificates and accounts (certbot\'s files are only read, never changed)'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "install" -d 'Install an existing certificate into a web server\'s configuration (kept in the renewal file: renewals reload the server)'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "renew" -d 'Renew every certificate that is due (run it from cron or a timer)'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "check" -d 'Nagios/Icinga check of every certificate (expiry, revocation, failing renewals, ARI windows moved earlier); reads the store only'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "delete" -d 'Remove a certificate (live/, archive/, renewal/) from the store; it is not revoked'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "reconfigure" -d 'Change how a certificate renews (solver, key, hooks, margin, profile), proven first by a dry run against the CA\'s staging directory; nothing is saved if it fails'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "persist-record" -d 'Print the dns-persist-01 TXT record that lets this account validate a name for as long as the record stays (draft-ietf-acme-dns-persist-01)'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certwright -n "__fish_certwright_using_subcommand register" -l server -d 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging' -r
complete -c certwright -n "__fish_certwright_using_subcommand register" -l ca-bundle -d 'PEM CA certificates to trust for the ACME server\'s own TLS, instead of the system\'s (private CAs, test servers such as Pebble)' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand register" -l max-retry-wait -d 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]' -r
complete -c certwright -n "__fish_certwright_using_subcommand register" -l order-timeout -d 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]' -r
complete -c certwright -n "__fish_certwright_using_subcommand register" -s m -l email -d 'Contact email for the account (expiry and policy notices); repeatable' -r
complete -c certwright -n "__fish_certwright_using_subcommand register" -l account-key-type -d 'Key type of a new account key' -r -f -a "ecdsa-p256\t''
ecdsa-p384\t''
rsa2048\t''
rsa3072\t''
rsa4096\t''"
complete -c certwright -n "__fish_certwright_using_subcommand register" -l eab-kid -d 'External account binding: the key id your CA gave you (ZeroSSL, Google Trust Services, private CAs)' -r
complete -c certwright -n "__fish_certwright_using_subcommand register" -l eab-hmac-key -d 'External account binding: the base64url HMAC key your CA gave you (prefer the environment variable: command lines are visible to others)' -r
complete -c certwright -n "__fish_certwright_using_subcommand register" -l staging-server -d 'Staging directory URL, for CAs whose staging directory certwright does not know' -r
complete -c certwright -n "__fish_certwright_using_subcommand register" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand register" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand register" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand register" -l agree-tos -d 'Agree to the CA\'s terms of service (config file: agree_tos = true)'
complete -c certwright -n "__fish_certwright_using_subcommand register" -l register-unsafely-without-email -d 'Register without an email address (you will get no expiry notices)'
complete -c certwright -n "__fish_certwright_using_subcommand register" -l new-account -d 'Create a further account even when one exists for this server (other commands then need the account\'s id to pick one)'
complete -c certwright -n "__fish_certwright_using_subcommand register" -l staging -d 'Use the CA\'s staging directory and keep the result apart from production, under <config-dir>/staging/'
complete -c certwright -n "__fish_certwright_using_subcommand register" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand register" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand register" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand register" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand register" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand register" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l server -d 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l ca-bundle -d 'PEM CA certificates to trust for the ACME server\'s own TLS, instead of the system\'s (private CAs, test servers such as Pebble)' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l max-retry-wait -d 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l order-timeout -d 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -s d -l domain -d 'A name for the certificate (DNS name, *.wildcard, or IP address); repeatable, the first one names the lineage' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -s w -l webroot-path -d 'The web server\'s document root, for --webroot' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l http-01-port -d 'Port of the standalone server (the CA always connects to port 80; change this only behind a port forward or for test CAs)' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l http-01-address -d 'Address the standalone server listens on [default: all]' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l tls-alpn-01-port -d 'Port of the tls-alpn-01 server (the CA always connects to port 443; change this only behind a port forward or for test CAs)' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l tls-alpn-01-address -d 'Address the tls-alpn-01 server listens on [default: all]' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l nginx-server-root -d 'The directory holding nginx.conf [default: /etc/nginx]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l nginx-ctl -d 'The nginx binary, or a wrapper [default: nginx]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l https-port -d 'Port a server block gets `listen PORT ssl` on when it has no TLS yet [default: 443]' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l cert-name -d 'Name of the lineage [default: the first domain]' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l key-type -d 'Key type of the certificate' -r -f -a "ecdsa-p256\t''
ecdsa-p384\t''
rsa2048\t''
rsa3072\t''
rsa4096\t''"
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l account -d 'Account to use when several exist for the server' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l preferred-chain -d 'Prefer the alternate chain whose top issuer has this common name' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l renew-before -d 'When `renew` renews this certificate: "30d" before expiry, or "1/3" of its lifetime left (stored in the renewal file)' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l pre-hook -d 'Command run once before the first renewal of a run (e.g. to stop a web server that holds port 80)' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l post-hook -d 'Command run once after the last renewal of a run (runs whenever the pre-hook ran, even if renewals failed)' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l deploy-hook -d 'Command run after each renewed certificate, with RENEWED_LINEAGE (the live directory) and RENEWED_DOMAINS (space-separated) set' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l profile -d 'ACME profile to request (Let\'s Encrypt: classic, tlsserver, shortlived); see `certwright account show` for the CA\'s list' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l csr -d 'Use this certificate signing request (PEM or DER) instead of making one; the names come from it' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l key-path -d 'The private key of --csr (PEM)' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l dns-hook -l manual-auth-hook -d 'Answer dns-01: run SCRIPT once per challenge to create the TXT record; it gets CERTBOT_DOMAIN, CERTBOT_VALIDATION, CERTBOT_REMAINING_CHALLENGES and CERTBOT_ALL_DOMAINS in its environment (certbot\'s --manual-auth-hook also works)' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l dns-cleanup-hook -l manual-cleanup-hook -d 'Run SCRIPT once per challenge afterwards to remove the record, also when issuance failed or was interrupted (certbot\'s --manual-cleanup-hook also works)' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l preferred-challenges -d 'Challenge type: for --manual (dns-01 or http-01 [default: dns-01]), tls-alpn-01 with --standalone, or dns-persist-01 on its own' -r -f -a "dns-01\t''
http-01\t''
tls-alpn-01\t'With --standalone: the built-in TLS server on port 443 (RFC 8737)'
dns-persist-01\t'A standing _validation-persist TXT record (see `persist-record`)'"
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l propagation-delay -d 'Seconds to wait unconditionally after all TXT records are set' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l propagation-timeout -d 'Check that every TXT record is visible at the zone\'s authoritative name servers before the CA looks, for up to SECONDS (no check unless set)' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l propagation-sleep-times -d 'Seconds between those checks; the last value repeats [default: 1,2,4,8]' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l dns-resolver -d 'Ask this DNS server for the TXT records instead of the zone\'s authoritative servers' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -s m -l email -d 'Contact email for the account (expiry and policy notices); repeatable' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l account-key-type -d 'Key type of a new account key' -r -f -a "ecdsa-p256\t''
ecdsa-p384\t''
rsa2048\t''
rsa3072\t''
rsa4096\t''"
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l eab-kid -d 'External account binding: the key id your CA gave you (ZeroSSL, Google Trust Services, private CAs)' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l eab-hmac-key -d 'External account binding: the base64url HMAC key your CA gave you (prefer the environment variable: command lines are visible to others)' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l staging-server -d 'Staging directory URL, for CAs whose staging directory certwright does not know' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l standalone -d 'Answer http-01 with a built-in web server (needs the port free)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l webroot -d 'Answer http-01 by writing files into a running web server\'s root'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l nginx -d 'Answer http-01 through the running nginx and install the certificate in the server blocks whose server_name matches'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l redirect -d 'Redirect plain http to https (301) in the server blocks that serve the names'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l no-redirect -d 'Add no redirect [default]'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l force-renewal -d 'Replace the lineage\'s certificate even if one is installed'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l allow-name-removal -d 'Issue even if this leaves out names the lineage\'s certificate has (without it, that needs a yes on a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l expand -d 'Accepted for certbot compatibility: adding names to a lineage needs no flag (certwright says which names it adds)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l reuse-key -d 'Keep the private key across renewals (stored in the renewal file)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l no-reuse-key -d 'Generate a new private key at each renewal (stored in the renewal file; overrides reuse_key in the config file)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l dry-run -d 'Run the whole flow against the CA\'s staging directory with a staging account, and install nothing'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l manual -d 'Show the TXT records (or http-01 files) to create by hand and wait for Enter; needs a terminal (use --dns-hook in scripts)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l agree-tos -d 'Agree to the CA\'s terms of service (config file: agree_tos = true)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l register-unsafely-without-email -d 'Register without an email address (you will get no expiry notices)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l staging -d 'Use the CA\'s staging directory and keep the result apart from production, under <config-dir>/staging/'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -l cert-name -d 'Only these lineages' -r
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -l format -d 'Output format' -r -f -a "text\t'For people; with the global --json flag, one JSON document'
prometheus\t'node_exporter\'s textfile format (what renew writes to its metrics file)'"
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l server -d 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging' -r
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l ca-bundle -d 'PEM CA certificates to trust for the ACME server\'s own TLS, instead of the system\'s (private CAs, test servers such as Pebble)' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l max-retry-wait -d 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]' -r
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l order-timeout -d 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]' -r
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l cert-name -d 'The lineage to revoke (its current certificate); server and account come from its renewal file' -r
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l cert-path -d 'A certificate file (PEM or DER) to revoke' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l reason -d 'Why the certificate is revoked' -r -f -a "unspecified\t''
keyCompromise\t''
affiliationChanged\t''
superseded\t''
cessationOfOperation\t''"
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l key-path -d 'Sign with the certificate\'s own private key instead of the account (when the account is lost)' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l account -d 'Account to sign with when several exist for the server' -r
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l delete-after-revoke -d 'Remove the lineage (live link, archive, renewal file) afterwards; asks first on a terminal'
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand revoke" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -f -a "list" -d 'List the accounts stored locally (no network)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -f -a "show" -d 'Show an account as the CA sees it, and what the CA offers'
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -f -a "update" -d 'Change the account\'s contact addresses'
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -f -a "rollover" -d 'Replace the account key (RFC 8555 key change)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -f -a "deactivate" -d 'Deactivate the account for good (the CA refuses it afterwards)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and not __fish_seen_subcommand_from list show update rollover deactivate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from list" -l server -d 'Only accounts for this server' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from list" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from list" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from list" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from list" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -l server -d 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -l ca-bundle -d 'PEM CA certificates to trust for the ACME server\'s own TLS, instead of the system\'s (private CAs, test servers such as Pebble)' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -l max-retry-wait -d 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -l order-timeout -d 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -l account -d 'Account to use when several exist for the server' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -l staging-server -d 'Staging directory URL, for CAs whose staging directory certwright does not know' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -l staging -d 'Use the CA\'s staging directory and keep the result apart from production, under <config-dir>/staging/'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -l server -d 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -l ca-bundle -d 'PEM CA certificates to trust for the ACME server\'s own TLS, instead of the system\'s (private CAs, test servers such as Pebble)' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -l max-retry-wait -d 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -l order-timeout -d 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -l account -d 'Account to use when several exist for the server' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -l staging-server -d 'Staging directory URL, for CAs whose staging directory certwright does not know' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -s m -l email -d 'New contact email (replaces all current ones); repeatable' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -l staging -d 'Use the CA\'s staging directory and keep the result apart from production, under <config-dir>/staging/'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -l no-email -d 'Remove every contact address'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -l server -d 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -l ca-bundle -d 'PEM CA certificates to trust for the ACME server\'s own TLS, instead of the system\'s (private CAs, test servers such as Pebble)' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -l max-retry-wait -d 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -l order-timeout -d 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -l account -d 'Account to use when several exist for the server' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -l staging-server -d 'Staging directory URL, for CAs whose staging directory certwright does not know' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -l account-key-type -d 'Key type of the new account key' -r -f -a "ecdsa-p256\t''
ecdsa-p384\t''
rsa2048\t''
rsa3072\t''
rsa4096\t''"
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -l staging -d 'Use the CA\'s staging directory and keep the result apart from production, under <config-dir>/staging/'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from rollover" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -l server -d 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -l ca-bundle -d 'PEM CA certificates to trust for the ACME server\'s own TLS, instead of the system\'s (private CAs, test servers such as Pebble)' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -l max-retry-wait -d 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -l order-timeout -d 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -l account -d 'Account to use when several exist for the server' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -l staging-server -d 'Staging directory URL, for CAs whose staging directory certwright does not know' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -l staging -d 'Use the CA\'s staging directory and keep the result apart from production, under <config-dir>/staging/'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -l yes -d 'Do not ask for confirmation'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from deactivate" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the accounts stored locally (no network)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show an account as the CA sees it, and what the CA offers'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change the account\'s contact addresses'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "rollover" -d 'Replace the account key (RFC 8555 key change)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "deactivate" -d 'Deactivate the account for good (the CA refuses it afterwards)'
complete -c certwright -n "__fish_certwright_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -l certbot-dir -d 'certbot\'s configuration directory' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand install" -l cert-name -d 'The lineage whose certificate to install' -r
complete -c certwright -n "__fish_certwright_using_subcommand install" -l nginx-server-root -d 'The directory holding nginx.conf [default: /etc/nginx]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand install" -l nginx-ctl -d 'The nginx binary, or a wrapper [default: nginx]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand install" -l https-port -d 'Port a server block gets `listen PORT ssl` on when it has no TLS yet [default: 443]' -r
complete -c certwright -n "__fish_certwright_using_subcommand install" -l http-01-port -d 'The port nginx serves plain http on (where --redirect goes) [default: 80]' -r
complete -c certwright -n "__fish_certwright_using_subcommand install" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand install" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand install" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand install" -l nginx -d 'Answer http-01 through the running nginx and install the certificate in the server blocks whose server_name matches'
complete -c certwright -n "__fish_certwright_using_subcommand install" -l redirect -d 'Redirect plain http to https (301) in the server blocks that serve the names'
complete -c certwright -n "__fish_certwright_using_subcommand install" -l no-redirect -d 'Add no redirect [default]'
complete -c certwright -n "__fish_certwright_using_subcommand install" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand install" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand install" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand install" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand install" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand install" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l cert-name -d 'Only these lineages (repeatable) [default: all]' -r
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l random-sleep-max -d 'Upper bound, in seconds, of the random sleep of non-interactive runs [default: 480]' -r
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l jobs -d 'Renew up to N certificates at once (they share the account and the CA\'s Retry-After pauses) [default: 4, see docs/renewal.md]' -r
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l metrics-file -d 'After the run, write every certificate\'s expiry, planned renewal and failures to FILE in node_exporter\'s textfile format (atomically)' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l renew-before -d 'Renew this long before expiry ("30d", "12h") or when this fraction of the lifetime is left ("1/3", "0.5"), for lineages that set none [default: ARI, else 1/3 (1/2 below 10 days of lifetime)]' -r
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l max-retry-wait -d 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]' -r
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l order-timeout -d 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]' -r
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l pre-hook -d 'Command run once before the first renewal of a run (e.g. to stop a web server that holds port 80)' -r
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l post-hook -d 'Command run once after the last renewal of a run (runs whenever the pre-hook ran, even if renewals failed)' -r
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l deploy-hook -d 'Command run after each renewed certificate, with RENEWED_LINEAGE (the live directory) and RENEWED_DOMAINS (space-separated) set' -r
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l staging-server -d 'Staging directory URL, for CAs whose staging directory certwright does not know' -r
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l force-renewal -d 'Renew even if not due, ignoring any backoff after failures'
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l no-random-sleep -d 'Do not sleep a random time before contacting the CA'
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l dry-run -d 'Renew every selected certificate against the CA\'s staging directory (with a staging account) and keep nothing: live/, archive/ and renewal/ are not touched, no deploy hooks run'
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l reuse-key -d 'Keep each lineage\'s private key instead of generating a new one'
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l no-reuse-key -d 'Generate a new private key even where reuse_key is set (renewal file or config file)'
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l staging -d 'Use the CA\'s staging directory and keep the result apart from production, under <config-dir>/staging/'
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand renew" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand renew" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand renew" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand renew" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand renew" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand check" -l warning -d 'WARNING when a certificate has fewer days left than this' -r
complete -c certwright -n "__fish_certwright_using_subcommand check" -l critical -d 'CRITICAL when a certificate has fewer days left than this' -r
complete -c certwright -n "__fish_certwright_using_subcommand check" -l cert-name -d 'Only these lineages [default: all]' -r
complete -c certwright -n "__fish_certwright_using_subcommand check" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand check" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand check" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand check" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand check" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand check" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand check" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand check" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand check" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand delete" -l cert-name -d 'The lineage to remove' -r
complete -c certwright -n "__fish_certwright_using_subcommand delete" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand delete" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand delete" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand delete" -s y -l yes -d 'Do not ask (required when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand delete" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand delete" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand delete" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand delete" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand delete" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand delete" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l cert-name -d 'The lineage to change' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -s w -l webroot-path -d 'Document root for --webroot' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l http-01-port -d 'Port of the standalone http-01 server' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l http-01-address -d 'Address of the standalone http-01 server' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l key-type -d 'Key type of the next certificates' -r -f -a "ecdsa-p256\t''
ecdsa-p384\t''
rsa2048\t''
rsa3072\t''
rsa4096\t''"
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l preferred-chain -d 'Prefer the alternate chain whose top issuer has this common name' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l renew-before -d 'Renew this long before expiry ("30d") or at this fraction of the lifetime left ("1/3")' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l profile -d 'ACME profile to request from now on' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l staging-server -d 'Staging directory URL for the dry run, for CAs whose staging directory certwright does not know' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l pre-hook -d 'Command run once before the first renewal of a run (e.g. to stop a web server that holds port 80)' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l post-hook -d 'Command run once after the last renewal of a run (runs whenever the pre-hook ran, even if renewals failed)' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l deploy-hook -d 'Command run after each renewed certificate, with RENEWED_LINEAGE (the live directory) and RENEWED_DOMAINS (space-separated) set' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l dns-hook -l manual-auth-hook -d 'Answer dns-01: run SCRIPT once per challenge to create the TXT record; it gets CERTBOT_DOMAIN, CERTBOT_VALIDATION, CERTBOT_REMAINING_CHALLENGES and CERTBOT_ALL_DOMAINS in its environment (certbot\'s --manual-auth-hook also works)' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l dns-cleanup-hook -l manual-cleanup-hook -d 'Run SCRIPT once per challenge afterwards to remove the record, also when issuance failed or was interrupted (certbot\'s --manual-cleanup-hook also works)' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l preferred-challenges -d 'Challenge type: for --manual (dns-01 or http-01 [default: dns-01]), tls-alpn-01 with --standalone, or dns-persist-01 on its own' -r -f -a "dns-01\t''
http-01\t''
tls-alpn-01\t'With --standalone: the built-in TLS server on port 443 (RFC 8737)'
dns-persist-01\t'A standing _validation-persist TXT record (see `persist-record`)'"
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l propagation-delay -d 'Seconds to wait unconditionally after all TXT records are set' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l propagation-timeout -d 'Check that every TXT record is visible at the zone\'s authoritative name servers before the CA looks, for up to SECONDS (no check unless set)' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l propagation-sleep-times -d 'Seconds between those checks; the last value repeats [default: 1,2,4,8]' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l dns-resolver -d 'Ask this DNS server for the TXT records instead of the zone\'s authoritative servers' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l standalone -d 'Answer http-01 with a built-in web server from now on'
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l webroot -d 'Answer http-01 by writing files into a running web server\'s root'
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l reuse-key -d 'Keep the private key across renewals'
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l no-reuse-key -d 'Generate a new private key at each renewal'
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l manual -d 'Show the TXT records (or http-01 files) to create by hand and wait for Enter; needs a terminal (use --dns-hook in scripts)'
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certwright -n "__fish_certwright_using_subcommand reconfigure" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l server -d 'ACME directory URL, or an alias: letsencrypt, letsencrypt-staging, zerossl, google, google-staging' -r
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l ca-bundle -d 'PEM CA certificates to trust for the ACME server\'s own TLS, instead of the system\'s (private CAs, test servers such as Pebble)' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l max-retry-wait -d 'Longest total wait, in seconds, that certwright accepts when the CA answers "busy, retry after N" before giving up [default: 300]' -r
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l order-timeout -d 'Deadline, in seconds, for the CA to validate and issue one order [default: 600]' -r
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l account -d 'Account to use when several exist for the server' -r
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l staging-server -d 'Staging directory URL, for CAs whose staging directory certwright does not know' -r
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -s d -l domain -d 'A name the record is for, repeatable; *.NAME implies --wildcard' -r
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l persist-until -d 'Add persistUntil: the CA refuses the record after this date (UTC), RFC 3339 time or UNIX time in seconds' -r
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l issuer-domain-name -d 'The CA\'s issuer domain name to put in the record [default: the first of the CA\'s caaIdentities]' -r
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l config -d 'Read settings from this file (it must exist) [default: <config-dir>/config.toml, if it exists]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l lock-wait -d 'Seconds to wait for another certwright run to finish before giving up with exit status 4 [default: 5]' -r
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l staging -d 'Use the CA\'s staging directory and keep the result apart from production, under <config-dir>/staging/'
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l wildcard -d 'Add policy=wildcard: the record then also covers *.NAME and every subdomain of NAME'
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand persist-record" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates revoke account import-certbot install renew check delete reconfigure persist-record help" -f -a "register" -d 'Create (or find) an account with the CA'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates revoke account import-certbot install renew check delete reconfigure persist-record help" -f -a "issue" -d 'Obtain a certificate and install it under live/<name>/'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates revoke account import-certbot install renew check delete reconfigure persist-record help" -f -a "certificates" -d 'List the certificates certwright manages'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates revoke account import-certbot install renew check delete reconfigure persist-record help" -f -a "revoke" -d 'Revoke a certificate'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates revoke account import-certbot install renew check delete reconfigure persist-record help" -f -a "account" -d 'Manage ACME accounts: list, show, update, rollover, deactivate'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates revoke account import-certbot install renew check delete reconfigure persist-record help" -f -a "import-certbot" -d 'Take over certbot\'s certificates and accounts (certbot\'s files are only read, never changed)'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates revoke account import-certbot install renew check delete reconfigure persist-record help" -f -a "install" -d 'Install an existing certificate into a web server\'s configuration (kept in the renewal file: renewals reload the server)'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates revoke account import-certbot install renew check delete reconfigure persist-record help" -f -a "renew" -d 'Renew every certificate that is due (run it from cron or a timer)'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates revoke account import-certbot install renew check delete reconfigure persist-record help" -f -a "check" -d 'Nagios/Icinga check of every certificate (expiry, revocation, failing renewals, ARI windows moved earlier); reads the store only'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates revoke account import-certbot install renew check delete reconfigure persist-record help" -f -a "delete" -d 'Remove a certificate (live/, archive/, renewal/) from the store; it is not revoked'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates revoke account import-certbot install renew check delete reconfigure persist-record help" -f -a "reconfigure" -d 'Change how a certificate renews (solver, key, hooks, margin, profile), proven first by a dry run against the CA\'s staging directory; nothing is saved if it fails'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates revoke account import-certbot install renew check delete reconfigure persist-record help" -f -a "persist-record" -d 'Print the dns-persist-01 TXT record that lets this account validate a name for as long as the record stays (draft-ietf-acme-dns-persist-01)'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates revoke account import-certbot install renew check delete reconfigure persist-record help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certwright -n "__fish_certwright_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "list" -d 'List the accounts stored locally (no network)'
complete -c certwright -n "__fish_certwright_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "show" -d 'Show an account as the CA sees it, and what the CA offers'
complete -c certwright -n "__fish_certwright_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "update" -d 'Change the account\'s contact addresses'
complete -c certwright -n "__fish_certwright_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "rollover" -d 'Replace the account key (RFC 8555 key change)'
complete -c certwright -n "__fish_certwright_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "deactivate" -d 'Deactivate the account for good (the CA refuses it afterwards)'
