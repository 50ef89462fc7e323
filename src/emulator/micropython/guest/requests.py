# The requests module frozen into the firmware (micropython-lib 50ed36fb, requests 0.9.0, v1.23.0's
# bundle-networking), written from its documented API and checked against its behaviour: HTTP/1.0
# requests over the board's sockets, one connection per request.
import usocket  # the built-in socket (python-ecosys/requests/requests/__init__.py:1)


class Response:
    # status_code, reason and (unless parse_headers=False) headers are set by request()
    def __init__(self, raw):
        self.raw = raw
        self.encoding = "utf-8"
        self._cached = None

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


# `headers` is one dict shared by every call that leaves it out, as 0.9.0's default argument:
# auth= writes its Authorization header into it, so later requests send it too (__init__.py:41, 50-56).
def request(method, url, data=None, json=None, headers={}, stream=None, auth=None, timeout=None, parse_headers=True):
    # no helper names here: urequests forwards every name (dir() too) to this module
    chunked = data and getattr(data, "__next__", None) and not getattr(data, "__len__", None)  # an iterator goes chunked (:48)
    if auth is not None:
        import ubinascii

        user, password = auth
        token = ubinascii.b2a_base64(("%s:%s" % (user, password)).encode())[:-1]
        headers["Authorization"] = "Basic " + str(token, "ascii")
    try:
        proto, dummy, host, path = url.split("/", 3)
    except ValueError:
        proto, dummy, host = url.split("/", 2)
        path = ""
    if proto == "http:":
        port = 80
    elif proto == "https:":
        import tls

        port = 443
    else:
        raise ValueError("Unsupported protocol: " + proto)
    if ":" in host:
        host, port = host.split(":", 1)
        port = int(port)
    ai = usocket.getaddrinfo(host, port, 0, usocket.SOCK_STREAM)[0]
    resp_headers = {} if parse_headers is not False else None
    s = usocket.socket(ai[0], usocket.SOCK_STREAM, ai[2])
    if timeout is not None:
        s.settimeout(timeout)
    redirect = None
    try:
        s.connect(ai[-1])
        if proto == "https:":
            # the server's certificate is not checked (CERT_NONE)
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
        if json is not None:
            assert data is None
            import ujson

            data = ujson.dumps(json)
            s.write(b"Content-Type: application/json\r\n")
        if data:
            if chunked:
                s.write(b"Transfer-Encoding: chunked\r\n")
            else:
                s.write(b"Content-Length: %d\r\n" % len(data))
        s.write(b"Connection: close\r\n\r\n")
        if data:
            if chunked:
                for chunk in data:
                    s.write(b"%x\r\n" % len(chunk))
                    s.write(chunk)
                    s.write(b"\r\n")
                s.write("0\r\n\r\n")
            else:
                s.write(data)
        status_line = s.readline().split(None, 2)
        if len(status_line) < 2:
            raise ValueError("HTTP error: BadStatusLine:\n%s" % status_line)
        status = int(status_line[1])
        reason = status_line[2].rstrip() if len(status_line) > 2 else ""
        while True:
            line = s.readline()
            if not line or line == b"\r\n":
                break
            if line.startswith(b"Transfer-Encoding:"):
                if b"chunked" in line:
                    raise ValueError("Unsupported " + str(line, "utf-8"))
            elif line.startswith(b"Location:") and not 200 <= status <= 299:
                # followed for these five only; the URL is the line after "Location: ", its CR LF cut
                if status not in (301, 302, 303, 307, 308):
                    raise NotImplementedError("Redirect %d not yet supported" % status)
                redirect = str(line[10:-2], "utf-8")
            if parse_headers is True:
                k, v = str(line, "utf-8").split(":", 1)
                resp_headers[k] = v.strip()
            elif parse_headers is not False:
                parse_headers(line, resp_headers)  # a function the script gave
    except OSError:
        s.close()
        raise
    if redirect:
        # Followed as often as servers redirect; only the method, body (307/308), headers and
        # stream go along: timeout, auth and parse_headers are left behind (__init__.py:162-167).
        s.close()
        if status in (301, 302, 303):
            return request("GET", redirect, None, None, headers, stream)
        return request(method, redirect, data, json, headers, stream)
    resp = Response(s)
    resp.status_code = status
    resp.reason = reason
    if resp_headers is not None:
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
