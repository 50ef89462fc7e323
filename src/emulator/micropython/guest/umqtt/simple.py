# umqtt.simple, frozen into the ESP firmwares: an MQTT 3.1.1 client (OASIS MQTT v3.1.1), written
# from the protocol and the module's documented API (MQTTClient, MQTTException).
# the u-names force the built-in modules, never a student's socket.py (micropython-lib 50ed36fb
# micropython/umqtt.simple/umqtt/simple.py:1-2, py/objmodule.c:176-200)
import usocket as socket
import ustruct as struct


class MQTTException(Exception):
    pass


class MQTTClient:
    def __init__(self, client_id, server, port=0, user=None, password=None, keepalive=0, ssl=None):
        if port == 0:
            port = 8883 if ssl else 1883
        self.client_id = client_id
        self.sock = None
        self.server = server
        self.port = port
        self.ssl = ssl
        self.pid = 0
        self.cb = None
        self.user = user
        self.pswd = password
        self.keepalive = keepalive
        self.lw_topic = None
        self.lw_msg = None
        self.lw_qos = 0
        self.lw_retain = False

    def _send_str(self, s):
        self.sock.write(struct.pack("!H", len(s)))
        self.sock.write(s)

    def _recv_len(self):
        # the Remaining Length: 7 bits a byte, high bit set while more follow (§2.2.3)
        n = 0
        sh = 0
        while True:
            b = self.sock.read(1)[0]
            n |= (b & 0x7F) << sh
            if not b & 0x80:
                return n
            sh += 7

    def _header(self, first, length):
        pkt = bytearray([first])
        while True:
            b = length & 0x7F
            length >>= 7
            pkt.append(b | (0x80 if length else 0))
            if not length:
                return pkt

    def set_callback(self, f):
        self.cb = f

    def set_last_will(self, topic, msg, retain=False, qos=0):
        assert 0 <= qos <= 2
        assert topic
        self.lw_topic = topic
        self.lw_msg = msg
        self.lw_qos = qos
        self.lw_retain = retain

    # umqtt.simple 1.4.0 (v1.23.0's) takes no timeout: connect(timeout=5) is a TypeError, as on the board.
    def connect(self, clean_session=True):
        self.sock = socket.socket()
        addr = socket.getaddrinfo(self.server, self.port)[0][-1]
        self.sock.connect(addr)
        if self.ssl:
            # umqtt.simple 1.4.0: `ssl` is an SSLContext (ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
            self.sock = self.ssl.wrap_socket(self.sock, server_hostname=self.server)
        # CONNECT (§3.1): protocol name "MQTT", level 4, flags, keep alive; then the payload
        flags = 0x02 if clean_session else 0
        length = 10 + 2 + len(self.client_id)
        if self.user:
            # user and password go together (simple.py:74-76, 100-102): a password of None is len()'s
            # TypeError, an empty one is sent empty with the password flag.
            flags |= 0xC0
            length += 2 + len(self.user) + 2 + len(self.pswd)
        if self.keepalive:
            assert self.keepalive < 65536
        if self.lw_topic:
            flags |= 0x04 | (self.lw_qos & 1) << 3 | (self.lw_qos & 2) << 3 | self.lw_retain << 5
            length += 2 + len(self.lw_topic) + 2 + len(self.lw_msg)
        self.sock.write(self._header(0x10, length))
        self.sock.write(b"\x00\x04MQTT\x04" + bytes([flags]) + struct.pack("!H", self.keepalive))
        self._send_str(self.client_id)
        if self.lw_topic:
            self._send_str(self.lw_topic)
            self._send_str(self.lw_msg)
        if self.user:
            self._send_str(self.user)
            self._send_str(self.pswd)
        resp = self.sock.read(4)
        assert resp[0] == 0x20 and resp[1] == 0x02
        if resp[3] != 0:
            raise MQTTException(resp[3])  # CONNACK return code (§3.2.2.3)
        return resp[2] & 1

    def disconnect(self):
        self.sock.write(b"\xe0\x00")
        self.sock.close()

    def ping(self):
        self.sock.write(b"\xc0\x00")

    def publish(self, topic, msg, retain=False, qos=0):
        length = 2 + len(topic) + len(msg)
        if qos > 0:
            length += 2
        self.sock.write(self._header(0x30 | qos << 1 | retain, length))
        self._send_str(topic)
        if qos > 0:
            self.pid += 1
            pid = self.pid
            self.sock.write(struct.pack("!H", pid))
        self.sock.write(msg)
        if qos == 1:
            while True:
                op = self.wait_msg()
                if op == 0x40:
                    assert self.sock.read(1) == b"\x02"  # remaining length 2
                    rcv_pid = self.sock.read(2)
                    if pid == rcv_pid[0] << 8 | rcv_pid[1]:
                        return
        elif qos == 2:
            assert 0

    def subscribe(self, topic, qos=0):
        assert self.cb is not None, "Subscribe callback is not set"
        self.pid += 1
        self.sock.write(self._header(0x82, 2 + 2 + len(topic) + 1))
        self.sock.write(struct.pack("!H", self.pid))
        self._send_str(topic)
        self.sock.write(bytes([qos]))
        while True:
            op = self.wait_msg()
            if op == 0x90:
                resp = self.sock.read(4)
                assert resp[1] == self.pid >> 8 & 0xFF and resp[2] == self.pid & 0xFF
                if resp[3] == 0x80:
                    raise MQTTException(resp[3])
                return

    def wait_msg(self):
        # One packet: its first byte (the opcode) is returned, a PUBLISH's after the callback ran
        # (and the PUBACK at QoS 1) (simple.py:174-205); None when nothing came (check_msg) or a PINGRESP.
        res = self.sock.read(1)
        self.sock.setblocking(True)
        if res is None:
            return None
        if res == b"":
            raise OSError(-1)
        if res == b"\xd0":  # PINGRESP
            assert self.sock.read(1)[0] == 0
            return None
        op = res[0]
        if op & 0xF0 != 0x30:
            return op
        sz = self._recv_len()
        topic_len = self.sock.read(2)
        topic_len = (topic_len[0] << 8) | topic_len[1]
        topic = self.sock.read(topic_len)
        sz -= topic_len + 2
        if op & 6:
            pid = self.sock.read(2)
            pid = pid[0] << 8 | pid[1]
            sz -= 2
        msg = self.sock.read(sz)
        self.cb(topic, msg)
        if op & 6 == 2:
            self.sock.write(b"\x40\x02" + struct.pack("!H", pid))  # PUBACK
        elif op & 6 == 4:
            assert 0
        return op

    def check_msg(self):
        self.sock.setblocking(False)
        return self.wait_msg()
