#!/usr/bin/python3
"""Verifies a message's DKIM signatures with OpenDKIM's libopendkim.

Usage: verify_opendkim.py MESSAGE KEYS

opendkim-testmsg (opendkim-tools) verifies only against the DNS, so this
drives the library it is built on (libopendkim.so.11, installed with
opendkim-tools) directly, with the query method its own test suite uses:
DKIM_QUERY_FILE, which reads "<selector>._domainkey.<domain> <record>"
lines from KEYS. No network is used. Exit status 0 when dkim_eom() reports
DKIM_STAT_OK, 1 otherwise (OpenDKIM's result string on stderr).
"""
import ctypes
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


def main():
    message = open(sys.argv[1], "rb").read()
    keys = sys.argv[2].encode()
    lib = load_library()
    handle = lib.dkim_init(None, None)
    method = ctypes.c_int(DKIM_QUERY_FILE)
    lib.dkim_options(handle, DKIM_OP_SETOPT, DKIM_OPTS_QUERYMETHOD, ctypes.byref(method),
                     ctypes.sizeof(method))
    info = ctypes.create_string_buffer(keys)
    lib.dkim_options(handle, DKIM_OP_SETOPT, DKIM_OPTS_QUERYINFO, info, len(keys))
    status = ctypes.c_int(0)
    dkim = lib.dkim_verify(handle, b"smtpkit-test", None, ctypes.byref(status))
    if not dkim:
        sys.stderr.write("opendkim: dkim_verify() failed: %d\n" % status.value)
        return 1
    lib.dkim_chunk(dkim, message, len(message))
    lib.dkim_chunk(dkim, None, 0)
    result = lib.dkim_eom(dkim, None)
    lib.dkim_free(dkim)
    lib.dkim_close(handle)
    if result != DKIM_STAT_OK:
        sys.stderr.write("opendkim: %s\n" % lib.dkim_getresultstr(result).decode())
        return 1
    print("opendkim: pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
