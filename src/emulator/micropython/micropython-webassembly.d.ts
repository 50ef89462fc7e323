/** The parts of @micropython/micropython-webassembly-pyscript (micropython.mjs, no types shipped) boardsim uses. */
declare module "@micropython/micropython-webassembly-pyscript" {
  export interface MicroPythonOptions {
    heapsize?: number;
    pystack?: number;
    linebuffer?: boolean;
    stdout?: (data: Uint8Array) => void;
    stderr?: (data: Uint8Array) => void;
  }
  export interface MicroPython {
    FS: { mkdir(path: string): void; mkdirTree(path: string): void; writeFile(path: string, data: string): void };
    globals: { set(key: string, value: unknown): void };
    registerJsModule(name: string, module: object): void;
    runPython(code: string): unknown;
  }
  export function loadMicroPython(options: MicroPythonOptions): Promise<MicroPython>;
}
