import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { boardIds } from "../boards/index.ts";
import { EXIT, UsageError } from "./exit-codes.ts";
import { parseForward } from "./lab-file.ts";
import { runBoard, runLab, type Role } from "./run.ts";

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
          .option("expose", { type: "boolean", default: false, describe: "forward the board's ports on 0.0.0.0 (phones on your network), not 127.0.0.1" })
          .option("forward", { type: "string", array: true, default: [] as string[], describe: "HOSTPORT:BOARDPORT: reach board port BOARDPORT at PC port HOSTPORT" })
          .option("pcap", { type: "string", describe: "write the LAN's traffic to FILE (pcap, opens in Wireshark)" })
          .conflicts("role", "script")
          .check((argv) => {
            if (!argv.role && !argv.script) throw new UsageError("give --role server|client or --script FILE");
            if (argv.port !== undefined && (!Number.isInteger(argv.port) || argv.port < 1 || argv.port > 65535)) {
              throw new UsageError(`--port must be a whole number from 1 to 65535, not '${argv.port}'`);
            }
            const bad = argv.forward.find((spec) => !parseForward(String(spec)));
            if (bad !== undefined) throw new UsageError(`--forward must be HOSTPORT:BOARDPORT, e.g. 9000:8000, not '${bad}'`);
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
            expose: argv.expose,
            pcap: argv.pcap,
            forwards: new Map(argv.forward.map((spec) => parseForward(String(spec))!.reverse() as [number, number])),
          },
          (text) => process.stdout.write(text),
        );
        process.exit(code);
      },
    )
    .command(
      "lab <file>",
      "start several boards on one LAN from a YAML or JSON file",
      (y) =>
        y
          .positional("file", { type: "string", demandOption: true, describe: "the lab file" })
          .option("profile", { choices: ["realistic", "fast"] as const, default: "realistic" as const, describe: "WiFi timing, unless the file sets it" })
          .option("expose", { type: "boolean", default: false, describe: "forward the boards' ports on 0.0.0.0, not 127.0.0.1" })
          .option("pcap", { type: "string", describe: "write the LAN's traffic to FILE (pcap, opens in Wireshark)" })
          .option("log-format", { choices: ["pretty", "json"] as const, default: "pretty" as const })
          .option("log-level", { choices: ["trace", "debug", "info", "warn", "error", "silent"], default: "info" })
          .example("boardsim lab lab.yaml", "a Pico W server and two clients on one virtual WiFi"),
      async (argv) => {
        const code = await runLab(
          argv.file,
          { profile: argv.profile, expose: argv.expose, pcap: argv.pcap, logFormat: argv["log-format"], logLevel: argv["log-level"] },
          (text) => process.stdout.write(text),
        ).catch((error: unknown) => {
          // A mistake in the file is not a command-line mistake: no "see --help".
          if (error instanceof UsageError) fail(error.message, EXIT.usage);
          throw error;
        });
        process.exit(code);
      },
    )
    .demandCommand(1, "give a command: run, lab")
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
