#!/usr/bin/env python3
"""A small HTTP peer for tests/net/test_http_banner_peers.sh: Python's
http.server with a Basic-auth realm on /private and a POST sink.

Usage: http_banner_server.py ADDR PORT USER PASS
"""
import base64
import http.server
import sys

ADDR, PORT, USER, PASSWORD = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
GOOD = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "WardTestPACS/1.0"

    def _send(self, code, body, extra=()):
        self.send_response(code)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.startswith("/private"):
            if self.headers.get("Authorization") != GOOD:
                self._send(401, b"no\n",
                           [("WWW-Authenticate", 'Basic realm="PACS admin"')])
                return
        self._send(200, b"ok\n")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        self._send(200, b"stored\n")

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer((ADDR, PORT), Handler).serve_forever()
