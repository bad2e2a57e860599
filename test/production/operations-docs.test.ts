import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import '../../api/resources/metrics/service-level-gauges.js';
import { registry } from '../../lib/metrics.js';
import { SEARCH_ATTRIBUTES } from '../../temporal/search-attributes.js';

const read = (p: string) => readFileSync(fileURLToPath(new URL(`../../${p}`, import.meta.url)), 'utf8');

/** Keeps the runbook, the alert rules and the Temporal setup in step with the code they describe. */
describe('operations docs and deploy files', () => {
  const ours = registry
    .getMetricsAsArray()
    .map((m) => m.name)
    .filter((n) => n.startsWith('smsdesk_'));

  it('operations.md explains every smsdesk metric', () => {
    const doc = read('docs/operations.md');
    for (const name of ours) expect(doc, name).toContain(name);
  });

  it('alert rules only use smsdesk metrics that exist', () => {
    const alerts = read('deploy/prometheus/alerts.yml');
    const used = new Set(
      [...alerts.matchAll(/\bsmsdesk_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')),
    );
    for (const name of used) expect(ours, name).toContain(name);
  });

  it('the namespace job registers every search attribute the code defines, and the docs show how to filter by them', () => {
    const script = read('deploy/temporal/create-namespace.sh');
    const doc = read('docs/operations.md');
    for (const key of SEARCH_ATTRIBUTES) {
      expect(script, key.name).toMatch(new RegExp(`\\b${key.name}\\b`));
      expect(doc, key.name).toContain(`${key.name} = "`);
    }
  });
});
