// Port of the labplus mPython tutorial's tcpServer (Socket-TCP, "TCP server"): the board serves
// on a port, shows its address and each received message on the OLED and echoes it back.
// The tutorial's port 5001 comes from the command line (--port).
import socket from "socket";
import { oled, wifi } from "mpython";
import config from "config";

const port = config.port; //TCP server port, range0~65535
let listenSocket: ReturnType<typeof socket.socket> | null = null;

const mywifi = wifi(); // Create wifi class

// caught exception, stop closing the socket if it is unexpectedly interrupted in the "try" code block
try {
  mywifi.connectWiFi(config.ssid, config.password); //WiFi connection, set ssid and password
  const ip = mywifi.sta.ifconfig()[0]; // Get the local IP address
  listenSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM); // Create a socket
  listenSocket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); // Set socket property parameters
  listenSocket.bind([ip, port]); // bind ip and port
  listenSocket.listen(3); // Start listening and set the maximum number of connections
  print("tcp waiting...");
  oled.DispChar(`${ip}:${port}`, 0, 0); // oled screen shows the local server ip and port
  oled.DispChar("accepting.....", 0, 16);
  oled.show();

  while (true) {
    print("accepting.....");
    const [conn, addr] = listenSocket.accept(); // Block, wait for a client to connect
    print(addr, "connected");

    while (true) {
      const data = conn.recv(1024); // Receive the data sent by the other party
      if (len(data) === 0) {
        print("close socket");
        conn.close(); // Close the socket if the received data is 0 bytes
        break;
      }
      const dataUtf = data.decode(); // Received byte stream to decode the string in utf8 encoding
      print(dataUtf);
      oled.DispChar(dataUtf, 0, 48); // will display the received text oled
      oled.show();
      oled.fill_rect(0, 48, 128, 16, 0); // Partial clear screen
      conn.send(data); // return data to the client
    }
  }
} catch {
  // When catching an exception, close the socket, network
  if (listenSocket) {
    listenSocket.close();
  }
  mywifi.disconnectWiFi();
}
