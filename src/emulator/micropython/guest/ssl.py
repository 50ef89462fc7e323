# The ssl module the firmware has (mbedTLS): importable, but nothing on the virtual LAN speaks TLS,
# so wrapping a socket fails with one clear line.
PROTOCOL_TLS_CLIENT = 0
PROTOCOL_TLS_SERVER = 1
CERT_NONE = 0
CERT_OPTIONAL = 1
CERT_REQUIRED = 2

_NOT_SIMULATED = "TLS is not simulated: use plain TCP (http://, MQTT without ssl)"


class SSLContext:
    def __init__(self, protocol):
        self.protocol = protocol
        self.verify_mode = CERT_NONE

    def load_cert_chain(self, certfile, keyfile):
        pass

    def load_verify_locations(self, cafile=None, cadata=None):
        pass

    def wrap_socket(self, sock, server_side=False, do_handshake_on_connect=True, server_hostname=None):
        raise OSError(_NOT_SIMULATED)


def wrap_socket(sock, server_side=False, key=None, cert=None, cert_reqs=CERT_NONE, cadata=None, server_hostname=None, do_handshake=True):
    raise OSError(_NOT_SIMULATED)
