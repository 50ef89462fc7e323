import { parse } from "acorn";
import { simple } from "acorn-walk";
import { applyInsertions, type Insertion } from "./source-edits.ts";

/**
 * Wraps every loop body in `{__tick(); …}` so a busy loop still hands the event loop a turn:
 * timers fire, sockets move, and Ctrl-C reaches the script as KeyboardInterrupt. Nothing is
 * added on new lines, so source-map line numbers stay right.
 */
export function insertLoopTicks(code: string): string {
  const ast = parse(code, { ecmaVersion: "latest", sourceType: "module" });
  const edits: Insertion[] = [];
  const wrap = (node: { body: { start: number; end: number } }) => {
    edits.push({ at: node.body.start, text: "{__tick();" }, { at: node.body.end, text: "}" });
  };
  simple(ast, {
    WhileStatement: wrap,
    DoWhileStatement: wrap,
    ForStatement: wrap,
    ForInStatement: wrap,
    ForOfStatement: wrap,
  });
  return applyInsertions(code, edits);
}
