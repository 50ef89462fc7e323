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

  it("hands out again the lowest address given back, declined or run out, below addresses leased since", () => {
    const clock = new ManualClock();
    const dhcp = new DhcpServer(clock, "10.0.0.10", "10.0.0.13", 60);
    for (const mac of ["a", "b", "c"]) dhcp.lease(mac, mac);
    dhcp.release("b");
    expect(dhcp.lease("d", "d")?.ip).toBe("10.0.0.11");
    dhcp.decline("a", "10.0.0.10");
    expect(dhcp.lease("e", "e")?.ip).toBe("10.0.0.13");
    expect(dhcp.lease("f", "f")).toBeNull();
    clock.advance(30_000);
    dhcp.lease("c", "c"); // renewed: in force after the others run out
    clock.advance(31_000);
    expect(dhcp.lease("g", "g")?.ip).toBe("10.0.0.10");
    expect(dhcp.lease("h", "h")?.ip).toBe("10.0.0.11");
    expect(dhcp.lease("i", "i")?.ip).toBe("10.0.0.13");
    expect(dhcp.table().map((l) => [l.mac, l.ip])).toEqual([
      ["g", "10.0.0.10"],
      ["h", "10.0.0.11"],
      ["c", "10.0.0.12"],
      ["i", "10.0.0.13"],
    ]);
  });

  it("remembers devices at the lowest unbound addresses, also one given back", () => {
    const dhcp = new DhcpServer(new ManualClock(), "10.0.0.10", "10.0.0.12", 3600);
    dhcp.lease("a", "a");
    dhcp.remember("r1", "r1");
    dhcp.release("a");
    dhcp.remember("r2", "r2");
    dhcp.remember("r3", "r3");
    expect(dhcp.lease("r2", "r2")?.ip).toBe("10.0.0.10");
    expect(dhcp.lease("r1", "r1")?.ip).toBe("10.0.0.11");
    expect(dhcp.lease("r3", "r3")?.ip).toBe("10.0.0.12");
  });
});
