// A client a student might write: join the WiFi, connect to the PC, say hello, print what comes back
// (and how long it took), and reconnect when the server closes or the WiFi drops.
import network from "network";
import socket from "socket";
import time from "time";
import config from "config";

const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
wlan.connect(config.ssid, config.password);
for (let i = 0; i < 10 && !wlan.isconnected(); i++) time.sleep(1);
if (!wlan.isconnected()) {
  print("no WiFi: status", wlan.status());
} else {
  for (let attempt = 0; attempt < 5; attempt++) {
    while (!wlan.isconnected()) time.sleep(1);
    const s = socket.socket();
    try {
      s.connect([config.host, config.port]);
      print("connected to", config.host);
      s.send("hello\n");
      s.settimeout(2);
      let asked = time.ticks_ms();
      while (true) {
        let data;
        try {
          data = s.recv(64);
        } catch (e) {
          if (!wlan.isconnected()) {
            print("WiFi lost");
            break;
          }
          continue; // a timeout: nothing yet
        }
        if (len(data) === 0) {
          print("server closed");
          break;
        }
        print("got", data, "after", time.ticks_diff(time.ticks_ms(), asked), "ms");
        asked = time.ticks_ms();
      }
    } catch (e) {
      print("could not connect:", e);
      time.sleep(5);
    }
    s.close();
  }
}
