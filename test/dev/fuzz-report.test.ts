import { describe, expect, it } from 'vitest';
import { junitCounts } from '../../dev/fuzz-report.js';

describe('fuzz report reading', () => {
  it('tells findings (failures) from Schemathesis internal errors', () => {
    const xml =
      '<?xml version="1.0" ?><testsuites><testsuite name="schemathesis" hostname="vm" errors="2" failures="1" ' +
      'skipped="0" tests="67" time="80.8"><testcase name="GET /me"/></testsuite></testsuites>';
    expect(junitCounts(xml)).toEqual({ failures: 1, errors: 2, tests: 67 });
  });

  it('reports NaN for a document that is not a Schemathesis JUnit report, so the run counts as failed', () => {
    expect(Number.isNaN(junitCounts('<html></html>').failures)).toBe(true);
  });
});
