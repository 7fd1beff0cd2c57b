#!/usr/bin/env bash
# The whole test suite: unit tests, and integration tests that start their
# own Pebble on loopback ports, and interop tests against Caddy's
# acme_server and acme2certifier in network namespaces of their own.
# Installs what is missing with apt-get (and acme2certifier into a venv
# under target/, see tests/servers/setup-acme2certifier.sh).
#
#   bash tests/run-all.sh [extra cargo test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# nginx, BIND 9 and PowerDNS (with sqlite3 for its schema) are the real
# servers the installer and DNS provider tests drive.
missing=0
for tool in pebble pebble-challtestsrv certbot nginx openssl caddy curl ip /usr/sbin/named /usr/sbin/tsig-keygen /usr/sbin/pdns_server pdnsutil sqlite3; do
  command -v "$tool" >/dev/null || missing=1
done
python3 -c 'import ensurepip' 2>/dev/null || missing=1
[ -n "$(find /usr/lib -name libgsqlite3backend.so -print -quit 2>/dev/null)" ] || missing=1
if [ "$missing" = 1 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq pebble certbot nginx openssl bind9 pdns-server pdns-backend-sqlite3 sqlite3 caddy curl iproute2 python3-venv >/dev/null
fi
bash tests/servers/setup-acme2certifier.sh
cargo test "$@"
