import type { CheckContext } from '../context';
import type { CheckId } from '../types';

export interface ConformanceCheck {
  readonly id: CheckId;
  /** One line: the rule being checked. */
  readonly title: string;
  run(ctx: CheckContext): Promise<void>;
}
