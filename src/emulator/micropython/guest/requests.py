# The requests module frozen into the firmware (micropython-lib's bundle-networking), written from its
# documented API: HTTP/1.0 requests over the board's sockets, one connection per request.
import usocket as socket  # the built-in socket (python-ecosys/requests/requests/__init__.py:1)
import tls


class Response:
    def __init__(self, raw):
        self.raw = raw
        self.encoding = "utf-8"
        self._cached = None
        self.status_code = None
        self.reason = ""
        self.headers = {}

    def close(self):
        if self.raw:
            self.raw.close()
            self.raw = None
        self._cached = None

    @property
    def content(self):
        if self._cached is None:
            try:
                self._cached = self.raw.read()
            finally:
                self.raw.close()
                self.raw = None
        return self._cached

    @property
    def text(self):
        return str(self.content, self.encoding)

    def json(self):
        import ujson as json  # :31, the built-in json

        return json.loads(self.content)


def request(method, url, data=None, json=None, headers=None, stream=None, auth=None, timeout=None, parse_headers=True):
    headers = headers or {}
    redirects = 0
    while True:
        try:
            proto, dummy, host, path = url.split("/", 3)
        except ValueError:
            proto, dummy, host = url.split("/", 2)
            path = ""
        if proto == "http:":
            port = 80
        elif proto == "https:":
            port = 443
        else:
            raise ValueError("Unsupported protocol: " + proto)
        if ":" in host:
            host, port = host.split(":", 1)
            port = int(port)
        ai = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)[0]
        s = socket.socket(ai[0], socket.SOCK_STREAM, ai[2])
        if timeout is not None:
            s.settimeout(timeout)
        try:
            s.connect(ai[-1])
            if proto == "https:":
                # requests 0.10 (micropython-lib): the server's certificate is not checked
                context = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
                context.verify_mode = tls.CERT_NONE
                s = context.wrap_socket(s, server_hostname=host)
            s.write(b"%s /%s HTTP/1.0\r\n" % (method, path))
            if "Host" not in headers:
                s.write(b"Host: %s\r\n" % host)
            for k in headers:
                s.write(k)
                s.write(b": ")
                s.write(headers[k])
                s.write(b"\r\n")
            if auth is not None:
                import ubinascii as binascii

                s.write(b"Authorization: Basic %s\r\n" % binascii.b2a_base64(b"%s:%s" % auth)[:-1])
            if json is not None:
                import ujson as _json

                data = _json.dumps(json)
                s.write(b"Content-Type: application/json\r\n")
            if data:
                s.write(b"Content-Length: %d\r\n" % len(data))
            s.write(b"Connection: close\r\n\r\n")
            if data:
                s.write(data)
            line = s.readline().split(None, 2)
            if len(line) < 2:
                raise ValueError("HTTP error: BadStatusLine:\n%s" % line)
            status = int(line[1])
            reason = line[2].rstrip() if len(line) > 2 else b""
            resp_headers = {}
            location = None
            while True:
                line = s.readline()
                if not line or line == b"\r\n":
                    break
                if line.startswith(b"Transfer-Encoding:") and b"chunked" in line:
                    raise ValueError("Unsupported " + str(line, "utf-8"))
                if line.startswith(b"Location:") and 300 <= status <= 399:
                    location = str(line[9:].strip(), "utf-8")
                if parse_headers:
                    k, v = str(line, "utf-8").split(":", 1)
                    resp_headers[k] = v.strip()
        except OSError:
            s.close()
            raise
        if location and redirects < 5:
            s.close()
            redirects += 1
            url = location if "://" in location else "%s//%s%s" % (proto, host, location)
            if status != 307 and status != 308:
                method, data, json = "GET", None, None
            continue
        resp = Response(s)
        resp.status_code = status
        resp.reason = reason
        resp.headers = resp_headers
        return resp


def head(url, **kw):
    return request("HEAD", url, **kw)


def get(url, **kw):
    return request("GET", url, **kw)


def post(url, **kw):
    return request("POST", url, **kw)


def put(url, **kw):
    return request("PUT", url, **kw)


def patch(url, **kw):
    return request("PATCH", url, **kw)


def delete(url, **kw):
    return request("DELETE", url, **kw)
