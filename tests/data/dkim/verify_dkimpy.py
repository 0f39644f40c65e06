#!/usr/bin/python3
"""Verifies every DKIM-Signature of a message with python3-dkim (dkimpy).

Usage: verify_dkimpy.py MESSAGE KEYS

KEYS holds the DNS the verifier may see, one TXT record a line:
"<selector>._domainkey.<domain> <record>". No network is used.
Exit status 0 when every signature verifies, 1 otherwise (the reason on
stderr).
"""
import re
import sys

import dkim


def load_keys(path):
    records = {}
    with open(path, encoding="ascii") as keys:
        for line in keys:
            name, _, record = line.strip().partition(" ")
            if name:
                records[name.rstrip(".").lower()] = record.encode("ascii")
    return records


def main():
    message = open(sys.argv[1], "rb").read()
    records = load_keys(sys.argv[2])

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode("ascii")
        return records.get(name.rstrip(".").lower())

    header = re.split(rb"\r?\n\r?\n", message, maxsplit=1)[0]
    count = len(re.findall(rb"(?im)^dkim-signature[ \t]*:", header))
    verifier = dkim.DKIM(message)
    for index in range(max(count, 1)):
        try:
            ok = verifier.verify(idx=index, dnsfunc=dnsfunc)
        except dkim.DKIMException as e:
            sys.stderr.write("dkimpy: signature %d: %s\n" % (index, e))
            return 1
        if not ok:
            sys.stderr.write("dkimpy: signature %d does not verify\n" % index)
            return 1
    print("dkimpy: pass (%d signature(s))" % count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
