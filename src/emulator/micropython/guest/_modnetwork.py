# The network module's code (network.py lists its names): WLAN interfaces (station and access
# point) backed by the simulated WiFi.
from _host import call as _call, info as _info
from _hostdata import judged as _judged
from _names import export as _export

STA_IF = 0
AP_IF = 1
# PM_* are WLAN's (extmod/network_cyw43.c:551-553, ports/esp32/network_wlan.c:747,
# ports/esp8266/network_wlan.c:528), the rest the module's (interned, so dir() lists them)
_export({k: v for k, v in _info["network"].items() if not k.startswith("PM_")}, globals())


def _tuples(value):
    # Host lists come back as the firmware's tuples (a bytes value stays bytes).
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _kwarg(value):
    # A keyword's value: a float, tuple, list or None as it is too (txpower, ipconfig's addr4)
    if isinstance(value, (float, tuple, list)) or value is None:
        return value
    return _judged(value)


def _query_or_set(name, itf, args, kwargs):
    # ipconfig(): one positional key queries it, keyword arguments set them.
    if kwargs:
        if args:
            raise TypeError("either pos or kw args are allowed")
        return _call(name, itf, None, {k: _kwarg(v) for k, v in kwargs.items()})
    if len(args) != 1:
        raise TypeError("must query one param")
    return _tuples(_call(name, itf, str(args[0]), None))


_wlans = [None, None]  # STA_IF's, AP_IF's


class WLAN:
    IF_STA = STA_IF
    IF_AP = AP_IF

    def __new__(cls, interface_id=STA_IF):
        # One object per interface, as the ports' static ones (WLAN(0) is WLAN(0)).
        itf = _call("wlanInterface", interface_id)
        wlan = _wlans[itf]
        if wlan is None:
            wlan = _wlans[itf] = object.__new__(cls)
            wlan._itf = itf
        return wlan

    def __init__(self, interface_id=STA_IF):
        pass

    def active(self, *is_active):
        # active() -> bool; active(x) -> None, or the new state on ESP32
        return _call("wlanActive", self._itf, bool(is_active[0]) if is_active else None)

    def connect(self, ssid=None, key=None, **kwargs):
        _call("wlanConnect", self._itf, str(ssid), "" if key is None else str(key))

    def disconnect(self):
        _call("wlanDisconnect", self._itf)

    def status(self, param=None):
        # status() -> code; status("rssi"); status("stations") on the AP: [(mac,), ...]
        value = _call("wlanStatus", self._itf, param)
        return [_tuples(s) for s in value] if param == "stations" else value

    def isconnected(self):
        return _call("wlanIsConnected", self._itf)

    def __repr__(self):
        return _call("wlanRepr", self._itf)

    def scan(self):
        # Blocks for one scan: [(ssid, bssid, channel, RSSI, security, hidden-or-count), ...] in the board's format
        return [_tuples(entry) for entry in _call("wlanScan", self._itf)]

    def ifconfig(self, config=None):
        # ifconfig() -> (ip, mask, gw, dns); ifconfig((ip, mask, gw, dns)) sets a static address
        if config is None:
            return _tuples(_call("wlanIfconfig", self._itf, None))
        _call("wlanIfconfig", self._itf, [str(part) for part in config])

    def ipconfig(self, *args, **kwargs):
        # ipconfig('addr4') queries one key; ipconfig(addr4='192.168.1.50/24', gw4='192.168.1.1') sets
        return _query_or_set("wlanIpconfig", self._itf, args, kwargs)

    def config(self, *args, **kwargs):
        # config('essid') queries one key; config(essid='x', password='y') sets
        return _tuples(_call("wlanConfig", self._itf, [_judged(a) for a in args], {k: _kwarg(v) for k, v in kwargs.items()}))


if not _info["networkIpconfigMethod"]:
    del WLAN.ipconfig  # not in the port's WLAN table (the ESP ports')
WLAN = type(_info["networkType"], (WLAN,), {})  # the port's type name: the Pico W's CYW43


def ipconfig(key):
    # network.ipconfig('dns'): the station's DNS server
    return _call("wlanIpconfig", STA_IF, key, None)


def hostname(*args, **kwargs):
    # hostname() -> the name the station's DHCP sends; hostname(name) sets it
    return _call("networkHostname", [_judged(a) for a in args], len(kwargs))


def country(*args, **kwargs):
    # country() -> the WiFi country code ('XX' until set); country(code) sets it
    return _call("networkCountry", [_judged(a) for a in args], len(kwargs))


_nics = []


def route():
    # The NICs the port registered, the same list each time (extmod/modnetwork.c:102-104): none on
    # the Pico W, whose cyw43 interface is lwIP's (only the NICs without lwIP register, 79-88).
    return _nics


for _name in ("country", "hostname", "ipconfig", "route"):
    if _name not in _info["networkFunctions"]:
        del globals()[_name]  # not in this port's table
for _name, _value in _info["network"].items():
    if _name.startswith("PM_"):
        setattr(WLAN, _name, _value)
del _name, _value, _export
