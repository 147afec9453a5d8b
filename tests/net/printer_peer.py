#!/usr/bin/env python3
"""A network printer for tests/net/test_ident_peers.sh: raw print jobs on
9100 (AppSocket/JetDirect, read and dropped) and the embedded web server
on 80 and 631 (IPP's port; GET and POST), which names itself in its Server
header the way HP printers do.

Usage: printer_peer.py ADDR
"""
import http.server
import socketserver
import sys
import threading

ADDR = sys.argv[1]
SERVER = ("HP HTTP Server; HP Color LaserJet MFP M480f - 3QA55A; "
          "Serial Number: CNBRM8P0KX; Built: Thu Mar 02, 2023 11:27:12AM "
          "{TWEAFNPP2N003.2309A.00}")


class Web(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return SERVER

    def _send(self, body, ctype="text/html"):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._send(b"<html><title>HP Color LaserJet MFP M480f</title></html>\n")

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self._send(b"", "application/ipp")

    def log_message(self, fmt, *args):
        sys.stderr.write("web: " + fmt % args + "\n")


class Raw(socketserver.StreamRequestHandler):
    def handle(self):
        n = 0
        while True:
            b = self.rfile.read(4096)
            if not b:
                break
            n += len(b)
        sys.stderr.write("raw: job of %d bytes\n" % n)


class Threaded(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


servers = [Threaded((ADDR, 9100), Raw),
           http.server.ThreadingHTTPServer((ADDR, 631), Web),
           http.server.ThreadingHTTPServer((ADDR, 80), Web)]
for s in servers[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
sys.stderr.write("listening\n")
sys.stderr.flush()
servers[0].serve_forever()
