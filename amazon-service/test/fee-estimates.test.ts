// Fee estimates on SQLite (the suite: fee-estimates.shared.ts).
import { feeEstimateSuite } from './fee-estimates.shared';

feeEstimateSuite('sqlite');
