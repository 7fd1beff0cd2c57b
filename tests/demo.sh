#!/usr/bin/env bash
# The main job, end to end on one machine: start a local Pebble (Let's
# Encrypt's test CA), register an account and issue a real certificate
# through the certwright CLI, then show where it landed.
#
#   bash tests/demo.sh [DOMAIN...]        (default: demo.example.test)
#
# Installs Pebble with apt-get when it is missing (needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pebble >/dev/null || ! command -v pebble-challtestsrv >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq pebble >/dev/null
fi
cargo build --release --quiet
bin=$PWD/target/release/certwright

work=$(mktemp -d /tmp/certwright-demo.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
acme=$(free_port); mgmt=$(free_port); http=$(free_port); tls=$(free_port); dns=$(free_port); ctsm=$(free_port)

# Pebble ships no certificate for its own HTTPS API: make a throwaway CA.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
  -keyout "$work/ca.key" -out "$work/ca.pem" -subj "/CN=certwright demo TLS CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$work/tls.key" -out "$work/tls.csr" -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$work/ext"
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -days 7 -extfile "$work/ext" -out "$work/tls.pem" 2>/dev/null

cat > "$work/pebble.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:$acme", "managementListenAddress": "127.0.0.1:$mgmt",
 "certificate": "$work/tls.pem", "privateKey": "$work/tls.key",
 "httpPort": $http, "tlsPort": $tls, "ocspResponderURL": ""}}
JSON
pebble-challtestsrv -defaultIPv4 127.0.0.1 -defaultIPv6 "" -dns01 "127.0.0.1:$dns" \
  -management "127.0.0.1:$ctsm" -http01 "" -https01 "" -tlsalpn01 "" >"$work/challtestsrv.log" 2>&1 &
pids+=($!)
PEBBLE_VA_NOSLEEP=1 pebble -config "$work/pebble.json" -dnsserver "127.0.0.1:$dns" >"$work/pebble.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$acme") 2>/dev/null && break
  sleep 0.1
done

export CERTWRIGHT_CONFIG_DIR=$work/config
export CERTWRIGHT_SERVER=https://127.0.0.1:$acme/dir
export CERTWRIGHT_CA_BUNDLE=$work/ca.pem
domains=("$@"); [ ${#domains[@]} -gt 0 ] || domains=(demo.example.test)
dargs=(); for d in "${domains[@]}"; do dargs+=(-d "$d"); done

echo "== Pebble at $CERTWRIGHT_SERVER; store in $CERTWRIGHT_CONFIG_DIR"
"$bin" register --email admin@example.com --agree-tos
echo
"$bin" issue "${dargs[@]}" --standalone --http-01-address 127.0.0.1 --http-01-port "$http"
echo
"$bin" certificates
echo
live=$CERTWRIGHT_CONFIG_DIR/live/${domains[0]#\*.}
openssl x509 -in "$live/cert.pem" -noout -subject -issuer -dates -ext subjectAltName
echo
echo "Files kept in $work (Pebble is stopped now)."
