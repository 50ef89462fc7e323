import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../test/support/manual-clock.ts";
import { DhcpServer } from "./dhcp.ts";

describe("DhcpServer", () => {
  it("hands out the lowest free address, one lease per MAC, and runs out", () => {
    const dhcp = new DhcpServer(new ManualClock(), "10.0.0.10", "10.0.0.11", 3600);
    expect(dhcp.lease("aa", "a")?.ip).toBe("10.0.0.10");
    expect(dhcp.lease("bb", "b")?.ip).toBe("10.0.0.11");
    expect(dhcp.lease("aa", "a")?.ip).toBe("10.0.0.10");
    expect(dhcp.lease("cc", "c")).toBeNull();
    expect(dhcp.table().map((l) => [l.mac, l.ip])).toEqual([
      ["aa", "10.0.0.10"],
      ["bb", "10.0.0.11"],
    ]);
  });

  it("reuses an expired lease's address for a new MAC", () => {
    const clock = new ManualClock();
    const dhcp = new DhcpServer(clock, "10.0.0.10", "10.0.0.10", 60);
    dhcp.lease("aa", "a");
    clock.advance(61_000);
    expect(dhcp.lease("bb", "b")?.ip).toBe("10.0.0.10");
    expect(dhcp.table().map((l) => l.mac)).toEqual(["bb"]);
  });

  it("gives a remembered device its address again, whichever comes first; a new device may take it while the owner is away", () => {
    const dhcp = new DhcpServer(new ManualClock(), "10.0.0.10", "10.0.0.12", 3600);
    dhcp.remember("server", "s");
    dhcp.remember("client", "c");
    expect(dhcp.table()).toEqual([]); // not leased until asked for
    expect(dhcp.lease("client", "c")?.ip).toBe("10.0.0.11");
    expect(dhcp.lease("phone", "p")?.ip).toBe("10.0.0.10");
    expect(dhcp.lease("server", "s")?.ip).toBe("10.0.0.12");
  });
});
