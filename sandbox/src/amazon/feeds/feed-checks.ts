// The sandbox's own checks of a JSON_LISTINGS_FEED document, written to say exactly what Amazon's
// `listings-feed-schema-v2.json` says (a test holds them against that schema with ajv): document-level
// problems (header, messages array) and per-message problems (fields, and the operationType rules).

export interface FeedCheckResult {
  /** Problems with the document as a whole: nothing in it can be processed. */
  documentProblems: string[];
  /** Problems per message index (only messages that have any). */
  messageProblems: Map<number, string[]>;
}

const OPERATION_TYPES = ['UPDATE', 'PARTIAL_UPDATE', 'PATCH', 'DELETE'];
const REQUIREMENTS = ['LISTING', 'LISTING_PRODUCT_ONLY', 'LISTING_OFFER_ONLY'];
const PATCH_OPS = ['add', 'replace', 'merge', 'delete'];
const INCLUDED_DATA = ['summaries', 'attributes', 'issues', 'offers', 'fulfillmentAvailability', 'procurement', 'relationships', 'productTypes'];
const MAX_MESSAGE_ID = 2147483647;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkHeader(header: unknown, problems: string[]): void {
  if (header === undefined) return void problems.push("'header' is required.");
  if (!isObject(header)) return void problems.push("'header' must be an object.");
  if (header.sellerId === undefined) problems.push("'header.sellerId' is required.");
  else if (typeof header.sellerId !== 'string') problems.push("'header.sellerId' must be a string.");
  if (header.version === undefined) problems.push("'header.version' is required.");
  else if (header.version !== '2.0') problems.push("'header.version' must be \"2.0\".");
  if (header.issueLocale !== undefined && typeof header.issueLocale !== 'string') problems.push("'header.issueLocale' must be a string.");
  if (header.report !== undefined) {
    const report = header.report;
    if (!isObject(report)) return void problems.push("'header.report' must be an object.");
    const included = report.includedData;
    if (included === undefined) problems.push("'header.report.includedData' is required.");
    else if (!Array.isArray(included) || included.length < 1) problems.push("'header.report.includedData' must be an array of at least 1 value.");
    else if (included.some((v) => !INCLUDED_DATA.includes(v as string))) {
      problems.push(`'header.report.includedData' values must be among ${INCLUDED_DATA.join(', ')}.`);
    }
    if (report.apiVersion === undefined) problems.push("'header.report.apiVersion' is required.");
    else if (report.apiVersion !== '2021-08-01') problems.push("'header.report.apiVersion' must be \"2021-08-01\".");
  }
}

function checkPatches(patches: unknown, problems: string[]): void {
  if (!Array.isArray(patches)) return void problems.push("'patches' must be an array.");
  if (patches.length < 1) problems.push("'patches' must contain at least 1 patch.");
  patches.forEach((patch, i) => {
    const at = `'patches[${i}]`;
    if (!isObject(patch)) return void problems.push(`${at}' must be an object.`);
    if (patch.op === undefined) problems.push(`${at}.op' is required.`);
    else if (!PATCH_OPS.includes(patch.op as string)) problems.push(`${at}.op' must be one of ${PATCH_OPS.join(', ')}.`);
    if (patch.path === undefined) problems.push(`${at}.path' is required.`);
    else if (typeof patch.path !== 'string') problems.push(`${at}.path' must be a string.`);
    if (patch.value !== undefined) {
      if (!Array.isArray(patch.value)) problems.push(`${at}.value' must be an array.`);
      else if (patch.value.some((v) => !isObject(v))) problems.push(`${at}.value' must contain objects.`);
    }
  });
}

