// The kit against the reference connector served over real HTTP (node http, port 0) and reached
// through RemoteConnector: errors, idempotency and per-item results must survive the hop.
import { afterAll, beforeAll } from 'vitest';
import { describeConformance } from '../../src/conformance';
import { remoteConformanceOptions, startRemoteHarness, type RemoteHarness } from '../reference/remote-harness';

let sync: RemoteHarness;
let async_: RemoteHarness;

beforeAll(async () => {
  sync = await startRemoteHarness();
  async_ = await startRemoteHarness({ mode: 'asynchronous' });
});

afterAll(async () => {
  await sync?.close();
  await async_?.close();
});

describeConformance('reference connector over HTTP (RemoteConnector, synchronous)', () => remoteConformanceOptions(sync));
describeConformance('reference connector over HTTP (RemoteConnector, asynchronous)', () => remoteConformanceOptions(async_));
