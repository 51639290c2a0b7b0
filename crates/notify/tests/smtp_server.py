"""A real SMTP server for recon-notify's e-mail tests (aiosmtpd, Debian's
python3-aiosmtpd).

    smtp_server.py CERT KEY USER PASSWORD OUT_DIR

Listens on 127.0.0.1 on a free port, requires STARTTLS before anything else
(and before AUTH), accepts one user/password, and saves each message to
OUT_DIR as N.json (envelope) and N.eml (the raw DATA), the .json written last
so a reader that sees it sees both. Prints the port on stdout, then runs
until killed (or until its stdin closes, so a test that dies leaves no
server behind).
"""

import json
import os
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Saver:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.out_dir, str(n))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "authenticated": session.authenticated,
        }
        with open(base + ".tmp", "w") as f:
            json.dump(meta, f)
        os.replace(base + ".tmp", base + ".json")
        return "250 Message accepted for delivery"


def main():
    cert, key, user, password, out_dir = sys.argv[1:6]
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok)

    port = free_port()
    controller = Controller(
        Saver(out_dir),
        hostname="127.0.0.1",
        port=port,
        tls_context=ctx,
        require_starttls=True,
        auth_require_tls=True,
        authenticator=authenticator,
    )
    controller.start()
    print(port, flush=True)
    try:
        sys.stdin.read()  # until the test closes our stdin or kills us
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
