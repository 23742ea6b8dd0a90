#!/usr/bin/python3
"""An HTTP receiver for redock's notifications, for tests only.

receiver.py PORT RECORDS PIDFILE SECRET

Listens on 127.0.0.1:PORT and appends one JSON line per request to
RECORDS: {"path", "headers", "body", "status", "verdict"}.  Paths:
  /hook...    the generic webhook: X-Redock-Signature is checked with
              SECRET (HMAC-SHA256 of "<t>.<body>"); a bad signature is
              401, a timestamp older than 300 s or a signature seen
              before is 409 (a replay); else 200
  /fail...    answers 500
  /hang...    answers nothing for 30 s (then 200)
  anything else: 200
It writes its pid to PIDFILE; the test stops it by that pid.
"""
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, records, pidfile, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4].encode()
seen = set()
lock = threading.Lock()
MAX_BODY = 1 << 20


def verify(headers, body):
    sig = headers.get("X-Redock-Signature", "")
    parts = dict(p.split("=", 1) for p in sig.split(",") if "=" in p)
    if "t" not in parts or "v1" not in parts:
        return 401, "no signature"
    want = hmac.new(secret, parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, parts["v1"]):
        return 401, "bad signature"
    if abs(time.time() - int(parts["t"])) > 300:
        return 409, "replay (old timestamp)"
    with lock:
        if sig in seen:
            return 409, "replay (seen before)"
        seen.add(sig)
    return 200, "ok"


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(min(n, MAX_BODY))
        status, verdict = 200, "ok"
        if self.path.startswith("/hook"):
            status, verdict = verify(self.headers, body)
        elif self.path.startswith("/fail"):
            status, verdict = 500, "failed on purpose"
        elif self.path.startswith("/hang"):
            time.sleep(30)
        rec = {"path": self.path, "headers": dict(self.headers.items()),
               "body": body.decode("utf-8", "replace"), "status": status, "verdict": verdict}
        with lock, open(records, "a") as f:
            f.write(json.dumps(rec) + "\n")
        try:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except OSError:
            pass        # the client gave up (its timeout)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
with open(pidfile, "w") as f:
    f.write(str(os.getpid()))
server.serve_forever()
