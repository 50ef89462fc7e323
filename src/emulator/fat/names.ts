/**
 * File names as FatFs makes and reads them (lib/oofatfs/ff.c create_name, gen_numname, put_lfn,
 * pick_lfn, cmp_lfn, get_fileinfo), with the ports' settings (ffconf.h): long names on
 * (FF_USE_LFN), code page 437, FF_LFN_UNICODE 0. With that setting the API's strings are OEM
 * bytes: MicroPython hands over a name's UTF-8 bytes, and FatFs takes each byte >= 0x80 as a
 * code page 437 character. So "é" (C3 A9) is stored as "├⌐" and read back as the same bytes.
 */

/** Code page 437, bytes 0x80..0xFF (ff_oem2uni's table for CP437). */
const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";
const UNI_TO_OEM = new Map([...CP437_HIGH].map((c, i) => [c.charCodeAt(0), 0x80 + i]));

// Name flags (ff.c NS_*) kept in fn[11].
export const NS_LOSS = 0x01, NS_LFN = 0x02, NS_LAST = 0x04, NS_BODY = 0x08, NS_EXT = 0x10, NS_DOT = 0x20, NS_NOLFN = 0x40, NS_NONAME = 0x80;
export const NSFLAG = 11;
export const MAX_LFN = 255;
const DDEM = 0xe5, RDDEM = 0x05;
/** Where an LFN entry keeps its 13 characters (ff.c LfnOfs). */
const LFN_OFS = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];
const LLEF = 0x40;

/** A path as FatFs's TCHAR string: the name's UTF-8 bytes, each taken as a code page 437 character (tchar2uni). */
export function pathUnits(path: string): number[] {
  return [...new TextEncoder().encode(path)].map((b) => (b < 0x80 ? b : CP437_HIGH.charCodeAt(b - 0x80)));
}

