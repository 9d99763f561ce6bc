// Install statistics. Counting never fails a download or a page: a counter error is logged by the
// caller's logger (passed in) and otherwise ignored.
import type { ReleaseCounts, Repositories } from '../ports/repositories.js';

export type CountEvent = 'page_view' | 'manifest_fetch' | 'download_start' | 'download_complete';

export class CounterService {
  constructor(
    private readonly repos: Pick<Repositories, 'counters'>,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Fire-and-forget increment. Returns the promise for callers (tests) that want to await it. */
  count(releaseId: string, event: CountEvent): Promise<void> {
    return this.repos.counters.increment(releaseId, event).catch(this.onError);
  }

  pageView(releaseId: string): Promise<void> {
    return this.count(releaseId, 'page_view');
  }

  get(releaseId: string): Promise<ReleaseCounts> {
    return this.repos.counters.get(releaseId);
  }
}
