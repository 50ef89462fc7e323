/**
 * A board's console port (the UART / USB-CDC a real board's REPL sits on), as a byte stream.
 * The board side (src/emulator: REPL, boot, input()) implements it; transports (stdio, PTY,
 * RFC 2217, WebREPL) drive it. One instance per board, living across soft and hard resets.
 */
export interface SerialDevice {
  /** Bytes the PC sends (typed keys, mpremote's raw-REPL frames) → the board's stdin. */
  write(data: Uint8Array): void;
  /** Bytes the board prints. Returns the unsubscribe function. */
  onOutput(listener: (data: Uint8Array) => void): () => void;
  /**
   * USB-serial control lines. Boards with an auto-reset circuit (ESP32/ESP8266 dev boards:
   * DTR/RTS drive EN and IO0 through two transistors, as esptool expects) reset on the EN edge.
   */
  setControlLines(lines: { dtr?: boolean; rts?: boolean }): void;
  /**
   * Back-pressure from the transport: while it returns false the board's prints block (as a real
   * board's USB CDC does when the host stops reading) until `resume` listeners are called.
   */
  setOutputReady(ready: boolean): void;
}
