// A small TCP client for a lab: joins the WiFi, connects to config.host:config.port (another board
// on the LAN; retried while that board is still booting), prints the greeting, sends a line, prints the echo.
import network from "network";
import socket from "socket";
import time from "time";
import config from "config";

const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
wlan.connect(config.ssid, config.password);
while (!wlan.isconnected()) time.sleep(0.1);
print("my address:", wlan.ifconfig()[0]);

let s = socket.socket();
for (;;) {
  try {
    s.connect([config.host, config.port]);
    break;
  } catch (e) {
    print("server not ready:", e);
    s.close();
    time.sleep(1);
    s = socket.socket();
  }
}
print(s.recv(1024));
s.send("hello from " + wlan.ifconfig()[0] + "\n");
print(s.recv(1024));
s.close();
