#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_mime_builder (tests/fuzz/corpus/fuzz_mime_builder/).

Each seed is a message in the input encoding mime_builder_invariants.hpp
reads (build()): a flags byte, the From/To/Cc/Bcc mailboxes, then the
subject, another header field, the bodies, an embedded part and an
attachment, each when its flag is set.
Run it again after changing the encoding: python3 tests/fuzz/make_mime_seeds.py
"""
import os
import sys

SMTPUTF8, EIGHT_BIT, SUBJECT, EXTRA, TEXT, HTML, EMBED, ATTACH = (1 << i for i in range(8))
# `addresses`
A, QUOTED, IDN, UTF8_LOCAL, LITERAL, TAGGED = range(6)
# `media_types`
PDF, PNG, PLAIN, OCTETS, CSV = range(5)


def sized(b):
    assert len(b) < 256
    return bytes([len(b)]) + b


def text(b):
    return bytes([len(b) >> 4, len(b) & 15]) + b


def mailboxes(*boxes, list_text=None):
    """Up to two mailboxes as (name, address index); list_text: an address list too."""
    assert len(boxes) <= 2
    out = bytes([len(boxes)])
    for name, address in boxes:
        out += sized(name) + bytes([address])
    return out + (bytes([0]) + sized(list_text) if list_text is not None else bytes([1]))


def part(content, media=PLAIN, filename=b"", content_id=None, description=None):
    out = text(content) + bytes([1, media]) + sized(filename)
    if content_id is not None:
        out += sized(content_id)
    return out + (bytes([1]) + sized(description) if description is not None else bytes([0]))


def message(flags, frm=(), to=(), cc=(), bcc=(), lists=(None,) * 4, subject=b"", extra=None,
            body=None, html=None, embed=None, attach=None):
    out = bytes([flags])
    for boxes, lt in zip((frm, to, cc, bcc), lists):
        out += mailboxes(*boxes, list_text=lt)
    if flags & SUBJECT:
        out += sized(subject[:255]) + sized(subject[255:])
    if flags & EXTRA:
        name, value = extra
        out += (bytes([1]) + sized(name) if name else bytes([0])) + sized(value)
    if flags & TEXT:
        out += text(body)
    if flags & HTML:
        out += text(html)
    if flags & EMBED:
        out += part(*embed)
    if flags & ATTACH:
        out += part(*attach)
    return out


ME = ((b"Me", A),)
YOU = ((b"You", QUOTED),)
GERMAN = "Grüße aus Köln — Straße".encode()

SEEDS = {
    "plain": message(SUBJECT | TEXT, ME, YOU, subject=b"Hello", body=b"Hi there.\nBye.\n"),
    "names": message(SUBJECT | TEXT, ((GERMAN, A), (b"Doe, John", TAGGED)),
                     ((b'say "hi" \\ now', QUOTED), (b"=?UTF-8?Q?x?=", LITERAL)),
                     ((b"  spaced  out  ", A),), ((b"hidden", TAGGED),), subject=b"names",
                     body=b"x"),
    "utf8-headers": message(SMTPUTF8 | EIGHT_BIT | SUBJECT | TEXT, ((GERMAN, UTF8_LOCAL),),
                            ((b"B\xc3\xbccher", IDN),), subject=GERMAN * 3, body=GERMAN),
    "idn-ascii": message(SUBJECT | TEXT, ME, ((b"", IDN), (GERMAN, UTF8_LOCAL)),
                         subject=b"IDN", body=b"body"),
    "long-subject": message(SUBJECT | TEXT, ME, YOU,
                            subject=(b"word " * 40 + GERMAN * 4 + b" \tend\t ")[:500],
                            body=b"."),
    "long-lines": message(TEXT | HTML, ME, YOU, body=b"a" * 1200 + b"\r\n.\r\nFrom here\n",
                          html=b"<p>" + GERMAN * 60 + b"</p>\r"),
    "eight-bit": message(EIGHT_BIT | TEXT, ME, YOU, body=GERMAN + b"\n" + b"\xff\x00binary"),
    "attachment": message(TEXT | ATTACH | SUBJECT, ME, YOU, subject=b"report", body=b"see attached",
                          attach=(b"%PDF-1.7\n\x00\x01\x02" * 20, PDF,
                                  "Bericht über 2024 — final version with a rather long name.pdf".encode(),
                                  None, "Der Bericht".encode())),
    "embedded": message(HTML | EMBED | ATTACH, ME, YOU, html=b'<img src="cid:logo@x">',
                        embed=(b"\x89PNG\r\n\x1a\n", PNG, b"logo.png", b"logo@x", None),
                        attach=(b"a,b\r\n1,2\r\n", CSV, b'we"ird\\name;.csv')),
    "extra-header": message(EXTRA | TEXT, ME, YOU, extra=(b"X-Mailer", b"smtpkit =?x?= \t tabs  "),
                            body=b""),
    "address-lists": message(TEXT, (), (), lists=(b"Me <me@example.org>", b"a@b.example, Group: c@d.example;",
                                                  b"bad <", b"x@y.example"), body=b"lists"),
    "empty": message(0),
    "controls-in-name": message(TEXT, ((b"tab\there", A),), YOU, body=b"\x01\x7f"),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_mime_builder")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(SEEDS)} seeds in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
