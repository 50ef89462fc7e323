import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { boardIds } from "../boards/index.ts";
import { boardsTable } from "./boards.ts";
import { EXIT, UsageError } from "./exit-codes.ts";
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
          .option("script", { type: "string", describe: "run your own script instead: .py (MicroPython, unchanged from the board) or .ts/.js" })
          .option("ssid", { type: "string", default: "boardsim-lab", describe: "the WiFi name the script joins" })
          .option("password", { type: "string", default: "micropython", describe: "the WiFi password the script uses" })
          .option("host", { type: "string", default: "192.168.1.2", describe: "the server --role client connects to (192.168.1.2 is this PC: its port P is 127.0.0.1:P)" })
          .option("port", { type: "number", describe: "server: the port the board listens on (reachable at 127.0.0.1:N); client: the server's port [default: server 8000, client 8888]" })
          .option("profile", { choices: ["realistic", "fast"] as const, default: "realistic" as const, describe: "WiFi timing: the real board's, or no delays" })
          .option("log-format", { choices: ["pretty", "json"] as const, default: "pretty" as const, describe: "how stderr shows the simulator's events" })
          .option("log-level", { choices: ["trace", "debug", "info", "warn", "error", "silent"], default: "info", describe: "how much the simulator says on stderr" })
          .conflicts("role", "script")
          .check((argv) => {
            if (!argv.role && !argv.script) throw new UsageError("give --role server|client or --script FILE");
            if (argv.port !== undefined && (!Number.isInteger(argv.port) || argv.port < 1 || argv.port > 65535)) {
              throw new UsageError(`--port must be a whole number from 1 to 65535, not '${argv.port}'`);
            }
            return true;
          })
          .example("boardsim run --board pico_w --role server", "the chapter's server on a virtual Pico W, reachable at 127.0.0.1:8000 (try: nc 127.0.0.1 8000)")
          .example("boardsim run --board esp32 --role client", "the chapter's client: connects to a server on this PC at 127.0.0.1:8888 (start one first: nc -l 8888)")
          .example("boardsim run --board mpython --role server --port 5001", "the mPython tutorial's server; its OLED is drawn on stderr")
          .example("boardsim run --board esp8266 --role client --host 192.168.1.2 --port 5003", "connect to a Python server on this PC's port 5003")
          .example("boardsim run --board pico_w --role server --password wrong", "watch it fail to join the WiFi")
          .example("boardsim run --board pico_w --script 30.2_TCP_as_Server.py", "the chapter's .py file itself, as you would flash it (set its ssid/password to boardsim-lab/micropython)")
          .example("boardsim run --board esp32 --script ./my_server.ts --profile fast", "your own script (.py, .ts or .js), WiFi joined without delays")
          .epilogue("Boards: pico_w, esp32, esp8266, mpython (details: boardsim boards). Exit codes: 0 the script ended, 1 it raised, 2 bad usage or input, 70 internal error, 130 Ctrl-C."),
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
          },
          (text) => process.stdout.write(text),
        );
        process.exit(code);
      },
    )
    .command("boards", "list the boards and their key profile values", {}, () => {
      process.stdout.write(boardsTable());
    })
    .demandCommand(1, "give a command: run, boards")
    .strict()
    .fail((message, error) => {
      if (error && !(error instanceof UsageError)) throw error;
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
