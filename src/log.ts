import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export type LogFormat = "pretty" | "json";

/** The simulator's voice on stderr: readable lines by default, JSON for tools. */
export function createLogger(format: LogFormat, level: string): Logger {
  if (format === "json") return pino({ level, base: undefined }, pino.destination({ dest: 2, sync: true }));
  const stream = pretty({
    destination: 2,
    sync: true,
    colorize: process.stderr.isTTY ?? false,
    translateTime: "HH:MM:ss.l",
    // One readable line per event; the structured fields are there with --log-format json.
    messageFormat: "{if board}{board}: {end}{msg}",
    hideObject: true,
  });
  return pino({ level, base: undefined }, stream);
}
