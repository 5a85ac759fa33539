// Memory figures for people: "5.1 GiB", "730 MiB" (one decimal is what a user compares; bytes stay exact inside).

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

export function formatMemory(bytes: number): string {
  if (bytes >= GIB) return `${(bytes / GIB).toFixed(1)} GiB`;
  if (bytes >= MIB) return `${Math.round(bytes / MIB)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}

/** A command line shortened for one line of text. */
export function shortCmdline(cmdline: string, max = 60): string {
  return cmdline.length > max ? `${cmdline.slice(0, max - 1)}…` : cmdline;
}
