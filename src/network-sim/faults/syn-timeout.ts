import { connectFault } from "./fault.ts";

/** The SYNs go unanswered: ECONNABORTED after the board's SYN retries (18.5 s), or ETIMEDOUT with settimeout(). */
export const synTimeout = connectFault("syn_timeout", "no_answer", "SYNs unanswered: ECONNABORTED after the board's SYN retries, or ETIMEDOUT");
