# boardsim example: a TCP client, as in the chapter's "Project as Client".
# Start a server on the PC first (nc -l 8888), then:
#   npx boardsim run --board esp32 --script examples/tcp_client.py
# On the simulated LAN the PC is 192.168.1.2: the board reaches 127.0.0.1:8888 there.
import network
import socket
import time

SSID = "boardsim-lab"
PASSWORD = "micropython"
SERVER = ("192.168.1.2", 8888)

wlan = network.WLAN(network.STA_IF)
wlan.active(True)
wlan.connect(SSID, PASSWORD)
while not wlan.isconnected():
    time.sleep(0.5)
print("board address", wlan.ifconfig()[0])

s = socket.socket()
s.connect(SERVER)
s.send(b"hello from the board\n")
while True:
    data = s.recv(512)
    if not data:
        break
    print("server said", data)
    s.send(data.upper())
print("server closed the connection")
s.close()
