// Port of the labplus mPython tutorial's tcpClient (Socket-TCP, "TCP client"): the board
// connects to a TCP server, greets it, shows each message on the OLED and sends it back.
// The tutorial's host "172.25.1.63" and port 5001 come from the command line (--host, --port).
import socket from "socket";
import { oled, wifi } from "mpython";
import config from "config";

const host = config.host; //TCP server IP address
const port = config.port; // TCP server port
let s: ReturnType<typeof socket.socket> | null = null;

const mywifi = wifi(); // Create wifi class

// caught exception, stop closing the socket if it is unexpectedly interrupted in the "try" code block
try {
  mywifi.connectWiFi(config.ssid, config.password); //WiFi connection, set ssid and password
  const ip = mywifi.sta.ifconfig()[0]; // Get the local IP address
  s = socket.socket(socket.AF_INET, socket.SOCK_STREAM); // Create a TCP socket
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); // Set the socket property
  s.connect([host, port]); // Set the IP and port of the server to be connected and connect
  s.send("hello MicroPython, I am TCP Client"); // Send data to the server

  while (true) {
    const data = s.recv(1024); // Read 1024 bytes of data from the server-side socket
    if (len(data) === 0) {
      // If the received data is 0 bytes, close the socket
      print("close socket");
      s.close();
      break;
    }
    print(data);
    const text = data.decode(); // decode the string in UTF-8 encoding
    oled.fill(0); // clear the screen
    oled.DispChar(text, 0, 0); // oled display socket receiving data
    oled.show(); // show
    s.send(text); // Send the received data to the server
  }
} catch {
  // When catching an exception, close the socket, network
  if (s) {
    s.close();
  }
  mywifi.disconnectWiFi();
}
