/**
 * Findings (`<failure>`: a check failed) and Schemathesis' own crashes (`<error>`: e.g. an internal error while
 * generating cases for an operation) from a JUnit report. Only findings fail the run; crashes are reported, since
 * they say nothing about the API, only that one operation was sampled less.
 */
export function junitCounts(xml: string): { failures: number; errors: number; tests: number } {
  const suite = /<testsuite\b[^>]*>/.exec(xml)?.[0] ?? '';
  const attr = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? Number.NaN);
  return { failures: attr('failures'), errors: attr('errors'), tests: attr('tests') };
}
