# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_certwright_global_optspecs
    string join \n config-dir= non-interactive v/verbose q/quiet json h/help V/version
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
complete -c certwright -n "__fish_certwright_needs_command" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_needs_command" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_needs_command" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_needs_command" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certwright -n "__fish_certwright_needs_command" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "register" -d 'Create (or find) an account with the CA'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "issue" -d 'Obtain a certificate and install it under live/<name>/'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "certificates" -d 'List the certificates certwright manages'
complete -c certwright -n "__fish_certwright_needs_command" -f -a "import-certbot" -d 'Take over certbot\'s certificates and accounts (certbot\'s files are only read, never changed)'
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
complete -c certwright -n "__fish_certwright_using_subcommand register" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand register" -l agree-tos -d 'Agree to the CA\'s terms of service'
complete -c certwright -n "__fish_certwright_using_subcommand register" -l register-unsafely-without-email -d 'Register without an email address (you will get no expiry notices)'
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
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l cert-name -d 'Name of the lineage [default: the first domain]' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l key-type -d 'Key type of the certificate' -r -f -a "ecdsa-p256\t''
ecdsa-p384\t''
rsa2048\t''
rsa3072\t''
rsa4096\t''"
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l account -d 'Account to use when several exist for the server' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l preferred-chain -d 'Prefer the alternate chain whose top issuer has this common name' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -s m -l email -d 'Contact email for the account (expiry and policy notices); repeatable' -r
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l account-key-type -d 'Key type of a new account key' -r -f -a "ecdsa-p256\t''
ecdsa-p384\t''
rsa2048\t''
rsa3072\t''
rsa4096\t''"
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l standalone -d 'Answer http-01 with a built-in web server (needs the port free)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l webroot -d 'Answer http-01 by writing files into a running web server\'s root'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l force-renewal -d 'Replace the lineage\'s certificate even if one is installed'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l agree-tos -d 'Agree to the CA\'s terms of service'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l register-unsafely-without-email -d 'Register without an email address (you will get no expiry notices)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand issue" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -l cert-name -d 'Only these lineages' -r
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand certificates" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -l certbot-dir -d 'certbot\'s configuration directory' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -l config-dir -d 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user\'s config dir]' -r -F
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -l non-interactive -d 'Never prompt; fail instead where input would be needed (implied when stdin is not a terminal)'
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -s v -l verbose -d 'More output: -v shows every request to the CA, -vv adds details'
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -s q -l quiet -d 'Print only errors'
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -l json -d 'Print one JSON document as the result (and JSON lines for progress events on stderr)'
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -s h -l help -d 'Print help'
complete -c certwright -n "__fish_certwright_using_subcommand import-certbot" -s V -l version -d 'Print version'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates import-certbot help" -f -a "register" -d 'Create (or find) an account with the CA'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates import-certbot help" -f -a "issue" -d 'Obtain a certificate and install it under live/<name>/'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates import-certbot help" -f -a "certificates" -d 'List the certificates certwright manages'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates import-certbot help" -f -a "import-certbot" -d 'Take over certbot\'s certificates and accounts (certbot\'s files are only read, never changed)'
complete -c certwright -n "__fish_certwright_using_subcommand help; and not __fish_seen_subcommand_from register issue certificates import-certbot help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
