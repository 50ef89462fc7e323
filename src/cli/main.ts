import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { boardIds } from "../boards/index.ts";
import { parseDuration } from "./duration.ts";
import { EXIT, ScriptInputError, UsageError } from "./exit-codes.ts";
import { runBoard, type Role } from "./run.ts";

function fail(message: string, code: number): never {
  process.stderr.write(`boardsim: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  await yargs(hideBin(process.argv))
    .scriptName("boardsim")
    .command(
      "run",
      "boot a virtual board and run a script on it",
      (y) =>
        y
          .option("board", { choices: boardIds(), demandOption: true, describe: "which board to simulate" })
          .option("role", { choices: ["server", "client"] as const, describe: "run the chapter's TCP server or client script" })
          .option("script", { type: "string", describe: "run your own .ts/.js script instead" })
          .option("ssid", { type: "string", default: "boardsim-lab", describe: "the WiFi name the script joins" })
          .option("password", { type: "string", default: "micropython", describe: "the WiFi password the script uses" })
          .option("host", { type: "string", default: "192.168.1.2", describe: "server address for --role client (192.168.1.2 is this PC)" })
          .option("port", { type: "number", describe: "board-side port (server: 8000, client: 8888)" })
          .option("profile", { choices: ["realistic", "fast"] as const, default: "realistic" as const, describe: "WiFi timing: the real board's, or no delays" })
          .option("log-format", { choices: ["pretty", "json"] as const, default: "pretty" as const, describe: "how stderr shows the simulator's events" })
          .option("log-level", { choices: ["trace", "debug", "info", "warn", "error", "silent"], default: "info" })
          .option("timeout", { type: "string", describe: "stop the board after this long, exit 124 (500ms, 30s, 2m, 1h; a bare number is seconds)" })
          .conflicts("role", "script")
          .check((argv) => {
            if (!argv.role && !argv.script) throw new UsageError("give --role server|client or --script FILE");
            if (argv.port !== undefined && (!Number.isInteger(argv.port) || argv.port < 1 || argv.port > 65535)) {
              throw new UsageError(`--port must be a whole number from 1 to 65535, not '${argv.port}'`);
            }
            if (argv.timeout !== undefined && parseDuration(argv.timeout) === null) {
              throw new UsageError(`--timeout must be a duration like 500ms, 30s, 2m or 1h, not '${argv.timeout}'`);
            }
            return true;
          })
          .example("boardsim run --board pico_w --role server", "the chapter's server on a virtual Pico W, reachable at 127.0.0.1:8000")
          .example("boardsim run --board pico_w --role server --password wrong", "watch it fail to join the WiFi"),
      async (argv) => {
        const code = await runBoard(
          {
            board: argv.board,
            role: argv.role as Role | undefined,
            script: argv.script,
            ssid: argv.ssid,
            password: argv.password,
            host: argv.host,
            port: argv.port,
            profile: argv.profile,
            logFormat: argv["log-format"],
            logLevel: argv["log-level"],
            timeoutMs: argv.timeout === undefined ? undefined : parseDuration(argv.timeout)!,
          },
          (text) => process.stdout.write(text),
        );
        process.exit(code);
      },
    )
    .demandCommand(1, "give a command: run")
    .strict()
    .fail((message, error) => {
      if (error && !(error instanceof UsageError)) throw error;
      if (error instanceof ScriptInputError) fail(error.message, EXIT.usage); // about the script, not the flags: no --help hint
      // yargs words some errors over several lines; a usage error is one line.
      fail(`${(message ?? error.message).replace(/\s*\n\s*/g, " ")} (see boardsim --help)`, EXIT.usage);
    })
    .help()
    .parseAsync();
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) fail(error.message, EXIT.usage);
  fail(`internal error: ${(error as Error)?.stack ?? String(error)}`, EXIT.internal);
});
