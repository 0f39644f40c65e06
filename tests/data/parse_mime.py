#!/usr/bin/python3
"""Parses a message with Python's email package (the default policy) and
prints what a reader of it sees, as JSON: the decoded headers, the MIME tree,
each leaf part's type, file name, Content-ID and decoded bytes (base64), and
the longest line of the raw message. An independent MIME parser for
smtpkit's builder tests.

usage: parse_mime.py FILE       (or - for stdin)
"""
import base64
import email
import email.policy
import json
import sys


def address_list(header):
    if header is None:
        return None
    return [{"name": a.display_name, "address": a.addr_spec} for a in header.addresses]


def part_tree(part):
    node = {
        "type": part.get_content_type(),
        "headers": [[k, str(v)] for k, v in part.items()],
        "defects": [type(d).__name__ for d in part.defects],
    }
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload(0)
        node["filename"] = part.get_filename()
        node["message"] = {"subject": str(inner.get("Subject", "")), "body": part_tree(inner)}
        return node
    if part.is_multipart():
        node["parts"] = [part_tree(p) for p in part.iter_parts()]
        return node
    node["filename"] = part.get_filename()
    node["disposition"] = part.get_content_disposition()
    node["content_id"] = part.get("Content-ID")
    node["charset"] = part.get_content_charset()
    node["encoding"] = part.get("Content-Transfer-Encoding")
    payload = part.get_payload(decode=True) or b""
    node["bytes"] = base64.b64encode(payload).decode("ascii")
    if part.get_content_maintype() == "text":
        node["text"] = part.get_content()
    return node


def main():
    raw = sys.stdin.buffer.read() if sys.argv[1] == "-" else open(sys.argv[1], "rb").read()
    head = raw.split(b"\r\n\r\n", 1)[0]
    if any(b >= 0x80 for b in head):
        # RFC 6532 headers (SMTPUTF8): raw UTF-8, which the bytes parser
        # would only carry as surrogate escapes.
        msg = email.message_from_string(raw.decode("utf-8"), policy=email.policy.default)
    else:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
    lines = raw.split(b"\r\n")
    result = {
        "subject": None if msg["Subject"] is None else str(msg["Subject"]),
        "from": address_list(msg["From"]),
        "to": address_list(msg["To"]),
        "cc": address_list(msg["Cc"]),
        "bcc": address_list(msg["Bcc"]),
        "reply_to": address_list(msg["Reply-To"]),
        "sender": None if msg["Sender"] is None else str(msg["Sender"]),
        "date": None if msg["Date"] is None else str(msg["Date"]),
        "message_id": msg["Message-ID"],
        "header_names": list(msg.keys()),
        "defects": [type(d).__name__ for d in msg.defects],
        "longest_line": max(len(line) for line in lines),
        "bare_lf": raw.replace(b"\r\n", b"").count(b"\n"),
        "body": part_tree(msg),
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
