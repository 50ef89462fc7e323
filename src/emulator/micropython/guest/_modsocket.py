# The socket module's code (socket.py lists its names): TCP and UDP sockets of the simulated board. The rules (lookups, stream
# loops, repr) are the host's (src/emulator/host/modsocket.ts); this module only adapts values.
from _host import SEND as _SEND, SENDALL as _SENDALL, WRITE as _WRITE, call as _call, info as _info
from _hostdata import buffer as _buffer, judged as _judged, readinto as _readinto, recv as _recv, sender as _sender, write_view as _write_view
from _stream import _int, host_stream as _host_stream
from _names import export as _export

# network is C on the board too: loaded here, at start-up, its import costs a script no heap, and its
# code module (_modnetwork) is private like this one (_boardsim hides those loaded at start-up).
import network as _network

# The port's constants with the board's values; the profile's MSG_PEEK and MSG_DONTWAIT are the
# host's flags, not in either port's table (extmod/modlwip.c v1.23.0 lines 1836-1854,
# ports/esp32/modsocket.c lines 995-1008).
_export({name: value for name, value in _info["socket"].items() if not name.startswith("MSG_")}, globals())


def _str(value):
    # mp_obj_str_get_str (py/objstr.c v1.23.0 line 2371): a str, or bytes taken as its text
    if isinstance(value, bytes):
        return value.decode()
    if not isinstance(value, str):
        raise TypeError("can't convert '%s' object to str implicitly" % type(value).__name__)
    return value


def _address(addr):
    # (ip, port) as it is, for the host to check as the port does (src/emulator/host/netutils.ts):
    # a tuple or list as a list of its items, anything else by its type's name.
    if isinstance(addr, (tuple, list)):
        return [_judged(v) for v in addr]
    return {"__t": type(addr).__name__}


def getaddrinfo(host, port, af=0, type=0, proto=0, flags=0):
    # [(family, type, proto, canonname, (ip, port))]; a str port is the host's to judge (ESP32 takes "80")
    port = port if isinstance(port, str) else _int(port)
    result = _call("socketGetaddrinfo", _str(host), port, _int(af), _int(type), _int(proto), _int(flags))
    return [(f, t, p, c, (a[0], a[1])) for f, t, p, c, a in result]


_write = _sender(_WRITE, "socketWrite")


class socket:
    # The stream methods over the host's read loop (_stream.host_stream); readinto the socket's
    # own: from the read-ahead, or a data call into the buffer.
    read, readinto, readline = _host_stream("socketRead", "socketReadline")
    readinto = _readinto

    def __init__(self, af=AF_INET, type=SOCK_STREAM, proto=0, fd=None):
        self._fd = _call("socketNew", _int(af), _int(type), _int(proto)) if fd is None else fd

    def __repr__(self):
        return _call("socketRepr", self._fd)

    def bind(self, addr):
        _call("socketBind", self._fd, _address(addr))

    def connect(self, addr):
        _call("socketConnect", self._fd, _address(addr))

    def listen(self, backlog=None):
        _call("socketListen", self._fd, None if backlog is None else _int(backlog))

    def accept(self):
        fd, ip, port = _call("socketAccept", self._fd)
        return socket(AF_INET, SOCK_STREAM, 0, fd), (ip, port)

    # Kept in the send buffer the host lent, else a data call (_hostdata.sender)
    send = _sender(_SEND, "socketSend")
    sendall = _sender(_SENDALL, "socketSendAll")

    def sendto(self, data, addr):
        # UDP: one datagram; returns its length
        return _call("socketSendto", self._fd, _buffer(data), _address(addr))

    def recvfrom(self, bufsize):
        # UDP: the next datagram (at most bufsize bytes of it) and its sender: (data, (ip, port))
        data, ip, port = _call("socketRecvfrom", self._fd, _int(bufsize))
        return data, (ip, port)

    recv = _recv  # from the read-ahead, or a data call

    def write(self, data, *args):
        return _write(self, _write_view(data, args))

    def close(self):
        _call("socketClose", self._fd)

    def setsockopt(self, level, option, value):
        if not isinstance(value, int):
            _buffer(value)  # a bytes-like value (IP_ADD_MEMBERSHIP's mreq), else TypeError
        _call("socketSetsockopt", self._fd, _int(level), _int(option), value if isinstance(value, int) else None)

    def settimeout(self, seconds):
        _call("socketSetTimeout", self._fd, None if seconds is None else seconds * 1000)

    def setblocking(self, flag):
        _call("socketSetTimeout", self._fd, None if flag else 0)

    def makefile(self, mode="rb", buffering=0):
        # Both socket modules return the socket itself (modlwip.c lwip_socket_makefile, esp32 socket_makefile).
        return self

    def fileno(self):
        # lwIP's descriptor (ports/esp32/modsocket.c:775-779)
        return _call("socketFileno", self._fd)


if not _info["socketFileno"]:
    del socket.fileno  # modlwip's socket has none (extmod/modlwip.c:1632-1653)
