// Port of Freenove's 29.2_TCP_as_Server.py (ESP32): same prints, same flow, same bare except.
// Unlike the Pico W's version it prints nothing while joining the WiFi.
// The editable constants come from the command line (--ssid, --password, --port).
import network from "network";
import socket from "socket";
import time from "time";
import config from "config";

const ssidRouter = config.ssid; //Enter the router name
const passwordRouter = config.password; //Enter the router password
const port = config.port; //input the remote port
let wlan: ReturnType<typeof network.WLAN> | null = null;
let listenSocket: ReturnType<typeof socket.socket> | null = null;

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
  const ip = wlan!.ifconfig()[0];
  listenSocket = socket.socket();
  listenSocket.bind([ip, port]);
  listenSocket.listen(1);
  listenSocket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  print("tcp waiting...");
  let conn: ReturnType<typeof socket.socket>;
  while (true) {
    print("Server IP:", ip, "\tPort:", port);
    print("accepting.....");
    const [accepted, addr] = listenSocket.accept();
    conn = accepted;
    print(addr, "connected");
    break;
  }
  conn.send("I am Server");
  while (true) {
    const data = conn.recv(1024);
    if (len(data) === 0) {
      print("close socket");
      listenSocket.close();
      wlan!.disconnect();
      wlan!.active(false);
      break;
    } else {
      print(data);
      const ret = conn.send(data);
    }
  }
} catch {
  print("Close TCP-Server, please reset.");
  if (listenSocket) {
    listenSocket.close();
  }
  wlan!.disconnect();
  wlan!.active(false);
}
