// A small TCP client for a lab: joins the WiFi, connects to config.host:config.port (another board
// on the LAN; tried 5 times), prints the greeting, sends a line, prints the echo.
import network from "network";
import socket from "socket";
import time from "time";
import config from "config";

const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
wlan.connect(config.ssid, config.password);
while (!wlan.isconnected()) time.sleep(0.1);
print("my address:", wlan.ifconfig()[0]);

// The server may still be booting, or already gone (the chapter's server serves one client): try 5
// times, each connect given 2 s (without a timeout, a connect nobody answers takes the board's 18.5 s of SYN retries).
let s = socket.socket();
let connected = false;
for (let tries = 1; tries <= 5 && !connected; tries++) {
  try {
    s.settimeout(2);
    s.connect([config.host, config.port]);
    connected = true;
  } catch (e) {
    print("server not ready:", e);
    s.close();
    time.sleep(1);
    s = socket.socket();
  }
}
s.settimeout(null);
if (connected) {
  // The chapter's server listens with a backlog of 1 and serves one client: a second client that
  // connects meanwhile is reset once the queue is full (MicroPython's modlwip), as on real boards.
  try {
    print(s.recv(1024));
    s.send("hello from " + wlan.ifconfig()[0] + "\n");
    print(s.recv(1024));
  } catch (e) {
    print("the server dropped the connection:", e);
  }
} else {
  print("no server: gave up after 5 tries");
}
s.close();
