# A client a student might write: join the WiFi, connect to the PC, say hello, print what comes back
# (and how long it took), and reconnect when the server closes or the WiFi drops.
# reconnecting-client.ts is the same client in TypeScript; docs/testing.md tests both.
import network
import socket
import time

SSID = "boardsim-lab"
PASSWORD = "micropython"
HOST = "192.168.1.2"  # the PC
PORT = 8888

wlan = network.WLAN(network.STA_IF)
wlan.active(True)
wlan.connect(SSID, PASSWORD)
for i in range(10):
    if wlan.isconnected():
        break
    time.sleep(1)
if not wlan.isconnected():
    print("no WiFi: status", wlan.status())
else:
    for attempt in range(5):
        while not wlan.isconnected():
            time.sleep(1)
        s = socket.socket()
        try:
            s.connect((HOST, PORT))
            print("connected to", HOST)
            s.send("hello\n")
            s.settimeout(2)
            asked = time.ticks_ms()
            while True:
                try:
                    data = s.recv(64)
                except OSError:
                    if not wlan.isconnected():
                        print("WiFi lost")
                        break
                    continue  # a timeout: nothing yet
                if len(data) == 0:
                    print("server closed")
                    break
                print("got", data, "after", time.ticks_diff(time.ticks_ms(), asked), "ms")
                asked = time.ticks_ms()
        except OSError as e:
            print("could not connect:", e)
            time.sleep(5)
        s.close()
