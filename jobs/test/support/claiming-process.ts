// A worker in its own process, for the two-process test: it connects to DATABASE_URL, says "ready",
// waits for "go" on stdin, runs every due job of JOBS_QUEUE, and prints the ids it ran, one per line.
import { createInterface } from 'node:readline';
import { createDb, databaseProvider } from '@calibr/db';
import { Jobs, Worker } from '../../src';

const url = process.env.DATABASE_URL!;
const queue = process.env.JOBS_QUEUE!;
const name = process.env.WORKER_NAME!;
const db = createDb(url, { poolSize: 3 });
const jobs = new Jobs({ db, dialect: databaseProvider(url) });
const ran: string[] = [];
const worker = new Worker(jobs, { id: name }).handle<{ n: number }>(
  queue,
  async (job) => {
    ran.push(job.id);
    // Some database work of its own, as a real handler has, so the two processes' rounds overlap.
    await db.$queryRawUnsafe('SELECT COUNT(*) FROM "Job"');
    return { by: name, n: job.payload.n };
  },
  { batchSize: 4 },
);

await db.$queryRawUnsafe('SELECT 1');
console.log('ready');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();
await worker.drain(queue);
for (const id of ran) console.log(`ran ${id}`);
await db.$disconnect();
