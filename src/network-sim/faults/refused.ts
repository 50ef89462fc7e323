import { connectFault } from "./fault.ts";

/** Nothing listens: the SYN is answered with RST; lwIP raises ECONNRESET (all three stacks, facts §4.3). */
export const refused = connectFault("refused", "refused", "connect() is answered with RST: ECONNRESET");
