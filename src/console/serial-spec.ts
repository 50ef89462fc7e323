/** Where a board's console is (`--serial`, lab files' `serial:`). */
export type SerialSpec = { kind: "stdio" } | { kind: "pty"; link?: string } | { kind: "rfc2217"; port: number };

/** "stdio", "pty", "pty:PATH", "rfc2217:PORT" (0: a free port) → the spec; null when malformed. */
export function parseSerial(text: string): SerialSpec | null {
  if (text === "stdio") return { kind: "stdio" };
  if (text === "pty") return { kind: "pty" };
  if (text.startsWith("pty:") && text.length > 4) return { kind: "pty", link: text.slice(4) };
  const rfc = /^rfc2217:(\d{1,5})$/.exec(text);
  if (rfc && Number(rfc[1]) <= 65535) return { kind: "rfc2217", port: Number(rfc[1]) };
  return null;
}

export const SERIAL_USAGE = "stdio, pty, pty:PATH or rfc2217:PORT";
