#!/usr/bin/python3
"""A Docker registry token server (the Bearer token protocol), for tests only.

tokenserver.py PORT DIR USER PASSWORD SERVICE ISSUER

Listens on 127.0.0.1:PORT.  DIR holds key.pem and cert.pem (the RS256
signing key and its self-signed certificate, which the Distribution
registry is given as its rootcertbundle), and receives:
  pid           its process id (the test stops it by that pid)
  requests.log  one JSON line per token request: method, grant_type,
                account ("" for anonymous), service, scope, client_id,
                User-Agent, status and what was granted.  Never a password or a token.
  refresh_token the identity token handed out to USER by an OAuth2
                password grant with access_type=offline (as docker login
                asks), or fixed from the start: see below.

/token answers:
  GET  ?service=S&scope=repository:NAME:pull[,push]   (Basic credentials,
       or none: anonymous)
  POST grant_type=password (username, password) or
       grant_type=refresh_token (refresh_token), with service, scope,
       client_id: the OAuth2 form identity tokens use.
with {"token", "access_token", "expires_in", "issued_at"} (a POST with
access_type=offline also gets "refresh_token"), an RS256 JWT whose
"access" claim holds what is granted: USER gets pull and push on every
repository; anonymous callers get pull on repositories under "pub/"
only, nothing elsewhere (as Docker Hub answers anonymous requests for a
private repository: a token that grants nothing, the registry then
refuses).  Wrong credentials are a 401 with the error in the body.
"""
import base64
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

port, dir_, user, password, service, issuer = sys.argv[1:7]
port = int(port)
with open(os.path.join(dir_, "key.pem"), "rb") as f:
    key = serialization.load_pem_private_key(f.read(), password=None)
with open(os.path.join(dir_, "cert.pem"), "rb") as f:
    cert = x509.load_pem_x509_certificate(f.read())
x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
lock = threading.Lock()
rt_path = os.path.join(dir_, "refresh_token")
if not os.path.exists(rt_path):
    with open(rt_path, "w") as f:
        f.write(secrets.token_urlsafe(24))
MAX_BODY = 64 * 1024


def refresh_token():
    with open(rt_path) as f:
        return f.read().strip()


def granted(account, scope):
    """The access claim for the scopes asked (space-separated)."""
    out = []
    for one in scope.split():
        parts = one.split(":")
        if len(parts) < 3 or parts[0] != "repository":
            continue
        name, actions = ":".join(parts[1:-1]), parts[-1].split(",")
        if account == user:
            allowed = [a for a in actions if a in ("pull", "push")]
        elif name.startswith("pub/"):
            allowed = [a for a in actions if a == "pull"]
        else:
            allowed = []
        out.append({"type": "repository", "name": name, "actions": allowed})
    return out


def issue(account, scope):
    now = int(time.time())
    claims = {"iss": issuer, "sub": account, "aud": service, "exp": now + 300,
              "nbf": now - 10, "iat": now, "jti": secrets.token_hex(8),
              "access": granted(account, scope)}
    tok = jwt.encode(claims, key, algorithm="RS256", headers={"x5c": x5c})
    return tok, claims["access"]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def note(self, **rec):
        with lock, open(os.path.join(dir_, "requests.log"), "a") as f:
            f.write(json.dumps(rec) + "\n")

    def answer(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="redock-test-tokens"')
        self.end_headers()
        self.wfile.write(body)

    def refuse(self, rec, code, message):
        rec.update(status=401, error=message)
        self.note(**rec)
        self.answer(401, {"errors": [{"code": code, "message": message}]})

    def grant(self, rec, account, scope, offline):
        tok, access = issue(account, scope)
        rec.update(status=200, account=account, granted=access)
        self.note(**rec)
        ans = {"token": tok, "access_token": tok, "expires_in": 300,
               "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        if offline and account:
            ans["refresh_token"] = refresh_token()
        self.answer(200, ans)

    def basic(self):
        """(account, ok): ("", True) when no credentials were sent."""
        h = self.headers.get("Authorization", "")
        if not h.startswith("Basic "):
            return "", True
        try:
            u, _, p = base64.b64decode(h[6:]).decode().partition(":")
        except Exception:
            return "?", False
        return u, (u == user and secrets.compare_digest(p, password))

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        scope = " ".join(q.get("scope", []))
        rec = {"method": "GET", "grant_type": "", "service": q.get("service", [""])[0], "scope": scope,
               "client_id": q.get("client_id", [""])[0], "agent": self.headers.get("User-Agent", "")}
        if url.path != "/token":
            self.answer(404, {"errors": [{"code": "NOT_FOUND", "message": "no such endpoint"}]})
            return
        account, ok = self.basic()
        if not ok:
            self.refuse(rec, "UNAUTHORIZED", "test token server: wrong user name or password")
            return
        self.grant(rec, account, scope, q.get("offline_token", [""])[0] == "true")

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        n = int(self.headers.get("Content-Length") or 0)
        if url.path != "/token" or n > MAX_BODY:
            self.answer(404, {"errors": [{"code": "NOT_FOUND", "message": "no such endpoint"}]})
            return
        form = urllib.parse.parse_qs(self.rfile.read(n).decode())
        get = lambda k: form.get(k, [""])[0]
        rec = {"method": "POST", "grant_type": get("grant_type"), "service": get("service"),
               "scope": get("scope"), "client_id": get("client_id"), "agent": self.headers.get("User-Agent", "")}
        if get("grant_type") == "password":
            if get("username") != user or not secrets.compare_digest(get("password"), password):
                self.refuse(rec, "UNAUTHORIZED", "test token server: wrong user name or password")
                return
            self.grant(rec, user, get("scope"), get("access_type") == "offline")
        elif get("grant_type") == "refresh_token":
            if not secrets.compare_digest(get("refresh_token"), refresh_token()):
                self.refuse(rec, "UNAUTHORIZED", "test token server: unknown refresh token")
                return
            self.grant(rec, user, get("scope"), False)
        else:
            rec.update(status=400)
            self.note(**rec)
            self.answer(400, {"error": "unsupported_grant_type"})


srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
with open(os.path.join(dir_, "pid"), "w") as f:
    f.write(str(os.getpid()))
srv.serve_forever()
