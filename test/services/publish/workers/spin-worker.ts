// A stand-in for the inspect worker that never answers: synchronous work without end, the kind of
// task only terminating its thread can stop.
export default function spin(): never {
  for (;;) {
    // busy
  }
}
