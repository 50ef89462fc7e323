/** Telnet's framing (RFC 854/855), as much as RFC 2217 needs: data, option negotiation, subnegotiation. */
export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const SE = 240;

export type TelnetEvent =
  | { kind: "data"; data: Uint8Array }
  | { kind: "negotiate"; verb: number; option: number }
  | { kind: "subnegotiate"; option: number; body: Uint8Array };

/** Splits a Telnet byte stream into data and commands; keeps its state across chunks. */
export class TelnetDecoder {
  private state: "data" | "iac" | "verb" | "sb" | "sb-iac" = "data";
  private verb = 0;
  private sub: number[] = [];

  decode(chunk: Uint8Array): TelnetEvent[] {
    const events: TelnetEvent[] = [];
    let data: number[] = [];
    const flush = () => {
      if (data.length) events.push({ kind: "data", data: Uint8Array.from(data) });
      data = [];
    };
    for (const byte of chunk) {
      switch (this.state) {
        case "data":
          if (byte === IAC) this.state = "iac";
          else data.push(byte);
          break;
        case "iac":
          if (byte === IAC) {
            data.push(IAC); // an escaped 0xFF
            this.state = "data";
          } else if (byte === SB) {
            this.sub = [];
            this.state = "sb";
          } else if (byte >= WILL && byte <= DONT) {
            this.verb = byte;
            this.state = "verb";
          } else this.state = "data"; // NOP, GA, BRK, …: nothing for a serial port to do
          break;
        case "verb":
          flush();
          events.push({ kind: "negotiate", verb: this.verb, option: byte });
          this.state = "data";
          break;
        case "sb":
          if (byte === IAC) this.state = "sb-iac";
          else this.sub.push(byte);
          break;
        case "sb-iac":
          if (byte === IAC) {
            this.sub.push(IAC);
            this.state = "sb";
          } else {
            // IAC SE ends it (anything else after IAC inside SB is malformed: end it there too)
            flush();
            if (this.sub.length) events.push({ kind: "subnegotiate", option: this.sub[0]!, body: Uint8Array.from(this.sub.slice(1)) });
            this.state = "data";
          }
          break;
      }
    }
    flush();
    return events;
  }
}

/** Data for the wire: every 0xFF doubled. */
export function escapeIac(data: Uint8Array): Uint8Array {
  if (!data.includes(IAC)) return data;
  const out: number[] = [];
  for (const byte of data) {
    out.push(byte);
    if (byte === IAC) out.push(IAC);
  }
  return Uint8Array.from(out);
}
