// A fresh, migrated database with the Amazon service's tables only (no app tables), for one test file.
import { amazonSchema, createTestDatabase, type DatabaseProvider, type TestDatabase } from '@calibr/db';
import type { AmazonDb } from '../../src/database/amazon-db';

export type AmazonTestDatabase = TestDatabase<AmazonDb>;

export function createAmazonTestDatabase(provider: DatabaseProvider = 'sqlite'): Promise<AmazonTestDatabase> {
  return createTestDatabase<AmazonDb>({ provider, set: amazonSchema });
}
