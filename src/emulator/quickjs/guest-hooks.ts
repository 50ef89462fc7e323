import { insertCatchHooks } from "./catch-hooks.ts";
import { insertDroppedChecks } from "./dropped-promises.ts";
import { insertLoopTicks } from "./loop-ticks.ts";
import { moduleStart, unusedName } from "./source-edits.ts";

/** The guest library's hooks (guest/index.ts), as globals. */
const TICK = "__tick";
const CAUGHT = "__caught";
const DROPPED = "__dropped";

/**
 * The script with its calls of the guest library's hooks: `__tick` in its loops (loop-ticks.ts),
 * `__caught` at the top of its catch blocks (catch-hooks.ts), `__dropped` for the value of its
 * call statements (dropped-promises.ts; first, so the other hooks' own calls are left out). A
 * script that declares any such name itself would hide the library's (its busy loops never
 * polled: Ctrl-C waited for the 2 s slice).
 * Such a script calls the hook by a name it does not hold, bound at the top of its module to the
 * global: a Function's body is compiled in the global scope, where the module's declarations do not
 * reach, and `({}).constructor.constructor` is Function by no name a script could declare. On the
 * module's first line, so source-map lines stay right; scripts without the names are unchanged.
 */
export function insertGuestHooks(code: string): string {
  const tick = unusedName(code, TICK);
  const caught = unusedName(code, CAUGHT);
  const dropped = unusedName(code, DROPPED);
  const prelude = [[tick, TICK], [caught, CAUGHT], [dropped, DROPPED]]
    .filter(([alias, hook]) => alias !== hook)
    .map(([alias, hook]) => `const ${alias}=({}).constructor.constructor("return ${hook}")();`)
    .join("");
  const hooked = insertCatchHooks(insertLoopTicks(insertDroppedChecks(code, dropped), tick), caught);
  const start = moduleStart(hooked);
  return hooked.slice(0, start) + prelude + hooked.slice(start);
}
