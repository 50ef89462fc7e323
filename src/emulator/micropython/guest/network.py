# MicroPython's network module: WLAN interfaces backed by the simulated WiFi.
from _host import call, info

STA_IF = 0
AP_IF = 1
for _name, _value in info["network"].items():
    globals()[_name] = _value


class WLAN:
    IF_STA = STA_IF
    IF_AP = AP_IF

    def __init__(self, interface_id=STA_IF):
        self._itf = interface_id

    def active(self, *is_active):
        # active() -> bool; active(x) -> None, or the new state on ESP32
        return call("wlanActive", self._itf, bool(is_active[0]) if is_active else None)

    def connect(self, ssid=None, key=None, **kwargs):
        call("wlanConnect", self._itf, str(ssid), "" if key is None else str(key))

    def disconnect(self):
        call("wlanDisconnect", self._itf)

    def status(self, param=None):
        return call("wlanStatus", self._itf, param)

    def isconnected(self):
        return call("wlanIsConnected", self._itf)

    def scan(self):
        return [tuple(entry) for entry in call("wlanScan", self._itf)]

    def ifconfig(self):
        return tuple(call("wlanIfconfig", self._itf))
