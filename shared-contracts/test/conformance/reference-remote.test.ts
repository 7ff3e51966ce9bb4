// The kit against the reference connector served over real HTTP (node http, port 0) and reached
// through RemoteConnector: errors, idempotency and per-item results must survive the hop.
import { afterAll, beforeAll } from 'vitest';
import { describeConformance } from '../../src/conformance';
import { defaultFeeSchedule } from '../../src/reference/catalog';
import { remoteConformanceOptions, startRemoteHarness, type RemoteHarness } from '../reference/remote-harness';

let sync: RemoteHarness;
let async_: RemoteHarness;
let withFees: RemoteHarness;
let withChanges: RemoteHarness;

beforeAll(async () => {
  sync = await startRemoteHarness();
  async_ = await startRemoteHarness({ mode: 'asynchronous' });
  withFees = await startRemoteHarness({ fees: defaultFeeSchedule() });
  withChanges = await startRemoteHarness({ offerChanges: {} });
});

afterAll(async () => {
  await sync?.close();
  await async_?.close();
  await withFees?.close();
  await withChanges?.close();
});

describeConformance('reference connector over HTTP (RemoteConnector, synchronous)', () => remoteConformanceOptions(sync));
describeConformance('reference connector over HTTP (RemoteConnector, asynchronous)', () => remoteConformanceOptions(async_));
describeConformance('reference connector over HTTP (RemoteConnector, with fee estimates)', () => remoteConformanceOptions(withFees));
describeConformance('reference connector over HTTP (RemoteConnector, with offer changes)', () => remoteConformanceOptions(withChanges));
