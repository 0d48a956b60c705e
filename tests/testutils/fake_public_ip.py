#!/usr/bin/env python3
"""Fake public IP checker and forward proxy for tests/integration/public_ip_test.sh.

  fake_public_ip.py checker --bind ADDR --port P --answer FILE --log FILE [--cert PEM --key PEM]
      GET /ip                 -> 200, the answer file's text (read on every request)
      GET /r301 /r302 /r307 /r308 -> that status, Location: the next in the chain, then /ip
      GET /loop               -> 302, Location: /loop
  fake_public_ip.py proxy --bind ADDR --port P --log FILE
      CONNECT host:port       -> a tunnel;  GET http://host:port/path -> forwarded
      Only to 198.51.100.0/24 (the test namespace's own addresses): anything else is refused.
Every request line is appended to --log.
"""
import argparse
import http.server
import ipaddress
import select
import socket
import socketserver
import ssl
import sys

ALLOWED = ipaddress.ip_network("198.51.100.0/24")
CHAIN = {"/r301": (301, "/r302"), "/r302": (302, "/r307"), "/r307": (307, "/r308"), "/r308": (308, "/ip")}


def log_line(path, line):
    with open(path, "a") as f:
        f.write(line + "\n")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def checker_handler(args):
    class Checker(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def answer(self, status, body=b"", location=None):
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True

        def do_GET(self):
            log_line(args.log, self.requestline)
            if self.path == "/ip":
                with open(args.answer, "rb") as f:
                    self.answer(200, f.read())
            elif self.path in CHAIN:
                status, location = CHAIN[self.path]
                self.answer(status, location=location)
            elif self.path == "/loop":
                self.answer(302, location="/loop")
            else:
                self.answer(404)

    return Checker


def allowed(host):
    try:
        return ipaddress.ip_address(host) in ALLOWED
    except ValueError:
        return False


def relay(a, b):
    sockets = [a, b]
    while True:
        readable, _, _ = select.select(sockets, [], [], 10)
        if not readable:
            return
        for s in readable:
            data = s.recv(65536)
            if not data:
                return
            (b if s is a else a).sendall(data)


def proxy_handler(args):
    class Proxy(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def refuse(self):
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True

        def do_CONNECT(self):
            log_line(args.log, self.requestline)
            host, _, port = self.path.rpartition(":")
            if not allowed(host.strip("[]")):
                return self.refuse()
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
            self.send_response(200, "Connection established")
            self.end_headers()
            self.wfile.flush()
            relay(self.connection, upstream)
            upstream.close()
            self.close_connection = True

        def do_GET(self):
            log_line(args.log, self.requestline)
            if not self.path.startswith("http://"):
                return self.refuse()
            rest = self.path[len("http://"):]
            authority, slash, path = rest.partition("/")
            host, _, port = authority.rpartition(":") if ":" in authority else (authority, "", "80")
            if not allowed(host):
                return self.refuse()
            upstream = socket.create_connection((host, int(port)), timeout=5)
            upstream.sendall(("GET /%s HTTP/1.0\r\nHost: %s\r\n\r\n" % (path, authority)).encode())
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                self.wfile.write(data)
            upstream.close()
            self.close_connection = True

    return Proxy


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["checker", "proxy"])
    parser.add_argument("--bind", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--answer")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    handler = checker_handler(args) if args.mode == "checker" else proxy_handler(args)
    server = Server((args.bind, args.port), handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("listening", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
