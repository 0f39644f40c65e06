#!/usr/bin/python3
"""Verifies every DKIM-Signature of a message with python3-dkim (dkimpy).

Usage: verify_dkimpy.py MESSAGE KEYS
       verify_dkimpy.py --batch KEYS PATH...

KEYS holds the DNS the verifier may see, one TXT record a line:
"<selector>._domainkey.<domain> <record>". No network is used.

One MESSAGE: exit status 0 when every signature verifies, 1 otherwise (the
reason on stderr).

--batch verifies many messages in one run (10,000 in seconds, not the
minutes 10,000 interpreter starts take). Each PATH is a message file or a
directory whose regular files, at any depth, are messages. They are taken
as stored mail (smtp-sink's dumps, mbox entries): a line that ends in a
bare LF is read as ending in CRLF, as it was on the wire. Each message that
fails gets a line "FAIL <path>: <reason>" on stdout, and the last line is
"dkimpy: N verified, M failed". Exit status 0 when M is 0 and N is not.
The messages are shared among the CPUs (SMTPKIT_VERIFY_JOBS: how many
processes).
"""
import multiprocessing
import os
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


RECORDS = {}


def dnsfunc(name, timeout=5):
    if isinstance(name, bytes):
        name = name.decode("ascii")
    return RECORDS.get(name.rstrip(".").lower())


def check(message):
    """(signatures, None) when every signature verifies, else (signatures, reason)."""
    header = re.split(rb"\r?\n\r?\n", message, maxsplit=1)[0]
    count = len(re.findall(rb"(?im)^dkim-signature[ \t]*:", header))
    verifier = dkim.DKIM(message)
    for index in range(max(count, 1)):
        try:
            ok = verifier.verify(idx=index, dnsfunc=dnsfunc)
        except dkim.DKIMException as e:
            return count, "signature %d: %s" % (index, e)
        if not ok:
            return count, "signature %d does not verify" % index
    return count, None


def check_stored(path):
    """The reason `path` fails, or None."""
    with open(path, "rb") as f:
        message = re.sub(rb"(?<!\r)\n", b"\r\n", f.read())
    try:
        return check(message)[1]
    except Exception as e:  # dkimpy raises more than DKIMException on malformed input
        return "%s: %s" % (type(e).__name__, e)


def message_files(paths):
    for path in paths:
        if os.path.isdir(path):
            for top, _, names in sorted(os.walk(path)):
                for name in sorted(names):
                    yield os.path.join(top, name)
        else:
            yield path


def use_keys(path):
    RECORDS.update(load_keys(path))


def batch(keys, paths):
    files = list(message_files(paths))
    jobs = int(os.environ.get("SMTPKIT_VERIFY_JOBS", "0")) or os.cpu_count() or 1
    with multiprocessing.Pool(jobs, initializer=use_keys, initargs=(keys,)) as pool:
        reasons = pool.map(check_stored, files, chunksize=max(1, len(files) // (jobs * 8)))
    failed = 0
    for path, reason in zip(files, reasons):
        if reason is not None:
            failed += 1
            print("FAIL %s: %s" % (path, reason))
    print("dkimpy: %d verified, %d failed" % (len(files) - failed, failed))
    return 0 if failed == 0 and files else 1


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "--batch":
        return batch(sys.argv[2], sys.argv[3:])
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    message = open(sys.argv[1], "rb").read()
    use_keys(sys.argv[2])
    count, reason = check(message)
    if reason is not None:
        sys.stderr.write("dkimpy: %s\n" % reason)
        return 1
    print("dkimpy: pass (%d signature(s))" % count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
