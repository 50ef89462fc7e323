/**
 * Floats print as on the boards: single precision, str()/repr() with 7 significant digits, 6 on
 * ESP8266 (MICROPY_OBJ_REPR_C) — py/objfloat.c:105-124, py/objcomplex.c:45-70, v1.23.0. The
 * expected texts are what v1.23.0's py/formatfloat.c prints for the single-precision results
 * (that file compiled for MICROPY_FLOAT_IMPL_FLOAT on a PC, float arithmetic as the boards' IEEE single).
 */
import { describe, expect, it } from "vitest";
import { runScript } from "./support/run-script.ts";

/** The lines `source` prints as main.py on `board`. */
async function printed(board: string, source: string): Promise<string[]> {
  const { output, outcome } = await runScript(source, board, "main.py");
  expect(outcome).toEqual({ kind: "finished" });
  return output.split("\n").slice(0, -1);
}

const FLOATS = `import json
print(0.1 + 0.2)
print(1/3, str(2**0.5), repr(0.1 * 3))
print([0.5, 2.5e-3, 1/3])
print(json.dumps({"t": 0.1 * 3}), json.dumps([1/3]))
print(1e7, 100.0, -0.0, float("inf"), 1e-5)
`;

describe("a float prints as on the board", () => {
  it.each([
    ["pico_w", "0.3333333", "1.414214"],
    ["esp32", "0.3333333", "1.414214"],
    ["mpython", "0.3333333", "1.414214"],
    ["esp8266", "0.333333", "1.41421"],
  ])("%s: str, repr, lists and json.dumps show %s for 1/3", async (board, third, root2) => {
    expect(await printed(board, FLOATS)).toEqual([
      "0.3",
      `${third} ${root2} 0.3`,
      `[0.5, 0.0025, ${third}]`,
      `{"t": 0.3} [${third}]`,
      "1e+07 100.0 -0.0 inf 1e-05",
    ]);
  });

  // ESP8266 has no complex (ports/esp8266/mpconfigport.h:25); the others print each part as a float.
  it.each(["pico_w", "esp32"])("%s: a complex number's parts with 7 digits", async (board) => {
    expect(await printed(board, "print(complex(0.1 + 0.2, 1/3), 1/3j)\n")).toEqual(["(0.3+0.3333333j) -0.3333333j"]);
  });
});