/** put_utf in OEM mode: a stored name back to the bytes MicroPython makes its str from; null if a character has no OEM code. */
export function unitsToName(units: readonly number[]): string | null {
  const bytes: number[] = [];
  for (const u of units) {
    const b = u < 0x80 ? u : UNI_TO_OEM.get(u);
    if (b === undefined || b === 0) return null;
    bytes.push(b);
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

/** ff_wtoupper. UNVERIFIED: FatFs's own up-case table; JavaScript's for one-character results. */
function wtoupper(u: number): number {
  const up = String.fromCharCode(u).toUpperCase();
  return up.length === 1 ? up.charCodeAt(0) : u;
}

/** ExCvt for CP437: an OEM byte's upper case. UNVERIFIED: derived from Unicode case (only the alias of a name with a long name shows it). */
function oemUpper(b: number): number {
  const up = UNI_TO_OEM.get(wtoupper(CP437_HIGH.charCodeAt(b - 0x80)));
  return up ?? b;
}

const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;

/** One segment of a path: its long name, its short name (fn[0..10]) and flags (fn[11]), and where the next segment starts. */
export interface Segment {
  lfn: number[];
  fn: Uint8Array;
  next: number;
}

/** create_name (ff.c:2799), the LFN configuration; null for FR_INVALID_NAME. */
export function createName(path: readonly number[], at: number): Segment | null {
  const lfn: number[] = [];
  let p = at;
  let wc = 0;
  for (;;) {
    wc = p < path.length ? path[p++]! : 0;
    if (wc < 0x20 || wc === 0x2f || wc === 0x5c) break;
    if (wc < 0x80 && '"*:<>?|\x7f'.includes(String.fromCharCode(wc))) return null;
    if (lfn.length >= MAX_LFN) return null;
    lfn.push(wc);
  }
  if (wc === 0x2f || wc === 0x5c) while (path[p] === 0x2f || path[p] === 0x5c) p++;
  let cf = wc < 0x20 ? NS_LAST : 0;
  const fn = new Uint8Array(12).fill(0x20);
  let di = lfn.length;
  if ((di === 1 && lfn[0] === 0x2e) || (di === 2 && lfn[0] === 0x2e && lfn[1] === 0x2e)) {
    for (let i = 0; i < di; i++) fn[i] = 0x2e;
    fn[NSFLAG] = cf | NS_DOT;
    return { lfn, fn, next: p };
  }
  while (di && (lfn[di - 1] === 0x20 || lfn[di - 1] === 0x2e)) di--;
  lfn.length = di;
  if (di === 0) return null;
  let si = 0;
  while (lfn[si] === 0x20) si++;
  if (si > 0 || lfn[si] === 0x2e) cf |= NS_LOSS | NS_LFN;
  while (di > 0 && lfn[di - 1] !== 0x2e) di--;
  let i = 0, b = 0, ni = 8;
  for (;;) {
    let c = si < lfn.length ? lfn[si++]! : (si++, 0);
    if (c === 0) break;
    if (c === 0x20 || (c === 0x2e && si !== di)) {
      cf |= NS_LOSS | NS_LFN;
      continue;
    }
    if (i >= ni || si === di) {
      if (ni === 11) {
        cf |= NS_LOSS | NS_LFN;
        break;
      }
      if (si !== di) cf |= NS_LOSS | NS_LFN;
      if (si > di) break;
      si = di;
      i = 8;
      ni = 11;
      b <<= 2;
      continue;
    }
    if (c >= 0x80) {
      cf |= NS_LFN;
      c = UNI_TO_OEM.get(c) ?? 0;
      if (c & 0x80) c = oemUpper(c);
    }
    if (c === 0 || "+,;=[]".includes(String.fromCharCode(c))) {
      c = 0x5f;
      cf |= NS_LOSS | NS_LFN;
    } else {
      if (isUpper(c)) b |= 2;
      if (isLower(c)) {
        b |= 1;
        c -= 0x20;
      }
    }
    fn[i++] = c;
  }
  if (fn[0] === DDEM) fn[0] = RDDEM;
  if (ni === 8) b <<= 2;
  if ((b & 0x0c) === 0x0c || (b & 0x03) === 0x03) cf |= NS_LFN;
  if (!(cf & NS_LFN)) {
    if (b & 0x01) cf |= NS_EXT;
    if (b & 0x04) cf |= NS_BODY;
  }
  fn[NSFLAG] = cf;
  return { lfn, fn, next: p };
}

/** gen_numname (ff.c:1952): NAME~N for the Nth try; a hash of the long name after 5. */
export function genNumname(src: Uint8Array, lfn: readonly number[], seq: number): Uint8Array {
  const dst = src.slice(0, 11);
  if (seq > 5) {
    let sr = seq;
    for (let wc of lfn) {
      for (let i = 0; i < 16; i++) {
        sr = (sr << 1) + (wc & 1);
        wc >>= 1;
        if (sr & 0x10000) sr ^= 0x11021;
      }
    }
    seq = sr >>> 0;
  }
  const ns = ("~" + seq.toString(16).toUpperCase()).split("").map((c) => c.charCodeAt(0));
  let j = 0;
  while (j < 8 - ns.length && dst[j] !== 0x20) j++;
  for (const c of ns) dst[j++] = c;
  while (j < 8) dst[j++] = 0x20;
  return dst;
}

/** sum_sfn (ff.c:2010): the checksum that ties long-name entries to their short-name entry. */
export function sumSfn(dir: Uint8Array): number {
  let sum = 0;
  for (let n = 0; n < 11; n++) sum = (((sum >> 1) | (sum << 7)) + dir[n]!) & 0xff;
  return sum;
}

/** put_lfn (ff.c:1915): the `ord`th piece of 13 characters into an LFN entry. */
export function putLfn(lfn: readonly number[], dir: Uint8Array, ord: number, sum: number): void {
  dir[13] = sum;
  dir[11] = 0x0f;
  dir[12] = 0;
  dir[26] = dir[27] = 0;
  let i = (ord - 1) * 13;
  let wc = 0;
  for (const ofs of LFN_OFS) {
    if (wc !== 0xffff) wc = i < lfn.length ? lfn[i++]! : (i++, 0);
    dir[ofs] = wc & 0xff;
    dir[ofs + 1] = wc >> 8;
    if (wc === 0) wc = 0xffff;
  }
  if (wc === 0xffff || i >= lfn.length) ord |= LLEF;
  dir[0] = ord;
}

const lfnChar = (dir: Uint8Array, ofs: number) => dir[ofs]! | (dir[ofs + 1]! << 8);

/** pick_lfn (ff.c:1877): an LFN entry's characters into `lfn`; false if the entry is broken. */
export function pickLfn(lfn: number[], dir: Uint8Array): boolean {
  if (lfnChar(dir, 26) !== 0) return false;
  let i = ((dir[0]! & ~LLEF) - 1) * 13;
  let wc = 1;
  for (const ofs of LFN_OFS) {
    const uc = lfnChar(dir, ofs);
    if (wc !== 0) {
      if (i >= MAX_LFN) return false;
      lfn[i++] = wc = uc;
    } else if (uc !== 0xffff) return false;
  }
  if (dir[0]! & LLEF) {
    if (i >= MAX_LFN) return false;
    lfn.length = i;
    const end = lfn.indexOf(0);
    if (end >= 0) lfn.length = end;
  }
  return true;
}

/** cmp_lfn (ff.c:1841): whether an LFN entry holds its piece of `lfn`, ignoring case. */
export function cmpLfn(lfn: readonly number[], dir: Uint8Array): boolean {
  if (lfnChar(dir, 26) !== 0) return false;
  let i = ((dir[0]! & 0x3f) - 1) * 13;
  let wc = 1;
  for (const ofs of LFN_OFS) {
    const uc = lfnChar(dir, ofs);
    if (wc !== 0) {
      const want = i < lfn.length ? lfn[i] : 0;
      i++;
      if (i > MAX_LFN || wtoupper(uc) !== wtoupper(want ?? 0)) return false;
      wc = uc;
    } else if (uc !== 0xffff) return false;
  }
  if (dir[0]! & LLEF && wc && i < lfn.length) return false;
  return true;
}

/** get_fileinfo's name (ff.c:2615): the long name if there is one, else the short one with the NT case flags. */
export function entryName(dir: Uint8Array, lfn: readonly number[] | null): string {
  if (lfn) {
    const name = unitsToName(lfn);
    if (name) return name;
  }
  const bytes: number[] = [];
  let lcf = 0x08; // NS_BODY
  for (let si = 0; si < 11; si++) {
    let c = dir[si]!;
    if (c === 0x20) continue;
    if (c === RDDEM) c = DDEM;
    if (si === 8) {
      bytes.push(0x2e);
      lcf = 0x10; // NS_EXT
    }
    if (isUpper(c) && dir[12]! & lcf) c += 0x20;
    bytes.push(c);
  }
  return bytes.length ? new TextDecoder().decode(Uint8Array.from(bytes)) : "?";
}
