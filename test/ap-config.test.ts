import { describe, expect, it } from "vitest";
import { runScript } from "./support/run-script.ts";

describe("AP_IF config() with values the firmware refuses or cuts", () => {
  it.each(["pico_w", "esp32", "esp8266"])("%s: channel='zz' is TypeError; a 1,000-character SSID keeps its first 32 bytes", async (board) => {
    const { output } = await runScript(
      `
import network
ap = network.WLAN(network.AP_IF)
ap.active(True)
try:
    ap.config(channel="zz")
except TypeError as e:
    print("TypeError", e)
ap.config(essid="s" * 1000)
print(len(ap.config("essid")))
`,
      board,
      "main.py",
    );
    expect(output).toBe("TypeError can't convert str to int\n32\n");
  });
});
