import path from "node:path";
import { statSync } from "node:fs";
import type { BuildFailure, Plugin } from "esbuild";
import { TraceMap } from "@jridgewell/trace-mapping";
import { packageRoot } from "../../package-root.ts";

/** Modules the board provides; everything else a script imports must be its own file. */
export const GUEST_MODULES = ["network", "socket", "select", "time", "config", "mpython", "machine", "sys"] as const;

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

/** A compiled script and the files it was built from, each with its modification time and size then. */
interface CacheEntry {
  script: Promise<CompiledScript>;
  inputs: Map<string, string>;
}
/** Compiled scripts by entry file and display name: a lab of many boards compiles each script once. */
const compiled = new Map<string, CacheEntry>();

/** What a file looks like now, to tell whether it changed since it was compiled. */
function stamp(file: string): string {
  try {
    const { mtimeMs, size } = statSync(file);
    return `${mtimeMs}:${size}`;
  } catch {
    return "missing";
  }
}

/**
 * Bundles a .ts/.js script and the files it imports into one module for the sandbox. The result is
 * reused while none of those files has changed.
 */
export async function compileScript(file: string, displayName = path.relative(process.cwd(), file)): Promise<CompiledScript> {
  const prebuilt = typeof BOARDSIM_CHAPTER_SCRIPTS === "object" ? BOARDSIM_CHAPTER_SCRIPTS[path.relative(packageRoot(), path.resolve(file))] : undefined;
  if (prebuilt) return compiledScript(prebuilt, file, displayName);
  const key = `${path.resolve(file)}\0${displayName}`;
  const cached = compiled.get(key);
  if (cached && (await cached.script.then(() => true, () => false)) && [...cached.inputs].every(([input, then]) => stamp(input) === then)) {
    return cached.script;
  }
  const inputs = new Map<string, string>();
  const entry = { script: build(file, displayName, inputs), inputs };
  compiled.set(key, entry);
  return entry.script;
}

/** One esbuild run; records each file it reads in `inputs`, stamped as it reads it. */
async function build(file: string, displayName: string, inputs: Map<string, string>): Promise<CompiledScript> {
  try {
    return compiledScript(await bundleScript(file, (read) => inputs.set(read, stamp(read))), file, displayName);
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    const first = failure.errors?.[0];
    if (!first) throw error;
    const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : "";
    throw new ScriptError(`${where}${first.text}`);
  }
}

/** A script bundled for the sandbox: module code with loop ticks and catch hooks, and its source map (as text). */
export interface BundledScript {
  code: string;
  map: string;
}

/** The chapter's scripts (src/scripts), bundled by tools/build.mjs into the CLI bundle; undefined when running from source. */
declare const BOARDSIM_CHAPTER_SCRIPTS: Record<string, BundledScript> | undefined;

/** Where esbuild is told the bundle goes: source-map paths are relative to it. */
const outfileFor = (file: string) => path.join(path.dirname(file), "__boardsim_out.js");

/** Bundles `file` and its imports with esbuild (loaded on first use: a prebuilt run never needs it); `onRead` sees each file read. */
export async function bundleScript(file: string, onRead: (file: string) => void = () => {}): Promise<BundledScript> {
  const [{ build }, { insertGuestHooks }] = await Promise.all([import("esbuild"), import("./guest-hooks.ts")]);
  const result = await build({
    entryPoints: [file],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2020",
    // QuickJS runs module code with top-level await, and the engine runs its promise jobs (engine.ts, settle).
    supported: { "top-level-await": true },
    write: false,
    sourcemap: "external",
    sourcesContent: false,
    outfile: outfileFor(file),
    external: [...GUEST_MODULES],
    logLevel: "silent",
    charset: "utf8",
    plugins: [{ name: "watch-reads", setup: (b) => b.onLoad({ filter: /.*/ }, (args) => void onRead(args.path)) }, CODE_ONLY],
  });
  const code = result.outputFiles.find((f) => f.path.endsWith(".js"))!.text;
  const map = result.outputFiles.find((f) => f.path.endsWith(".map"))!.text;
  return { code: insertGuestHooks(code), map };
}

function compiledScript(bundled: BundledScript, file: string, displayName: string): CompiledScript {
  return { code: bundled.code, map: new TraceMap(bundled.map, outfileFor(file)), sourcePath: path.resolve(file), displayName };
}
