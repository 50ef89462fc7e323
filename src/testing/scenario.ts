import type { PcServer } from "../network-sim/pc/pc-peers.ts";
import { Lab } from "./lab.ts";

/** A client that keeps a TCP connection to the PC alive across WiFi drops: ping, echo, reconnect. */
const RECONNECTING_CLIENT = `
import network from "network";
import socket from "socket";
import time from "time";

const wlan = network.WLAN(network.STA_IF);
wlan.active(true);
wlan.connect("boardsim-lab", "micropython");
let round = 0;
while (true) {
  while (!wlan.isconnected()) time.sleep(1);
  const s = socket.socket();
  try {
    s.settimeout(2);
    s.connect(["192.168.1.2", 8888]);
    round += 1;
    print("connected", round, wlan.ifconfig()[0]);
    while (wlan.isconnected()) {
      s.send("ping " + round + "\\n");
      const echo = s.recv(64);
      if (len(echo) === 0) break;
      time.sleep(1);
    }
    print("wifi down at", time.ticks_ms());
  } catch (e) {
    print("error", e);
  }
  s.close();
}
`;

export interface ScenarioResult {
  /** Simulated milliseconds that passed. */
  simulatedMs: number;
  /** Wall-clock milliseconds it took. */
  wallMs: number;
  /** What the board printed. */
  console: string;
  /** How many connections the PC's server accepted. */
  connections: number;
  /** How many pings the PC echoed. */
  echoes: number;
}

/** The PC side: echoes every line back, on every connection. */
async function echo(server: PcServer, count: () => void): Promise<never> {
  for (;;) {
    const connection = await server.accept();
    void (async () => {
      try {
        for (let chunk = await connection.recv(); chunk.length > 0; chunk = await connection.recv()) {
          count();
          await connection.send(chunk);
        }
      } catch {
        // reset: the board reconnects
      }
    })();
  }
}

/**
 * Ten simulated minutes of an ESP32 client that the WiFi keeps dropping (the AP gone 10 s of every
 * minute): it rejoins and reconnects to an echo server on the PC each time. For tests and `npm run bench`.
 */
export async function tenMinuteScenario(): Promise<ScenarioResult> {
  const started = performance.now();
  const lab = new Lab({ faults: ["flapping:every=60s,down=10s"] });
  const server = lab.pc.listen(8888);
  let echoes = 0;
  void echo(server, () => echoes++);
  const board = await lab.addBoard({ name: "client", board: "esp32", source: RECONNECTING_CLIENT });
  await lab.advance(10 * 60_000);
  lab.close();
  return { simulatedMs: lab.now(), wallMs: performance.now() - started, console: board.output(), connections: server.connections.length, echoes };
}
