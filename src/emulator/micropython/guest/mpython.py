# The labplus mPython board's vendor module: its `wifi` helper class and the OLED, over the host's
# network and display calls.
import network
import time
from _host import call as _call


class wifi:
    def __init__(self):
        self.sta = network.WLAN(network.STA_IF)
        self.ap = network.WLAN(network.AP_IF)

    def connectWiFi(self, ssid, passwd, timeout=10):
        # scan, connect, a dot every 500 ms, give up after `timeout` s (labplus's mpython.py)
        if self.sta.isconnected():
            self.sta.disconnect()
        self.sta.active(True)
        networks = self.sta.scan()
        for i, info in enumerate(networks):
            try:
                if info[0].decode() == ssid:
                    self.sta.connect(ssid, passwd)
                    wifi_dbm = info[3]
                    break
            except UnicodeError:
                self.sta.connect(ssid, passwd)
                wifi_dbm = "?"
                break
            if i == len(networks) - 1:
                raise OSError("SSID invalid / failed to scan this wifi")
        start = time.time()
        print("Connection WiFi", end="")
        while self.sta.ifconfig()[0] == "0.0.0.0":
            if time.ticks_diff(time.time(), start) > timeout:
                print("")
                raise OSError("Timeout!,check your wifi password and keep your network unblocked")
            print(".", end="")
            time.sleep_ms(500)
        print("")
        print("WiFi(%s,%sdBm) Connection Successful, Config:%s" % (ssid, str(wifi_dbm), str(self.sta.ifconfig())))

    def disconnectWiFi(self):
        if self.sta.isconnected():
            self.sta.disconnect()
        self.sta.active(False)
        print("disconnect WiFi...")

    def enable_APWiFi(self, essid, password="", channel=10):
        # The board becomes an access point: WPA/WPA2 (authmode 4) with a password, else open.
        self.ap.active(True)
        self.ap.config(essid=essid, password=password, authmode=4 if password else 0, channel=channel)

    def disable_APWiFi(self):
        self.ap.active(False)
        print("disable AP WiFi...")


class _Oled:
    # The 128x64 OLED: drawing goes to a framebuffer, show() puts it on the screen.
    def fill(self, color):
        _call("oledFill", color)

    def pixel(self, x, y, color):
        _call("oledPixel", x, y, color)

    def fill_rect(self, x, y, w, h, color):
        _call("oledFillRect", x, y, w, h, color)

    def hline(self, x, y, w, color):
        _call("oledFillRect", x, y, w, 1, color)

    def vline(self, x, y, h, color):
        _call("oledFillRect", x, y, 1, h, color)

    def rect(self, x, y, w, h, color):
        self.hline(x, y, w, color)
        self.hline(x, y + h - 1, w, color)
        self.vline(x, y, h, color)
        self.vline(x + w - 1, y, h, color)

    def text(self, text, x, y, color=1):
        # framebuf text: 8x8 cells
        _call("oledText", str(text), x, y, color)

    def DispChar(self, text, x, y, *args, **kwargs):
        # labplus's text call: 16-pixel-high lines
        _call("oledDispChar", str(text), x, y)

    def show(self):
        _call("oledShow")


oled = _Oled()
