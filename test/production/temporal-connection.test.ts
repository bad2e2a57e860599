import { describe, expect, it } from 'vitest';
import { buildTemporalConnectionOptions } from '../../temporal/connection.js';

const files: Record<string, string> = { '/certs/client.pem': 'CRT', '/certs/client.key': 'KEY', '/certs/ca.pem': 'CA' };
const read = async (path: string) => {
  const v = files[path];
  if (v === undefined) throw new Error(`ENOENT ${path}`);
  return Buffer.from(v);
};

describe('Temporal connection options from the environment', () => {
  it('dev server or private cluster: address only, plaintext', async () => {
    const o = await buildTemporalConnectionOptions({ TEMPORAL_ADDRESS: 'temporal:7233' }, read);
    expect(o).toEqual({ address: 'temporal:7233' });
  });

  it('mTLS (self-hosted or Temporal Cloud): client pair, CA and server name from files', async () => {
    const o = await buildTemporalConnectionOptions(
      {
        TEMPORAL_ADDRESS: 'prod.a1b2c.tmprl.cloud:7233',
        TEMPORAL_TLS_CERT_PATH: '/certs/client.pem',
        TEMPORAL_TLS_KEY_PATH: '/certs/client.key',
        TEMPORAL_TLS_CA_PATH: '/certs/ca.pem',
        TEMPORAL_TLS_SERVER_NAME: 'prod.a1b2c.tmprl.cloud',
      },
      read,
    );
    expect(o.apiKey).toBeUndefined();
    expect(o.tls).toEqual({
      clientCertPair: { crt: Buffer.from('CRT'), key: Buffer.from('KEY') },
      serverRootCACertificate: Buffer.from('CA'),
      serverNameOverride: 'prod.a1b2c.tmprl.cloud',
    });
  });

  it('API key (Temporal Cloud): apiKey set, no client certificate; the SDK enables TLS itself', async () => {
    const o = await buildTemporalConnectionOptions(
      { TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233', TEMPORAL_API_KEY: 'tk_secret' },
      read,
    );
    expect(o).toEqual({ address: 'us-east-1.aws.api.temporal.io:7233', apiKey: 'tk_secret' });
  });

  it('server-authenticated TLS without client certificates (custom CA)', async () => {
    const o = await buildTemporalConnectionOptions(
      { TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_API_KEY: 'k', TEMPORAL_TLS_CA_PATH: '/certs/ca.pem' },
      read,
    );
    expect(o.tls).toEqual({ serverRootCACertificate: Buffer.from('CA') });
    expect(o.apiKey).toBe('k');
  });

  it('refuses half a client certificate instead of silently dropping mTLS', async () => {
    await expect(
      buildTemporalConnectionOptions({ TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_TLS_CERT_PATH: '/certs/client.pem' }, read),
    ).rejects.toThrow(/TEMPORAL_TLS_KEY_PATH/);
  });

  it('names the unreadable file', async () => {
    await expect(
      buildTemporalConnectionOptions(
        { TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_TLS_CERT_PATH: '/nope.pem', TEMPORAL_TLS_KEY_PATH: '/certs/client.key' },
        read,
      ),
    ).rejects.toThrow(/nope\.pem/);
  });
});
