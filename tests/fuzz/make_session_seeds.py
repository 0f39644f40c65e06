#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_session (tests/fuzz/corpus/fuzz_session/).

Each seed is a dialogue in the input encoding session_invariants.hpp reads:
three configuration bytes, then one operation per step (byte % 20) with its
arguments. The seeds are whole, realistic dialogues, so that the fuzzer
starts from deep states (transactions, AUTH, STARTTLS) and mutates them.
Run it again after changing the encoding: python3 tests/fuzz/make_session_seeds.py
"""
import os
import sys

# Indices into `canned` in session_invariants.hpp.
GREETING, GREETING_MULTI, OK, OK_SHORT, GO_AHEAD = 0, 1, 2, 3, 4
EMPTY_CHALLENGE, USERNAME, PASSWORD, CRAM, OAUTH_ERROR = 5, 6, 7, 8, 9
AUTH_OK, BYE, CLOSING, BUSY, LOCAL_ERROR, TOO_MANY, NO_TLS = 10, 11, 12, 13, 14, 15, 16
UNKNOWN, SYNTAX, NOT_IMPLEMENTED, BAD_SEQUENCE, NOT_SUPPORTED, BAD_CREDENTIALS = 17, 18, 19, 20, 21, 22
NO_USER, TOO_BIG, REJECTED, MULTI_OK = 23, 24, 25, 26
EHLO, B64_CHALLENGE, RAW_CHALLENGE = 27, 28, 29

# Bits of the EHLO mask (`extensions`).
PIPELINING, CHUNKING, EIGHTBIT, BINARYMIME, SMTPUTF8, DSN, STARTTLS, SIZE = (1 << i for i in range(8))
SIZE_BARE, ENHANCED, REQUIRETLS, MT_PRIORITY, DELIVERBY, AUTH, AUTH_EQ, ODD = (1 << i for i in range(8, 16))

# Addresses (`addresses`).
SENDER, A, QUOTED, LITERAL, UTF8_LOCAL, UTF8_DOMAIN, POSTMASTER, BAD, EMPTY, ANGLED = range(10)


def config(extended=True, pipelining=True, chunking=True, after_data=False, tls=False,
           ehlo_after_auth=True, require_tls=False, tight=False, window=2):
    a = ((0 if extended else 1) | (0 if pipelining else 2) | (0 if chunking else 4)
         | (8 if after_data else 0) | (16 if tls else 0) | (0 if ehlo_after_auth else 32)
         | (64 if require_tls else 0) | (128 if tight else 0))
    return bytes([a, window, 2])  # 2: the default HELO name


def feed(*replies, splits=()):
    """Canned replies (an int, or (EHLO, mask), or (B64_CHALLENGE, bytes)), fed
    in len(splits) + 1 pieces; each split is the size of a piece."""
    out = bytes([0, len(replies) - 1])
    for r in replies:
        if isinstance(r, tuple) and r[0] == EHLO:
            out += bytes([EHLO, r[1] & 0xFF, r[1] >> 8])
        elif isinstance(r, tuple):
            out += bytes([r[0], len(r[1])]) + r[1]
        else:
            out += bytes([r])
    out += bytes([len(splits)])
    for s in splits:
        out += bytes([s - 1])  # 1 + pick(rest)
    return out


def raw(data, splits=()):
    out = bytes([3, len(data)]) + data + bytes([len(splits)])
    for s in splits:
        out += bytes([s - 1])
    return out


def hello():
    return bytes([5])


def tls_established():
    return bytes([7])


def envelope(sender=SENDER, to=(A,), body=0, dsn=0, require_tls=False):
    out = bytes([1, sender, len(to)])
    for r in to:
        out += bytes([1, r, 0])
    return out + bytes([dsn | (body << 4) | (64 if require_tls else 0)])


def info(size=None, content=0, eight_bit_headers=False):
    f = (1 if size is not None else 0) | (content << 1) | (8 if eight_bit_headers else 0)
    out = bytes([f])
    if size is not None:
        out += bytes([size])
    return out


def begin(**kw):
    i = kw.pop("info", info())
    return bytes([8]) + envelope(**kw) + i


def chunk(data, last=True):
    return bytes([10, len(data)]) + data + bytes([1 if last else 0])


def starttls():
    return bytes([12])


def command(which=5):
    return bytes([13, which])


def quit_():
    return bytes([14])


def auth(mechanism):  # index into `mechanisms`: plain, login, cram, xoauth2, oauthbearer, scram, external
    return bytes([15, 0, mechanism])


def open_tx():
    return bytes([16, 0]) + bytes([1, SENDER, 0]) + info()


def add_rcpt(r=A):
    return bytes([16, 1, 1, r, 0])


def start_data():
    return bytes([16, 2])


def abort():
    return bytes([16, 3])


def eof():
    return bytes([18])


GREET = feed(GREETING) + hello()
BASIC = PIPELINING | EIGHTBIT | SIZE | ENHANCED

SEEDS = {
    "data-pipelined": config() + GREET + feed((EHLO, BASIC)) + begin(to=(A, QUOTED))
    + feed(OK, OK, OK, splits=(7,)) + feed(GO_AHEAD) + chunk(b"Subject: hi\r\n\r\n.body\nline\r")
    + feed(OK) + quit_() + feed(BYE),
    "data-unpipelined": config(pipelining=False) + GREET + feed((EHLO, EIGHTBIT | SIZE))
    + begin(to=(A, LITERAL)) + feed(OK) + feed(OK) + feed(NO_USER) + feed(GO_AHEAD)
    + chunk(b"a\r\n.\r\nb") + feed(OK) + quit_() + feed(BYE),
    "bdat-pipelined": config(window=3) + GREET + feed((EHLO, PIPELINING | CHUNKING | BINARYMIME | EIGHTBIT))
    + begin(to=(A,), info=info(content=2)) + chunk(b"\x00bin\r\nary", last=False)
    + chunk(b"\r\nend", last=True) + begin(to=(QUOTED,)) + chunk(b"text\n")
    + feed(OK, OK, OK, OK, splits=(3, 9)) + feed(OK, OK, OK, OK) + quit_() + feed(BYE),
    "bdat-unpipelined": config(pipelining=False) + GREET + feed((EHLO, CHUNKING))
    + begin(to=(A,)) + feed(OK) + feed(OK) + chunk(b"one\r", last=False) + feed(OK)
    + chunk(b"\ntwo", last=True) + feed(OK) + quit_() + eof(),
    "after-data": config(after_data=True) + GREET + feed((EHLO, PIPELINING | EIGHTBIT))
    + begin() + feed(OK, OK, GO_AHEAD) + chunk(b"first\r\n") + begin(to=(QUOTED,))
    + feed(OK, BAD_SEQUENCE, OK, GO_AHEAD) + feed(OK) + quit_() + feed(BYE),
    "refusals": config() + GREET + feed((EHLO, BASIC)) + begin(to=(A, QUOTED))
    + feed(OK, NO_USER, BUSY, BAD_SEQUENCE) + feed(OK) + begin(sender=UTF8_LOCAL)
    + begin(to=()) + begin() + feed(REJECTED, NO_USER, BAD_SEQUENCE) + command(0) + feed(OK)
    + quit_() + feed(BYE),
    "ehlo-fallback": config() + feed(GREETING_MULTI) + hello() + feed(UNKNOWN) + feed(OK)
    + begin() + feed(OK) + feed(OK) + feed(GO_AHEAD) + chunk(b"x") + feed(TOO_BIG) + feed(OK)
    + quit_() + feed(CLOSING),
    "starttls": config(require_tls=True) + GREET + feed((EHLO, STARTTLS | PIPELINING))
    + starttls() + feed(GREETING) + tls_established() + hello() + feed((EHLO, PIPELINING | AUTH))
    + auth(0) + feed(AUTH_OK) + feed((EHLO, PIPELINING | DSN | REQUIRETLS))
    + begin(dsn=4 | 1, require_tls=True) + feed(OK, OK, GO_AHEAD) + chunk(b"secure") + feed(OK)
    + quit_() + feed(BYE),
    "starttls-injection": config(require_tls=True) + GREET + feed((EHLO, STARTTLS)) + starttls()
    + raw(b"220 go\r\n250 injected\r\n"),
    "starttls-refused": config(require_tls=True) + GREET + feed((EHLO, STARTTLS)) + starttls()
    + feed(NO_TLS) + hello() + begin(),
    "auth-login": config(tls=True) + GREET + feed((EHLO, AUTH)) + auth(1) + feed(USERNAME)
    + feed(PASSWORD) + feed(AUTH_OK) + feed((EHLO, AUTH | SIZE)) + quit_() + feed(BYE),
    "auth-cram": config(tls=True, ehlo_after_auth=False) + GREET + feed((EHLO, AUTH)) + auth(2)
    + feed(CRAM) + feed(BAD_CREDENTIALS) + auth(2) + feed(CRAM) + feed(AUTH_OK) + eof(),
    "auth-oauth-error": config(tls=True) + GREET + feed((EHLO, AUTH | AUTH_EQ)) + auth(4)
    + feed(OAUTH_ERROR) + feed(BAD_CREDENTIALS) + auth(3) + feed(OAUTH_ERROR)
    + feed(BAD_CREDENTIALS) + quit_() + feed(BYE),
    "auth-scram": config(tls=True) + GREET + feed((EHLO, AUTH_EQ)) + auth(5)
    + feed((B64_CHALLENGE, b"r=nnnnnnnnnnnnnnnnnnnnnnnnserver,s=QSXCR+Q6sek8bf92,i=4096"))
    + feed((B64_CHALLENGE, b"v=bad")) + feed(SYNTAX) + eof(),
    "stepwise": config() + GREET + feed((EHLO, BASIC)) + open_tx() + feed(OK) + add_rcpt(A)
    + feed(NO_USER) + add_rcpt(QUOTED) + feed(OK) + start_data() + feed(GO_AHEAD)
    + chunk(b"step by step\n") + feed(OK) + open_tx() + feed(OK) + abort() + feed(OK)
    + quit_() + feed(BYE),
    "misuse": config() + begin() + hello() + GREET + hello() + feed((EHLO, 0)) + chunk(b"x")
    + start_data() + tls_established() + quit_() + quit_() + feed(BYE) + hello(),
    "unsolicited": config() + GREET + feed((EHLO, PIPELINING)) + command(5)
    + feed(OK, CLOSING) + command(5) + eof(),
    "lost-connection": config() + GREET + feed((EHLO, PIPELINING | CHUNKING)) + begin()
    + chunk(b"partial", last=True) + bytes([4, 20]) + bytes([19, 0]),
    "tight-limits": config(tight=True) + GREET
    + raw(b"250-" + b"x" * 70 + b"\r\n250 y\r\n", splits=(30,)),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_session")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(SEEDS)} seeds in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
