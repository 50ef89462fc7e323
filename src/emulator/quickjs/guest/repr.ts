/** MicroPython's str() and repr() for the values a script prints. */
import { TUPLE } from "./exceptions.ts";
import { native } from "./host.ts";

export function str(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.message;
  const custom = (value as { __str__?: () => string } | null)?.__str__;
  if (typeof custom === "function") return custom.call(value);
  return repr(value);
}

export function repr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return native("quote", value);
  if (value instanceof Uint8Array) return native("quote", value);
  if (typeof value === "function") return `<function ${value.name || "<lambda>"}>`;
  const custom = (value as { __repr__?: () => string }).__repr__;
  if (typeof custom === "function") return custom.call(value);
  if (value instanceof Error) return `${value.name}(${(value as { args?: unknown[] }).args?.map(repr).join(", ") ?? repr(value.message)})`;
  if (Array.isArray(value)) {
    const items = value.map(repr);
    if ((value as { [TUPLE]?: boolean })[TUPLE]) return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
    return `[${items.join(", ")}]`;
  }
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(", ")}}`;
  if (value instanceof Set) return value.size === 0 ? "set()" : `{${[...value].map(repr).join(", ")}}`;
  return `{${Object.entries(value as object).map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(", ")}}`;
}

/**
 * Numbers: integers as integers; other values as the boards' single-precision floats print,
 * like C's "%.7g" plus ".0" when that looks like an integer (py/objfloat.c).
 */
function formatNumber(n: number): string {
  if (Number.isInteger(n)) return Object.is(n, -0) ? "0" : n.toFixed(0);
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  const exponent = Number(n.toExponential(6).split("e")[1]);
  if (exponent < -4 || exponent >= 7) {
    const [mantissa, exp] = n.toExponential(6).split("e") as [string, string];
    const sign = exp.startsWith("-") ? "-" : "+";
    return `${trimZeros(mantissa)}e${sign}${exp.replace(/^[-+]/, "").padStart(2, "0")}`;
  }
  const text = trimZeros(n.toFixed(Math.max(0, 6 - exponent)));
  return text.includes(".") ? text : `${text}.0`;
}

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}
