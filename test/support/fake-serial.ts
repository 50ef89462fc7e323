import type { SerialDevice } from "../../src/emulator/serial-device.ts";

/**
 * A stand-in for a board's console port, for testing transports before and apart from the REPL:
 * it echoes every byte it receives (as the friendly REPL echoes typed keys), answers Ctrl-A with
 * the raw REPL's greeting, records control-line changes and `setOutputReady` calls, and lets a
 * test print (`print`) and see whether the board would be blocked (`ready`).
 */
export class FakeSerial implements SerialDevice {
  readonly received: number[] = [];
  readonly controlLines: { dtr?: boolean; rts?: boolean }[] = [];
  ready = true;
  private readonly listeners = new Set<(data: Uint8Array) => void>();
  private readonly readyWaiters: (() => void)[] = [];
  private readonly receiveWaiters: (() => void)[] = [];

  write(data: Uint8Array): void {
    this.received.push(...data);
    for (const wake of this.receiveWaiters.splice(0)) wake();
    if (data.includes(0x01)) this.print("raw REPL; CTRL-B to exit\r\n>");
    else this.print(data);
  }

  onOutput(listener: (data: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setControlLines(lines: { dtr?: boolean; rts?: boolean }): void {
    this.controlLines.push(lines);
  }

  setOutputReady(ready: boolean): void {
    this.ready = ready;
    if (ready) for (const wake of this.readyWaiters.splice(0)) wake();
  }

  /** What the board prints. */
  print(data: Uint8Array | string): void {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    for (const listener of this.listeners) listener(bytes);
  }

  /** Prints `total` bytes in chunks, waiting whenever the transport says it is not ready (as a board's print blocks). */
  async printBlocking(total: number, chunk = 4096, fill = 0x61): Promise<void> {
    for (let sent = 0; sent < total; sent += chunk) {
      while (!this.ready) await new Promise<void>((wake) => this.readyWaiters.push(wake));
      this.print(new Uint8Array(Math.min(chunk, total - sent)).fill(fill));
    }
  }

  /** Resolves once the PC has sent `text`. */
  async receivedText(text: string): Promise<void> {
    while (!this.text().includes(text)) await new Promise<void>((wake) => this.receiveWaiters.push(wake));
  }

  text(): string {
    return Buffer.from(this.received).toString("latin1");
  }
}
