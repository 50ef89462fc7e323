import { parse } from "acorn";
import { simple } from "acorn-walk";
import { applyInsertions, type Insertion } from "./source-edits.ts";

/**
 * Starts every `catch (e) {` body with `e = caught(e);` (the guest library's `__caught`, by the name
 * guest-hooks.ts gives it), so a script catches the engine's own
 * failures as the board's Python exceptions (QuickJS's "out of memory" as MemoryError). Nothing is
 * added on new lines, so source-map line numbers stay right.
 */
export function insertCatchHooks(code: string, caught: string): string {
  const ast = parse(code, { ecmaVersion: "latest", sourceType: "module" });
  const edits: Insertion[] = [];
  simple(ast, {
    CatchClause(node) {
      if (node.param?.type !== "Identifier") return;
      const name = node.param.name;
      edits.push({ at: node.body.start + 1, text: `${name} = ${caught}(${name});` });
    },
  });
  return applyInsertions(code, edits);
}
