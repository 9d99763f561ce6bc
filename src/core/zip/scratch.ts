// Reusable buffers for central directories. A directory is read into one buffer that lives exactly
// as long as its archive; handing it back at close() means a process that inspects package after
// package reuses one buffer instead of leaving a new multi-MiB one (30,000 entries ≈ 4 MiB) to the
// garbage collector each time. Node frees a Buffer's memory only when the collector reaches its
// small JavaScript wrapper, which can take many calls: measured, that was tens of MiB of peak RSS.
// Small buffers come from Node's own pool already; huge ones are not kept.

const MIN_KEPT = 64 * 1024;
const MAX_KEPT = 32 * 1024 * 1024;
/** Two spares: the end-of-archive tail and a directory of the same size band are the usual pair. */
const spares: Buffer[] = [];

/** A buffer of exactly `size` bytes (its content is whatever was there before). */
export function takeScratch(size: number): Buffer {
  for (let i = 0; i < spares.length; i++) {
    const b = spares[i] as Buffer;
    if (b.length >= size) {
      spares.splice(i, 1);
      return b.subarray(0, size);
    }
  }
  return Buffer.allocUnsafe(size < MIN_KEPT ? size : Math.max(size, MIN_KEPT));
}

/** Hands back a buffer from takeScratch(); the caller must not touch it afterwards. */
export function giveBackScratch(buf: Buffer): void {
  const whole = Buffer.from(buf.buffer, buf.byteOffset, buf.buffer.byteLength - buf.byteOffset);
  if (whole.length < MIN_KEPT || whole.length > MAX_KEPT) return;
  if (spares.some((s) => s.buffer === whole.buffer)) return; // handed back twice
  spares.push(whole);
  spares.sort((a, b) => a.length - b.length);
  if (spares.length > 2) spares.shift();
}
