/**
 * Group commit: callers add one item each and get their own result, but items that arrive while earlier writes are in
 * flight are written together by one `flush` call (one statement, one fsync). Nothing waits on a timer: an item that
 * arrives when no flush is running is written at once, so a quiet system pays no extra latency, and a busy one pays one
 * commit per batch instead of one per item.
 *
 * `flush` returns one result per item, in order; an `ItemFailure` in that list rejects only its own caller. When
 * `flush` throws, every item of that batch gets the error.
 */
export class ItemFailure {
  constructor(readonly error: unknown) {}
}

export type GroupCommit<I, O> = {
  add(item: I): Promise<O>;
  /** Resolves once everything added so far has been flushed (for shutdown and tests). */
  drain(): Promise<void>;
};

/** Thrown by `add` when `maxQueued` items already wait: the store is not keeping up (or not answering). */
export class GroupCommitFull extends Error {
  constructor(queued: number) {
    super(`${queued} items already wait for a commit`);
    this.name = 'GroupCommitFull';
  }
}

/** Thrown to a batch's callers when its flush did not settle within `flushTimeoutMs`. */
export class GroupCommitTimeout extends Error {
  constructor(ms: number) {
    super(`the commit did not finish within ${ms} ms`);
    this.name = 'GroupCommitTimeout';
  }
}

export function createGroupCommit<I, O>(
  flush: (items: I[]) => Promise<(O | ItemFailure)[]>,
  opts: {
    maxBatch?: number;
    maxInFlight?: number;
    maxQueued?: number;
    /**
     * Deadline of one flush. Past it the batch's callers get GroupCommitTimeout, its slot is freed for the next batch
     * (a hung connection must not block every later commit), and `onTimeout` runs (e.g. to replace the connection).
     * A flush that completes later is ignored: callers were told it failed, and the store dedupes their retries.
     */
    flushTimeoutMs?: number;
    onTimeout?: () => void;
  } = {},
): GroupCommit<I, O> {
  const maxBatch = opts.maxBatch ?? 256;
  const maxInFlight = opts.maxInFlight ?? 2;
  // While the database hangs, flushes do not return and callers keep coming: refuse at once beyond this.
  const maxQueued = opts.maxQueued ?? Number.POSITIVE_INFINITY;
  type Waiting = { item: I; resolve: (o: O) => void; reject: (e: unknown) => void };
  let queue: Waiting[] = [];
  let inFlight = 0;
  let idle: (() => void)[] = [];

  const pump = () => {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      inFlight++;
      void run(batch);
    }
    if (inFlight === 0 && queue.length === 0) {
      for (const done of idle) done();
      idle = [];
    }
  };

  const withTimeout = (p: Promise<(O | ItemFailure)[]>): Promise<(O | ItemFailure)[]> => {
    const ms = opts.flushTimeoutMs;
    if (ms === undefined) return p;
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new GroupCommitTimeout(ms));
          opts.onTimeout?.();
        }, ms);
      }),
    ]).finally(() => clearTimeout(timer));
  };

  const run = async (batch: Waiting[]) => {
    try {
      const results = await withTimeout(flush(batch.map((w) => w.item)));
      if (results.length !== batch.length) {
        throw new Error(`group commit: flush returned ${results.length} results for ${batch.length} items`);
      }
      batch.forEach((w, i) => {
        const r = results[i];
        if (r instanceof ItemFailure) w.reject(r.error);
        else w.resolve(r as O);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      inFlight--;
      pump();
    }
  };

  return {
    add(item) {
      if (queue.length >= maxQueued) return Promise.reject(new GroupCommitFull(queue.length));
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        pump();
      });
    },
    drain() {
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
