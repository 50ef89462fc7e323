# The ntptime module frozen into the firmware (micropython-lib ntptime 0.1.1, v1.23.0's): one SNTP
# query (RFC 4330) over UDP port 123, written from the protocol and its documented API: host,
# timeout, time(), settime(). Its epoch offset is worked out inside time() from the board's epoch
# (ntptime.py:58-67): a script's `ntptime.NTP_DELTA = ...` (older firmware's time-zone trick) only
# adds a name to the module and changes nothing, as on the board.
# the built-in modules by their u-names (ntptime.py:1-10)
import usocket as socket
import ustruct as struct
import utime

host = "pool.ntp.org"
timeout = 1


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
    seconds = struct.unpack("!I", msg[40:44])[0]  # transmit timestamp, whole seconds since 1900
    # Era 1 (ntptime.py:25-47): a count below 2024-01-01's (3913056000) is taken as wrapped past 2036.
    if seconds < 3913056000:
        seconds += 1 << 32
    epoch = utime.gmtime(0)[0]
    if epoch == 2000:
        return seconds - 3155673600
    if epoch == 1970:
        return seconds - 2208988800
    raise Exception("Unsupported epoch: {}".format(epoch))


def settime():
    t = time()
    import machine

    tm = utime.gmtime(t)
    machine.RTC().datetime((tm[0], tm[1], tm[2], tm[6] + 1, tm[3], tm[4], tm[5], 0))
