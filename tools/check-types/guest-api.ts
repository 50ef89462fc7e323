// Checks types/boardsim.d.ts against the TS guest library (src/emulator/quickjs/guest), so the
// types scripts are written against cannot drift from what the board runs (npm run typecheck).
import type declaredMpython from "mpython";
import type declaredNetwork from "network";
import type declaredSocket from "socket";
import type declaredTime from "time";
import mpython from "../../src/emulator/quickjs/guest/mpython.ts";
import network from "../../src/emulator/quickjs/guest/network.ts";
import socket from "../../src/emulator/quickjs/guest/socket.ts";
import time from "../../src/emulator/quickjs/guest/time.ts";

/** Python's own members (__repr__) are not part of the API. */
type Api<T> = Exclude<keyof T, `__${string}`>;
/** The same names on both sides: nothing declared that the guest lacks, nothing the guest has undeclared. */
type SameKeys<A, B> = [Exclude<Api<A>, Api<B>>, Exclude<Api<B>, Api<A>>] extends [never, never] ? true : { onlyIn: [Exclude<Api<A>, Api<B>>, Exclude<Api<B>, Api<A>>] };
const same = <T extends true>(_: T) => {};

// Each module is what its declaration says it is ...
time satisfies typeof declaredTime;
network satisfies typeof declaredNetwork;
socket satisfies typeof declaredSocket;
mpython satisfies typeof declaredMpython;
// ... and has no more and no fewer members than declared, down to the objects scripts get from it.
same<SameKeys<typeof time, typeof declaredTime>>(true);
same<SameKeys<ReturnType<typeof mpython.wifi>, ReturnType<typeof declaredMpython.wifi>>>(true);
same<SameKeys<typeof mpython.oled, typeof declaredMpython.oled>>(true);
same<SameKeys<ReturnType<typeof network.WLAN>, ReturnType<typeof declaredNetwork.WLAN>>>(true);
same<SameKeys<ReturnType<typeof socket.socket>, ReturnType<typeof declaredSocket.socket>>>(true);
