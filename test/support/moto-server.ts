import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../../net/free-port.js';
import { eventually } from './eventually.js';

/** moto's server, pinned in requirements-dev.txt and installed into .venv by scripts/setup.sh. */
const motoServer = '.venv/bin/moto_server';

/** Credentials moto accepts (any): a real S3-compatible server on loopback, not AWS. */
export const motoCredentials = { accessKeyId: 'onething-test', secretAccessKey: 'onething-test-secret' };

/** A moto S3 server on a free loopback port, with `bucket` made; `stop` ends it. */
export async function startMotoServer(bucket: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  if (!existsSync(motoServer)) throw new Error(`${motoServer} is missing: run bash scripts/setup.sh`);
  const port = await freePort();
  const child = spawn(motoServer, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await eventually(
      'moto answers',
      async () => {
        if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
        return fetch(`${endpoint}/moto-api/`).then(
          (r) => (r.ok ? true : undefined),
          () => undefined,
        );
      },
      30_000,
    );
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: motoCredentials,
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    client.destroy();
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, stop };
}
