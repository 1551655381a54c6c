#!/usr/bin/env python3
"""A TLS front for the overhead benchmark's server (benchmark only; never used by tests or CI).

Usage: tls_proxy.py CERT KEY UPSTREAM_PORT. Listens on a free loopback port with TLS (the
certificate is a throwaway self-signed one), prints that port, and copies bytes both ways
between each connection and 127.0.0.1:UPSTREAM_PORT until stdin closes. It measures what
Crest's https route (URLSession, libcurl, OpenSSL) costs the client; the proxy's own time is
in the added latency it reports, which is then an upper bound.
"""
import asyncio
import ssl
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


async def main():
    cert, key, upstream = sys.argv[1], sys.argv[2], int(sys.argv[3])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    async def handle(client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", upstream)
        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context, backlog=4096)
    print(server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)


asyncio.run(main())
