#!/usr/bin/env python3
"""A small faulty SMTP server for the Mailer's integration test.

usage: faulty_smtp_server.py PORT STORE_FILE

Plain ESMTP on 127.0.0.1:PORT, no PIPELINING. Counting over all sessions:
every 20th end of data is answered "451 4.3.0" (not stored), and every
50th MAIL FROM drops the connection without a reply (before any data, so
the client knows nothing was taken). Every accepted message's Subject is
appended to STORE_FILE, one line each, so the test can count them.
"""
import asyncio
import sys

counts = {"data": 0, "mail": 0}


async def session(reader, writer, store):
    def send(line):
        writer.write(line.encode() + b"\r\n")

    send("220 faulty.test ESMTP")
    await writer.drain()
    in_data = False
    subject = ""
    while True:
        raw = await reader.readline()
        if not raw:
            break
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if in_data:
            if line == ".":
                in_data = False
                counts["data"] += 1
                if counts["data"] % 20 == 0:
                    send("451 4.3.0 please try again")
                else:
                    store.write("Subject: " + subject + "\n")
                    store.flush()
                    send("250 2.0.0 queued")
            elif not subject and line.lower().startswith("subject:"):
                subject = line[8:].strip()
        else:
            verb = line[:4].upper()
            if verb == "EHLO":
                send("250-faulty.test")
                send("250 8BITMIME")
            elif verb == "HELO":
                send("250 faulty.test")
            elif verb == "MAIL":
                counts["mail"] += 1
                if counts["mail"] % 50 == 0:
                    break  # the session dropped, nothing said
                send("250 2.1.0 ok")
            elif verb == "RCPT":
                send("250 2.1.5 ok")
            elif verb == "DATA":
                in_data = True
                subject = ""
                send("354 go ahead")
            elif verb == "RSET" or verb == "NOOP":
                send("250 2.0.0 ok")
            elif verb == "QUIT":
                send("221 2.0.0 bye")
                await writer.drain()
                break
            else:
                send("502 5.5.2 not implemented")
        await writer.drain()
    writer.close()


async def main():
    port = int(sys.argv[1])
    store = open(sys.argv[2], "a", encoding="utf-8")
    server = await asyncio.start_server(
        lambda r, w: session(r, w, store), "127.0.0.1", port, backlog=256)
    async with server:
        await server.serve_forever()


asyncio.run(main())
