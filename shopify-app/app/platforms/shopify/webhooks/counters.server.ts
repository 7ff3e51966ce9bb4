// Delivery health per subscription (topic + endpoint) for the console: deliveries received, duplicates
// ignored. Counting in the reply path would make every delivery update the same subscription row (a hot
// row every request waits on), so counts are summed in memory and written a few times a second.
// Health figures, not data: a crash loses at most the last interval's counts, never a delivery.
import type { Db } from '@calibr/db';
import { logger } from '../../../lib/logger.server';
import { sqlParams } from '../../../lib/portable-sql.server';

interface Pending {
  projectId: string;
  topic: string;
  uri: string;
  received: number;
  duplicates: number;
  lastDeliveryAt?: Date;
  lastWebhookId?: string;
}

const FLUSH_INTERVAL_MS = 250;

export class DeliveryCounters {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(private readonly client: () => Db) {}

  count(projectId: string | null, topic: string, uri: string, webhookId: string, kind: 'received' | 'duplicate'): void {
    if (!projectId) return;
    const key = `${projectId}\u0000${topic}\u0000${uri}`;
    let entry = this.pending.get(key);
    if (!entry) this.pending.set(key, (entry = { projectId, topic, uri, received: 0, duplicates: 0 }));
    if (kind === 'received') {
      entry.received++;
      entry.lastDeliveryAt = new Date();
      entry.lastWebhookId = webhookId;
    } else entry.duplicates++;
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Write what was counted so far (also called on shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    const batch = [...this.pending.values()];
    this.pending.clear();
    if (batch.length === 0) return;
    this.flushing = this.write(batch).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  private async write(batch: Pending[]): Promise<void> {
    const db = this.client();
    for (const entry of batch) {
      // Placeholders are positional on SQLite: bind in the order they appear in the statement.
      const q = sqlParams(db);
      let sql = `UPDATE "ShopifyWebhookSubscription" SET "deliveriesReceived" = "deliveriesReceived" + ${q.p(entry.received)}, `;
      sql += `"duplicatesIgnored" = "duplicatesIgnored" + ${q.p(entry.duplicates)}, "updatedAt" = ${q.p(new Date())}`;
      if (entry.lastDeliveryAt) sql += `, "lastDeliveryAt" = ${q.p(entry.lastDeliveryAt)}, "lastWebhookId" = ${q.p(entry.lastWebhookId)}`;
      sql += ` WHERE "projectId" = ${q.p(entry.projectId)} AND "topic" = ${q.p(entry.topic)} AND "uri" = ${q.p(entry.uri)}`;
      try {
        await db.$executeRawUnsafe(sql, ...q.values);
      } catch (error) {
        // Put the counts back for the next flush (the database may be briefly unavailable).
        const key = `${entry.projectId}\u0000${entry.topic}\u0000${entry.uri}`;
        const now = this.pending.get(key);
        if (now) {
          now.received += entry.received;
          now.duplicates += entry.duplicates;
        } else this.pending.set(key, entry);
        this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS * 4);
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'webhook delivery counters not written yet');
        return;
      }
    }
  }
}
