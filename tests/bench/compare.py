#!/usr/bin/env python3
"""certwright side by side with certbot and lego, on one machine, in one run.

Starts Pebble (PEBBLE_VA_NOSLEEP=1, no nonce rejection, no authorization
reuse) behind a request-counting TLS proxy, then runs each client on the same
work, several rounds, interleaved so machine noise hits every tool alike:

  single   one-name issuance, http-01 standalone, existing account
  ten      ten-name issuance
  noop-N   renew run over N lineages, none due (N = 10, 100, 1000)
  version  `--version` start-up

With --validation-delays (e.g. 0,4,11) it measures instead how each client
waits for validation: Pebble's VA sleeps a random 0..N-1 s before each
validation (PEBBLE_VA_SLEEPTIME=N; 0 means PEBBLE_VA_NOSLEEP), and every
client issues for 1 and for 10 names; requests and wall time per delay.
uacme (webroot hook behind a small web server, since it has no standalone
mode) joins when listed in --tools.

With --trust it measures one issuance of certwright and lego per way of
trusting the CA's TLS certificate (the test root alone, system roots plus it
as a file or as SSL_CERT_FILE, the system's hashed directory).

For every run: wall time, CPU time (user+sys of the process), peak RSS, and
the HTTP requests the ACME server received. Prints a Markdown table of
medians and the certwright/peer ratios. See docs/benchmarks.md.

usage: python3 tests/bench/compare.py [--rounds 3] [--tools certwright,certbot,lego]
       python3 tests/bench/compare.py --validation-delays 0,4,11 --tools certwright,certbot,lego,uacme
       python3 tests/bench/compare.py --trust --tools certwright,lego --rounds 7
Installs pebble, certbot and lego with apt-get when missing (root or sudo).
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on {port}")


def ensure_packages(tools):
    want = {"pebble": "pebble", "certbot": "certbot", "lego": "lego", "uacme": "uacme", "time": "time"}
    missing = [pkg for binary, pkg in want.items()
               if (binary in ("pebble", "time") or binary in tools)
               and not shutil.which(binary) and not os.path.exists(f"/usr/bin/{binary}")]
    if missing:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq"] + missing, check=True,
                       stdout=subprocess.DEVNULL)


class Measured:
    def __init__(self, wall, cpu, rss_mb, requests, rc):
        self.wall, self.cpu, self.rss_mb, self.requests, self.rc = wall, cpu, rss_mb, requests, rc


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="certwright-bench.")
        self.procs = []
        self.results = {}  # (scenario, tool) -> [Measured]

    # ---- servers ----
    def openssl(self, *a):
        subprocess.run(["openssl", *a], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self, va_sleep=0):
        w = self.work
        self.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-days", "7", "-keyout", f"{w}/ca.key", "-out", f"{w}/ca.pem", "-subj", "/CN=bench TLS CA")
        self.openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", f"{w}/tls.key", "-out", f"{w}/tls.csr", "-subj", "/CN=localhost")
        with open(f"{w}/ext", "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        self.openssl("x509", "-req", "-in", f"{w}/tls.csr", "-CA", f"{w}/ca.pem", "-CAkey", f"{w}/ca.key",
                     "-CAcreateserial", "-days", "7", "-extfile", f"{w}/ext", "-out", f"{w}/tls.pem")
        acme, mgmt, self.http, tlsp, dns, ctsm, self.proxy = (free_port() for _ in range(7))
        with open(f"{w}/pebble.json", "w") as f:
            f.write('{"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",'
                    ' "certificate": "%s/tls.pem", "privateKey": "%s/tls.key", "httpPort": %d, "tlsPort": %d,'
                    ' "ocspResponderURL": ""}}' % (acme, mgmt, w, w, self.http, tlsp))
        log = open(f"{w}/servers.log", "w")
        self.procs.append(subprocess.Popen(
            ["pebble-challtestsrv", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dns01", f"127.0.0.1:{dns}",
             "-management", f"127.0.0.1:{ctsm}", "-http01", "", "-https01", "", "-tlsalpn01", ""],
            stdout=log, stderr=log))
        env = dict(os.environ, PEBBLE_WFE_NONCEREJECT="0", PEBBLE_AUTHZREUSE="0")
        if va_sleep:
            env["PEBBLE_VA_SLEEPTIME"] = str(va_sleep)
            env.pop("PEBBLE_VA_NOSLEEP", None)
        else:
            env["PEBBLE_VA_NOSLEEP"] = "1"
        self.procs.append(subprocess.Popen(
            ["pebble", "-config", f"{w}/pebble.json", "-dnsserver", f"127.0.0.1:{dns}"],
            stdout=log, stderr=log, env=env))
        wait_port(acme)
        self.requests_log = f"{w}/requests.log"
        open(self.requests_log, "w").close()
        self.procs.append(subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "tests/bench/count_proxy.py"), str(self.proxy), str(acme),
             f"{w}/tls.pem", f"{w}/tls.key", f"{w}/ca.pem", self.requests_log], stdout=log, stderr=log))
        wait_port(self.proxy)
        self.directory = f"https://127.0.0.1:{self.proxy}/dir"
        self.env = dict(os.environ, REQUESTS_CA_BUNDLE=f"{w}/ca.pem", LEGO_CA_CERTIFICATES=f"{w}/ca.pem",
                        CERTWRIGHT_CA_BUNDLE=f"{w}/ca.pem", CERTWRIGHT_SERVER=self.directory,
                        CERTWRIGHT_CONFIG_DIR=f"{w}/certwright")

    def stop(self):
        for p in self.procs:
            p.kill()
            p.wait()
        self.procs = []

    def request_count(self):
        with open(self.requests_log) as f:
            return sum(1 for _ in f)

    # ---- running ----
    def measure(self, cmd, check=True):
        before = self.request_count()
        # Peak RSS from GNU time: rusage taken from Python would count the
        # forked interpreter's pages in the child's peak.
        stats = f"{self.work}/time.out"
        start = time.monotonic()
        p = subprocess.Popen(["/usr/bin/time", "-o", stats, "-f", "%M", *cmd], env=self.env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=self.work)
        out = p.stdout.read()
        # wait4's rusage covers `time` and the client it waited for, in
        # microseconds (GNU time's own %U/%S are rounded to 10 ms).
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - start
        time.sleep(0.05)  # let the proxy finish writing its log line
        rc = os.waitstatus_to_exitcode(status)
        if check and rc != 0:
            sys.exit(f"{cmd} failed ({rc}):\n{out.decode(errors='replace')}")
        with open(stats) as f:
            rss_kb = f.read().split()[-1]
        return Measured(wall, ru.ru_utime + ru.ru_stime, int(rss_kb) / 1024, self.request_count() - before, rc)

    def measure_issue(self, tool, names):
        """One issuance; uacme gets a web server on Pebble's http-01 port
        for its webroot, only while it runs (the others bind the port)."""
        server = None
        if tool == "uacme":
            root = f"{self.work}/uacme-www"
            os.makedirs(f"{root}/.well-known/acme-challenge", exist_ok=True)
            self.env["UACME_CHALLENGE_PATH"] = f"{root}/.well-known/acme-challenge"
            server = subprocess.Popen([sys.executable, "-m", "http.server", str(self.http), "--bind", "127.0.0.1",
                                       "-d", root], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_port(self.http)
        try:
            return self.measure(self.issue_cmd(tool, names))
        finally:
            if server:
                server.kill()
                server.wait()

    def run_validation_delays(self):
        tools = self.args.tools
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        for delay in self.args.validation_delays:
            self.start(va_sleep=delay)
            try:
                for tool in tools:
                    shutil.rmtree(f"{self.work}/uacme", ignore_errors=True)
                    registered = self.register(tool)
                    if tool == "lego":
                        self.record((delay, "first"), tool, registered)
                    # A first issuance against this CA, for every tool alike
                    # (lego's registration is one): certwright learns there
                    # how many fetches a validation takes. Reported apart.
                    if tool != "lego":
                        names = [f"v{delay}-first.{tool}.example.test"]
                        self.record((delay, "first"), tool, self.measure_issue(tool, names))
                for r in range(self.args.rounds):
                    for n in (1, 10):
                        for tool in tools:
                            names = [f"v{delay}-{r}-{i}.{tool}.example.test" for i in range(n)]
                            self.record((delay, n), tool, self.measure_issue(tool, names))
            finally:
                self.stop()
        self.report_validation()

    def report_validation(self):
        tools = self.args.tools
        print(f"\n{self.args.rounds} rounds, medians; requests / wall s; Pebble VA sleeping a random "
              f"0..N-1 s per validation (N=0: no sleep); work dir {self.work}\n")
        print("| VA sleep N | names | " + " | ".join(tools) + " |")
        print("| ---: | ---: | " + " | ".join("---" for _ in tools) + " |")
        for delay in self.args.validation_delays:
            for n in (1, 10):
                cells = []
                for tool in tools:
                    ms = self.results.get(((delay, n), tool))
                    if not ms:
                        cells.append("-")
                        continue
                    req = statistics.median(m.requests for m in ms)
                    wall = statistics.median(m.wall for m in ms)
                    cells.append(f"{req:g} / {wall:.2f}")
                print(f"| {delay} | {n} | " + " | ".join(cells) + " |")
        print("\nFirst issuance against the CA (1 name, one run each; lego's is its registration):\n")
        print("| VA sleep N | " + " | ".join(tools) + " |")
        print("| ---: | " + " | ".join("---" for _ in tools) + " |")
        for delay in self.args.validation_delays:
            cells = []
            for tool in tools:
                ms = self.results.get(((delay, "first"), tool))
                cells.append(f"{ms[0].requests:g} / {ms[0].wall:.2f}" if ms else "-")
            print(f"| {delay} | " + " | ".join(cells) + " |")

    def record(self, scenario, tool, m):
        self.results.setdefault((scenario, tool), []).append(m)

    # ---- tools ----
    def cw(self):
        return [os.path.join(ROOT, "target/release/certwright")]

    def certbot(self, *a):
        w = self.work
        return ["certbot", *a, "--config-dir", f"{w}/certbot/etc", "--work-dir", f"{w}/certbot/work",
                "--logs-dir", f"{w}/certbot/logs", "--server", self.directory, "--non-interactive"]

    def lego(self, *a):
        return ["lego", "--server", self.directory, "--path", f"{self.work}/lego", "--accept-tos",
                "--email", "bench@example.com", *a]

    def uacme(self, *a):
        # uacme's libcurl (GnuTLS) reads only the CA file compiled in: give
        # it the bench CA there, in a mount namespace of its own.
        w = self.work
        return ["unshare", "--mount", "sh", "-c",
                'mount --bind "$0" /etc/ssl/certs/ca-certificates.crt && shift && exec "$@"',
                f"{w}/ca.pem", "--", "uacme", "-a", self.directory, "-c", f"{w}/uacme", "-y", "-t", "EC",
                "-h", "/usr/share/uacme/uacme.sh", *a]

    def issue_cmd(self, tool, names):
        d = [x for n in names for x in ("-d", n)]
        if tool == "uacme":
            return self.uacme("issue", *names)
        if tool == "certwright":
            return self.cw() + ["-q", "issue", *d, "--standalone", "--http-01-address", "127.0.0.1",
                                "--http-01-port", str(self.http)]
        if tool == "certbot":
            return self.certbot("certonly", "--standalone", "--http-01-port", str(self.http),
                                "--http-01-address", "127.0.0.1", *d, "--cert-name", names[0])
        return self.lego("--http", "--http.port", f"127.0.0.1:{self.http}", *d, "run")

    def register(self, tool):
        if tool == "certwright":
            self.measure(self.cw() + ["-q", "register", "--email", "bench@example.com", "--agree-tos"])
        elif tool == "certbot":
            self.measure(self.certbot("register", "--agree-tos", "--email", "bench@example.com"))
        elif tool == "uacme":
            self.measure(self.uacme("new", "bench@example.com"))
        else:  # lego has no register step: a first issuance creates the account
            return self.measure(self.issue_cmd("lego", ["warmup.lego.example.test"]))

    # ---- no-op renew fixtures: one real lineage, cloned ----
    def clone_lineages(self, tool, n):
        w = self.work
        if tool == "certwright":
            base = f"{w}/certwright"
            src = "noop-seed.certwright.example.test"
            with open(f"{base}/renewal/{src}.toml") as f:
                conf = f.read()
            for i in range(n):
                name = f"noop{i}.certwright.example.test"
                if os.path.exists(f"{base}/renewal/{name}.toml"):
                    continue
                shutil.copytree(f"{base}/archive/{src}", f"{base}/archive/{name}", symlinks=True)
                os.symlink(f"../archive/{name}/1", f"{base}/live/{name}")
                with open(f"{base}/renewal/{name}.toml", "w") as f:
                    f.write(conf.replace(f'name = "{src}"', f'name = "{name}"'))
        elif tool == "certbot":
            base = f"{w}/certbot/etc"
            src = "noop-seed.certbot.example.test"
            with open(f"{base}/renewal/{src}.conf") as f:
                conf = f.read()
            for i in range(n):
                name = f"noop{i}.certbot.example.test"
                if os.path.exists(f"{base}/renewal/{name}.conf"):
                    continue
                shutil.copytree(f"{base}/archive/{src}", f"{base}/archive/{name}")
                os.makedirs(f"{base}/live/{name}")
                for kind in ("cert", "chain", "fullchain", "privkey"):
                    os.symlink(f"../../archive/{name}/{kind}1.pem", f"{base}/live/{name}/{kind}.pem")
                with open(f"{base}/renewal/{name}.conf", "w") as f:
                    f.write(conf.replace(src, name))

    def noop_cmd(self, tool):
        if tool == "certwright":
            return self.cw() + ["-q", "renew", "--no-random-sleep"]
        return self.certbot("renew", "--no-random-sleep-on-renew", "-q")

    def run(self):
        tools = self.args.tools
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        self.start()
        try:
            for tool in tools:
                self.register(tool)
            for r in range(self.args.rounds):
                for tool in tools:
                    self.record("single", tool, self.measure(self.issue_cmd(tool, [f"s{r}.{tool}.example.test"])))
                for tool in tools:
                    names = [f"t{r}-{i}.{tool}.example.test" for i in range(10)]
                    self.record("ten", tool, self.measure(self.issue_cmd(tool, names)))
                for tool in tools:
                    cmd = {"certwright": self.cw(), "certbot": ["certbot"], "lego": ["lego"]}[tool] + ["--version"]
                    self.record("version", tool, self.measure(cmd))
            # No-op renew: lineages are cloned from one real issuance so every
            # tool scans valid, not-yet-due certificates.
            noop_tools = [t for t in tools if t in ("certwright", "certbot")]
            for tool in noop_tools:
                seed = f"noop-seed.{tool}.example.test"
                self.measure(self.issue_cmd(tool, [seed]))
            for n in self.args.noop:
                for tool in noop_tools:
                    if tool == "certbot" and n > self.args.certbot_noop_max:
                        continue
                    self.clone_lineages(tool, n - 1)
                for r in range(self.args.rounds):
                    for tool in noop_tools:
                        if tool == "certbot" and n > self.args.certbot_noop_max:
                            continue
                        self.record(f"noop-{n}", tool, self.measure(self.noop_cmd(tool)))
        finally:
            self.stop()
        self.report()

    def run_trust(self):
        """One issuance per way of trusting the CA's TLS certificate,
        certwright and lego side by side (Pebble with no sleep): the CA's
        test root alone, the system roots plus it (as a file given to each
        tool, or as SSL_CERT_FILE), and the system's hashed directory with it
        added (Debian's default path, no variable set). Every run goes
        through the same mount namespace, in which that directory replaces
        /etc/ssl/certs, so the wrapper costs every setup alike."""
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        self.start()
        w = self.work
        bundle = f"{w}/roots+ca.pem"
        with open(bundle, "wb") as out:
            for part in ("/etc/ssl/certs/ca-certificates.crt", f"{w}/ca.pem"):
                with open(part, "rb") as f:
                    out.write(f.read())
        certs = f"{w}/etc-ssl-certs"
        os.makedirs(certs, exist_ok=True)
        for name in os.listdir("/etc/ssl/certs"):
            if name.endswith(".pem"):
                shutil.copy(os.path.join("/etc/ssl/certs", name), certs)
        shutil.copy(f"{w}/ca.pem", f"{certs}/bench-ca.pem")
        shutil.copy(bundle, f"{certs}/ca-certificates.crt")
        subprocess.run(["openssl", "rehash", certs], check=True)
        base = dict(self.env)
        for var in ("CERTWRIGHT_CA_BUNDLE", "LEGO_CA_CERTIFICATES", "SSL_CERT_FILE", "SSL_CERT_DIR"):
            base.pop(var, None)
        setups = {
            "trust: test root only": {"CERTWRIGHT_CA_BUNDLE": f"{w}/ca.pem", "LEGO_CA_CERTIFICATES": f"{w}/ca.pem"},
            "trust: roots + test root as a file": {"CERTWRIGHT_CA_BUNDLE": bundle, "LEGO_CA_CERTIFICATES": bundle},
            "trust: SSL_CERT_FILE": {"SSL_CERT_FILE": bundle},
            "trust: system default": {},
        }
        wrap = ["unshare", "--mount", "sh", "-c", 'mount --bind "$0" /etc/ssl/certs && shift && exec "$@"',
                certs, "--"]
        tools = [t for t in self.args.tools if t in ("certwright", "lego")]
        try:
            self.env = dict(base, CERTWRIGHT_CA_BUNDLE=f"{w}/ca.pem", LEGO_CA_CERTIFICATES=f"{w}/ca.pem")
            for tool in tools:
                self.register(tool)
            for r in range(self.args.rounds):
                for i, (setup, env) in enumerate(setups.items()):
                    self.env = dict(base, **env)
                    for tool in tools:
                        cmd = wrap + self.issue_cmd(tool, [f"tr{r}-{i}.{tool}.example.test"])
                        self.record(setup, tool, self.measure(cmd))
        finally:
            self.stop()
        self.report()

    def report(self):
        scenarios = []
        for (s, _) in self.results:
            if s not in scenarios:
                scenarios.append(s)
        print(f"\n{self.args.rounds} rounds, medians; Pebble behind a counting proxy; work dir {self.work}\n")
        print("| scenario | tool | wall s | CPU s | peak RSS MB | requests | wall ratio | CPU ratio | RSS ratio |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for s in scenarios:
            base = self.results.get((s, "certwright"))
            for tool in self.args.tools:
                ms = self.results.get((s, tool))
                if not ms:
                    continue
                med = lambda f: statistics.median(f(m) for m in ms)
                wall, cpu, rss, req = med(lambda m: m.wall), med(lambda m: m.cpu), med(lambda m: m.rss_mb), med(lambda m: m.requests)
                if base and tool != "certwright":
                    bw = statistics.median(m.wall for m in base)
                    bc = statistics.median(m.cpu for m in base)
                    br = statistics.median(m.rss_mb for m in base)
                    ratios = f"{bw / wall:.2f} | {bc / cpu if cpu else 0:.2f} | {br / rss:.2f}"
                else:
                    ratios = "- | - | -"
                print(f"| {s} | {tool} | {wall:.3f} | {cpu:.4f} | {rss:.2f} | {req:g} | {ratios} |")
        print("\nratios are certwright / peer: below 1 means certwright is cheaper.")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--tools", default="certwright,certbot,lego")
    p.add_argument("--noop", default="10,100,1000")
    p.add_argument("--certbot-noop-max", type=int, default=1000)
    p.add_argument("--trust", action="store_true",
                   help="measure one issuance per way of trusting the CA (certwright and lego)")
    p.add_argument("--validation-delays", default="",
                   help="comma-separated PEBBLE_VA_SLEEPTIME values (0 = no sleep): measure validation waits only")
    a = p.parse_args()
    a.tools = a.tools.split(",")
    a.noop = [int(x) for x in a.noop.split(",") if x]
    a.validation_delays = [int(x) for x in a.validation_delays.split(",") if x]
    ensure_packages(a.tools)
    if a.validation_delays:
        Bench(a).run_validation_delays()
    elif a.trust:
        Bench(a).run_trust()
    else:
        Bench(a).run()


if __name__ == "__main__":
    main()
