# MicroPython's socket module: TCP and UDP sockets of the simulated board.
from _host import buffer, call, info

for _name, _value in info["socket"].items():
    globals()[_name] = _value


def _address(addr):
    # (ip, port) as the firmware checks it (mp_obj_get_array_fixed_n)
    if not isinstance(addr, (tuple, list)):
        raise TypeError("object '%s' isn't a tuple or list" % type(addr).__name__)
    if len(addr) != 2:
        raise TypeError("tuple/list has wrong length")
    host, port = addr
    if not isinstance(port, int):
        raise TypeError("can't convert %s to int" % type(port).__name__)
    return str(host), port


class socket:
    def __init__(self, af=AF_INET, type=SOCK_STREAM, proto=0, fd=None):
        self._fd = call("socketNew", af, type, proto) if fd is None else fd

    def bind(self, addr):
        call("socketBind", self._fd, *_address(addr))

    def connect(self, addr):
        call("socketConnect", self._fd, *_address(addr))

    def listen(self, backlog=None):
        call("socketListen", self._fd, backlog)

    def accept(self):
        fd, ip, port = call("socketAccept", self._fd)
        return socket(AF_INET, SOCK_STREAM, 0, fd), (ip, port)

    def send(self, data):
        return call("socketSend", self._fd, buffer(data))

    def sendall(self, data):
        call("socketSendAll", self._fd, buffer(data))

    def sendto(self, data, addr):
        # UDP: one datagram; returns its length
        return call("socketSendto", self._fd, buffer(data), *_address(addr))

    def recvfrom(self, bufsize):
        # UDP: the next datagram (at most bufsize bytes of it) and its sender: (data, (ip, port))
        data, ip, port = call("socketRecvfrom", self._fd, bufsize)
        return data, (ip, port)

    def write(self, data):
        return self.send(data)

    def recv(self, bufsize):
        return call("socketRecv", self._fd, bufsize)

    def read(self, size=4096):
        return self.recv(size)

    def close(self):
        call("socketClose", self._fd)

    def setsockopt(self, level, option, value):
        call("socketSetsockopt", self._fd, level, option, value if isinstance(value, int) else None)

    def settimeout(self, seconds):
        call("socketSetTimeout", self._fd, None if seconds is None else seconds * 1000)

    def setblocking(self, flag):
        call("socketSetTimeout", self._fd, None if flag else 0)

    def makefile(self, *args, **kwargs):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
