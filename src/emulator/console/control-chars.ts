/**
 * The control characters the firmware's console treats as keys (shared/runtime/pyexec.c CHAR_CTRL_*):
 * Ctrl-A raw REPL, Ctrl-B friendly REPL, Ctrl-C interrupt, Ctrl-D soft reset / end of input,
 * Ctrl-E paste mode.
 */
export const CTRL_A = 0x01;
export const CTRL_B = 0x02;
export const CTRL_C = 0x03;
export const CTRL_D = 0x04;
export const CTRL_E = 0x05;
