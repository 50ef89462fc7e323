import { Duplex } from "node:stream";
import type { TcpSocket } from "../tcp/tcp-socket.ts";

/** What the raw side saw: how a TLS layer above tells a clean close from a cut connection. */
export interface WireState {
  /** The peer ended its side of the TCP connection (FIN). */
  eof: boolean;
  /** Content type of the last TLS record the peer sent (21: an alert, e.g. close_notify). */
  lastRecordType: number;
}

/** The largest read asked of the socket at once: one TLS record. */
const READ_STEP = 16 * 1024 + 5;

/**
 * A board's TCP socket as a Node stream, for Node's TLS to run over (ssl.wrap_socket): reads wait
 * for the peer whatever timeout the script set on the socket, writes go into its send buffer. A
 * socket still connecting (a non-blocking connect()) is waited for first. `stop` ends both;
 * `active` is called whenever bytes pass (see activityHold).
 */
export function tcpDuplex(tcp: TcpSocket, stop: AbortSignal, wire: WireState, active: () => void): Duplex {
  let reading = false;
  const records = recordScanner(wire);
  const duplex = new Duplex({
    read() {
      if (reading) return;
      reading = true;
      void (async () => {
        try {
          await connected(tcp, stop);
          for (;;) {
            const chunk = await tcp.recv(READ_STEP, stop, null);
            active();
            if (chunk.length === 0) {
              wire.eof = true;
              duplex.push(null);
              return;
            }
            records(chunk);
            if (!duplex.push(chunk)) return;
          }
        } catch (error) {
          if (!stop.aborted) duplex.destroy(error as Error);
        } finally {
          reading = false;
        }
      })();
    },
    write(chunk: Buffer, _encoding, done) {
      active();
      connected(tcp, stop)
        .then(() => tcp.send(chunk, stop, true, null))
        .then(
          () => {
            active();
            done();
          },
          (error: Error) => done(error),
        );
    },
  });
  return duplex;
}

/** Resolves once a connect() in progress has ended (either way: the next read or write tells which). */
async function connected(tcp: TcpSocket, stop: AbortSignal): Promise<void> {
  while (tcp.pollState().state === "connecting") await tcp.changed(false, stop);
}

/** Follows the TLS record headers (type, version, 16-bit length) in the bytes from the peer. */
function recordScanner(wire: WireState): (chunk: Uint8Array) => void {
  const header: number[] = [];
  let bodyLeft = 0;
  return (chunk) => {
    for (let i = 0; i < chunk.length; ) {
      if (bodyLeft > 0) {
        const n = Math.min(bodyLeft, chunk.length - i);
        bodyLeft -= n;
        i += n;
        continue;
      }
      header.push(chunk[i++]!);
      if (header.length === 5) {
        wire.lastRecordType = header[0]!;
        bodyLeft = (header[3]! << 8) | header[4]!;
        header.length = 0;
      }
    }
  };
}
