#!/usr/bin/python3
"""Verifies a message's DKIM signatures with OpenDKIM's libopendkim.

Usage: verify_opendkim.py MESSAGE KEYS
       verify_opendkim.py --batch KEYS PATH...

opendkim-testmsg (opendkim-tools) verifies only against the DNS, so this
drives the library it is built on (libopendkim.so.11, installed with
opendkim-tools) directly, with the query method its own test suite uses:
DKIM_QUERY_FILE, which reads "<selector>._domainkey.<domain> <record>"
lines from KEYS. No network is used. Exit status 0 when dkim_eom() reports
DKIM_STAT_OK, 1 otherwise (OpenDKIM's result string on stderr).

--batch verifies many messages with one library handle, as
verify_dkimpy.py --batch does (see there): each PATH a message file or a
directory of them, stored mail with bare LF line ends read as CRLF, a line
"FAIL <path>: <result>" for each message that fails, then "opendkim: N
verified, M failed"; exit status 0 when M is 0 and N is not.
"""
import ctypes
import os
import re
import sys

# libopendkim's dkim.h
DKIM_OP_SETOPT = 1
DKIM_OPTS_QUERYMETHOD = 6
DKIM_OPTS_QUERYINFO = 7
DKIM_QUERY_FILE = 1
DKIM_STAT_OK = 0


def load_library():
    lib = ctypes.CDLL("libopendkim.so.11")
    lib.dkim_init.restype = ctypes.c_void_p
    lib.dkim_init.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.dkim_options.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                 ctypes.c_void_p, ctypes.c_size_t]
    lib.dkim_verify.restype = ctypes.c_void_p
    lib.dkim_verify.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p,
                                ctypes.POINTER(ctypes.c_int)]
    lib.dkim_chunk.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.dkim_eom.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.dkim_getresultstr.restype = ctypes.c_char_p
    lib.dkim_getresultstr.argtypes = [ctypes.c_int]
    lib.dkim_free.argtypes = [ctypes.c_void_p]
    lib.dkim_close.argtypes = [ctypes.c_void_p]
    return lib


def open_library(keys):
    """libopendkim with a handle that reads its keys from the file `keys`."""
    lib = load_library()
    handle = lib.dkim_init(None, None)
    method = ctypes.c_int(DKIM_QUERY_FILE)
    lib.dkim_options(handle, DKIM_OP_SETOPT, DKIM_OPTS_QUERYMETHOD, ctypes.byref(method),
                     ctypes.sizeof(method))
    info = ctypes.create_string_buffer(keys.encode())
    lib.dkim_options(handle, DKIM_OP_SETOPT, DKIM_OPTS_QUERYINFO, info, len(info.value))
    return lib, handle


def check(lib, handle, message):
    """None when dkim_eom() reports DKIM_STAT_OK, else OpenDKIM's reason."""
    status = ctypes.c_int(0)
    dkim = lib.dkim_verify(handle, b"smtpkit-test", None, ctypes.byref(status))
    if not dkim:
        return "dkim_verify() failed: %d" % status.value
    lib.dkim_chunk(dkim, message, len(message))
    lib.dkim_chunk(dkim, None, 0)
    result = lib.dkim_eom(dkim, None)
    lib.dkim_free(dkim)
    if result != DKIM_STAT_OK:
        return lib.dkim_getresultstr(result).decode()
    return None


def message_files(paths):
    for path in paths:
        if os.path.isdir(path):
            for top, _, names in sorted(os.walk(path)):
                for name in sorted(names):
                    yield os.path.join(top, name)
        else:
            yield path


def batch(keys, paths):
    lib, handle = open_library(keys)
    verified = failed = 0
    for path in message_files(paths):
        with open(path, "rb") as f:
            message = re.sub(rb"(?<!\r)\n", b"\r\n", f.read())
        reason = check(lib, handle, message)
        if reason is None:
            verified += 1
        else:
            failed += 1
            print("FAIL %s: %s" % (path, reason))
    lib.dkim_close(handle)
    print("opendkim: %d verified, %d failed" % (verified, failed))
    return 0 if failed == 0 and verified else 1


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "--batch":
        return batch(sys.argv[2], sys.argv[3:])
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    message = open(sys.argv[1], "rb").read()
    lib, handle = open_library(sys.argv[2])
    reason = check(lib, handle, message)
    lib.dkim_close(handle)
    if reason is not None:
        sys.stderr.write("opendkim: %s\n" % reason)
        return 1
    print("opendkim: pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
