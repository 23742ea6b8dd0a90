#!/usr/bin/python3
"""An SMTP server (Debian's python3-aiosmtpd) for redock's e-mail, tests only.

smtpd.py PORT CERT KEY USER PASSWORD RECORDS PIDFILE

Listens on 127.0.0.1:PORT, requires STARTTLS before anything else and
AUTH (USER, PASSWORD) before a message (with CERT "-": a plain server that
offers neither, for the client that must refuse it); appends one JSON line per message
to RECORDS: {"from", "to", "tls", "authenticated", "content"}.  Writes its pid to
PIDFILE; the test stops it by that pid.
"""
import json
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, cert, key, user, password, records, pidfile = sys.argv[1:8]
port = int(port)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
          and auth_data.password.decode() == password)
    # handled=False: a refusal is answered 535 (else the client waits)
    return AuthResult(success=ok, handled=False)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        rec = {"from": envelope.mail_from, "to": envelope.rcpt_tos,
               "tls": session.ssl is not None,
               "authenticated": bool(session.authenticated),
               "content": envelope.content.decode("utf-8", "replace")}
        with open(records, "a") as f:
            f.write(json.dumps(rec) + "\n")
        return "250 OK"


if cert == "-":
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
else:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=ctx,
                            require_starttls=True, authenticator=authenticator, auth_require_tls=True)
controller.start()
with open(pidfile, "w") as f:
    f.write(str(os.getpid()))
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
stop.wait()
controller.stop()
