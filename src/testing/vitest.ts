/**
 * boardsim/vitest: boardsim/testing plus the vitest matchers toHavePrinted and toShowOnOled
 * (`expect(board).toHavePrinted("...")`). boardsim/testing itself runs without vitest.
 */
import "./matchers.ts";

export * from "./index.ts";
