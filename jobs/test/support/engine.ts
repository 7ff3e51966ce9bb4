// A fresh database per test file, and an engine on it whose clock the test moves (no sleeping).
import { createTestDatabase, type TestDatabase } from '@calibr/db/testing';
import type { DatabaseProvider } from '@calibr/db';
import { Jobs, type JobsOptions } from '../../src';

export interface Clock {
  (): Date;
  advance(ms: number): void;
}

export function testClock(start = '2026-03-01T09:00:00.000Z'): Clock {
  let now = new Date(start).getTime();
  const clock = (() => new Date(now)) as Clock;
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export interface Engine {
  database: TestDatabase;
  clock: Clock;
  jobs(options?: Partial<JobsOptions>): Jobs;
}

export async function engineOn(provider: DatabaseProvider): Promise<Engine> {
  const database = await createTestDatabase({ provider });
  const clock = testClock();
  return {
    database,
    clock,
    jobs: (options = {}) => new Jobs({ db: database.db, dialect: provider, clock, random: () => 0.5, ...options }),
  };
}
