// Recording deliveries by webhook id and event id with group commit: deliveries that arrive while the
// previous statement is still running are written together by the next one, as one multi-row
// INSERT … ON CONFLICT DO NOTHING (a second delivery of one X-Shopify-Webhook-Id, or of one
// X-Shopify-Event-Id for the shop and topic, is a duplicate: https://shopify.dev/apps/build/webhooks/ignore-duplicates).
// Only HMAC-verified deliveries get here, and the event id (an unsigned header) is a dedupe key and nothing
// else, scoped to its shop and topic: a replayed body under a forged event id can at most make us drop a
// later delivery of that shop and topic whose (random) event id it guessed. Each caller is answered only after the statement that
// holds its row has returned (committed: a single statement outside any transaction), so the reply's
// 200 still means "durably recorded". An idle app writes each delivery at once (no fixed wait); under
// load one statement carries many rows, which is what keeps Prisma's per-query cost off every delivery.
// The same transaction queues each new delivery's job (the job engine processes it: ./processor.server.ts),
// so a recorded delivery always has its job.
import { randomUUID } from 'node:crypto';
import type { Db } from '@calibr/db';
import { jobsOn } from '../../../jobs.server';
import { ROWS_PER_STATEMENT, sqlParams, transaction } from '../../../lib/portable-sql.server';
import { webhookJobs } from './webhook-jobs.server';

export interface DeliveryRecord {
  webhookId: string;
  /** X-Shopify-Event-Id, when the delivery carries one */
  eventId: string | null;
  topic: string;
  shop: string;
  apiVersion: string;
  triggeredAt: Date | null;
  /** the body as received (JSON text), or null */
  payload: string | null;
}

/** The new row's project, or undefined when this webhook id or event was recorded before (a duplicate). */
export type Recorded = { projectId: string | null } | undefined;

interface Waiting {
  delivery: DeliveryRecord;
  receivedAt: Date;
  resolve(recorded: Recorded): void;
  reject(error: unknown): void;
}

export class DeliveryRecorder {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(private readonly client: () => Db) {}

  record(delivery: DeliveryRecord): Promise<Recorded> {
    return new Promise<Recorded>((resolve, reject) => {
      this.queue.push({ delivery, receivedAt: new Date(), resolve, reject });
      // Not at once: the deliveries whose bodies were read in this turn of the event loop join too.
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.writeQueued());
      }
    });
  }

  /** Write what is queued, statement after statement, until nothing is left. */
  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, ROWS_PER_STATEMENT);
      try {
        const inserted = await this.insert(batch);
        for (const w of batch) {
          // A second delivery of one id within the batch: not in the statement, a duplicate like any other.
          const row = inserted.get(w.delivery.webhookId);
          if (row && row.by === w) w.resolve({ projectId: row.projectId });
          else w.resolve(undefined);
        }
      } catch (error) {
        // Nothing of this statement was written: every delivery in it is answered with the error (5xx),
        // and Shopify delivers it again.
        for (const w of batch) w.reject(error);
      }
    }
    this.writing = false;
  }

  /** One INSERT for the batch (each id once); returns the inserted rows by webhook id. */
  private async insert(batch: Waiting[]): Promise<Map<string, { by: Waiting; projectId: string | null }>> {
    const first = new Map<string, Waiting>();
    const events = new Set<string>();
    for (const w of batch) {
      const event = w.delivery.eventId === null ? null : `${w.delivery.shop}\u0000${w.delivery.topic}\u0000${w.delivery.eventId}`;
      if (first.has(w.delivery.webhookId) || (event !== null && events.has(event))) continue;
      first.set(w.delivery.webhookId, w);
      if (event !== null) events.add(event);
    }
    const db = this.client();
    const q = sqlParams(db);
    // Placeholders are positional on SQLite: bind in the order they appear in the statement.
    const rows = [...first.values()].map(({ delivery: d, receivedAt }) => {
      const id = q.p(randomUUID());
      const webhookId = q.p(d.webhookId);
      const eventId = q.p(d.eventId);
      const topic = q.p(d.topic);
      const shop = q.p(d.shop);
      const project = `(SELECT "id" FROM "Project" WHERE "shopDomain" = ${q.p(d.shop)})`;
      return `(${id}, ${webhookId}, ${eventId}, 'shopify', ${topic}, ${shop}, ${project}, ${q.p(d.apiVersion)}, ${q.p(d.triggeredAt)}, ${q.p(receivedAt)}, 'received', 0, ${q.p(d.payload)})`;
    });
    const sql =
      `INSERT INTO "ProcessedWebhook" ("id", "webhookId", "eventId", "platform", "topic", "shop", "projectId", "apiVersion", "triggeredAt", "receivedAt", "status", "attempts", "payload") ` +
      `VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING RETURNING "id", "webhookId", "projectId", "receivedAt"`;
    const inserted = await transaction(db, async (tx) => {
      const rows = await tx.$queryRawUnsafe<Array<{ id: string; webhookId: string; projectId: string | null; receivedAt: unknown }>>(sql, ...q.values);
      await jobsOn(db).enqueueMany(webhookJobs(rows.map((r) => ({ id: r.id, receivedAt: first.get(r.webhookId)!.receivedAt }))), { client: tx });
      return rows;
    });
    const byId = new Map<string, { by: Waiting; projectId: string | null }>();
    for (const row of inserted) byId.set(row.webhookId, { by: first.get(row.webhookId)!, projectId: row.projectId });
    return byId;
  }
}
