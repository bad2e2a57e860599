import { TimeoutError } from 'p-timeout';

/**
 * Rejects with `message` if `p` has not settled within `ms`; the work itself is not cancelled (a query stuck on a
 * dead connection is left to its pool). Not p-timeout itself: it builds its TimeoutError (a stack capture) before
 * arming the timer, on every call, which showed in the webhook's profile; here the error is built only when the
 * deadline passes. The rejection is still p-timeout's TimeoutError.
 */
export function withDeadline<T>(p: Promise<T>, ms: number, message = `timed out after ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(message)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
