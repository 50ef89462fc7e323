/**
 * The list Tab prints after "import " in the firmware's order.
 *
 * py/repl.c (v1.23.0 157-237) prints the matching module names in qstr order: on the board every
 * module name is in its ROM pools, the static list first (py/makeqstrdata.py:58-224, which holds
 * __main__, builtins, micropython) and then the rest sorted by value (:413-418). Here the
 * interpreter's ROM holds only some of them and the library interned the others at start-up, after
 * all of them: `import s<Tab>` listed select, struct, sys, socket where the board lists select,
 * socket, struct, sys. The words are the same; only their order and so their layout change.
 */
import { qstrOrder } from "../../boards/qstr-order.ts";

/** print_completions' layout (py/repl.c v1.23.0:208-237): 16-column slots, lines of at most 64. */
const WORD_SLOT_LEN = 16;
const MAX_LINE_LEN = 4 * WORD_SLOT_LEN;

/** The words as print_completions lays them out, each line after a newline, the last line ended by one. */
function layOut(words: readonly string[], newline: string): string {
  let text = "";
  let lineLen = MAX_LINE_LEN; // a newline before the first word
  for (const word of words) {
    let gap = Math.ceil(lineLen / WORD_SLOT_LEN) * WORD_SLOT_LEN - lineLen;
    if (gap < 2) gap += WORD_SLOT_LEN;
    if (lineLen + gap + word.length <= MAX_LINE_LEN) {
      text += " ".repeat(gap) + word;
      lineLen += gap + word.length;
    } else {
      text += newline + word;
      lineLen = word.length;
    }
  }
  return text + newline;
}

/**
 * What the interpreter printed at a Tab (the webassembly port's stdout cooks "\n" to "\r\n"): a
 * list of completions after "import " (then the prompt and the line again,
 * shared/readline/readline.c:264-268) comes back with its words in the firmware's order;
 * anything else as it was.
 */
export function inFirmwareOrder(printed: string): string {
  const newline = printed.startsWith("\r\n") ? "\r\n" : "\n";
  const lines = printed.split(newline);
  const redrawn = lines.at(-1)!;
  if (lines.length < 3 || lines[0] !== "" || !/^(>>>|\.\.\.) import /.test(redrawn)) return printed;
  const words = lines.slice(1, -1).join(" ").split(" ").filter(Boolean);
  return layOut(words.sort(qstrOrder), newline) + redrawn;
}
