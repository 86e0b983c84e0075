#!/usr/bin/python3
"""registry-tokensrv.py - a small token server for distribution's token
auth (docs/content/spec/auth/token.md), for the registry tests only.

  registry-tokensrv.py PORT KEY.pem CERT.pem LOG [USER:PASSWORD]

GET /token?service=S&scope=repository:NAME:pull[&scope=...] answers
{"token", "access_token", "expires_in"} with an RS256 JWT whose x5c header
carries CERT (the registry's auth.token.rootcertbundle trusts it). With
USER:PASSWORD, only requests with that Basic authorization get actions;
anonymous requests get a token with no access (the registry then answers
401, as Docker Hub does for a private repository). Each request's method,
path and Authorization header presence is appended to LOG.
"""
import base64, json, sys, time, os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

port, keyf, certf, logf = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
userpw = sys.argv[5] if len(sys.argv) > 5 else None
key = serialization.load_pem_private_key(open(keyf, "rb").read(), None)
cert = x509.load_pem_x509_certificate(open(certf, "rb").read())
der = cert.public_bytes(serialization.Encoding.DER)


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(claims):
    head = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
    msg = b64u(json.dumps(head).encode()) + "." + b64u(json.dumps(claims).encode())
    sig = key.sign(msg.encode(), padding.PKCS1v15(), hashes.SHA256())
    return msg + "." + b64u(sig)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        auth = self.headers.get("Authorization", "")
        with open(logf, "a") as f:
            f.write("%s %s auth=%s\n" % (self.command, self.path, "yes" if auth else "no"))
        if u.path != "/token":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        ok = userpw is None
        if auth.startswith("Basic "):
            try:
                ok = base64.b64decode(auth[6:]).decode() == userpw
            except Exception:
                ok = False
            if not ok:
                body = b'{"details":"bad credentials"}'
                self.send_response(401)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        access = []
        for sc in q.get("scope", []):
            parts = sc.split(":")
            if len(parts) >= 3 and ok:
                typ, acts = parts[0], parts[-1].split(",")
                name = ":".join(parts[1:-1])
                access.append({"type": typ, "name": name, "actions": acts})
        now = int(time.time())
        tok = jwt({"iss": "lbtest-issuer", "sub": "lbtest", "aud": q.get("service", [""])[0],
                   "exp": now + 300, "nbf": now - 10, "iat": now, "jti": os.urandom(8).hex(),
                   "access": access})
        body = json.dumps({"token": tok, "access_token": tok, "expires_in": 300}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
