/** A piece of text to insert at an offset of a source. */
export interface Insertion {
  at: number;
  text: string;
}

/** Applies insertions from the end backwards, so earlier offsets stay valid. */
export function applyInsertions(code: string, insertions: Insertion[]): string {
  let out = code;
  for (const { at, text } of [...insertions].sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at);
  return out;
}

/** `name`, with "_" added until no part of `code` holds it: a name the code can neither declare nor hide. */
export function unusedName(code: string, name: string): string {
  while (code.includes(name)) name += "_";
  return name;
}

/** Where code goes at the top of a module: after a `#!` line. */
export function moduleStart(code: string): number {
  return code.startsWith("#!") ? code.indexOf("\n") + 1 : 0;
}
