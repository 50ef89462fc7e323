const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration as `--timeout` takes it: a positive number with an optional unit, ms, s, m or h
 * (`500ms`, `30s`, `1.5m`, `2h`); a bare number is seconds, as for GNU timeout. Null when invalid.
 */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return null;
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? "s"]!;
  return ms > 0 && Number.isFinite(ms) ? ms : null;
}
