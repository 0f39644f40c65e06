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

Bearer tokens: --oauth-user with --oauth-token-file (the token is the
file's content, without a final newline) offers XOAUTH2 and OAUTHBEARER
(RFC 7628) and accepts that user with that token only. The messages are
parsed strictly (a malformed one gets "501 5.5.2"). A wrong token or user
gets the mechanism's JSON error as a 334 challenge; the client must answer
it (XOAUTH2: an empty line, OAUTHBEARER: a lone ^A), then gets
"535 5.7.8" ("501 5.5.2" for any other answer).

Client certificates: --external-user NAME with --client-ca FILE asks TLS
clients for a certificate (optional; verified against FILE) and offers
EXTERNAL (RFC 4422 appendix A), which succeeds when the verified
certificate's subject CN is NAME and the authorization identity is empty
or NAME; "535 5.7.8" otherwise (no certificate, another name). Logged as
"EXTERNAL <CN or -> ok|refused".

Prints "READY <port>" on stdout once listening (--port 0 picks a free port,
which avoids a race between choosing a port and binding it). Exits on
SIGTERM or SIGINT. Runs only under /usr/bin/python3 (Debian's aiosmtpd).
"""

import argparse
import asyncio
import base64
import binascii
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, syntax


class SavingHandler:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0
        # TokenChecker / ExternalChecker, or None: the mechanism is not offered.
        self.tokens = None
        self.external = None

    # aiosmtpd finds SASL mechanisms as handler methods named auth_<NAME>,
    # called with the server and the AUTH arguments ([mechanism,
    # initial-response]); main() excludes those not configured.
    async def auth_XOAUTH2(self, server, args):
        return await self.tokens.xoauth2(server, args)

    async def auth_OAUTHBEARER(self, server, args):
        return await self.tokens.oauthbearer(server, args)

    async def auth_EXTERNAL(self, server, args):
        return await self.external.check(server, args)

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


async def initial_response(server, args):
    """The client's first message: the initial response ("=" is empty) or
    the answer to an empty challenge. None when the exchange is over (a 501
    was sent)."""
    if len(args) == 1:
        answer = await server.challenge_auth("")
        return answer if isinstance(answer, bytes) else None
    if args[1] == "=":
        return b""
    try:
        return base64.b64decode(args[1], validate=True)
    except (binascii.Error, ValueError):
        await server.push("501 5.5.2 Can't decode base64")
        return None


async def malformed(server, mechanism):
    await server.push("501 5.5.2 Malformed %s message" % mechanism)
    return AuthResult(success=False, handled=True)


def kv_pairs(blob):
    """RFC 7628 kvpairs as a dict: "key=value" ^A ... ^A ^A. None if the
    text is not in that form (no final ^A ^A, a pair without "=", a key
    twice)."""
    if not blob.endswith(b"\x01\x01"):
        return None
    pairs = {}
    for field in blob[:-2].split(b"\x01"):
        key, eq, value = field.partition(b"=")
        if not eq or not key.isalpha() or key in pairs:
            return None
        pairs[key] = value
    return pairs


def unescape_saslname(name):
    """RFC 5801: "=2C" is ",", "=3D" is "="; any other "=" is an error."""
    out = name.replace(b"=2C", b",").replace(b"=3D", b"=")
    return None if b"=" in name.replace(b"=2C", b"").replace(b"=3D", b"") else out


class TokenChecker:
    """XOAUTH2 and OAUTHBEARER for one user and one bearer token."""

    def __init__(self, user, token, log_path):
        self.user = user.encode("utf-8")
        self.bearer = b"Bearer " + token.encode("utf-8")
        self.log_path = log_path

    async def xoauth2(self, server, args):
        message = await initial_response(server, args)
        if message is None:
            return AuthResult(success=False, handled=True)
        pairs = kv_pairs(message)
        if pairs is None or set(pairs) != {b"user", b"auth"}:
            return await malformed(server, "XOAUTH2")
        # Google's error report; the client answers with an empty line.
        error = {"status": "401", "schemes": "bearer", "scope": "https://mail.google.com/"}
        return await self.finish(server, "XOAUTH2", pairs[b"user"], pairs[b"auth"], error, b"")

    async def oauthbearer(self, server, args):
        message = await initial_response(server, args)
        if message is None:
            return AuthResult(success=False, handled=True)
        # gs2-header ("n," or "y,", an optional "a=" authzid, ","), ^A,
        # then the key=value pairs.
        header, sep, rest = message.partition(b"\x01")
        parts = header.split(b",")
        pairs = kv_pairs(rest) if sep else None
        if (len(parts) != 3 or parts[0] not in (b"n", b"y") or parts[2] != b"" or
                (parts[1] and not parts[1].startswith(b"a=")) or pairs is None or
                b"auth" not in pairs or (b"port" in pairs and not pairs[b"port"].isdigit())):
            return await malformed(server, "OAUTHBEARER")
        authzid = unescape_saslname(parts[1][2:]) if parts[1] else self.user
        if authzid is None:
            return await malformed(server, "OAUTHBEARER")
        # RFC 7628 3.2.2; the client answers with a lone ^A (3.2.3).
        error = {"status": "invalid_token", "scope": "smtp",
                 "openid-configuration":
                     "https://auth.smtpkit.test/.well-known/openid-configuration"}
        return await self.finish(server, "OAUTHBEARER", authzid, pairs[b"auth"], error, b"\x01")

    async def finish(self, server, mechanism, user, auth, error, error_answer):
        ok = user == self.user and auth == self.bearer
        append_line(self.log_path, "%s %s %s" % (
            mechanism, user.decode("utf-8", "replace"), "ok" if ok else "refused"))
        if ok:
            return AuthResult(success=True, auth_data=LoginPassword(user, b""))
        answer = await server.challenge_auth(json.dumps(error))
        if not isinstance(answer, bytes):
            return AuthResult(success=False, handled=True)  # "*": 501 sent
        if answer != error_answer:
            await server.push("501 5.5.2 Unexpected answer to the error challenge")
            return AuthResult(success=False, handled=True)
        return AuthResult(success=False, handled=False)  # 535 5.7.8


class ExternalChecker:
    """EXTERNAL: the verified TLS client certificate names the user."""

    def __init__(self, user, log_path):
        self.user = user
        self.log_path = log_path

    async def check(self, server, args):
        message = await initial_response(server, args)
        if message is None:
            return AuthResult(success=False, handled=True)
        authzid = message.decode("utf-8", "replace")
        name = peer_common_name(server)
        ok = name == self.user and authzid in ("", name)
        append_line(self.log_path, "EXTERNAL %s %s" % (name or "-", "ok" if ok else "refused"))
        if not ok:
            return AuthResult(success=False, handled=False)  # 535 5.7.8
        return AuthResult(success=True, auth_data=LoginPassword(name.encode("utf-8"), b""))


def peer_common_name(server):
    """The subject CN of the client's certificate, if it sent one and it
    was verified (an unverified one gives no subject), else None."""
    cert = server.transport.get_extra_info("peercert") if server.transport else None
    for rdn in (cert or {}).get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return value
    return None


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


def server_context(cert, key, client_ca=None):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    if client_ca:
        # Ask for a client certificate; a session without one still works.
        context.verify_mode = ssl.CERT_OPTIONAL
        context.load_verify_locations(client_ca)
    return context


def read_secret(path):
    with open(path, encoding="utf-8") as f:
        return f.read().rstrip("\n")


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
    parser.add_argument("--oauth-user")
    parser.add_argument("--oauth-token-file")
    parser.add_argument("--external-user")
    parser.add_argument("--client-ca")
    args = parser.parse_args()
    authenticator = None
    if args.auth_user is not None:
        if not args.auth_password_file or not args.auth_log:
            parser.error("--auth-user needs --auth-password-file and --auth-log")
        authenticator = Authenticator(args.auth_user, read_secret(args.auth_password_file),
                                      args.auth_log)
        LoggingSMTP.commands_log = args.auth_log
    handler = SavingHandler(args.dir)
    excluded = ["XOAUTH2", "OAUTHBEARER", "EXTERNAL"]
    if args.oauth_user is not None:
        if not args.oauth_token_file or not args.auth_log:
            parser.error("--oauth-user needs --oauth-token-file and --auth-log")
        handler.tokens = TokenChecker(args.oauth_user, read_secret(args.oauth_token_file),
                                      args.auth_log)
        LoggingSMTP.commands_log = args.auth_log
        excluded.remove("XOAUTH2")
        excluded.remove("OAUTHBEARER")
    if args.external_user is not None:
        if not args.client_ca or not args.auth_log or args.tls == "none":
            parser.error("--external-user needs --client-ca, --auth-log and --tls")
        handler.external = ExternalChecker(args.external_user, args.auth_log)
        LoggingSMTP.commands_log = args.auth_log
        excluded.remove("EXTERNAL")
    context = None
    if args.tls != "none":
        if not args.cert or not args.key:
            parser.error("--tls needs --cert and --key")
        context = server_context(args.cert, args.key, args.client_ca)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

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
                           auth_exclude_mechanism=excluded,
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
