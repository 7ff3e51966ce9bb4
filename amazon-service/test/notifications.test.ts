// Amazon notifications on SQLite (the suite: notifications.shared.ts).
import { notificationSuite } from './notifications.shared';

notificationSuite('sqlite');
