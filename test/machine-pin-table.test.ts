/**
 * machine.Pin has each port's methods and constants, no more (the Pin type's locals table,
 * v1.23.0: ports/rp2/machine_pin.c:490-525, ports/esp32/machine_pin.c:359-384,
 * ports/esp8266/machine_pin.c:432-450; the mPython's labplus-cn/mpython
 * port/builtins/machine_pin.c). dir() lists them in the order it probes the firmware's qstrs
 * (py/modbuiltins.c:165-178): the static list's first (__class__, value: py/makeqstrdata.py:58-224),
 * then the others sorted by text (:413-418). help() lists them in the table's order
 * (py/builtinhelp.c:141-151). A method the port lacks raises py/runtime.c:1239's AttributeError.
 * Not simulated: the named-pin types the tables also hold (ESP32 and rp2 `board`, rp2 `cpu`), which
 * the firmware's dir() lists too ('board' first of the lowercase names, rp2's 'cpu' after it).
 */
import { describe, expect, it } from "vitest";
import { runScript } from "./support/run-script.ts";

/** The lines `source` prints as main.py (or main.ts) on `board`. */
async function lines(board: string, source: string, fileName = "main.py"): Promise<string[]> {
  const { output } = await runScript(source, board, fileName);
  return output.split("\n").filter((line) => line !== "");
}

const SCRIPT = `import machine
pin = machine.Pin(2, machine.Pin.OUT)
print(dir(pin))
print([n for n in ("toggle", "low", "high", "on", "off") if hasattr(pin, n)])
for name in ("toggle", "low", "high"):
    try:
        getattr(pin, name)()
        print(name, "ran")
    except AttributeError as e:
        print(repr(e))
print([n for n in machine.Pin.__dict__ if n[0] != "_"])
`;

const ESP_METHODS = ["init", "irq", "off", "on"];
/** What the script prints for toggle(), low() and high() where the port lacks them. */
const MISSING = ["toggle", "low", "high"].map((name) => `AttributeError("'Pin' object has no attribute '${name}'",)`);
/** A list of names as print() shows it. */
const printedList = (names: string[]) => JSON.stringify(names).replaceAll('"', "'").replaceAll(",", ", ");

describe("machine.Pin: the port's table", () => {
  it.each([
    [
      "pico_w",
      ["__class__", "value", "ALT", "ALT_GPCK", "ALT_I2C", "ALT_PIO0", "ALT_PIO1", "ALT_PWM", "ALT_SIO", "ALT_SPI", "ALT_UART", "ALT_USB", "IN", "IRQ_FALLING", "IRQ_RISING", "OPEN_DRAIN", "OUT", "PULL_DOWN", "PULL_UP", "high", "init", "irq", "low", "off", "on", "toggle"],
      ["toggle ran", "low ran", "high ran"],
      ["init", "value", "low", "high", "off", "on", "toggle", "irq", "IN", "OUT", "OPEN_DRAIN", "ALT", "PULL_UP", "PULL_DOWN", "IRQ_RISING", "IRQ_FALLING", "ALT_SPI", "ALT_UART", "ALT_I2C", "ALT_PWM", "ALT_SIO", "ALT_PIO0", "ALT_PIO1", "ALT_GPCK", "ALT_USB"],
    ],
    [
      "esp32",
      ["__class__", "value", "DRIVE_0", "DRIVE_1", "DRIVE_2", "DRIVE_3", "IN", "IRQ_FALLING", "IRQ_RISING", "OPEN_DRAIN", "OUT", "PULL_DOWN", "PULL_UP", "WAKE_HIGH", "WAKE_LOW", ...ESP_METHODS],
      null,
      ["init", "value", "off", "on", "irq", "IN", "OUT", "OPEN_DRAIN", "PULL_UP", "PULL_DOWN", "IRQ_RISING", "IRQ_FALLING", "WAKE_LOW", "WAKE_HIGH", "DRIVE_0", "DRIVE_1", "DRIVE_2", "DRIVE_3"],
    ],
    [
      "esp8266",
      ["__class__", "value", "IN", "IRQ_FALLING", "IRQ_RISING", "OPEN_DRAIN", "OUT", "PULL_UP", ...ESP_METHODS],
      null,
      ["init", "value", "off", "on", "irq", "IN", "OUT", "OPEN_DRAIN", "PULL_UP", "IRQ_RISING", "IRQ_FALLING"],
    ],
  ])("%s: dir() of a Pin lists the port's names in qstr order; a method it lacks raises AttributeError", async (board, dir, ran, table) => {
    expect(await lines(board, SCRIPT)).toEqual([
      printedList(dir),
      ran ? "['toggle', 'low', 'high', 'on', 'off']" : "['on', 'off']",
      ...(ran ?? MISSING),
      printedList(table),
    ]);
  });

  it("mpython: labplus's table (PULL_HOLD, the connector's P0-P28; no toggle, low, high)", async () => {
    const shown = await lines("mpython", SCRIPT + "print(machine.Pin.P0, machine.Pin.P28, machine.Pin.PULL_HOLD)\n");
    expect(shown[0]).toBe(
      "['__class__', 'value', 'IN', 'IRQ_FALLING', 'IRQ_RISING', 'OPEN_DRAIN', 'OUT', 'P0', 'P1', 'P10', 'P11', 'P13', 'P14', 'P15', 'P16', 'P19', 'P2', 'P20', " +
        "'P23', 'P24', 'P25', 'P26', 'P27', 'P28', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9', 'PULL_DOWN', 'PULL_HOLD', 'PULL_UP', 'WAKE_HIGH', 'WAKE_LOW', 'init', 'irq', 'off', 'on']",
    );
    expect(shown.slice(1, 5)).toEqual(["['on', 'off']", ...MISSING]);
    expect(shown[6]).toBe("33 4 4");
  });
});

describe("machine.Pin in a TS script", () => {
  it.each([
    ["pico_w", "toggled 0"],
    ["esp32", "AttributeError 'Pin' object has no attribute 'toggle'"],
    ["esp8266", "AttributeError 'Pin' object has no attribute 'toggle'"],
  ])("%s: toggle() is rp2's only", async (board, shown) => {
    const source = `import machine from "machine";
const pin = new machine.Pin(2, machine.Pin.OUT);
pin.on();
try {
  pin.toggle();
  print("toggled", pin.value());
} catch (e) {
  print(e.name, e.message);
}
`;
    expect(await lines(board, source, "main.ts")).toEqual([shown]);
  });
});
