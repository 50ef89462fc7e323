import type { SerialDevice } from "../emulator/serial-device.ts";

/**
 * Sends the board's output to `out`, pausing the board's prints while `out` holds more than its
 * high-water mark (a slow terminal, a full pipe), as a real board's USB CDC print waits for the PC.
 * Memory stays bounded by that mark plus one print. Returns the function that stops forwarding.
 */
export function forwardOutput(device: SerialDevice, out: NodeJS.WritableStream, encode: (data: Uint8Array) => Uint8Array = (d) => d): () => void {
  let paused = false;
  const resume = () => {
    if (!paused) return;
    paused = false;
    device.setOutputReady(true);
  };
  const unsubscribe = device.onOutput((data) => {
    if (out.write(encode(data)) || paused) return;
    paused = true;
    device.setOutputReady(false);
    out.once("drain", resume);
  });
  return () => {
    unsubscribe();
    out.off("drain", resume);
    resume();
  };
}
