import { parseHostEntry } from "../network-sim/dns.ts";
import { readFileSync } from "node:fs";
import path from "node:path";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { boardIds } from "../boards/index.ts";
import { boardsTable } from "./boards.ts";
import { parseDuration } from "../duration.ts";
import { EXIT, UsageError } from "./exit-codes.ts";
import { InputError } from "../runtime/errors.ts";
import { parseForward } from "./lab-file.ts";
import { FaultSpecError, parseFault } from "../network-sim/faults/parse.ts";
import { runBoard, runLab } from "./run.ts";
import type { Role } from "../runtime/script.ts";
import { packageRoot } from "../package-root.ts";
import { batchedWriter, drained, endOnBrokenPipe } from "../console/stdio.ts";
import { parseSerial, SERIAL_USAGE } from "../console/serial-spec.ts";
import { parseRtcFlag, RTC_USAGE } from "./rtc-flag.ts";

/** --pcap with an empty value (`--pcap ""`, a shell variable left unset) would capture nothing without a word. */
const PCAP_NEEDS_FILE = "--pcap needs a file name to write the capture to, e.g. --pcap run.pcap";
/**
 * The boards' console: lossless, back-pressured (a full pipe makes print wait), a turn's prints in
 * one write; what it holds goes out before the log writes a line and whenever the process exits.
 */
const stdout = batchedWriter(process.stdout);
endOnBrokenPipe(process.stdout, (code) => process.exit(code), EXIT.brokenPipe);
process.on("exit", stdout.flush);

/** Exits once the console's last bytes are out (stdout on a pipe is asynchronous). */
async function exitAfterOutput(code: number): Promise<never> {
  stdout.flush();
  await drained(process.stdout);
  process.exit(code);
}

/** A port number as typed: 1 to 65535, digits only; null otherwise. */
function parsePort(text: string): number | null {
  const port = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  return port >= 1 && port <= 65535 ? port : null;
}

