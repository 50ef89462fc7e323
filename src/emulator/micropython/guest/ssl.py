# The frozen ssl module (micropython-lib python-stdlib/ssl 0.2.1, which bundle-networking freezes
# into every v1.23 board): CPython's names over the built-in tls module. Its SSLContext starts with
# CERT_NONE whatever the protocol; str arguments of load_cert_chain/load_verify_locations are file
# names on the board's file system.
import tls
from tls import *


class SSLContext:
    def __init__(self, *args):
        self._context = tls.SSLContext(*args)
        self._context.verify_mode = CERT_NONE

    @property
    def verify_mode(self):
        return self._context.verify_mode

    @verify_mode.setter
    def verify_mode(self, value):
        self._context.verify_mode = value

    def load_cert_chain(self, certfile, keyfile):
        self._context.load_cert_chain(self._contents(certfile), self._contents(keyfile))

    def load_verify_locations(self, cafile=None, cadata=None):
        self._context.load_verify_locations(self._contents(cafile) if cafile else cadata)

    @staticmethod
    def _contents(file):
        # a str names a file on the board's file system; bytes are the data itself
        if not isinstance(file, str):
            return file
        with open(file, "rb") as f:
            return f.read()

    def wrap_socket(self, sock, server_side=False, do_handshake_on_connect=True, server_hostname=None):
        return self._context.wrap_socket(sock, server_side=server_side, do_handshake_on_connect=do_handshake_on_connect, server_hostname=server_hostname)


def wrap_socket(sock, server_side=False, key=None, cert=None, cert_reqs=CERT_NONE, cadata=None, server_hostname=None, do_handshake=True):
    context = SSLContext(PROTOCOL_TLS_SERVER if server_side else PROTOCOL_TLS_CLIENT)
    if cert or key:
        context.load_cert_chain(cert, key)
    if cadata:
        context.load_verify_locations(cadata=cadata)
    context.verify_mode = cert_reqs
    return context.wrap_socket(sock, server_side=server_side, do_handshake_on_connect=do_handshake, server_hostname=server_hostname)
