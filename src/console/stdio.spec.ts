import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { batchedWriter } from "./stdio.ts";

/** A stream that keeps every byte written to it, and how many writes brought them. */
function collector() {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { out, text: () => Buffer.concat(chunks).toString("utf8"), writes: () => chunks.length };
}

describe("batchedWriter", () => {
  it("writes text and lent bytes in order, as one write per turn, copying the bytes before it returns", async () => {
    const { out, text, writes } = collector();
    const stdout = batchedWriter(out);
    const lent = Buffer.from("b'\\x00ok'\n");
    stdout("tcp waiting...\n");
    stdout.bytes(lent);
    lent.fill(0x21); // the console's lender writes its next line over the same buffer
    stdout("é ✓\n");
    await new Promise((resolve) => setImmediate(resolve));
    expect(text()).toBe("tcp waiting...\nb'\\x00ok'\né ✓\n");
    expect(writes()).toBe(1);
  });

  it("keeps the order around a text longer than one batch, and flush hands over what it holds", () => {
    const { out, text } = collector();
    const stdout = batchedWriter(out);
    const long = "x".repeat(70_000) + "\n";
    stdout.bytes(Buffer.from("first\n"));
    stdout(long);
    stdout.bytes(Buffer.from("last\n"));
    stdout.flush();
    expect(text()).toBe("first\n" + long + "last\n");
  });
});
