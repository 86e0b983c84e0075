#!/usr/bin/python3
"""registry-hostile.py - a registry that answers badly, for t1020 only.

  registry-hostile.py PORT OCI_DIR LOG [CDN_PORT]

Serves the single image of the OCI layout OCI_DIR as every repository
"<mode>/app", misbehaving as <mode> says:

  good         nothing wrong
  baddigest    layer blobs replaced by another valid gzip stream
  badmanifest  a manifest whose body does not match its digest
  schema1      a Docker schema 1 manifest
  bigmanifest  a 5 MiB manifest (over the 4 MiB cap)
  redirect     Basic auth (u:p); blobs redirect to http://localhost:CDN_PORT,
               whose requests are logged with their Authorization header
  loop401      401 with a Bearer challenge whatever the token
  ratelimit    429 with Retry-After: 1 on the first manifest GET, then fine
  ratelimitforever  429 with Retry-After: 1 always
  drip         layer blobs at 8 bytes a second
  hang         manifests never answered
  oversize     layer blobs with 1 MiB more than their descriptors say
  truncated    layer blobs cut in the middle, with the full Content-Length

Without CDN_PORT it is the CDN: it serves /blobs/<digest> and logs.
"""
import base64, gzip, hashlib, json, os, socket, struct, sys, threading, time, zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, layout, logf = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cdn = int(sys.argv[4]) if len(sys.argv) > 4 else None
lock = threading.Lock()
counts = {}


def blob(d):
    return open(os.path.join(layout, "blobs", "sha256", d.split(":", 1)[1]), "rb").read()


index = json.load(open(os.path.join(layout, "index.json")))
top = index["manifests"][0]
man_body = blob(top["digest"])
man_type = top["mediaType"]
man = json.loads(man_body)
layers = {l["digest"] for l in man["layers"]}
# baddigest: other bytes (not longer) that are still a valid gzip stream of
# the same tar; made before serving, so that no answer is slow
def same_length(d):
    """the tar of layer d in a gzip member as long as the original blob,
    padded with a header comment (RFC 1952 FCOMMENT)"""
    orig = blob(d)
    tar = gzip.decompress(orig)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = c.compress(tar) + c.flush()
    trailer = struct.pack("<II", zlib.crc32(tar), len(tar) & 0xffffffff)
    pad = len(orig) - (10 + len(body) + len(trailer)) - 1
    if pad < 0:
        raise SystemExit("level 9 is not shorter than the original")
    return (b"\x1f\x8b\x08\x10" + bytes(4) + b"\x00\x03" + b"c" * pad + b"\x00" + body + trailer)


recompressed = {d: same_length(d) for d in layers} if cdn is not None else {}


def log(line):
    with lock:
        with open(logf, "a") as f:
            f.write(line + "\n")


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", ctype=None, headers=()):
        self.send_response(code)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        p = self.path.split("?")[0]
        auth = self.headers.get("Authorization")
        if cdn is None:
            log("%s %s Authorization=%s" % (self.command, p, auth or "none"))
            d = p.rsplit("/", 1)[-1]
            return self.send(200, blob(d), "application/octet-stream")
        if p == "/v2/":
            return self.send(200, b"{}", "application/json")
        if p == "/token":
            return self.send(200, b'{"token":"abc","expires_in":300}', "application/json")
        parts = p.split("/")
        if len(parts) < 6 or parts[1] != "v2":
            return self.send(404)
        mode, kind, ref = parts[2], parts[4], parts[5]
        with lock:
            counts[(mode, kind)] = counts.get((mode, kind), 0) + 1
            n = counts[(mode, kind)]
        if mode == "redirect" and auth != "Basic " + base64.b64encode(b"u:p").decode():
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"login"}]}',
                             "application/json", [("WWW-Authenticate", 'Basic realm="hostile"')])
        if mode == "loop401":
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"never"}]}',
                             "application/json", [("WWW-Authenticate",
                              'Bearer realm="http://127.0.0.1:%d/token",service="hostile"' % port)])
        if kind == "manifests":
            if mode == "hang":
                time.sleep(30)
                return
            if mode in ("ratelimit", "ratelimitforever") and (n == 1 or mode == "ratelimitforever"):
                return self.send(429, b'{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}',
                                 "application/json", [("Retry-After", "1")])
            body, ctype = man_body, man_type
            if mode == "schema1":
                body = json.dumps({"schemaVersion": 1, "name": "schema1/app", "tag": "1",
                                   "fsLayers": [], "history": []}).encode()
                ctype = "application/vnd.docker.distribution.manifest.v1+prettyjws"
            if mode == "badmanifest":
                body = man_body + b" "
            if mode == "bigmanifest":
                m = dict(man)
                m["annotations"] = {"pad": "x" * (5 << 20)}
                body = json.dumps(m).encode()
            dg = top["digest"] if mode != "schema1" else "sha256:" + hashlib.sha256(body).hexdigest()
            return self.send(200, body, ctype, [("Docker-Content-Digest", dg)])
        if kind == "blobs":
            data = blob(ref)
            if ref not in layers:
                return self.send(200, data, "application/octet-stream")
            if mode == "redirect":
                return self.send(307, b"", None,
                                 [("Location", "http://localhost:%d/blobs/%s" % (cdn, ref))])
            if mode == "oversize":
                data = data + bytes(1 << 20)
            if mode == "baddigest":
                data = recompressed[ref]
            if mode in ("drip", "truncated"):
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if mode == "truncated":
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                try:
                    for i in range(0, len(data), 8):
                        self.wfile.write(data[i:i + 8])
                        self.wfile.flush()
                        time.sleep(1)
                except OSError:
                    pass
                self.close_connection = True
                return
            return self.send(200, data, "application/octet-stream")
        return self.send(404)


class S(ThreadingHTTPServer):
    daemon_threads = True


S(("127.0.0.1" if cdn is not None else "localhost", port), H).serve_forever()
