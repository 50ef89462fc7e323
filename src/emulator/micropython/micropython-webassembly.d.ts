/** The parts of @micropython/micropython-webassembly-pyscript (micropython.mjs, no types shipped) boardsim uses. */
declare module "@micropython/micropython-webassembly-pyscript" {
  export interface MicroPythonOptions {
    heapsize?: number;
    pystack?: number;
    linebuffer?: boolean;
    stdout?: (data: Uint8Array) => void;
    stderr?: (data: Uint8Array) => void;
    /** A byte of stdin (sys.stdin), or null at its end. */
    stdin?: () => number | null;
  }
  export interface MicroPython {
    FS: { mkdir(path: string): void; mkdirTree(path: string): void; writeFile(path: string, data: string | Uint8Array): void; unlink(path: string): void };
    globals: { set(key: string, value: unknown): void; get(key: string): unknown; delete(key: string): void };
    registerJsModule(name: string, module: object): void;
    runPython(code: string): unknown;
    /** The event-driven REPL (shared/runtime/pyexec.c): prints the banner and the prompt. */
    replInit(): void;
    /** One byte typed at the REPL; PYEXEC_FORCED_EXIT (0x100) set when the board must soft-reset. */
    replProcessChar(c: number): number;
  }
  export function loadMicroPython(options: MicroPythonOptions): Promise<MicroPython>;
}
