import net from "node:net";
import { InputError } from "../runtime/errors.ts";
import type { SerialDevice } from "../emulator/serial-device.ts";
import { forwardOutput } from "./forward-output.ts";
import { DO, DONT, IAC, SB, SE, TelnetDecoder, WILL, WONT, escapeIac } from "./telnet.ts";

// Telnet options (RFC 856, 857, 858) and RFC 2217's COM-PORT-OPTION with its client commands;
// the server answers each command with the command + 100 (RFC 2217, "Com Port Control Option").
const BINARY = 0;
const ECHO = 1;
const SGA = 3;
const COM_PORT = 44;
const SIGNATURE = 0;
const SET_CONTROL = 5;
const NOTIFY_MODEMSTATE = 7;
const FLOWCONTROL_SUSPEND = 8;
const FLOWCONTROL_RESUME = 9;
const SERVER_OFFSET = 100;
/** SET-CONTROL values for the modem lines (RFC 2217; pyserial's rfc2217.py uses the same). */
const CONTROL = { DTR_ON: 8, DTR_OFF: 9, RTS_ON: 11, RTS_OFF: 12, REQ_DTR: 7, REQ_RTS: 10 } as const;
/** The modem lines a USB-serial adapter reports when a board is plugged in: CTS and DSR (UNVERIFIED: CP210x/CH340 report these; nothing here depends on them). */
const MODEM_STATE = 0x30;

/** Options we agree to, in both directions: 8-bit data, no go-aheads, the board echoes (as a serial port does), COM port control. */
const AGREED = new Set([BINARY, SGA, COM_PORT, ECHO]);

/**
 * `--serial rfc2217:PORT`: the board's console as an RFC 2217 (Telnet COM Port Control) server on
 * 127.0.0.1:PORT, Wokwi's convention: `mpremote connect rfc2217://localhost:PORT`, pyserial's
 * `serial_for_url("rfc2217://localhost:PORT")`. Baud rate, data size, parity and stop bits are
 * acknowledged as asked (a virtual line has no speed); DTR/RTS go to the board
 * (`setControlLines`), where an ESP32/ESP8266 auto-reset circuit turns them into EN/IO0.
 * One client at a time, as a serial port has one owner: a new client takes the port over. While no
 * client is connected the board's output is lost, as on a UART nobody listens to.
 */
export class Rfc2217Server {
  private client: net.Socket | null = null;
  private dtr = true;
  private rts = true;

  private constructor(
    private readonly device: SerialDevice,
    private readonly server: net.Server,
  ) {
    server.on("connection", (socket) => this.accept(socket));
  }

  /** Listens on 127.0.0.1:port (0: a free port); a port in use is an InputError. */
  static async listen(device: SerialDevice, port: number): Promise<Rfc2217Server> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) =>
        reject(new InputError(`--serial rfc2217:${port}: ${error.code === "EADDRINUSE" ? "port in use on 127.0.0.1" : `cannot listen (${error.code ?? error.message})`}`)),
      );
      server.listen(port, "127.0.0.1", () => resolve());
    });
    return new Rfc2217Server(device, server);
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  close(): void {
    this.client?.destroy();
    this.server.close();
  }

  private accept(socket: net.Socket): void {
    this.client?.destroy(); // a new owner takes the port
    this.client = socket;
    socket.setNoDelay(true);
    const decoder = new TelnetDecoder();
    const raw = (...bytes: number[]) => socket.write(Uint8Array.from(bytes));
    const stopOutput = forwardOutput(this.device, socket, escapeIac);
    let suspended = false;
    const end = () => {
      stopOutput();
      if (suspended) this.device.setOutputReady(true);
      if (this.client === socket) this.client = null;
    };
    socket.on("close", end);
    socket.on("error", () => {}); // a client that vanishes: the board keeps running
    // Ask for what mpremote and pyserial expect; answers to what we asked are not answered again.
    const asked = new Set<string>();
    for (const [verb, option] of [[WILL, BINARY], [DO, BINARY], [WILL, SGA], [DO, SGA], [WILL, ECHO], [DO, COM_PORT]] as const) {
      asked.add(`${verb}:${option}`);
      raw(IAC, verb, option);
    }
    const subnegotiate = (command: number, value: Uint8Array) => socket.write(Uint8Array.from([IAC, SB, COM_PORT, command, ...escapeIac(value), IAC, SE]));

    socket.on("data", (chunk: Buffer) => {
      for (const event of decoder.decode(chunk)) {
        if (event.kind === "data") this.device.write(event.data);
        else if (event.kind === "negotiate") {
          const { verb, option } = event;
          const request = verb === WILL || verb === DO;
          // The answer to a request of ours needs no reply (RFC 854's loop rule); their requests get yes or no.
          const ours = asked.delete(`${verb === WILL ? DO : verb === DO ? WILL : verb === WONT ? DO : WILL}:${option}`);
          if (ours || !request) continue;
          const yes = AGREED.has(option);
          raw(IAC, verb === WILL ? (yes ? DO : DONT) : yes ? WILL : WONT, option);
        } else if (event.option === COM_PORT && event.body.length > 0) {
          const command = event.body[0]!;
          const value = event.body.subarray(1);
          if (command === SIGNATURE) subnegotiate(SERVER_OFFSET + SIGNATURE, new TextEncoder().encode("boardsim"));
          else if (command === SET_CONTROL) subnegotiate(SERVER_OFFSET + SET_CONTROL, Uint8Array.of(this.control(value[0] ?? 0)));
          else if (command === NOTIFY_MODEMSTATE) subnegotiate(SERVER_OFFSET + NOTIFY_MODEMSTATE, Uint8Array.of(MODEM_STATE));
          else if (command === FLOWCONTROL_SUSPEND || command === FLOWCONTROL_RESUME) {
            // The client's buffer is full: the board's prints wait, as on a USB CDC port the PC stops reading.
            suspended = command === FLOWCONTROL_SUSPEND;
            this.device.setOutputReady(!suspended);
          } else subnegotiate(SERVER_OFFSET + command, value); // baud rate, data size, parity, stop bits, masks, purge: done as asked
        }
      }
    });
  }

  /** Applies a SET-CONTROL value; returns the value to acknowledge. */
  private control(value: number): number {
    switch (value) {
      case CONTROL.DTR_ON:
      case CONTROL.DTR_OFF:
        this.dtr = value === CONTROL.DTR_ON;
        this.device.setControlLines({ dtr: this.dtr });
        return value;
      case CONTROL.RTS_ON:
      case CONTROL.RTS_OFF:
        this.rts = value === CONTROL.RTS_ON;
        this.device.setControlLines({ rts: this.rts });
        return value;
      case CONTROL.REQ_DTR:
        return this.dtr ? CONTROL.DTR_ON : CONTROL.DTR_OFF;
      case CONTROL.REQ_RTS:
        return this.rts ? CONTROL.RTS_ON : CONTROL.RTS_OFF;
      default:
        return value; // flow control and break settings: accepted, nothing to model
    }
  }
}
