#!/usr/bin/python3
"""Decodes MIME headers and bodies with Python's email package, for the
round-trip tests of src/message (mime_round_trip_test.cpp).

Reads requests from stdin, one per line: KIND FIELD HEX, where HEX is the
raw message (header section and optional body) in hex. Writes one line per
request: space-separated fields, each "=" followed by the hex of a UTF-8
string (so empty fields and any character survive), then the number of
defects Python found (-1 and the exception as the value when decoding
failed).

Kinds (a trailing "8" parses the message as UTF-8 text, RFC 6532):
  unstructured  str(msg[FIELD])
  addresses     display_name, addr_spec of each msg[FIELD].addresses
  words         str(make_header(decode_header(raw))): the older decoder, which
                follows RFC 2047 6.2 on white space between encoded-words
                (FIELD unused; the raw text is the words alone)
  param         msg[FIELD].params[NAME] for NAME given as FIELD "Field/name"
  filename      msg.get_filename() ("<None>" when there is none)
  body          msg.get_payload(decode=True) (its octets, not UTF-8)
"""
import email
import email.header
import email.policy
import sys


def parse(kind, raw):
    if kind.endswith("8"):
        return email.message_from_string(raw.decode("utf-8"), policy=email.policy.default)
    return email.message_from_bytes(raw, policy=email.policy.default)


def decode(kind, field, raw):
    if kind == "words":
        text = raw.decode("ascii")
        return [str(email.header.make_header(email.header.decode_header(text)))], 0
    msg = parse(kind, raw)
    kind = kind.rstrip("8")
    defects = len(msg.defects)
    if kind == "unstructured":
        header = msg[field]
        return [str(header)], defects + len(header.defects)
    if kind == "addresses":
        header = msg[field]
        out = []
        for address in header.addresses:
            out += [address.display_name, address.addr_spec]
        return out, defects + len(header.defects)
    if kind == "param":
        name, param = field.split("/", 1)
        header = msg[name]
        return [header.params[param]], defects + len(header.defects)
    if kind == "filename":
        filename = msg.get_filename()
        return ["<None>" if filename is None else filename], defects
    if kind == "body":
        return [msg.get_payload(decode=True)], defects
    raise ValueError(kind)


def main():
    for line in sys.stdin:
        kind, field, raw = line.split()
        try:
            values, defects = decode(kind, field, bytes.fromhex(raw))
        except Exception as e:  # reported as a value the test cannot expect
            values, defects = ["<%s>" % repr(e)], -1
        fields = ["=" + (v if isinstance(v, bytes) else v.encode("utf-8")).hex() for v in values]
        print(" ".join(fields + [str(defects)]), flush=True)


if __name__ == "__main__":
    main()