function fail(message: string, code: number): never {
  stdout.flush();
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
          .option("script", { type: "string", describe: "run your own script instead: .py (MicroPython, unchanged from the board; on a terminal it runs as main.py, then the REPL) or .ts/.js" })
          .option("flash", { type: "string", describe: "the folder that holds the board's filesystem [default: $XDG_DATA_HOME/boardsim/BOARD, else ~/.local/share/boardsim/BOARD]" })
          .option("ssid", { type: "string", default: "boardsim-lab", describe: "the WiFi name the script joins" })
          .option("password", { type: "string", default: "micropython", describe: "the WiFi password the script uses" })
          .option("host", { type: "string", default: "192.168.1.2", describe: "the server --role client connects to (192.168.1.2 is this PC: its port P is 127.0.0.1:P)" })
          .option("port", { type: "string", describe: "server: the port the board listens on (reachable at 127.0.0.1:N); client: the server's port [default: server 8000, client 8888]" })
          .option("profile", { choices: ["realistic", "fast"] as const, default: "realistic" as const, describe: "WiFi timing: the real board's, or no delays" })
          .option("log-format", { choices: ["pretty", "json"] as const, default: "pretty" as const, describe: "how stderr shows the simulator's events" })
          .option("log-level", { choices: ["trace", "debug", "info", "warn", "error", "silent"], default: "info", describe: "how much the simulator says on stderr" })
          .option("expose", { type: "boolean", default: false, describe: "forward the board's ports on 0.0.0.0 (phones on your network), not 127.0.0.1" })
          .option("forward", { type: "string", array: true, default: [] as string[], describe: "HOSTPORT:BOARDPORT: reach board port BOARDPORT at PC port HOSTPORT (0: any free port, logged)" })
          .option("hosts", { type: "string", array: true, default: [] as string[], describe: "NAME=IP: the simulated router's DNS answers NAME with IP (getaddrinfo, ESP32 connect); repeatable" })
          .option("pcap", { type: "string", describe: "write the LAN's traffic to FILE (pcap, opens in Wireshark)" })
          .option("timeout", { type: "string", describe: "stop the board after this long, exit 124 (500ms, 30s, 2m, 1h; a bare number is seconds)" })
          .option("expect-text", { type: "string", describe: "exit 0 as soon as the console prints this text (1 if the script ends without it)" })
          .option("fail-text", { type: "string", describe: "exit 1 as soon as the console prints this text" })
          .option("fault", { type: "string", array: true, default: [] as string[], describe: "inject a fault: NAME[:KEY=VALUE,...], e.g. latency:ms=200 or ap_off:at=30s (repeatable; docs/faults.md)" })
          .option("rtc", { type: "string", describe: "start the board's clock at this date and time instead of the firmware's (Pico W 2021-01-01, ESP 2000-01-01): now (this PC's local time) or 2026-12-01T09:30:00" })
          .option("serial", { type: "string", describe: "where the board's console is: stdio, pty (a pseudo-terminal, its path on stderr), pty:PATH (plus a link at PATH), rfc2217:PORT (mpremote connect rfc2217://localhost:PORT)" })
          .conflicts("role", "script")
          .conflicts("role", "serial")
          .check((argv) => {
            if (argv.pcap === "") throw new UsageError(PCAP_NEEDS_FILE);
            checkRtc(argv.rtc);
            if (argv.serial !== undefined && !parseSerial(argv.serial)) throw new UsageError(`--serial must be ${SERIAL_USAGE}, not '${argv.serial}'`);
            if (argv.port !== undefined && parsePort(argv.port) === null) {
              throw new UsageError(argv.port === "" ? "--port needs a value: a whole number from 1 to 65535" : `--port must be a whole number from 1 to 65535, not '${argv.port}'`);
            }
            for (const flag of ["expect-text", "fail-text"] as const) {
              if (argv[flag] === "") throw new UsageError(`--${flag} needs a text to look for on the console`);
            }
            if (argv.timeout !== undefined && !parseDuration(argv.timeout)) {
              throw new UsageError(`--timeout must be a duration like 500ms, 30s, 2m or 1h, not '${argv.timeout}'`);
            }
            const badHost = argv.hosts.find((spec) => !parseHostEntry(String(spec)));
            if (badHost !== undefined) throw new UsageError(`--hosts must be NAME=IP, e.g. broker.local=192.168.1.2, not '${badHost}'`);
            const bad = argv.forward.find((spec) => !parseForward(String(spec)));
            if (bad !== undefined) throw new UsageError(`--forward must be HOSTPORT:BOARDPORT, e.g. 9000:8000, not '${bad}'`);
            for (const spec of argv.fault) {
              try {
                parseFault(String(spec));
              } catch (error) {
                if (error instanceof FaultSpecError) throw new UsageError(`--fault: ${error.message}`);
                throw error;
              }
            }
            return true;
          })
          .example("boardsim run --board esp32", "boot a virtual ESP32 to its REPL (>>>), its filesystem in a folder of this PC (--flash DIR)")
          .example("boardsim run --board pico_w --role server", "the chapter's server on a virtual Pico W, reachable at 127.0.0.1:8000 (try: nc 127.0.0.1 8000)")
          .example("boardsim run --board esp32 --role client", "the chapter's client: connects to a server on this PC at 127.0.0.1:8888 (start one first: nc -l 8888)")
          .example("boardsim run --board mpython --role server --port 5001", "the mPython tutorial's server; its OLED is drawn on stderr")
          .example("boardsim run --board esp8266 --role client --host 192.168.1.2 --port 5003", "connect to a Python server on this PC's port 5003")
          .example("boardsim run --board pico_w --role server --password wrong", "watch it fail to join the WiFi")
          .example("boardsim run --board pico_w --script 30.2_TCP_as_Server.py", "the chapter's .py file itself, as you would flash it (set its ssid/password to boardsim-lab/micropython)")
          .example("boardsim run --board esp32 --script ./my_server.ts --profile fast", "your own script (.py, .ts or .js), WiFi joined without delays")
          .example("boardsim run --board pico_w --role server --forward 9000:8000 --pcap run.pcap", "reach board port 8000 at 127.0.0.1:9000; the LAN's traffic goes to run.pcap for Wireshark")
          .example("boardsim run --board esp32 --role server --expose", "reachable from phones on your network (binds 0.0.0.0)")
          .example("boardsim run --board esp32 --serial pty:/tmp/ttyBOARD", "the board's REPL on a pseudo-terminal: picocom /tmp/ttyBOARD, mpremote connect /tmp/ttyBOARD, Thonny")
          .example("boardsim run --board esp32 --serial rfc2217:2217", "the REPL for mpremote connect rfc2217://localhost:2217 (DTR/RTS reset the ESP32 as on a dev board)")
          .example("boardsim run --board esp32 --role client --fault refused", "the server refuses: the script's connect() raises ECONNRESET")
          .example("boardsim run --board esp32 --script main.py --expect-text 'connected' --fail-text 'Error' --timeout 60s", "grade a script: exit 0 once it prints 'connected', 1 on 'Error' or if it ends first, 124 after 60 s")
          .example("boardsim run --board pico_w --script clock.py --rtc now", "the board's clock starts at this PC's time, as Thonny sets it (else at the firmware's start, as a board that never ran ntptime)")
          .example("boardsim run --board pico_w --role server --fault latency:ms=300,jitter=50ms", "a slow link between the PC and the board")
          .epilogue("Boards: pico_w, esp32, esp8266, mpython (details: boardsim boards). Exit codes: 0 the script ended (or printed --expect-text), 1 it raised (or printed --fail-text, or ended without --expect-text), 2 bad usage or input, 70 internal error, 124 --timeout, 130 Ctrl-C."),
      async (argv) => {
        const code = await runBoard(
          {
            board: argv.board,
            role: argv.role as Role | undefined,
            script: argv.script,
            ssid: argv.ssid,
            password: argv.password,
            host: argv.host,
            port: argv.port === undefined ? undefined : parsePort(argv.port)!,
            // No script: the board boots to its REPL; a .py script on a terminal runs as main.py, then the REPL.
            // With --serial the console is elsewhere, so a .py script always ends at the REPL there.
            console: !argv.role && (!argv.script || (/\.py$/i.test(argv.script) && (process.stdin.isTTY === true || argv.serial !== undefined))),
            serial: argv.serial === undefined ? undefined : parseSerial(argv.serial)!,
            flash: argv.flash,
            profile: argv.profile,
            logFormat: argv["log-format"],
            logLevel: argv["log-level"],
            expose: argv.expose,
            pcap: argv.pcap,
            forwards: new Map(argv.forward.map((spec) => parseForward(String(spec))!.reverse() as [number, number])),
            timeoutMs: argv.timeout === undefined ? undefined : parseDuration(argv.timeout)!,
            faults: argv.fault.map(String),
            hosts: hostsFrom(argv.hosts),
            rtcMs: rtcFrom(argv.rtc),
            expectText: argv["expect-text"],
            failText: argv["fail-text"],
          },
          stdout,
        );
        await exitAfterOutput(code);
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
          .option("hosts", { type: "string", array: true, default: [] as string[], describe: "NAME=IP: the simulated router's DNS answers NAME with IP (getaddrinfo, ESP32 connect); repeatable" })
          .option("log-format", { choices: ["pretty", "json"] as const, default: "pretty" as const, describe: "how stderr shows the simulator's events" })
          .option("log-level", { choices: ["trace", "debug", "info", "warn", "error", "silent"], default: "info", describe: "how much the simulator says on stderr" })
          .option("rtc", { type: "string", describe: "start every board's clock at this date and time instead of the firmware's (Pico W 2021-01-01, ESP 2000-01-01): now (this PC's local time) or 2026-12-01T09:30:00" })
          .check((argv) => {
            if (argv.pcap === "") throw new UsageError(PCAP_NEEDS_FILE);
            checkRtc(argv.rtc);
            const badHost = argv.hosts.find((spec) => !parseHostEntry(String(spec)));
            if (badHost !== undefined) throw new UsageError(`--hosts must be NAME=IP, e.g. broker.local=192.168.1.2, not '${badHost}'`);
            return true;
          })
          .example("boardsim lab lab.yaml", "a Pico W server and two clients on one virtual WiFi"),
      async (argv) => {
        const code = await runLab(
          argv.file,
          { profile: argv.profile, expose: argv.expose, pcap: argv.pcap, logFormat: argv["log-format"], logLevel: argv["log-level"], hosts: hostsFrom(argv.hosts), rtcMs: rtcFrom(argv.rtc) },
          stdout,
        ).catch((error: unknown) => {
          // A mistake in the file is not a command-line mistake: no "see --help".
          if (error instanceof UsageError || error instanceof InputError) fail(error.message, EXIT.usage);
          throw error;
        });
        await exitAfterOutput(code);
      },
    )
    .command("boards", "list the boards and their key profile values", {}, () => {
      process.stdout.write(boardsTable());
    })
    .demandCommand(1, "give a command: run, lab, boards")
    .strict()
    .fail((message, error) => {
      if (error && !(error instanceof UsageError || error instanceof InputError)) throw error;
      if (error instanceof InputError) fail(error.message, EXIT.usage); // about a file or a value, not the flags' syntax: no --help hint
      // yargs words some errors over several lines; a usage error is one line.
      fail(`${(message ?? error.message).replace(/\s*\n\s*/g, " ")} (see boardsim --help)`, EXIT.usage);
    })
    .help()
    // yargs looks for package.json beside the entry script, which the bundle in dist/ is not.
    .version((JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version: string }).version)
    .parseAsync();
}

function checkRtc(text: string | undefined): void {
  if (text !== undefined && parseRtcFlag(text, new Date()) === null) throw new UsageError(`--rtc must be ${RTC_USAGE}, not '${text}'`);
}

/** --rtc (already checked) as the boards' clock at the start, read as the run starts. */
function rtcFrom(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseRtcFlag(text, new Date())!;
}

/** --hosts NAME=IP entries (already checked) as a table. */
function hostsFrom(specs: readonly (string | number)[]): Record<string, string> {
  return Object.fromEntries(specs.map((spec) => parseHostEntry(String(spec))!));
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof InputError) fail(error.message, EXIT.usage);
  fail(`internal error: ${(error as Error)?.stack ?? String(error)}`, EXIT.internal);
});
