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

if ! command -v pebble >/dev/null || ! command -v pebble-challtestsrv >/dev/null || ! command -v certbot >/dev/null \
   || ! command -v nginx >/dev/null || ! command -v openssl >/dev/null \
   || ! command -v caddy >/dev/null || ! command -v curl >/dev/null || ! command -v ip >/dev/null \
   || ! python3 -c 'import ensurepip' 2>/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq pebble certbot nginx openssl caddy curl iproute2 python3-venv >/dev/null
fi
bash tests/servers/setup-acme2certifier.sh
cargo test "$@"
