/** A harness field read before its beforeAll ran is a mistake in the test file: say so instead of `undefined`. */
export function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is only there once the file's beforeAll ran`);
  return value;
}
