#!/usr/bin/env bash
# Creates the Python venv with acme2certifier that the interop tests use
# (tests/common/acme2certifier.rs), unless it is there already.
#
#   bash tests/servers/setup-acme2certifier.sh [VENV]   default: target/acme2certifier-venv
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${1:-${CERTWRIGHT_ACME2CERTIFIER_VENV:-target/acme2certifier-venv}}
version=0.46.3
if [ -x "$venv/bin/python" ] && compgen -G "$venv/lib/python3*/site-packages/acme2certifier/share/acme2certifier_wsgi.py" >/dev/null \
   && [ "$("$venv/bin/pip" show acme2certifier 2>/dev/null | sed -n 's/^Version: //p')" = "$version" ]; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "acme2certifier==$version"
