# asyncio.stream (extmod/asyncio/stream.py v1.23.0): Stream (StreamReader and StreamWriter are the one
# class), open_connection, start_server and its Server.
from . import core

_POLLIN, _POLLOUT = core._POLLIN, core._POLLOUT


class Stream:
    # StreamReader and StreamWriter are one class, as in the firmware's asyncio.
    def __init__(self, sock, extra={}):
        self.s = sock
        self.e = extra  # open_connection's stream has none: get_extra_info("peername") is a KeyError (stream.py:121)
        self.out = b""

    def get_extra_info(self, name):
        return self.e[name]

    def _wait(self, events):
        yield ("io", self.s, events)

    def read(self, n=-1):
        chunks = []
        while True:
            yield from self._wait(_POLLIN)
            data = self.s.read(n if n >= 0 else 4096)
            if data is None:
                continue
            if n >= 0 or not data:
                return b"".join(chunks) + data
            chunks.append(data)

    def readinto(self, buf):
        yield from self._wait(_POLLIN)
        return self.s.readinto(buf)

    def readexactly(self, n):
        data = b""
        while len(data) < n:
            yield from self._wait(_POLLIN)
            chunk = self.s.read(n - len(data))
            if chunk is None:
                continue
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def readline(self):
        line = b""
        while True:
            yield from self._wait(_POLLIN)
            part = self.s.readline()
            if part is None:
                continue
            line += part
            if not part or line[-1:] == b"\n":
                return line

    def write(self, buf):
        # Written at once where the socket takes it (a str too, as socket.write takes one); the rest
        # waits for drain().
        buf = buf.encode() if isinstance(buf, str) else bytes(buf)
        if not self.out:
            n = self.s.write(buf)
            if n == len(buf):
                return
            buf = buf[n or 0 :]
        self.out += buf

    def drain(self):
        if not self.out:
            # always a turn of the scheduler, so write+drain in a loop lets other tasks run (stream.py:77-80)
            return (yield from core.sleep_ms(0))
        while self.out:
            yield from self._wait(_POLLOUT)
            n = self.s.write(self.out)
            if n:
                self.out = self.out[n:]

    def close(self):
        pass

    async def wait_closed(self):
        self.s.close()  # when awaited, not when called (a coroutine, stream.py:19-21)

    # uasyncio v2's names, which v1.23 keeps (extmod/asyncio/stream.py: aclose, awrite, awritestr)
    aclose = wait_closed

    def awrite(self, buf, off=0, sz=-1):
        buf = bytes(buf, "utf-8") if isinstance(buf, str) else buf
        self.write(buf[off:] if sz < 0 else buf[off : off + sz])
        yield from self.drain()

    awritestr = awrite
    # No __aenter__/__aexit__: v1.23.0's Stream is no context manager (`async with writer:` is an AttributeError).


StreamReader = Stream
StreamWriter = Stream


def open_connection(host, port, ssl=None, server_hostname=None):
    import socket as _socket  # here, as extmod/asyncio/stream.py:101: a student's socket.py at this call

    ai = _socket.getaddrinfo(host, port, 0, _socket.SOCK_STREAM)[0]
    s = _socket.socket(ai[0], ai[1], ai[2])
    s.setblocking(False)
    try:
        s.connect(ai[-1])
    except OSError as e:
        if e.errno != 115 and e.errno != 119:  # EINPROGRESS (lwIP ports 115, ESP32 119)
            raise
    if ssl:
        # ssl=True is the frozen ssl module's client context (CERT_NONE); the handshake runs at the
        # stream's first read or write, the name checked is the host's unless given (stream.py:112-120)
        if ssl is True:
            import ssl as _ssl

            ssl = _ssl.SSLContext(_ssl.PROTOCOL_TLS_CLIENT)
        s = ssl.wrap_socket(s, server_hostname=server_hostname or host, do_handshake_on_connect=False)
        s.setblocking(False)
    yield ("io", s, _POLLOUT)
    ss = Stream(s)
    return ss, ss


class Server:
    def __init__(self, sock, cb, ssl):
        self.s = sock
        self.cb = cb
        self.ssl = ssl
        self.closing = False
        self.task = core.create_task(self._serve())

    def _serve(self):
        while True:
            try:
                yield ("io", self.s, _POLLIN)
            except core.CancelledError:
                # Cancelled at its wait, the socket closes: by close(), the task ends quietly and
                # wait_closed() returns; cancelled otherwise (its parent was), it goes on up (stream.py:135-159).
                self.s.close()
                if self.closing:
                    return
                raise
            try:
                s2, addr = self.s.accept()
            except OSError:
                continue
            if self.ssl:
                # each client's TLS session, its handshake at the handler's first read (stream.py:165-171)
                try:
                    s2 = self.ssl.wrap_socket(s2, server_side=True, do_handshake_on_connect=False)
                except OSError as e:
                    core.sys.print_exception(e)
                    s2.close()
                    continue
            s2.setblocking(False)
            ss = Stream(s2, {"peername": addr})
            core.create_task(self.cb(ss, ss))

    def close(self):
        self.closing = True
        self.task.cancel()

    async def wait_closed(self):
        await self.task

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        self.close()
        await self.wait_closed()


def start_server(cb, host, port, backlog=5, ssl=None):
    import socket as _socket  # extmod/asyncio/stream.py:180

    ai = _socket.getaddrinfo(host, port)[0]
    s = _socket.socket()
    s.setblocking(False)
    s.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
    s.bind(ai[-1])
    s.listen(backlog)
    srv = Server(s, cb, ssl)
    try:
        # one turn, so the server's task is at its wait when close() cancels it (stream.py:193-202)
        yield from core.sleep_ms(0)
    except core.CancelledError:
        srv.task.cancel()
        raise
    return srv


