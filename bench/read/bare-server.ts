/**
 * The read API's yardstick, run as its own process by the benchmark: Fastify and a pg pool of the
 * API's default size answering `GET /applications/:id` with one row looked up by its key, and
 * nothing else (no authentication, no schema, no steps). Listens on BARE_PORT over DATABASE_URL.
 */
import Fastify from 'fastify';
import pg from 'pg';

const port = Number(process.env.BARE_PORT);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });

app.get<{ Params: { id: string } }>('/applications/:id', async (request, reply) => {
  const { rows } = await pool.query('SELECT * FROM applications WHERE id = $1', [request.params.id]);
  if (rows.length === 0) return reply.code(404).send({ error: 'not found' });
  return rows[0];
});

await app.listen({ host: '127.0.0.1', port });
process.stdout.write(`bare read server listening on ${port}\n`);
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => pool.end())
    .finally(() => process.exit(0));
});
