// Port of Freenove's 30.1_TCP_as_Client.py (Pico W): same prints, same flow, same bare except.
// The editable constants come from the command line (--ssid, --password, --host, --port).
import network from "network";
import socket from "socket";
import time from "time";
import config from "config";

const ssidRouter = config.ssid; //Enter the router name
const passwordRouter = config.password; //Enter the router password
const host = config.host; //input the remote server
const port = config.port; //input the remote port

let wlan: ReturnType<typeof network.WLAN> | null = null;
let s: ReturnType<typeof socket.socket> | null = null;

function connectWifi(ssid: string, passwd: string): boolean {
  wlan = network.WLAN(network.STA_IF);
  wlan.active(true);
  wlan.disconnect();
  wlan.connect(ssid, passwd);
  while (wlan.ifconfig()[0] === "0.0.0.0") {
    time.sleep(1);
  }
  return true;
}
try {
  connectWifi(ssidRouter, passwordRouter);
  s = socket.socket();
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  s.connect([host, port]);
  print("TCP Connected to:", host, ":", port);
  s.send("Hello");
  s.send("This is my IP.");
  while (true) {
    const data = s.recv(1024);
    if (len(data) === 0) {
      print("Close socket");
      s.close();
      break;
    }
    print(data);
    const ret = s.send(data);
  }
} catch {
  print("TCP close, please reset!");
  if (s) {
    s.close();
  }
  wlan!.disconnect();
  wlan!.active(false);
}
