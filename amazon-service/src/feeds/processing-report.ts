// Reads a JSON_LISTINGS_FEED processing report (Amazon's processing-report schema v2) into one outcome
// per message: accepted, or failed with Amazon's own code and message. Warnings don't fail a message.

export interface ReportIssue {
  messageId?: number;
  sku?: string;
  code?: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
  message: string;
  attributeName?: string;
}

export interface ProcessingReport {
  header?: { sellerId?: string; feedId?: string };
  issues?: ReportIssue[];
  summary?: {
    errors?: number;
    warnings?: number;
    messagesProcessed?: number;
    messagesAccepted?: number;
    messagesInvalid?: number;
  };
}

export interface MessageFailure {
  code: string;
  message: string;
}

export interface ReportOutcome {
  /** messageId → why it failed. Every other message of the feed was accepted. */
  failures: Map<number, MessageFailure>;
  /** An ERROR not tied to a message (e.g. the document itself): then no message was accepted. */
  feedError: MessageFailure | undefined;
  summary: NonNullable<ProcessingReport['summary']>;
}

export function parseProcessingReport(text: string): ProcessingReport {
  const report = JSON.parse(text) as ProcessingReport;
  if (typeof report !== 'object' || report === null) throw new Error('processing report is not a JSON object');
  return report;
}

export function readProcessingReport(report: ProcessingReport): ReportOutcome {
  const failures = new Map<number, MessageFailure>();
  let feedError: MessageFailure | undefined;
  for (const issue of report.issues ?? []) {
    if (issue.severity !== 'ERROR') continue;
    const code = issue.code ?? 'ERROR';
    if (typeof issue.messageId !== 'number') {
      feedError ??= { code, message: issue.message };
      continue;
    }
    const previous = failures.get(issue.messageId);
    // A message can have several errors: keep the first code, every message.
    failures.set(issue.messageId, previous ? { code: previous.code, message: `${previous.message}; ${issue.message}` } : { code, message: issue.message });
  }
  if (feedError && (report.summary?.messagesAccepted ?? 0) > 0) feedError = undefined;
  return { failures, feedError, summary: report.summary ?? {} };
}
