import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { batchedWriter, drained } from "./stdio.ts";

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

  it("holds at most the stream's high-water mark plus one batch while the stream takes nothing, a short line per turn", async () => {
    // A stalled reader (a pipe nobody reads): every chunk the stream is given stays with it.
    const held: Uint8Array[] = [];
    const out = new Writable({ highWaterMark: 1024, write: () => {} });
    const write = out.write.bind(out) as (chunk: Uint8Array | string) => boolean;
    out.write = ((chunk: Uint8Array | string) => (typeof chunk !== "string" && held.push(chunk), write(chunk))) as typeof out.write;
    const stdout = batchedWriter(out);
    for (let line = 0; line < 10_000; line++) {
      const full = line % 2 === 0 ? stdout(`line ${line}\n`) : stdout.bytes(Buffer.from(`line ${line}\n`));
      if (full) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    stdout.flush();
    const bytes = [...new Set(held.map((chunk) => chunk.buffer))].reduce((sum, buffer) => sum + buffer.byteLength, 0);
    expect(out.writableLength).toBeGreaterThanOrEqual(1024);
    expect(bytes).toBeLessThanOrEqual(1024 + (1 << 16));
  });
});

describe("drained", () => {
  // The race behind a rare exit code 0 after a traceback (test/console-stdio.test.ts, a reader that
  // starts late): the last write, shorter than the high-water mark, waited on a full pipe; no 'drain'
  // follows such a write, so drained() never resolved and Node, with nothing else to wait for, ended
  // the process with 0 once the pipe took it.
  it("resolves once a last short write that waited on a full pipe is taken", async () => {
    let reading = false;
    const waiting: (() => void)[] = [];
    const out = new Writable({ write: (_chunk, _encoding, done) => (reading ? done() : waiting.push(done)) });
    out.write("ValueError: late\n");
    const outcome = drained(out).then(() => "drained");
    reading = true; // the reader starts: the pipe takes what waited, and what comes after at once
    waiting.splice(0).forEach((done) => done());
    const turnEnd = new Promise((resolve) => setImmediate(() => resolve("still waiting")));
    expect(await Promise.race([outcome, turnEnd])).toBe("drained");
    expect(out.writableLength).toBe(0);
  });
});
