const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * boardsim's one duration grammar (--timeout, fault specs, lab files): a number with a unit, ms, s,
 * m or h (`250ms`, `30s`, `1.5m`, `2h`); a bare number is seconds, as for GNU timeout and sleep.
 * Milliseconds, or null when invalid.
 */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return null;
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? "s"]!;
  return Number.isFinite(ms) ? ms : null;
}
