# MicroPython's built-in tls module (extmod/modtls_mbedtls.c v1.23.0; modtls_axtls.c on the
# ESP8266). The TLS runs on the host over the board's TCP socket and the firmware's rules (checks,
# errors, blocking) are the host's (src/emulator/host/modtls.ts); this module only adapts values.
from _host import call as _call, info as _info, uncreatable as _uncreatable
from _hostdata import buffer as _buffer, judged as _judged, write_view as _write_view
from _stream import FD as _FD, SOCK as _SOCK, _int, host_stream as _host_stream

_library = _info["port"]["tls"]
_mbedtls = _library["library"] == "mbedtls"

PROTOCOL_TLS_CLIENT = 0
PROTOCOL_TLS_SERVER = 1
CERT_NONE = 0
if _mbedtls:
    # modtls_mbedtls.c lines 763-768; axTLS has CERT_NONE only (modtls_axtls.c lines 452-454)
    CERT_OPTIONAL = 1
    CERT_REQUIRED = 2
    MBEDTLS_VERSION = _library["version"]


def _data(value):
    # mp_obj_str_get_data / mp_obj_str_get_str (py/objstr.c): str or bytes
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bytes):
        return value
    raise TypeError("can't convert '%s' object to str implicitly" % type(value).__name__)


def _bytes(data):
    # keys and certificates cross as bytes, not JSON text: a DER one is binary
    return None if data is None else _buffer(data)


class SSLContext:
    # ssl_context_make_new (lines 205-264): a client checks the server's certificate by default
    def __init__(self, *args):
        # mp_arg_check_num(n_args, n_kw, 1, 1, false)
        if len(args) != 1:
            raise TypeError("function takes 1 positional arguments but %d were given" % len(args))
        self._server = _int(args[0]) == PROTOCOL_TLS_SERVER
        self._verify = CERT_REQUIRED if _mbedtls and not self._server else CERT_NONE
        self._cadata = self._cert = self._key = self._ciphers = None

    @property
    def verify_mode(self):
        return self._verify

    @verify_mode.setter
    def verify_mode(self, value):
        # axTLS keeps nothing: CERT_NONE is its only mode (modtls_axtls.c lines 171-175)
        if _mbedtls:
            self._verify = _int(value)

    def load_cert_chain(self, certfile, keyfile):
        key, cert = _data(keyfile), _data(certfile)
        _call("tlsLoadCertChain", _bytes(cert), _bytes(key))
        self._cert, self._key = cert, key

    if _mbedtls:

        def load_verify_locations(self, cadata):
            cadata = _data(cadata)
            _call("tlsLoadVerifyLocations", _bytes(cadata))
            self._cadata = cadata

        def get_ciphers(self):
            return _call("tlsGetCiphers")

        def set_ciphers(self, ciphersuite):
            # The names the host judges as they are: a str or bytes, else the item's type.
            if isinstance(ciphersuite, (tuple, list)):
                ciphersuite = [_judged(n) for n in ciphersuite]
            else:
                ciphersuite = {"__t": type(ciphersuite).__name__}
            self._ciphers = _call("tlsSetCiphers", ciphersuite)

    def wrap_socket(self, sock, *args, server_side=False, do_handshake_on_connect=True, server_hostname=None):
        if args:
            raise TypeError("extra positional arguments given")  # mp_arg_parse_all: the flags are keyword-only
        fd = getattr(sock, _FD, None)
        if not isinstance(fd, int) or isinstance(sock, _SSLSocket):
            raise OSError("stream operation not supported")  # mp_get_stream_raise (py/stream.c)
        host = None if server_hostname is None else _data(server_hostname).decode()
        _call("tlsWrap", fd, bool(server_side), host, self._verify, _bytes(self._cadata), _bytes(self._cert), _bytes(self._key), bool(do_handshake_on_connect), self._ciphers)
        tls = object.__new__(_SSLSocket)  # the type has no make_new (below)
        setattr(tls, _SOCK, sock)
        setattr(tls, _FD, fd)
        return tls


class _SSLSocket:
    # The SSLSocket type (lines 719-751): the stream methods only, no send/recv. Its number (the
    # socket's) and its socket are under the names _stream.FD and SOCK, which no script names (this
    # module compiles after they are concealed). No make_new (lines 745-751): no script makes one
    # or derives a class from it (py/objtype.c v1.23.0:1137-1144 "isn't an acceptable base type").
    read, readinto, readline = _host_stream("tlsRead", "tlsReadline")

    def __repr__(self):
        return "<SSLSocket>"

    def write(self, data, *args):
        return _call("tlsWrite", getattr(self, _FD), _buffer(_write_view(data, args)))

    def setblocking(self, flag):
        return getattr(self, _SOCK).setblocking(flag)  # the socket's method (socket_setblocking, lines 652-660)

    def close(self):
        _call("tlsClose", getattr(self, _FD))

    if _mbedtls:

        def cipher(self):
            return tuple(_call("tlsCipher", getattr(self, _FD)))


_uncreatable(_SSLSocket)
