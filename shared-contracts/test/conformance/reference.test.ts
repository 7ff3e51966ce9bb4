// The kit against the in-memory reference connector, in-process, in both update modes.
import { describeConformance } from '../../src/conformance';
import { defaultCompetition, defaultFeeSchedule } from '../../src/reference/catalog';
import { referenceConformanceOptions } from '../../src/reference/fixtures';

describeConformance('reference connector (synchronous, in-process)', referenceConformanceOptions());

describeConformance(
  'reference connector (asynchronous feed-like updates, in-process)',
  referenceConformanceOptions(undefined, { mode: 'asynchronous' }),
);

describeConformance(
  'reference connector (with competitive offers, in-process)',
  referenceConformanceOptions(undefined, { competition: defaultCompetition(), preferredBatchSize: 10 }),
);

describeConformance(
  'reference connector (with fee estimates, in-process)',
  referenceConformanceOptions(undefined, { fees: defaultFeeSchedule() }),
);

describeConformance(
  'reference connector (with offer changes, in-process)',
  referenceConformanceOptions(undefined, { offerChanges: {}, competition: defaultCompetition() }),
);
