// Worker entry: loads the TypeScript worker through tsx, as bin/boardsim.js does for the CLI, or the
// bundle of it that the test run made from the same sources (test/support/worker-bundle.ts).
import { pathToFileURL } from "node:url";

const bundle = process.env.BOARDSIM_WORKER_BUNDLE;
if (bundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./worker.ts");
}
