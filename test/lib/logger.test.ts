import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger('debug', stream) };
}

describe('logger', () => {
  it('never writes secrets, however deeply they are nested', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        apiKey: 'SECRET-api-key-1',
        authorization: 'Bearer SECRET-token-2',
        token: 'SECRET-token-3',
        account: { apiKey: 'SECRET-api-key-4', name: 'visible-name' },
        req: { headers: { authorization: 'TSA CUST:SECRET-sig-5', 'x-ts-authorization': 'SECRET-sig-6' } },
        err: { details: { body: { password: 'SECRET-pw-7' } } },
      },
      'handled callback',
    );
    const out = lines.join('\n');
    for (const secret of [
      'SECRET-api-key-1',
      'SECRET-token-2',
      'SECRET-token-3',
      'SECRET-api-key-4',
      'SECRET-sig-5',
      'SECRET-sig-6',
      'SECRET-pw-7',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('visible-name');
    expect(out).toContain('[redacted]');
  });

  it('writes one JSON object per line with level, time, service and the bound context', () => {
    const { lines, logger } = capture();
    logger.child({ requestId: 'req-1', workflowId: 'conv:abc' }).warn({ inboxId: 'i1' }, 'hand-over failed');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 40,
      service: 'smsdesk',
      requestId: 'req-1',
      workflowId: 'conv:abc',
      inboxId: 'i1',
      msg: 'hand-over failed',
    });
  });
});
