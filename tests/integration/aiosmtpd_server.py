#!/usr/bin/python3
"""A real SMTP server for smtpkit's integration tests (python3-aiosmtpd).

Every message it accepts is written to --dir as two files:
  msg-N.eml   the content exactly as aiosmtpd received it (dot-unstuffed,
              line endings as sent; no headers added)
  msg-N.json  the envelope: mail_from, rcpt_tos, mail_options, rcpt_options,
              helo, peer, tls_version (null when the message came in plaintext),
              auth_login (the user the session logged in as; null without AUTH)
N counts from 0. The .json file is renamed into place after the .eml file is
complete, so its presence means the message is there in full.

Recipients whose local part starts with "reject" get
"550 5.1.1 <addr>: Recipient address rejected", so tests can see a refusal.

TLS: --tls starttls offers STARTTLS (aiosmtpd's tls_context; with
--require-starttls every command but EHLO, STARTTLS, NOOP and QUIT is
refused before it), --tls implicit speaks TLS from the first byte (the
listening socket's ssl context, as on port 465). Both present --cert (the
certificate and its CA certificates) with --key.

AUTH: --auth-user with --auth-password-file (the password is the file's
content, without a final newline) offers PLAIN and LOGIN and accepts that
pair only ("535 5.7.8" otherwise). AUTH is offered and accepted only over
TLS (after STARTTLS, or with implicit TLS) unless --auth-allow-plaintext; --auth-required refuses MAIL before a
successful AUTH. Every AUTH command the server receives appends
"AUTH <mechanism>" to --auth-log, and every check of credentials
"<mechanism> <user> ok|refused" (never the password).

Prints "READY <port>" on stdout once listening (--port 0 picks a free port,
which avoids a race between choosing a port and binding it). Exits on
SIGTERM or SIGINT. Runs only under /usr/bin/python3 (Debian's aiosmtpd).
"""

import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, syntax


class SavingHandler:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@", 1)[0].lower().startswith("reject"):
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        n = self.count
        self.count += 1
        base = os.path.join(self.directory, "msg-%d" % n)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
            "rcpt_options": list(envelope.rcpt_options),
            "helo": session.host_name,
            "peer": list(session.peer) if session.peer else None,
            "tls_version": tls_version(server),
            "auth_login": auth_login(session),
        }
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(meta, f)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 2.0.0 OK: saved as msg-%d" % n


class Authenticator:
    """aiosmtpd's authenticator: one user name and password."""

    def __init__(self, user, password, log_path):
        self.user = user.encode("utf-8")
        self.password = password.encode("utf-8")
        self.log_path = log_path

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == self.user and auth_data.password == self.password
        append_line(self.log_path, "%s %s %s" % (
            mechanism, auth_data.login.decode("utf-8", "replace"), "ok" if ok else "refused"))
        # handled=False: aiosmtpd then sends the 535 itself.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)


class LoggingSMTP(SMTP):
    """Notes every AUTH command that reaches the server, before handling it."""

    commands_log = None

    @syntax("AUTH <mechanism>")
    async def smtp_AUTH(self, arg):
        if self.commands_log:
            append_line(self.commands_log, ("AUTH " + arg.split()[0]) if arg else "AUTH")
        return await super().smtp_AUTH(arg)


def append_line(path, line):
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def auth_login(session):
    data = session.auth_data if session.authenticated else None
    return data.login.decode("utf-8", "replace") if data is not None else None


def tls_version(server):
    """The session's TLS version ("TLSv1.3"), or None in plaintext. After
    STARTTLS and with implicit TLS alike, the transport is the TLS one."""
    ssl_object = server.transport.get_extra_info("ssl_object") if server.transport else None
    return ssl_object.version() if ssl_object is not None else None


def server_context(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--size-limit", type=int, default=33554432)
    parser.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--auth-user")
    parser.add_argument("--auth-password-file")
    parser.add_argument("--auth-allow-plaintext", action="store_true")
    parser.add_argument("--auth-required", action="store_true")
    parser.add_argument("--auth-log")
    args = parser.parse_args()
    authenticator = None
    if args.auth_user is not None:
        if not args.auth_password_file or not args.auth_log:
            parser.error("--auth-user needs --auth-password-file and --auth-log")
        with open(args.auth_password_file, encoding="utf-8") as f:
            password = f.read().rstrip("\n")
        authenticator = Authenticator(args.auth_user, password, args.auth_log)
        LoggingSMTP.commands_log = args.auth_log
    context = None
    if args.tls != "none":
        if not args.cert or not args.key:
            parser.error("--tls needs --cert and --key")
        context = server_context(args.cert, args.key)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = SavingHandler(args.dir)

    starttls = args.tls == "starttls"
    # aiosmtpd knows only its own STARTTLS as encryption: on an implicit TLS
    # connection it would never offer AUTH.
    auth_require_tls = not args.auth_allow_plaintext and args.tls != "implicit"

    def factory():
        return LoggingSMTP(handler, hostname="aiosmtpd.smtpkit.test", enable_SMTPUTF8=True,
                           data_size_limit=args.size_limit, loop=loop,
                           tls_context=context if starttls else None,
                           require_starttls=starttls and args.require_starttls,
                           authenticator=authenticator,
                           auth_require_tls=auth_require_tls,
                           auth_required=args.auth_required)

    implicit = context if args.tls == "implicit" else None
    server = loop.run_until_complete(
        loop.create_server(factory, host=args.host, port=args.port, ssl=implicit))
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    port = server.sockets[0].getsockname()[1]
    print("READY %d" % port, flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
