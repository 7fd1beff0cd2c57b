#!/usr/bin/env python3
"""`certwright renew --jobs N` against Pebble with a validation delay.

Prints figures; it is not a pass/fail test. For each fleet size (24 and 200
due lineages by default) and each --jobs value (1, the default, 6) it runs
one forced renewal of every lineage and reports the wall time and the
requests per lineage (from `renew --json`: each certificate entry carries
the requests sent for it, the document the run's total).

Pebble runs with PEBBLE_VA_SLEEPTIME (default 3: each validation waits a
random 0..2 s, like a real CA's validation taking a moment), no nonce
rejection and no authorization reuse, so every renewal really validates.
The lineages are clones of one issued lineage, each with its own domain;
--force-renewal makes them all due.

usage: python3 tests/bench/parallel.py [--sizes 24,200] [--jobs 1,default,6] [--sleeptime 3]
Needs a release build: cargo build --release
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import ROOT, free_port, wait_port  # noqa: E402

BIN = os.path.join(ROOT, "target/release/certwright")


def openssl(*a):
    subprocess.run(["openssl", *a], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Servers:
    def __init__(self, work, sleeptime):
        self.work, self.procs = work, []
        w = work
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-days", "7", "-keyout", f"{w}/ca.key", "-out", f"{w}/ca.pem", "-subj", "/CN=bench TLS CA")
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", f"{w}/tls.key", "-out", f"{w}/tls.csr", "-subj", "/CN=localhost")
        with open(f"{w}/ext", "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        openssl("x509", "-req", "-in", f"{w}/tls.csr", "-CA", f"{w}/ca.pem", "-CAkey", f"{w}/ca.key",
                "-CAcreateserial", "-days", "7", "-extfile", f"{w}/ext", "-out", f"{w}/tls.pem")
        acme, mgmt, self.http, tlsp, dns, ctsm = (free_port() for _ in range(6))
        with open(f"{w}/pebble.json", "w") as f:
            json.dump({"pebble": {"listenAddress": f"127.0.0.1:{acme}",
                                  "managementListenAddress": f"127.0.0.1:{mgmt}",
                                  "certificate": f"{w}/tls.pem", "privateKey": f"{w}/tls.key",
                                  "httpPort": self.http, "tlsPort": tlsp, "ocspResponderURL": ""}}, f)
        log = open(f"{w}/servers.log", "w")
        self.procs.append(subprocess.Popen(
            ["pebble-challtestsrv", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dns01",
             f"127.0.0.1:{dns}", "-management", f"127.0.0.1:{ctsm}", "-http01", "", "-https01", "",
             "-tlsalpn01", ""], stdout=log, stderr=log))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PEBBLE_")}
        env.update(PEBBLE_VA_SLEEPTIME=str(sleeptime), PEBBLE_WFE_NONCEREJECT="0", PEBBLE_AUTHZREUSE="0")
        self.procs.append(subprocess.Popen(
            ["pebble", "-config", f"{w}/pebble.json", "-dnsserver", f"127.0.0.1:{dns}"],
            stdout=log, stderr=log, env=env))
        wait_port(acme)
        self.env = dict(os.environ, CERTWRIGHT_CA_BUNDLE=f"{w}/ca.pem",
                        CERTWRIGHT_SERVER=f"https://127.0.0.1:{acme}/dir",
                        CERTWRIGHT_CONFIG_DIR=f"{w}/certwright")

    def stop(self):
        for p in self.procs:
            p.kill()
            p.wait()


def run(servers, args):
    p = subprocess.run([BIN, *args], env=servers.env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"certwright {args} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p.stdout


def make_fleet(servers, n):
    """n lineages cloned from one issued seed, each with its own domain."""
    base = servers.env["CERTWRIGHT_CONFIG_DIR"]
    for name in os.listdir(f"{base}/renewal") if os.path.isdir(f"{base}/renewal") else []:
        if name.startswith("l") and name.endswith(".toml"):
            lineage = name[:-5]
            os.remove(f"{base}/renewal/{name}")
            os.remove(f"{base}/live/{lineage}")
            shutil.rmtree(f"{base}/archive/{lineage}")
            state = f"{base}/renewal/.state/{lineage}.json"
            if os.path.exists(state):
                os.remove(state)
    seed = "seed.bench.example.test"
    with open(f"{base}/renewal/{seed}.toml") as f:
        conf = f.read()
    for i in range(n):
        name = f"l{i}.bench.example.test"
        shutil.copytree(f"{base}/archive/{seed}", f"{base}/archive/{name}", symlinks=True)
        version = os.readlink(f"{base}/live/{seed}").rsplit("/", 1)[-1]
        os.symlink(f"../archive/{name}/{version}", f"{base}/live/{name}")
        with open(f"{base}/renewal/{name}.toml", "w") as f:
            f.write(conf.replace(seed, name))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="24,200")
    ap.add_argument("--jobs", default="1,default,6")
    ap.add_argument("--sleeptime", type=int, default=3)
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    work = tempfile.mkdtemp(prefix="certwright-parallel.")
    servers = Servers(work, args.sleeptime)
    try:
        run(servers, ["-q", "register", "--email", "bench@example.com", "--agree-tos"])
        run(servers, ["-q", "issue", "-d", "seed.bench.example.test", "--standalone",
                      "--http-01-address", "127.0.0.1", "--http-01-port", str(servers.http)])
        print(f"Pebble with PEBBLE_VA_SLEEPTIME={args.sleeptime}, forced renewal of every lineage\n")
        print("| lineages | --jobs | wall (s) | lineages/min | requests per lineage (min / median / max) | requests total |")
        print("| --- | --- | --- | --- | --- | --- |")
        for size in [int(s) for s in args.sizes.split(",")]:
            for jobs in args.jobs.split(","):
                make_fleet(servers, size)
                flags = [] if jobs == "default" else ["--jobs", jobs]
                start = time.monotonic()
                out = run(servers, ["--json", "renew", "--force-renewal", "--no-random-sleep", *flags])
                wall = time.monotonic() - start
                doc = json.loads(out)
                # The seed lineage renews too.
                if doc["renewed"] != size + 1:
                    sys.exit(f"renewed {doc['renewed']} of {size + 1}:\n{out}")
                per = [c["requests"] for c in doc["certificates"] if c["name"].startswith("l")]
                print(f"| {size} | {jobs} | {wall:.1f} | {size / wall * 60:.0f} | "
                      f"{min(per)} / {statistics.median(per):g} / {max(per)} | {doc['requests']} |", flush=True)
    finally:
        servers.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
