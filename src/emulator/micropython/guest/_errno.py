# MicroPython's errno module (py/moderrno.c) with this board's numbers: Linux's on rp2 and the
# ESP8266, ESP-IDF newlib's on the ESP32 (EINPROGRESS 119), the numbers its sockets raise.
from _host import info as _info

errorcode = {int(k): v for k, v in _info["errorcode"].items()}
for _code, _name in errorcode.items():
    globals()[_name] = _code
del _code, _name
