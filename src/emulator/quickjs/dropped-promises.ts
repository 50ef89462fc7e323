import { parse } from "acorn";
import type { Expression, Node } from "acorn";
import { simple } from "acorn-walk";
import { applyInsertions, moduleStart, unusedName, type Insertion } from "./source-edits.ts";

/** The script's own holder of a statement's value while it is looked at: a variable of its module, by a name it does not use (as loop-ticks.ts's counter). */
const HOLDER = "__value";

/**
 * Hands what every call statement gives (`main();`, `Promise.reject(e);`, `p.then(f);`,
 * `new Promise(...);`, `void f();`) to `dropped` (the guest library's `__dropped`, by the name
 * guest-hooks.ts gives it) when it is an object: the statement drops it, so if it is a promise that
 * rejects, nothing in the script can ever handle that (guest/dropped.ts reports it). QuickJS tells
 * of such rejections only through a tracker the pinned build neither sets nor exposes
 * (docs/compatibility.md). Only objects reach the hook: most call statements (print, send,
 * sleep) give undefined, a number or None (null), and the check costs them ≈ 0.07 µs; one whose
 * value is an object (`map.set(k, v);`) ≈ 0.34 µs, the hook's call and its prototype-chain walk
 * (QuickJS's release build, 1-2 M statements in a loop, medians of 7, load 3.5-3.9). A promise the
 * script keeps in a variable and never awaits stays unseen. Nothing is added on new lines, so
 * source-map line numbers stay right.
 */
export function insertDroppedChecks(code: string, dropped: string): string {
  const ast = parse(code, { ecmaVersion: "latest", sourceType: "module", allowHashBang: true });
  const holder = unusedName(code, HOLDER);
  const edits: Insertion[] = [];
  const check = (value: Node, before = "", after = "") => {
    edits.push({ at: value.start, text: `${before}typeof(${holder}=` }, { at: value.end, text: `)==="object"&&${holder}!==null&&${dropped}(${holder})${after}` });
  };
  simple(ast, {
    ExpressionStatement(node) {
      const value = node.expression;
      if (callOrNew(value)) check(value);
      // `void f()` drops f's promise too; its own value is undefined.
      else if (value.type === "UnaryExpression" && value.operator === "void" && callOrNew(value.argument)) check(value.argument, "(", ")");
    },
  });
  if (edits.length === 0) return code;
  edits.push({ at: moduleStart(code), text: `let ${holder};` });
  return applyInsertions(code, edits);
}

/** A call (`super()` aside: it gives the object being made) or `new`, optional chains included. */
function callOrNew(value: Expression): boolean {
  if (value.type === "ChainExpression") return value.expression.type === "CallExpression";
  return (value.type === "CallExpression" && value.callee.type !== "Super") || value.type === "NewExpression";
}
