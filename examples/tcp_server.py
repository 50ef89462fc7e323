# boardsim example: a TCP echo server, as in the chapter's "Project as Server".
# Run it:   npx boardsim run --board pico_w --script examples/tcp_server.py
# Talk to it from the PC:   nc 127.0.0.1 8000
import network
import socket
import time

SSID = "boardsim-lab"      # the simulated WiFi (your router's name on a real board)
PASSWORD = "micropython"
PORT = 8000


def join_wifi(ssid, password):
    wlan = network.WLAN(network.STA_IF)
    wlan.active(True)
    wlan.connect(ssid, password)
    for _ in range(20):
        if wlan.isconnected():
            return wlan
        print("waiting for WiFi, status", wlan.status())
        time.sleep(1)
    raise OSError("could not join " + ssid)


wlan = join_wifi(SSID, PASSWORD)
ip = wlan.ifconfig()[0]
server = socket.socket()
server.bind((ip, PORT))
server.listen(1)
print("listening on", ip, "port", PORT)
conn, addr = server.accept()
print("client", addr)
conn.send(b"welcome\n")
try:
    while True:
        line = conn.recv(512)
        if not line:
            break
        print("got", line)
        conn.sendall(line)
finally:
    print("client left")
    conn.close()
    server.close()
