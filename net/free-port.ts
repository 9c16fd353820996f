import { createServer } from 'node:net';

/**
 * A TCP port free on loopback right now, for a server started next (the test and benchmark
 * stacks' PostgreSQL, Temporal and API). Another process may take it meanwhile, so use it at once.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
