// Hostile input against every API route, on SQLite (the PostgreSQL run is hostile-api.postgres.test.ts).
import { hostileApiSuite } from './hostile-api.shared';

hostileApiSuite({ provider: 'sqlite', runs: 50 });
