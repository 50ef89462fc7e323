import type { FaultType } from "./fault.ts";

/**
 * The access point no longer takes the key the boards have (its password was changed, or the
 * script's is mistyped): joining fails with the board's wrong-password status.
 */
export const wrongPassword: FaultType = {
  name: "wrong_password",
  kind: "wifi",
  summary: "the AP rejects the boards' key (its password changed)",
  params: {},
  create: () => ({
    start: (scope) => {
      const changed = scope.accessPoints().map((ap) => [ap, ap.config.password] as const);
      for (const [ap] of changed) ap.config.password = "\u0000boardsim: changed by the wrong_password fault";
      return () => changed.forEach(([ap, password]) => (ap.config.password = password));
    },
  }),
};
