
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
            [CompletionResult]::new('import-certbot', 'import-certbot', [CompletionResultType]::ParameterValue, 'Take over certbot''s certificates and accounts (certbot''s files are only read, never changed)')
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
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--agree-tos', '--agree-tos', [CompletionResultType]::ParameterName, 'Agree to the CA''s terms of service')
            [CompletionResult]::new('--register-unsafely-without-email', '--register-unsafely-without-email', [CompletionResultType]::ParameterName, 'Register without an email address (you will get no expiry notices)')
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
            [CompletionResult]::new('--cert-name', '--cert-name', [CompletionResultType]::ParameterName, 'Name of the lineage [default: the first domain]')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key type of the certificate')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account to use when several exist for the server')
            [CompletionResult]::new('--preferred-chain', '--preferred-chain', [CompletionResultType]::ParameterName, 'Prefer the alternate chain whose top issuer has this common name')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Contact email for the account (expiry and policy notices); repeatable')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Contact email for the account (expiry and policy notices); repeatable')
            [CompletionResult]::new('--account-key-type', '--account-key-type', [CompletionResultType]::ParameterName, 'Key type of a new account key')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
            [CompletionResult]::new('--standalone', '--standalone', [CompletionResultType]::ParameterName, 'Answer http-01 with a built-in web server (needs the port free)')
            [CompletionResult]::new('--webroot', '--webroot', [CompletionResultType]::ParameterName, 'Answer http-01 by writing files into a running web server''s root')
            [CompletionResult]::new('--force-renewal', '--force-renewal', [CompletionResultType]::ParameterName, 'Replace the lineage''s certificate even if one is installed')
            [CompletionResult]::new('--agree-tos', '--agree-tos', [CompletionResultType]::ParameterName, 'Agree to the CA''s terms of service')
            [CompletionResult]::new('--register-unsafely-without-email', '--register-unsafely-without-email', [CompletionResultType]::ParameterName, 'Register without an email address (you will get no expiry notices)')
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
        'certwright;certificates' {
            [CompletionResult]::new('--cert-name', '--cert-name', [CompletionResultType]::ParameterName, 'Only these lineages')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
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
        'certwright;import-certbot' {
            [CompletionResult]::new('--certbot-dir', '--certbot-dir', [CompletionResultType]::ParameterName, 'certbot''s configuration directory')
            [CompletionResult]::new('--config-dir', '--config-dir', [CompletionResultType]::ParameterName, 'Where accounts, certificates and renewal settings live [default: /etc/certwright for root, else the user''s config dir]')
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
            [CompletionResult]::new('import-certbot', 'import-certbot', [CompletionResultType]::ParameterValue, 'Take over certbot''s certificates and accounts (certbot''s files are only read, never changed)')
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
        'certwright;help;import-certbot' {
            break
        }
        'certwright;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
