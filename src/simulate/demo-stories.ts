import type { OrderState } from '../workflow/index.js';
import type { PlatformDecisionPlan, ReportPlan } from './platform-simulator.js';
import type { RisOrderPlan } from './ris-simulator.js';
import type { SeededRandom } from './random.js';

/*
 * The demo's stories, apart from the scenario that runs them: this file imports types only, so that
 * `cisis-tlr demo --help` can print DEMO_MIN_ORDERS without loading the gateway.
 */

/** One story the demo tells about a request, from the RIS's and the platform's points of view. */
export interface DemoStory {
  name: string;
  ris: RisOrderPlan;
  platform: PlatformDecisionPlan;
  /** Report plan once the exam is performed (only when reports are part of the run). */
  report?: ReportPlan;
  /** Final state on both sides, with and without the report stage. */
  endState: { withReports: OrderState; withoutReports: OrderState };
}

const performed = (name: string, protocols: 'text' | 'pdf' | 'text+pdf', report: ReportPlan): DemoStory => ({
  name,
  ris: { cancel: 'never', postExam: true },
  platform: { action: 'accept', protocols },
  report,
  endState: { withReports: report.delete ? 'COMPLEMENTED' : 'REPORTED', withoutReports: 'COMPLEMENTED' },
});
const unchanged = (name: string, ris: RisOrderPlan, platform: PlatformDecisionPlan, state: OrderState): DemoStory => ({
  name,
  ris,
  platform,
  endState: { withReports: state, withoutReports: state },
});

/**
 * Requests whose exam is performed, each ending with a report: one plain, two replaced once, one
 * deleted (written for the wrong exam). Few, because each report is a CDA validated against the XSD
 * and the ANS schematrons on both sides (about two seconds each).
 */
export const PERFORMED_STORIES: readonly DemoStory[] = [
  performed('performed-text-protocol-reported', 'text', {}),
  performed('performed-pdf-protocol-report-replaced', 'pdf', { replace: true }),
  performed('performed-text-and-pdf-protocols-report-replaced', 'text+pdf', { replace: true }),
  performed('performed-text-protocol-report-deleted', 'text', { delete: true }),
];

/** The other stories, in turn for the remaining requests. */
export const OTHER_STORIES: readonly DemoStory[] = [
  unchanged('refused', { cancel: 'never', postExam: true }, { action: 'refuse' }, 'REJECTED'),
  unchanged('cancelled-before-decision', { cancel: 'before-decision', postExam: false }, { action: 'hold' }, 'CANCELLED'),
  unchanged(
    'accepted-pdf-protocol-awaiting-exam',
    { cancel: 'never', postExam: false },
    { action: 'accept', protocols: 'pdf' },
    'ACCEPTED',
  ),
  unchanged(
    'cancelled-after-acceptance',
    { cancel: 'after-acceptance', postExam: false },
    { action: 'accept', protocols: 'text' },
    'CANCELLED',
  ),
  unchanged(
    'accepted-text-protocol-awaiting-exam',
    { cancel: 'never', postExam: false },
    { action: 'accept', protocols: 'text' },
    'ACCEPTED',
  ),
];

/** The smallest number of requests that still goes through every story. */
export const DEMO_MIN_ORDERS = PERFORMED_STORIES.length + OTHER_STORIES.length;

/** The stories of a run of `orders` requests, in sending order (shuffled by `random`). */
export function demoStories(orders: number, random: SeededRandom): DemoStory[] {
  const stories: DemoStory[] = [...PERFORMED_STORIES];
  for (let i = 0; stories.length < orders; i++) stories.push(OTHER_STORIES[i % OTHER_STORIES.length]!);
  for (let i = stories.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [stories[i], stories[j]] = [stories[j]!, stories[i]!];
  }
  return stories;
}
