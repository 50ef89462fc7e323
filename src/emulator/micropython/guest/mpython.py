# The labplus mPython board's vendor module: its `wifi` helper class and the OLED, over the host's
# network and display calls.
import network
import time
from _mpython_oled import oled  # its host calls stay in that module's globals


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
