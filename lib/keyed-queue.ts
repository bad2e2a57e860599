import PQueue from 'p-queue';

type Run<R> = { count: number; promise: Promise<R>; resolve: (r: R) => void; reject: (e: unknown) => void };
type Lane<R> = { running: boolean; next: Run<R> | undefined };

export type KeyedQueue<R> = {
  /**
   * Asks for one run of `key`. Pushes that arrive before the key's run starts share it; a push while it runs asks for
   * exactly one more run after it. Returns the promise of the run that covers this push, or undefined when
   * `maxWaiting` pushes are already waiting (shed: the caller decides what that means).
   */
  push(key: string): Promise<R> | undefined;
  /** Pushes not yet covered by a finished run. */
  readonly waiting: number;
  /** Resolves when every push so far has been run. */
  drain(): Promise<void>;
};

/**
 * A bounded queue of runs keyed by name, on p-queue: at most `concurrency` keys run at once, one run per key at a
 * time (so a key's runs never overlap), and repeated pushes for one key coalesce instead of queueing a run each.
 * Both inbox hand-over paths use it with `run` = drain one conversation's lane.
 */
export function createKeyedQueue<R>(opts: {
  concurrency: number;
  maxWaiting?: number;
  run: (key: string) => Promise<R>;
}): KeyedQueue<R> {
  const queue = new PQueue({ concurrency: opts.concurrency });
  const maxWaiting = opts.maxWaiting ?? Number.POSITIVE_INFINITY;
  const lanes = new Map<string, Lane<R>>();
  let waiting = 0;

  const schedule = (key: string, lane: Lane<R>) => {
    void queue.add(async () => {
      const job = lane.next!;
      lane.next = undefined;
      lane.running = true;
      try {
        job.resolve(await opts.run(key));
      } catch (err) {
        job.reject(err);
      } finally {
        // Every push joined before the run began, so the run saw what it asked for.
        waiting -= job.count;
        lane.running = false;
        // Added before this task settles, so drain() (onIdle) still waits for it.
        if (lane.next) schedule(key, lane);
        else lanes.delete(key);
      }
    });
  };

  return {
    push(key) {
      if (waiting >= maxWaiting) return undefined;
      waiting++;
      let lane = lanes.get(key);
      if (!lane) {
        lane = { running: false, next: undefined };
        lanes.set(key, lane);
      }
      if (lane.next) {
        lane.next.count++;
        return lane.next.promise;
      }
      let resolve!: (r: R) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<R>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A caller that ignores the result must not turn a failed run into an unhandled rejection.
      promise.catch(() => {});
      lane.next = { count: 1, promise, resolve, reject };
      if (!lane.running) schedule(key, lane);
      return promise;
    },
    get waiting() {
      return waiting;
    },
    drain: () => queue.onIdle(),
  };
}
