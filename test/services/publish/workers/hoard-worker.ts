// A stand-in for the inspect worker that keeps allocating until its heap limit ends the thread.
export default function hoard(): never {
  const kept: string[][] = [];
  for (;;) kept.push(Array.from({ length: 100_000 }, (_, i) => `${i}-${kept.length}`));
}
