// PlatformSyncLog written from the connectors' events: `sync.started` opens a run (or binds the run the
// sync service opened for it), each `sync.finished` page adds its counts, the last page (`done`) closes
// it and stamps the integration. Events are handled one at a time per (platform, shop), in order, so a
// run's pages never race each other; the sync service awaits `settle` before it reads the result.
import type { Prisma } from '@calibr/db';
import type { ConnectorEvent, SyncFinishedEvent, SyncItemError, SyncStartedEvent } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { ensureIntegrationRow } from './platform-integrations.server';
import { errorMessage, logger } from '../lib/logger.server';

/** The most errors one run keeps (the counts stay exact beyond it). */
export const MAX_LOGGED_ERRORS = 100;

export interface LoggedSyncError {
  externalId?: string;
  code: string;
  message: string;
}

const keyOf = (platform: string, projectId: string) => `${platform}\u0000${projectId}`;

export class SyncLogWriter {
  /** connector syncId -> log row id, while the run is open. */
  private readonly runs = new Map<string, string>();
  /** Runs the sync service opened, waiting for their connector's `sync.started`. */
  private readonly claims = new Map<string, string>();
  /** Runs the sync service drives (claimed before they started): it closes them once their last page is stored. */
  private readonly driven = new Set<string>();
  private readonly queues = new Map<string, Promise<void>>();

  /** The registry's event listener. */
  handle(event: ConnectorEvent): void {
    if (event.type !== 'sync.started' && event.type !== 'sync.finished') return;
    const projectId = event.tenantId;
    if (!projectId) return;
    const key = keyOf(event.platform, projectId);
    void this.enqueue(key, () => (event.type === 'sync.started' ? this.started(key, projectId, event) : this.finished(key, projectId, event)));
  }

  /** The next `sync.started` of this platform and shop belongs to this already-open log row. */
  claim(platform: string, projectId: string, logId: string): void {
    this.claims.set(keyOf(platform, projectId), logId);
  }

  /** Item errors a sync page returned (events carry counts only). */
  addErrors(platform: string, projectId: string, logId: string, errors: readonly SyncItemError[]): Promise<void> {
    if (errors.length === 0) return this.settle(platform, projectId);
    return this.enqueue(keyOf(platform, projectId), async () => {
      const row = await db.platformSyncLog.findUnique({ where: { id: logId }, select: { errors: true } });
      const logged = Array.isArray(row?.errors) ? (row.errors as unknown as LoggedSyncError[]) : [];
      const more = errors.map((e) => ({ ...(e.externalId ? { externalId: e.externalId } : {}), code: e.code ?? 'item_failed', message: e.message }));
      await db.platformSyncLog.update({ where: { id: logId }, data: { errors: [...logged, ...more].slice(0, MAX_LOGGED_ERRORS) as unknown as Prisma.InputJsonValue } });
    });
  }

  /** The run ended with an error the connector didn't report as an event (outage, auth, timeout). */
  fail(platform: string, projectId: string, logId: string, error: LoggedSyncError): Promise<void> {
    const key = keyOf(platform, projectId);
    if (this.claims.get(key) === logId) this.claims.delete(key);
    return this.enqueue(key, async () => {
      this.forgetRun(logId);
      this.driven.delete(logId);
      const row = await db.platformSyncLog.findUnique({ where: { id: logId }, select: { status: true, errors: true, integrationId: true } });
      if (!row || row.status !== 'started') return;
      const logged = Array.isArray(row.errors) ? (row.errors as unknown as LoggedSyncError[]) : [];
      const now = new Date();
      await db.$transaction([
        db.platformSyncLog.update({
          where: { id: logId },
          data: { status: 'failed', completedAt: now, errors: [...logged, error].slice(0, MAX_LOGGED_ERRORS) as unknown as Prisma.InputJsonValue },
        }),
        db.platformIntegration.update({ where: { id: row.integrationId }, data: { syncStatus: 'error', syncError: error.message } }),
      ]);
    });
  }

