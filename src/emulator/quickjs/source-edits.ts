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
