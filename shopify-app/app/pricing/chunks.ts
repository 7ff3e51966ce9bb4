// Prisma's query compiler caps the bind parameters of one statement (999 on SQLite), so every
// `id IN (…)` over a list that can be long goes in slices of this size.
export const IN_LIST_MAX = 500;

export function slices<T>(items: readonly T[], size = IN_LIST_MAX): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Run a query per slice and concatenate the rows. */
export async function findInSlices<T, R>(items: readonly T[], query: (slice: T[]) => Promise<R[]>, size = IN_LIST_MAX): Promise<R[]> {
  const rows: R[] = [];
  for (const slice of slices(items, size)) rows.push(...(await query(slice)));
  return rows;
}
