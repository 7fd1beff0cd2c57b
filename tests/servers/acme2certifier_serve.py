#!/usr/bin/env python3
"""acme2certifier's WSGI application over TLS, for the interop tests.

acme2certifier ships a WSGI app (and a Django project) meant to sit behind
Apache or nginx; its own __main__ serves plain HTTP on port 80. The tests
need TLS on a chosen port, so this wraps the app in the standard library's
WSGI server (threaded, so a validation in flight does not block polls) with
TLS, and tells the app its URLs are https.

usage: acme2certifier_serve.py PORT CERT KEY   (ACME_SRV_CONFIGFILE in the environment)
"""
import socketserver
import ssl
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from acme2certifier.share.acme2certifier_wsgi import application as acme2certifier

port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def application(environ, start_response):
    # The app builds every URL it returns from the request's scheme.
    environ["wsgi.url_scheme"] = "https"
    environ["HTTPS"] = "on"
    return acme2certifier(environ, start_response)


class Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class Handler(WSGIRequestHandler):
    def address_string(self):
        return self.client_address[0]


server = make_server("127.0.0.1", port, application, server_class=Server, handler_class=Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(f"acme2certifier listening on {port}", flush=True)
server.serve_forever()
