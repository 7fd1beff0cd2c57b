#!/usr/bin/env bash
# The whole test suite: unit tests, and integration tests that start their
# own Pebble on loopback ports. Installs Pebble with apt-get when missing.
#
#   bash tests/run-all.sh [extra cargo test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pebble >/dev/null || ! command -v pebble-challtestsrv >/dev/null || ! command -v certbot >/dev/null || ! command -v nginx >/dev/null || ! command -v openssl >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq pebble certbot nginx openssl >/dev/null
fi
cargo test "$@"
