import pTimeout from 'p-timeout';

/**
 * Rejects with `message` if `p` has not settled within `ms`; the work itself is not cancelled (a query stuck on a
 * dead connection is left to its pool). A thin name over p-timeout so callers read as what they mean.
 */
export function withDeadline<T>(p: Promise<T>, ms: number, message = `timed out after ${ms} ms`): Promise<T> {
  return pTimeout(p, { milliseconds: ms, message });
}
