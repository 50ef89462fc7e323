import path from "node:path";
import { build, type BuildFailure, type Plugin } from "esbuild";
import { TraceMap } from "@jridgewell/trace-mapping";
import { insertCatchHooks } from "./catch-hooks.ts";
import { insertLoopTicks } from "./loop-ticks.ts";

/** Modules the board provides; everything else a script imports must be its own file. */
export const GUEST_MODULES = ["network", "socket", "time", "config", "mpython"] as const;

export interface CompiledScript {
  /** ES module code for the sandbox. */
  code: string;
  /** Maps the code back to the script's own TS/JS lines, for tracebacks. */
  map: TraceMap;
  /** Absolute path of the entry file, as the source map names it. */
  sourcePath: string;
  /** The name tracebacks show for the entry file. */
  displayName: string;
}

/**
 * Only code joins the bundle. esbuild would also inline .json and .txt files, letting a script
 * carry any such file of the PC into the sandbox; a board script reads no PC files.
 */
const CODE_ONLY: Plugin = {
  name: "boardsim-code-only",
  setup(b) {
    b.onLoad({ filter: /.*/ }, (args) =>
      /\.(m|c)?[jt]sx?$/.test(args.path) ? undefined : { errors: [{ text: `cannot import ${args.path}: a board script imports only .ts and .js files` }] },
    );
  },
};

/** A script that cannot run: unreadable, or a syntax or type-stripping error. Carries file:line:col. */
export class ScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScriptError";
  }
}

/** Bundles a .ts/.js script and the files it imports into one module for the sandbox. */
export async function compileScript(file: string, displayName = path.relative(process.cwd(), file)): Promise<CompiledScript> {
  const outfile = path.join(path.dirname(file), "__boardsim_out.js");
  try {
    const result = await build({
      entryPoints: [file],
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2020",
      write: false,
      sourcemap: "external",
      sourcesContent: false,
      outfile,
      external: [...GUEST_MODULES],
      plugins: [CODE_ONLY],
      logLevel: "silent",
      charset: "utf8",
    });
    const code = result.outputFiles.find((f) => f.path.endsWith(".js"))!.text;
    const map = result.outputFiles.find((f) => f.path.endsWith(".map"))!.text;
    return { code: insertCatchHooks(insertLoopTicks(code)), map: new TraceMap(map, outfile), sourcePath: path.resolve(file), displayName };
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    const first = failure.errors?.[0];
    if (!first) throw error;
    const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : "";
    throw new ScriptError(`${where}${first.text}`);
  }
}
