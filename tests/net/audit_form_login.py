#!/usr/bin/python3
"""A tiny stand-in for the WebLogic console's form login (WebLogic itself is
proprietary and cannot run here): POST /console/j_security_check with
j_username and j_password, answered as WebLogic 12c/14c answers:

  right     302 Location: /console/index.jsp       (into the console)
  wrong     302 Location: /console/login/LoginForm.jsp
  GET /console/login/LoginForm.jsp  200, the form

Usage: audit_form_login.py ADDR PORT USER PASSWORD LOG [MAX_REQUESTS]
Every request is one line in LOG ("POST /console/j_security_check user=U
ok|fail"; never the password). With MAX_REQUESTS the server exits after
that many requests: a device that stops in the middle of an audit.
"""
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

addr, port, user, password, logpath = sys.argv[1:6]
max_requests = int(sys.argv[6]) if len(sys.argv) > 6 else 0
served = 0
log = open(logpath, 'a', buffering=1)

FORM = (b'<html><body><form method="POST" action="j_security_check">'
        b'<input name="j_username"><input type="password" '
        b'name="j_password"></form></body></html>')


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, location=None, body=b''):
        self.send_response(status)
        if location:
            self.send_header('Location', location)
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Connection', 'close')
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def do_GET(self):
        log.write('GET %s\n' % self.path)
        self.reply(200, body=FORM)

    def do_POST(self):
        n = min(int(self.headers.get('Content-Length', '0')), 65536)
        form = urllib.parse.parse_qs(self.rfile.read(n).decode('utf-8',
                                                                'replace'))
        u = form.get('j_username', [''])[0]
        p = form.get('j_password', [''])[0]
        ok = self.path == '/console/j_security_check' and u == user and \
            p == password
        log.write('POST %s user=%s %s\n' % (self.path, u,
                                            'ok' if ok else 'fail'))
        if ok:
            self.reply(302, '/console/index.jsp')
        else:
            self.reply(302, '/console/login/LoginForm.jsp')


srv = HTTPServer((addr, int(port)), Handler)
while max_requests == 0 or served < max_requests:
    srv.handle_request()
    served += 1
srv.server_close()
log.write('stopped after %d requests\n' % served)
