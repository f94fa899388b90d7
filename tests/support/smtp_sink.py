#!/usr/bin/env python3
"""SMTP sink for the mail tests: every accepted message -> <dir>/<n>.eml + <n>.json.

usage: smtp_sink.py --dir OUT --port N [--host 127.0.0.1] [--auth user:pass]
                    [--tls-cert cert.pem --tls-key key.pem [--implicit-tls]]
                    [--max-seconds 120]

--tls-cert/--tls-key offer STARTTLS; with --implicit-tls the listener speaks TLS
from the first byte instead (SMTPS, port 465 style). With --auth, AUTH PLAIN and
LOGIN are required before MAIL (and over STARTTLS only after the upgrade).

Prints 'READY <host>:<port>' on stdout once listening. Stops on SIGTERM/SIGINT,
when its standard input closes (the test that started it has gone), or after
--max-seconds, whichever comes first: it never outlives a test run.
"""
import argparse
import json
import os
import signal
import ssl
import sys
import threading
import warnings

warnings.filterwarnings("ignore", message="Session.login_data")
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class DirHandler:
    def __init__(self, outdir):
        self.outdir = outdir
        self.n = 0
        self.lock = threading.Lock()
        os.makedirs(outdir, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content  # bytes
        msg = BytesParser(policy=policy.default).parsebytes(raw.replace(b"\r\n", b"\n"))
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        attachments = []
        for part in msg.iter_attachments():
            payload = part.get_payload(decode=True) or b""
            attachments.append({
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
                "content_hex": payload.hex(),
            })
        with self.lock:
            self.n += 1
            base = os.path.join(self.outdir, "%04d" % self.n)
        # session.ssl is set by STARTTLS only; the transport knows about implicit TLS too
        ssl_object = server.transport.get_extra_info("ssl_object") if server.transport else None
        login = None
        if session.authenticated and session.auth_data is not None:
            login = getattr(session.auth_data, "login", b"").decode()
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,  # envelope recipients
            "subject": msg.get("Subject"),
            "from": msg.get("From"),
            "to": msg.get("To"),
            "content_type": msg.get_content_type(),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
            "attachments": attachments,
            "auth_login": login,
            "tls": session.ssl is not None or ssl_object is not None,
            "tls_version": ssl_object.version() if ssl_object is not None else None,
        }
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        # .json last and atomically: a test polling for *.json sees complete files
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f, indent=1)
        os.replace(base + ".json.tmp", base + ".json")
        return "250 Message accepted for delivery"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--auth", help="user:pass; enables AUTH PLAIN/LOGIN and requires it")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--implicit-tls", action="store_true")
    ap.add_argument("--max-seconds", type=float, default=120.0)
    a = ap.parse_args()
    if a.host not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("smtp_sink.py listens on the loopback interface only")

    kw = {}
    ctx = None
    if a.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        if a.implicit_tls:
            kw.update(ssl_context=ctx)
        else:
            kw.update(tls_context=ctx, require_starttls=False)
    if a.auth:
        user, pw = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login == user.encode()
                  and auth_data.password == pw.encode())
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        kw.update(authenticator=authenticator, auth_required=True,
                  auth_require_tls=bool(a.tls_cert and not a.implicit_tls))

    ctl = Controller(DirHandler(a.dir), hostname=a.host, port=a.port, **kw)
    ctl.start()
    print("READY %s:%d" % (a.host, a.port), flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def watch_stdin():
        try:  # the raw descriptor: a buffered reader's lock would block shutdown
            while os.read(sys.stdin.fileno(), 4096):
                pass
        except (OSError, ValueError):
            pass
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    stop.wait(a.max_seconds)
    ctl.stop()
    sys.stdout.flush()
    os._exit(0)  # do not wait for the stdin watcher


if __name__ == "__main__":
    main()
