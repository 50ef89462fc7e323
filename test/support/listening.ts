import { readdir, readFile, readlink } from "node:fs/promises";

/** The TCP addresses a process listens on ("127.0.0.1:8000", "[::]:80"), from Linux's /proc. */
export async function listeningAddresses(pid: number): Promise<string[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const found: string[] = [];
  for (const [file, v6] of [["tcp", false], ["tcp6", true]] as const) {
    const table = await readFile(`/proc/${pid}/net/${file}`, "utf8");
    for (const line of table.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== "0A" || !inodes.has(cols[9]!)) continue; // 0A = LISTEN
      const [ip, port] = cols[1]!.split(":") as [string, string];
      found.push(`${v6 ? `[${ip}]` : hexToIPv4(ip)}:${parseInt(port, 16)}`);
    }
  }
  return found;
}

/** /proc/net/tcp writes IPv4 addresses as little-endian hex. */
function hexToIPv4(hex: string): string {
  return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join(".");
}
