# The ntptime module frozen into the firmware: one SNTP query (RFC 4330) over UDP port 123, written
# from the protocol and its documented API: host, timeout, time(), settime().
# the built-in modules by their u-names (micropython-lib micropython/net/ntptime/ntptime.py:1-10)
import usocket as socket
import ustruct as struct
import utime

host = "pool.ntp.org"
timeout = 1


def _ntp_delta():
    # Seconds from 1900 (NTP's epoch) to the board's epoch (2000 or 1970, as time.gmtime(0) says).
    try:
        epoch = utime.gmtime(0)[0]
    except AttributeError:
        epoch = 1970
    return 3155673600 if epoch == 2000 else 2208988800


# A module setting, as in the firmware's ntptime: scripts change it for a local-time offset.
NTP_DELTA = _ntp_delta()


def time():
    query = bytearray(48)
    query[0] = 0x1B  # LI 0, version 3, mode 3 (client)
    addr = socket.getaddrinfo(host, 123)[0][-1]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(timeout)
        s.sendto(query, addr)
        msg = s.recv(48)
    finally:
        s.close()
    return struct.unpack("!I", msg[40:44])[0] - NTP_DELTA  # transmit timestamp, whole seconds


def settime():
    import machine

    t = time()
    tm = utime.gmtime(t)
    machine.RTC().datetime((tm[0], tm[1], tm[2], tm[6] + 1, tm[3], tm[4], tm[5], 0))
