import { parse } from "acorn";
import { simple } from "acorn-walk";
import { applyInsertions, type Insertion } from "./source-edits.ts";

/**
 * Starts every `catch (e) {` body with `e = __caught(e);`, so a script catches the engine's own
 * failures as the board's Python exceptions (QuickJS's "out of memory" as MemoryError). Nothing is
 * added on new lines, so source-map line numbers stay right.
 */
export function insertCatchHooks(code: string): string {
  const ast = parse(code, { ecmaVersion: "latest", sourceType: "module" });
  const edits: Insertion[] = [];
  simple(ast, {
    CatchClause(node) {
      if (node.param?.type !== "Identifier") return;
      const name = node.param.name;
      edits.push({ at: node.body.start + 1, text: `${name} = __caught(${name});` });
    },
  });
  return applyInsertions(code, edits);
}
