// The kit against the in-memory reference connector, in-process, in both update modes.
import { describeConformance } from '.';
import { referenceConformanceOptions } from '../reference/fixtures';

describeConformance('reference connector (synchronous, in-process)', referenceConformanceOptions());

describeConformance(
  'reference connector (asynchronous feed-like updates, in-process)',
  referenceConformanceOptions(undefined, { mode: 'asynchronous' }),
);
