import { describe, expect, it } from "vitest";
import { inFirmwareOrder } from "./import-completion.ts";

describe("inFirmwareOrder (Tab's list after import, py/repl.c v1.23.0 157-237)", () => {
  it("sorts the names as the board's qstr pools have them: the static list's first, then by value, in print_completions' layout", () => {
    expect(inFirmwareOrder("\nselect          struct          sys             socket\n>>> import s")).toBe("\nselect          socket          struct          sys\n>>> import s");
    expect(inFirmwareOrder("\r\nmicropython     math            machine\r\n>>> import m")).toBe("\r\nmicropython     machine         math\r\n>>> import m");
    expect(inFirmwareOrder("\n__main__        _onewire        _asyncio\n... import _")).toBe("\n__main__        _asyncio        _onewire\n... import _");
    // a word too long for the line's last slot starts a new line (py/repl.c:220-232)
    expect(inFirmwareOrder("\nb               aaaaaaaaaaaaaaaaaaaaaaaaaaaaa a\n>>> import ")).toBe("\na               aaaaaaaaaaaaaaaaaaaaaaaaaaaaa   b\n>>> import ");
  });

  it("leaves any other output as it was: a list after something else than import, an inline completion", () => {
    for (const printed of ["\nsleep           sleep_ms\n>>> time.sl", "ort ", "\nsocket          select\n>>>     import s"]) expect(inFirmwareOrder(printed)).toBe(printed);
  });
});
