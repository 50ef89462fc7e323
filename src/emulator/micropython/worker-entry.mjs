// Worker entry: loads the TypeScript worker through tsx, as bin/boardsim.js does for the CLI.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