  /**
   * A run whose connector emitted no closing event (a connector that breaks the event rule) is closed
   * with the counts the sync service saw, so no run stays "started" forever.
   */
  ensureClosed(platform: string, projectId: string, logId: string, seen: { itemsSynced: number; itemsFailed: number }): Promise<void> {
    const key = keyOf(platform, projectId);
    if (this.claims.get(key) === logId) this.claims.delete(key);
    return this.enqueue(key, async () => {
      this.forgetRun(logId);
      this.driven.delete(logId);
      const row = await db.platformSyncLog.findUnique({ where: { id: logId }, select: { status: true, integrationId: true } });
      if (!row || row.status !== 'started') return;
      const now = new Date();
      await db.$transaction([
        db.platformSyncLog.update({ where: { id: logId }, data: { status: 'completed', completedAt: now, itemsSynced: seen.itemsSynced, itemsFailed: seen.itemsFailed } }),
        db.platformIntegration.update({ where: { id: row.integrationId }, data: { lastSyncAt: now, syncStatus: 'success', syncError: null } }),
      ]);
    });
  }

  /** Resolves once every event received so far for this platform and shop is written. */
  settle(platform: string, projectId: string): Promise<void> {
    return this.queues.get(keyOf(platform, projectId)) ?? Promise.resolve();
  }

  private enqueue(key: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => {
      logger.error({ err: errorMessage(error) }, 'could not write the platform sync log');
    });
    this.queues.set(key, next);
    void next.then(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
    return next;
  }

  private forgetRun(logId: string): void {
    for (const [syncId, id] of this.runs) if (id === logId) this.runs.delete(syncId);
  }

  private async started(key: string, projectId: string, event: SyncStartedEvent): Promise<void> {
    const claimed = this.claims.get(key);
    if (claimed) {
      this.claims.delete(key);
      this.runs.set(event.syncId, claimed);
      this.driven.add(claimed);
      return;
    }
    // A sync nobody announced (a job, a script): it gets its own run.
    this.runs.set(event.syncId, await this.openRun(projectId, event.platform, event.mode, new Date(event.occurredAt)));
  }

  private async openRun(projectId: string, platform: string, syncType: string, startedAt: Date): Promise<string> {
    const integration = await ensureIntegrationRow(projectId, platform, platform);
    const [log] = await db.$transaction([
      db.platformSyncLog.create({ data: { projectId, integrationId: integration.id, platform, syncType, status: 'started', startedAt } }),
      db.platformIntegration.update({ where: { id: integration.id }, data: { syncStatus: 'in_progress', syncError: null } }),
    ]);
    return log.id;
  }

  private async finished(key: string, projectId: string, event: SyncFinishedEvent): Promise<void> {
    let logId = this.runs.get(event.syncId);
    if (!logId) {
      // `sync.started` went missing (or the run began before this process): still log what happened.
      const claimed = this.claims.get(key);
      if (claimed) this.claims.delete(key);
      logId = claimed ?? (await this.openRun(projectId, event.platform, event.mode, new Date(event.occurredAt)));
      this.runs.set(event.syncId, logId);
    }
    const row = await db.platformSyncLog.findUnique({ where: { id: logId }, select: { status: true, integrationId: true } });
    if (!row || row.status !== 'started') return;
    const counts = { itemsSynced: { increment: event.itemsSynced }, itemsFailed: { increment: event.itemsFailed } };
    if (!event.done) {
      await db.platformSyncLog.update({ where: { id: logId }, data: counts });
      return;
    }
    this.runs.delete(event.syncId);
    const failed = event.status === 'failed';
    if (!failed && this.driven.has(logId)) {
      // The connector is done, but the app still stores its last page: the run reads as completed only
      // when the sync service closes it (ensureClosed), never before its listings are there.
      await db.platformSyncLog.update({ where: { id: logId }, data: counts });
      return;
    }
    const at = new Date(event.occurredAt);
    await db.$transaction([
      db.platformSyncLog.update({ where: { id: logId }, data: { ...counts, status: failed ? 'failed' : 'completed', completedAt: at } }),
      db.platformIntegration.update({
        where: { id: row.integrationId },
        data: failed ? { syncStatus: 'error', syncError: 'The last sync failed' } : { lastSyncAt: at, syncStatus: 'success', syncError: null },
      }),
    ]);
  }
}
