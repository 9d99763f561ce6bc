// Stopping `otaship serve` on SIGTERM/SIGINT. In-flight requests get a grace period, then the
// process exits anyway: a multi-GB download must not hold a restart hostage (the install daemon
// retries with Range). Either way the install counts still gathered in memory (CounterService writes
// them every 0.5 s) are written before the process ends, or they would die with it; a database that
// does not answer delays the exit by flushTimeoutMs at most.

export interface Stoppable {
  /** Waits for in-flight requests, writes the counters, closes the database and storage. */
  close(): Promise<void>;
  /** Writes the counters gathered so far (the database stays open). */
  flushCounters(): Promise<void>;
}

export interface ShutdownLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ShutdownOptions {
  graceMs: number;
  flushTimeoutMs: number;
  exit(code: number): void;
  /** Starts the grace timer (tests fire it by hand); must not keep the process alive. */
  startTimer?: (fn: () => void, ms: number) => void;
}

/** Returns the signal handler: the first signal starts the shutdown, later ones are ignored. */
export function shutdownHandler(server: Stoppable, log: ShutdownLog, options: ShutdownOptions): (signal: string) => Promise<void> {
  const startTimer = options.startTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
  let stopping = false;
  let exiting = false;

  const exit = async (code: number) => {
    if (exiting) return;
    exiting = true;
    await flushWithin(server, log, options.flushTimeoutMs);
    options.exit(code);
  };

  return async (signal) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: closing (in-flight requests get ${Math.round(options.graceMs / 1000)} s to finish)`);
    startTimer(() => {
      log.warn('shutdown grace period over: exiting with requests still open');
      void exit(0);
    }, options.graceMs);
    try {
      await server.close();
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      await exit(3);
      return;
    }
    await exit(0);
  };
}

async function flushWithin(server: Stoppable, log: ShutdownLog, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const flushed = server.flushCounters().then(
    () => true,
    (err: unknown) => {
      log.error({ err }, 'install counts gathered since the last write could not be written');
      return true;
    },
  );
  const gaveUp = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  if (!(await Promise.race([flushed, gaveUp]))) {
    log.warn(`install counts gathered since the last write were not written within ${ms} ms: exiting without them`);
  }
  clearTimeout(timer);
}
