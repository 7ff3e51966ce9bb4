// `node --import tsx --import @calibr/sandbox/install main.ts`: the process starts in sandbox mode when
// SANDBOX_URL is set (and as it would without this, otherwise). For product entry points run as their own
// process in tests and demos (the built app's server/production-main.ts, the Amazon service's src/main.ts),
// which never import the sandbox themselves.
import { installSandbox } from './index';

installSandbox();
