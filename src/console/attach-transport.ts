import type { Logger } from "pino";
import type { SerialDevice } from "../emulator/serial-device.ts";
import { PtyConsole } from "./pty.ts";
import { Rfc2217Server } from "./rfc2217.ts";
import type { SerialSpec } from "./serial-spec.ts";
import { StdioConsole } from "./stdio.ts";

/** An open console transport. */
export interface ConsoleTransport {
  close(): void;
}

/**
 * Puts `device` (a board's console port) where `spec` says and tells the user where on `log`.
 * stdio: `onLeave` is Ctrl-] on a terminal, `onEnd` the end of piped input. Bad input (a PTY
 * path that is not ours, a port in use) throws an InputError.
 */
export async function attachTransport(spec: SerialSpec, device: SerialDevice, log: Logger, events: { onLeave: () => void; onEnd: () => void }): Promise<ConsoleTransport> {
  switch (spec.kind) {
    case "stdio":
      return new StdioConsole(device, events.onLeave, events.onEnd);
    case "pty": {
      const pty = new PtyConsole(device, spec.link);
      const where = spec.link ? `${spec.link} -> ${pty.path}` : pty.path;
      log.info({ serial: pty.path, link: spec.link }, `console on ${where} (open it with: picocom ${spec.link ?? pty.path}, or mpremote connect ${spec.link ?? pty.path})`);
      return pty;
    }
    case "rfc2217": {
      const server = await Rfc2217Server.listen(device, spec.port);
      const url = `rfc2217://127.0.0.1:${server.port}`;
      log.info({ serial: url }, `console on ${url} (open it with: mpremote connect ${url})`);
      return server;
    }
  }
}
