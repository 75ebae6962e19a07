import fs from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from '../config';

/** Where to reach Temporal and how: plain for a local server, TLS / API key for a cluster or Temporal Cloud. */
export interface TemporalTarget {
  address: string;
  namespace: string;
  tls?: { clientCertPair?: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer } | boolean;
  apiKey?: string;
}

export function targetFromConfig(config: Config, address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`): TemporalTarget {
  const wantsTls = config.TEMPORAL_TLS ?? Boolean(config.TEMPORAL_API_KEY || config.TEMPORAL_TLS_CERT_PATH);
  let tls: TemporalTarget['tls'] = wantsTls || undefined;
  if (config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH) {
    tls = {
      clientCertPair: { crt: fs.readFileSync(config.TEMPORAL_TLS_CERT_PATH), key: fs.readFileSync(config.TEMPORAL_TLS_KEY_PATH) },
      serverRootCACertificate: config.TEMPORAL_TLS_CA_PATH ? fs.readFileSync(config.TEMPORAL_TLS_CA_PATH) : undefined,
    };
  }
  return { address, namespace: config.TEMPORAL_NAMESPACE, tls, apiKey: config.TEMPORAL_API_KEY };
}

export async function connectClient(target: TemporalTarget): Promise<{ client: Client; connection: Connection }> {
  const options: ConnectionOptions = { address: target.address, tls: target.tls, apiKey: target.apiKey };
  const connection = await Connection.connect(options);
  return { client: new Client({ connection, namespace: target.namespace }), connection };
}

export async function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  const options: NativeConnectionOptions = { address: target.address, tls: target.tls, apiKey: target.apiKey };
  return NativeConnection.connect(options);
}
