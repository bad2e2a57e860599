import { readFile } from 'node:fs/promises';
import {
  Client,
  Connection,
  type ConnectionOptions,
  type TLSConfig,
  type WorkflowClientInterceptor,
} from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from '../config/env.js';

export type TemporalConnectionConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_API_KEY'
  | 'TEMPORAL_TLS_CERT_PATH'
  | 'TEMPORAL_TLS_KEY_PATH'
  | 'TEMPORAL_TLS_CA_PATH'
  | 'TEMPORAL_TLS_SERVER_NAME'
>;

/**
 * Connection options for the three deployments, from Config only:
 * - dev server / cluster inside a private network: address only, plaintext;
 * - self-hosted cluster or Temporal Cloud with mTLS: TEMPORAL_TLS_CERT_PATH + TEMPORAL_TLS_KEY_PATH (+ CA, server name);
 * - Temporal Cloud with an API key: TEMPORAL_API_KEY; the SDK then turns TLS on with the system roots by itself.
 * TEMPORAL_TLS_CA_PATH / TEMPORAL_TLS_SERVER_NAME alone give server-authenticated TLS without a client certificate.
 */
export async function buildTemporalConnectionOptions(
  config: TemporalConnectionConfig,
  read: (path: string) => Promise<Buffer> = (p) => readFile(p),
): Promise<ConnectionOptions & NativeConnectionOptions> {
  const options: ConnectionOptions & NativeConnectionOptions = { address: config.TEMPORAL_ADDRESS };
  if (config.TEMPORAL_API_KEY) options.apiKey = config.TEMPORAL_API_KEY;

  const cert = config.TEMPORAL_TLS_CERT_PATH;
  const key = config.TEMPORAL_TLS_KEY_PATH;
  if (Boolean(cert) !== Boolean(key)) {
    // A half-configured client certificate would silently fall back to no mTLS; refuse instead.
    throw new Error(
      `Temporal mTLS needs both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH; only ${cert ? 'TEMPORAL_TLS_CERT_PATH' : 'TEMPORAL_TLS_KEY_PATH'} is set`,
    );
  }
  const tls: TLSConfig = {};
  if (cert && key) tls.clientCertPair = { crt: await read(cert), key: await read(key) };
  if (config.TEMPORAL_TLS_CA_PATH) tls.serverRootCACertificate = await read(config.TEMPORAL_TLS_CA_PATH);
  if (config.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = config.TEMPORAL_TLS_SERVER_NAME;
  if (Object.keys(tls).length > 0) options.tls = tls;
  return options;
}

export async function connectClient(
  config: TemporalConnectionConfig & Pick<Config, 'TEMPORAL_NAMESPACE'>,
  options: { interceptors?: WorkflowClientInterceptor[] } = {},
): Promise<Client> {
  const connection = await Connection.connect(await buildTemporalConnectionOptions(config));
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    ...(options.interceptors?.length ? { interceptors: { workflow: options.interceptors } } : {}),
  });
}

export async function connectWorkerConnection(config: TemporalConnectionConfig): Promise<NativeConnection> {
  return NativeConnection.connect(await buildTemporalConnectionOptions(config));
}
