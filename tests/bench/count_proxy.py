#!/usr/bin/env python3
"""A TLS-terminating, request-counting reverse proxy for benchmarks.

Sits between an ACME client and Pebble and appends one line per request
("METHOD PATH STATUS") to a log file. It forwards the Host header unchanged:
Pebble builds its URLs and checks each JWS `url` from the Host header, so the
client sees a consistent server at the proxy's address.

usage: count_proxy.py LISTEN_PORT UPSTREAM_PORT CERT KEY UPSTREAM_CA LOG
"""
import http.client
import http.server
import socket
import ssl
import sys
import threading

listen_port, upstream_port = int(sys.argv[1]), int(sys.argv[2])
cert, key, upstream_ca, log_path = sys.argv[3:7]
lock = threading.Lock()
upstream_ctx = ssl.create_default_context(cafile=upstream_ca)
upstream_ctx.check_hostname = False

HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Without this, a response written in two segments waits for the
        # client's delayed ACK (~40 ms) and the proxy, not the client, sets
        # the pace.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        conn = http.client.HTTPSConnection("127.0.0.1", upstream_port, context=upstream_ctx)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        head = [f"HTTP/1.1 {resp.status} {resp.reason}"]
        head += [f"{k}: {v}" for k, v in resp.getheaders()
                 if k.lower() not in HOP and k.lower() != "content-length"]
        head.append(f"Content-Length: {len(data)}")
        out = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        if self.command != "HEAD":
            out += data
        self.wfile.write(out)  # one write: one segment where it fits
        conn.close()
        with lock, open(log_path, "a") as f:
            f.write(f"{self.command} {self.path} {resp.status}\n")

    do_GET = do_POST = do_HEAD = forward


server = http.server.ThreadingHTTPServer(("127.0.0.1", listen_port), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
