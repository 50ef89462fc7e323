/** The start of a script that joins the lab's WiFi (boardsim-lab / micropython, the Lab's default network). */
export const JOIN_PY = `import network, socket, time
wlan = network.WLAN(network.STA_IF)
wlan.active(True)
wlan.connect("boardsim-lab", "micropython")
while not wlan.isconnected():
    time.sleep_ms(100)
`;

/** The same in TS, importing network, socket, select and time. */
export const JOIN_TS = `import network from "network";
import socket from "socket";
import select from "select";
import time from "time";
const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
wlan.connect("boardsim-lab", "micropython");
while (!wlan.isconnected()) time.sleep_ms(100);
`;
