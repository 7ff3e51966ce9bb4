// Authorizations that expire (seller: 365 days; app's client secret: 180 days, rotated), on SQLite.
import { describe } from 'vitest';
import { authorizationExpirySuite } from './authorization-expiry.shared';

describe('on SQLite', () => authorizationExpirySuite('sqlite'));
