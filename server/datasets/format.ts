// Byte counts for people: binary units with one decimal ("2.2 GiB"), exact bytes below 1 KiB.

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(n: number): string {
  if (Math.abs(n) < 1024) return `${n} B`;
  let v = n / 1024;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v.toFixed(1)} ${UNITS[u]}`;
}
