import { defineConfig } from "vitest/config";

export default defineConfig({
  // Tests run the library's sources; test/packaging.test.ts runs the built package as users install it.
  resolve: {
    alias: {
      "boardsim/testing": new URL("./src/testing/index.ts", import.meta.url).pathname,
      "boardsim/vitest": new URL("./src/testing/vitest.ts", import.meta.url).pathname,
    },
  },
  test: {
    include: ["src/**/*.spec.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/temp-root.ts", "test/support/worker-bundle.ts"],
    // Timeouts only catch hangs, never measure speed: the machine is shared, and at a load average of
    // 28 on 2 cores a .py test that takes 5 s alone took over 30 s (the 5-run check of issue 13).
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
