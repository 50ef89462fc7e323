import { it } from "vitest";
import { Lab } from "../src/testing/index.ts";
import { makeCertificates, tlsClient, tlsServer } from "./support/tls-peer.ts";
const JOIN = `import network, socket, ssl, time
wlan = network.WLAN(network.STA_IF)
wlan.active(True)
wlan.connect("boardsim-lab", "micropython")
while not wlan.isconnected():
    time.sleep_ms(100)
`;
it("dbg", async () => {
  const certs = makeCertificates();
  {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({ name: "py", board: "esp32", fileName: "main.py", source: JOIN + `s = socket.socket()
s.setblocking(False)
try:
    s.connect(("192.168.1.2", 8443))
except OSError as e:
    print("connect", e.errno, e)
` });
    await lab.advance(1000);
    console.log(b.lines());
  }
  {
    const lab = new Lab({ timing: "fast" });
    const b = await lab.addBoard({ name: "py", board: "pico_w", fileName: "main.py", source: JOIN + `KEY = ${JSON.stringify(certs.key)}
CERT = ${JSON.stringify(certs.cert)}
srv = socket.socket()
srv.bind(("0.0.0.0", 8443))
srv.listen(1)
print("listening")
c, addr = srv.accept()
print("accepted")
try:
    t = ssl.wrap_socket(c, server_side=True, key=KEY, cert=CERT)
except Exception as e:
    import sys
    sys.print_exception(e)
print(t.readline())
` });
    await b.waitFor("listening");
    const conn = await lab.until(lab.pc.connect("192.168.1.100", 8443));
    const tls = tlsClient(lab, conn);
    tls.on("error", (e) => console.log("client err", e));
    await lab.advance(1000);
    console.log(b.lines());
  }
  {
    const lab = new Lab({ timing: "fast" });
    const server = lab.pc.listen(8883);
    const b = await lab.addBoard({ name: "py", board: "esp32", fileName: "main.py", source: JOIN + `from umqtt.simple import MQTTClient
c = MQTTClient("board", "192.168.1.2", ssl=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
print(c.port)
c.connect()
print("connected")
` });
    await lab.advance(1000);
    console.log(b.lines());
  }
}, 120000);
