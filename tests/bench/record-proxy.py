#!/usr/bin/env python3
"""Counts the plugin's API requests: a TLS proxy in front of the API server that logs one line
per HTTP/1.1 request (method and path) and relays everything unchanged, websocket upgrades
(exec) included.

Usage: record-proxy.py KUBECONFIG OUT_KUBECONFIG LOG PORTFILE
It writes OUT_KUBECONFIG (pointing at the proxy; the proxy talks upstream with KUBECONFIG's
client certificate) and the listening port to PORTFILE, then serves until killed. Each request
appends "METHOD PATH" to LOG. Only for benchmarks on a test cluster: it holds admin keys.
"""
import asyncio
import base64
import os
import ssl
import subprocess
import sys
import tempfile

import json


def load_kubeconfig(path):
    # The cluster tooling writes kubeconfigs as YAML that is also JSON-compatible enough for
    # kubectl to convert; ask kubectl itself to flatten it into JSON.
    kubectl = os.environ.get("KUBECTL", "kubectl")
    out = subprocess.run(
        [kubectl, "--kubeconfig", path, "config", "view", "--raw", "--flatten", "--minify", "-o", "json"],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def main():
    src, out_path, log_path, port_file = sys.argv[1:5]
    cfg = load_kubeconfig(src)
    cluster = cfg["clusters"][0]["cluster"]
    user = cfg["users"][0]["user"]
    work = tempfile.mkdtemp(prefix="cinc-bench-proxy-")
    os.chmod(work, 0o700)

    def write(name, data):
        p = os.path.join(work, name)
        with open(p, "wb") as f:
            f.write(base64.b64decode(data))
        os.chmod(p, 0o600)
        return p

    ca = write("ca.crt", cluster["certificate-authority-data"])
    cert = write("client.crt", user["client-certificate-data"])
    key = write("client.key", user["client-key-data"])
    upstream = cluster["server"].removeprefix("https://")
    up_host, up_port = upstream.rsplit(":", 1)

    # rustls wants a CA and a leaf it signed, not one self-signed certificate.
    pca, pcakey = os.path.join(work, "proxy-ca.crt"), os.path.join(work, "proxy-ca.key")
    pcert, pkey = os.path.join(work, "proxy.crt"), os.path.join(work, "proxy.key")
    csr, ext = os.path.join(work, "proxy.csr"), os.path.join(work, "proxy.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\n"
                "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    for cmd in (
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=cinc-scan bench proxy CA", "-keyout", pcakey, "-out", pca],
        ["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
         "-keyout", pkey, "-out", csr],
        ["openssl", "x509", "-req", "-in", csr, "-CA", pca, "-CAkey", pcakey,
         "-CAcreateserial", "-days", "1", "-extfile", ext, "-out", pcert],
    ):
        subprocess.run(cmd, check=True, capture_output=True)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(pcert, pkey)
    client_ctx = ssl.create_default_context(cafile=ca)
    client_ctx.load_cert_chain(cert, key)
    client_ctx.check_hostname = False

    log = open(log_path, "a", buffering=1)

    async def pipe(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    async def requests(reader, writer):
        """Client to server: parse request heads (and skip bodies) to log each request."""
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                first, _, rest = head.partition(b"\r\n")
                method, path = (first.decode("latin-1").split(" ") + ["", ""])[:2]
                log.write(f"{method} {path}\n")
                writer.write(head)
                headers = {}
                for line in rest.split(b"\r\n"):
                    k, _, v = line.partition(b":")
                    headers[k.strip().lower()] = v.strip().lower()
                if b"upgrade" in headers:
                    await writer.drain()
                    await pipe(reader, writer)
                    return
                if b"content-length" in headers:
                    writer.write(await reader.readexactly(int(headers[b"content-length"])))
                elif headers.get(b"transfer-encoding") == b"chunked":
                    while True:
                        size_line = await reader.readuntil(b"\r\n")
                        writer.write(size_line)
                        size = int(size_line.split(b";")[0], 16)
                        writer.write(await reader.readexactly(size + 2))
                        if size == 0:
                            break
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ssl.SSLError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    async def handle(c_reader, c_writer):
        try:
            u_reader, u_writer = await asyncio.open_connection(
                up_host, int(up_port), ssl=client_ctx, server_hostname=up_host)
        except OSError:
            c_writer.close()
            return
        await asyncio.gather(requests(c_reader, u_writer), pipe(u_reader, c_writer))

    async def serve():
        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_ctx, limit=1 << 20)
        port = server.sockets[0].getsockname()[1]
        with open(pca, "rb") as f:
            proxy_ca = base64.b64encode(f.read()).decode()
        cfg["clusters"][0]["cluster"] = {
            "server": f"https://127.0.0.1:{port}",
            "certificate-authority-data": proxy_ca,
        }
        fd = os.open(out_path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(cfg, f)
        with open(port_file, "w") as f:
            f.write(f"{port}\n")
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