/** Problems of one message, as the message item schema (with its `oneOf` on operationType) states them. */
export function checkMessage(message: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(message)) return ['The message must be an object.'];
  const { messageId, sku, operationType, productType, requirements, attributes, patches } = message;
  if (messageId === undefined) problems.push("'messageId' is required.");
  else if (typeof messageId !== 'number' || !Number.isInteger(messageId)) problems.push("'messageId' must be an integer.");
  else if (messageId < 1 || messageId > MAX_MESSAGE_ID) problems.push(`'messageId' must be between 1 and ${MAX_MESSAGE_ID}.`);
  if (sku === undefined) problems.push("'sku' is required.");
  else if (typeof sku !== 'string') problems.push("'sku' must be a string.");
  else if (sku.length < 1) problems.push("'sku' must not be empty.");
  if (operationType === undefined) problems.push("'operationType' is required.");
  else if (!OPERATION_TYPES.includes(operationType as string)) problems.push(`'operationType' must be one of ${OPERATION_TYPES.join(', ')}.`);
  if (productType !== undefined) {
    if (typeof productType !== 'string') problems.push("'productType' must be a string.");
    else if (productType.length < 1) problems.push("'productType' must not be empty.");
  }
  if (requirements !== undefined && !REQUIREMENTS.includes(requirements as string)) {
    problems.push(`'requirements' must be one of ${REQUIREMENTS.join(', ')}.`);
  }
  if (attributes !== undefined) {
    if (!isObject(attributes)) problems.push("'attributes' must be an object.");
    else if (Object.keys(attributes).length < 1) problems.push("'attributes' must have at least 1 attribute.");
  }
  if (patches !== undefined) checkPatches(patches, problems);

  // The schema's oneOf: exactly the branch of the message's operationType must hold.
  const has = (k: string) => message[k] !== undefined;
  switch (operationType) {
    case 'UPDATE':
      if (!has('productType')) problems.push("'productType' is required for UPDATE.");
      if (!has('attributes')) problems.push("'attributes' is required for UPDATE.");
      if (has('patches')) problems.push("'patches' is not allowed for UPDATE.");
      break;
    case 'PARTIAL_UPDATE':
      if (!has('productType')) problems.push("'productType' is required for PARTIAL_UPDATE.");
      if (!has('attributes')) problems.push("'attributes' is required for PARTIAL_UPDATE.");
      if (has('requirements')) problems.push("'requirements' is not allowed for PARTIAL_UPDATE.");
      if (has('patches')) problems.push("'patches' is not allowed for PARTIAL_UPDATE.");
      break;
    case 'PATCH':
      if (!has('productType')) problems.push("'productType' is required for PATCH.");
      if (!has('patches')) problems.push("'patches' is required for PATCH.");
      if (has('requirements')) problems.push("'requirements' is not allowed for PATCH.");
      if (has('attributes')) problems.push("'attributes' is not allowed for PATCH.");
      break;
    case 'DELETE':
      for (const k of ['requirements', 'attributes', 'productType', 'patches']) {
        if (has(k)) problems.push(`'${k}' is not allowed for DELETE.`);
      }
      break;
    default:
      // No branch of the oneOf holds without a known operationType; already reported above.
      break;
  }
  return problems;
}

export function checkFeedDocument(doc: unknown, maxMessages = 25_000): FeedCheckResult {
  const documentProblems: string[] = [];
  const messageProblems = new Map<number, string[]>();
  if (!isObject(doc)) return { documentProblems: ['The feed document must be a JSON object.'], messageProblems };
  checkHeader(doc.header, documentProblems);
  const messages = doc.messages;
  if (messages === undefined) documentProblems.push("'messages' is required.");
  else if (!Array.isArray(messages)) documentProblems.push("'messages' must be an array.");
  else {
    if (messages.length < 1) documentProblems.push("'messages' must contain at least 1 message.");
    if (messages.length > maxMessages) documentProblems.push(`'messages' must contain at most ${maxMessages} messages.`);
    messages.forEach((message, i) => {
      const problems = checkMessage(message);
      if (problems.length) messageProblems.set(i, problems);
    });
  }
  return { documentProblems, messageProblems };
}

/** Whole-document verdict, matching what ajv says of the document against Amazon's feed schema. */
export function isValidFeedDocument(doc: unknown, maxMessages = 25_000): boolean {
  const r = checkFeedDocument(doc, maxMessages);
  return r.documentProblems.length === 0 && r.messageProblems.size === 0;
}
