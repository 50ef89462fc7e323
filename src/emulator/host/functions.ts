import type { BoardContext, HostFunction, HostModule } from "./context.ts";
import { moddisplay } from "./moddisplay.ts";
import { modbuiltins } from "./modbuiltins.ts";
import { modnetwork } from "./modnetwork.ts";
import { modsocket } from "./modsocket.ts";
import { modmachine } from "./modmachine.ts";
import { modtime } from "./modtime.ts";
import { mphalport } from "./mphalport.ts";
import { vfs_lfs } from "./vfs_lfs.ts";
import type { HostModuleName, HostName } from "./table.ts";

/** Every module of the table (table.ts), by name. */
const MODULES: { [M in HostModuleName]: HostModule<M> } = { modbuiltins, modtime, modnetwork, modsocket, moddisplay, vfs_lfs, mphalport, modmachine };

/** The host API of one board: every function a guest engine may call, by name. */
export function hostFunctions(board: BoardContext): Record<HostName, HostFunction> {
  const functions = {} as Record<HostName, HostFunction>;
  for (const module of Object.values(MODULES) as HostModule<HostModuleName>[]) Object.assign(functions, module(board));
  return functions;
}
