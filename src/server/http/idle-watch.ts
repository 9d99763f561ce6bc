// One watchdog for both directions a client can stall in: a request body that stops arriving
// (body-idle.ts) and a download the client stops reading (download-guard.ts). Both count, at a few
// checks per idle period, the time during which a socket's byte counter has not moved while the
// other side is the one waited on; time spent waiting on ourselves (storage, backpressure) never counts.

/** How many checks per idle period: the watchdog fires within idle + idle/CHECKS of the last byte. */
const CHECKS = 4;

/**
 * The decision, one tick at a time (kept apart from timers so it is tested exactly): true once the
 * counter has not moved for `idleMs` of ticks during which the peer was the one waited on.
 */
export class IdleClock {
  #last: number;
  #idleMs = 0;

  constructor(
    private readonly idleMs: number,
    private readonly stepMs: number,
    startProgress: number,
  ) {
    this.#last = startProgress;
  }

  tick(progress: number, waitingOnPeer: boolean): boolean {
    if (progress !== this.#last || !waitingOnPeer) {
      this.#last = progress;
      this.#idleMs = 0;
      return false;
    }
    this.#idleMs += this.stepMs;
    return this.#idleMs >= this.idleMs;
  }
}

export interface IdleWatch {
  idleSeconds: number;
  /** The socket's byte counter in the watched direction (bytesRead, bytesWritten). */
  progress(): number;
  /** Whether the peer is the one waited on right now (when not, idle time does not count). */
  waitingOnPeer(): boolean;
  /** True once there is nothing left to watch (the body arrived, the response went out). */
  over(): boolean;
  onIdle(): void;
  /** Registers `stop` on the events after which the watch ends. */
  stopOn(stop: () => void): void;
}

export function watchIdle(w: IdleWatch): void {
  const stepMs = Math.max(50, Math.floor((w.idleSeconds * 1000) / CHECKS));
  const clock = new IdleClock(w.idleSeconds * 1000, stepMs, w.progress());
  const timer = setInterval(() => {
    if (w.over()) return stop();
    if (!clock.tick(w.progress(), w.waitingOnPeer())) return;
    stop();
    w.onIdle();
  }, stepMs);
  // A pending check must not keep the process alive on shutdown.
  timer.unref();
  const stop = () => clearInterval(timer);
  w.stopOn(stop);
}
