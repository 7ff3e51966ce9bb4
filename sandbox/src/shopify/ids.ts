// Shopify's global IDs: gid://shopify/<Type>/<numeric id>.
export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

/** The numeric id of a GID of the given type, or null when it is not one. */
export function parseGid(value: unknown, type?: string): { type: string; id: number } | null {
  if (typeof value !== 'string') return null;
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(value);
  if (!m) return null;
  if (type && m[1] !== type) return null;
  return { type: m[1]!, id: Number(m[2]) };
}
