/** MicroPython's sys module, as far as a TS script uses it: the board's identity (py/modsys.c). */
import { boardInfo } from "./host.ts";

const { port } = boardInfo;

export default {
  platform: port.platform,
  version: `3.4.0; MicroPython ${port.version}`,
  implementation: { name: "micropython", version: [...port.release.split(".").map(Number), ""], _machine: port.machine, _mpy: port.mpy },
};
