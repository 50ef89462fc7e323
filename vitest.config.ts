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
    globalSetup: ["test/support/temp-root.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
