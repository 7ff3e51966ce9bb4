// The Amazon service's own test database (its tables only), beside the app's: the app and the service
// run on two databases in these worlds, so an app read of an Amazon table fails loudly.
import { amazonSchema, createTestDatabase, type DatabaseProvider, type TestDatabase } from '@calibr/db';
import type { AmazonDb } from '@calibr/amazon-service';

export type AmazonTestDatabase = TestDatabase<AmazonDb>;

export function createAmazonTestDatabase(provider: DatabaseProvider = 'sqlite'): Promise<AmazonTestDatabase> {
  return createTestDatabase<AmazonDb>({ provider, set: amazonSchema });
}
