import { describe, expect, it } from "vitest";
import { ip4addrAton } from "./netutils.ts";

describe("ip4addrAton: lwIP's ipaddr_aton, the BSD inet_aton forms", () => {
  it("reads a.b.c.d, a.b.c, a.b and a, in decimal, octal and hex, with trailing white space", () => {
    expect(ip4addrAton("192.168.1.2")).toBe("192.168.1.2");
    expect(ip4addrAton("127.1")).toBe("127.0.0.1");
    expect(ip4addrAton("10.1.258")).toBe("10.1.1.2");
    expect(ip4addrAton("3232235778")).toBe("192.168.1.2");
    expect(ip4addrAton("0x7f.010.0.1")).toBe("127.8.0.1");
    expect(ip4addrAton("1.2.3.4 and more")).toBe("1.2.3.4");
  });
  it("refuses names, five parts, a part too big for its place and trailing characters", () => {
    for (const text of ["example.com", "1.2.3.4.5", "1.2.3.256", "256.1.1", "1.2.3.4x", "", ".1.2.3", "1..2"]) expect(ip4addrAton(text), text).toBeNull();
  });
});
