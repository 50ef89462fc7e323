import { parse } from "acorn";
import { simple } from "acorn-walk";
import { applyInsertions, moduleStart, unusedName, type Insertion } from "./source-edits.ts";

/**
 * The script's own loop counter: a variable of its module, so that counting is a few bytecodes in
 * the interpreter (a call of `__tick` at every iteration cost ≈ 0.5 µs, ≈ 2.5 % of a chapter
 * server's chunk). Its name is one the script does not use (unusedName): a script's own
 * `__ticks` would not compile beside it, or a local one would be counted.
 */
const COUNTER = "__ticks";
/** Iterations between two calls of the guest library's `__tick` (guest/index.ts). */
const EVERY = 64;

/**
 * Starts every loop body with a count that calls `tick()` (the guest library's `__tick`, by the
 * name guest-hooks.ts gives it) every EVERY iterations, so a busy loop
 * still hands the event loop a turn: timers fire, sockets move, and Ctrl-C reaches the script as
 * KeyboardInterrupt. The counter is declared before the module's first statement (after a
 * `#!` line); nothing is added on new lines, so source-map line numbers stay right. `let`, not
 * `var`: with `var` a board started from a script template (script-snapshots.ts) had room for one
 * more 256-byte array than the board that compiled the script (script-snapshots.spec.ts).
 */
export function insertLoopTicks(code: string, tick: string): string {
  const ast = parse(code, { ecmaVersion: "latest", sourceType: "module", allowHashBang: true });
  const edits: Insertion[] = [];
  const counter = unusedName(code, COUNTER);
  const wrap = (node: { body: { start: number; end: number } }) => {
    edits.push({ at: node.body.start, text: `{if(++${counter}===${EVERY}){${counter}=0;${tick}();}` }, { at: node.body.end, text: "}" });
  };
  simple(ast, {
    WhileStatement: wrap,
    DoWhileStatement: wrap,
    ForStatement: wrap,
    ForInStatement: wrap,
    ForOfStatement: wrap,
  });
  if (edits.length === 0) return code;
  edits.push({ at: moduleStart(code), text: `let ${counter}=0;` });
  return applyInsertions(code, edits);
}
