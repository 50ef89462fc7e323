import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export type LogFormat = "pretty" | "json";

/**
 * Colours on stderr: FORCE_COLOR (Node's convention: set, and not 0 or false) turns them on, NO_COLOR
 * (no-color.org: set and not empty) off; otherwise only on a terminal.
 */
export function useColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  if (env.NO_COLOR) return false;
  return isTTY;
}

/**
 * The simulator's voice on stderr: readable lines by default, JSON for tools. `beforeLine` runs
 * before each line is written (the CLI writes the console output it holds first, so stdout and
 * stderr keep their order on a terminal).
 */
export function createLogger(format: LogFormat, level: string, beforeLine: () => void = () => {}): Logger {
  const hooks = {
    logMethod(this: Logger, args: Parameters<Logger["info"]>, write: Logger["info"]) {
      beforeLine();
      write.apply(this, args);
    },
  };
  if (format === "json") return pino({ level, base: undefined, hooks }, pino.destination({ dest: 2, sync: true }));
  const stream = pretty({
    destination: 2,
    sync: true,
    colorize: useColor(process.env, process.stderr.isTTY ?? false),
    translateTime: "HH:MM:ss.l",
    // One readable line per event; the structured fields are there with --log-format json.
    messageFormat: "{if board}{board}: {end}{msg}",
    hideObject: true,
  });
  return pino({ level, base: undefined, hooks }, stream);
}
