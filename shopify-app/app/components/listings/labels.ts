// Words the listings pages share: a channel's name, and how long ago something was read.
import { shopDateText } from '../../lib/shop-time';
export function channelName(platform: string, marketplaceId: string | null): string {
  const name = platform === 'amazon' ? 'Amazon' : platform === 'shopify' ? 'Shopify' : platform;
  // "Amazon.com", "Amazon.ca": the storefront names merchants use; an unknown marketplace by its id.
  if (platform !== 'amazon' || !marketplaceId) return name;
  const site = MARKETPLACES[marketplaceId];
  return site ? `${name}${site}` : `${name} ${marketplaceId}`;
}

/** Amazon's marketplace ids as merchants know them (the rest are shown as ids). */
const MARKETPLACES: Record<string, string> = {
  ATVPDKIKX0DER: '.com',
  A2EUQ1WTGCTBG2: '.ca',
  A1AM78C64UM0Y8: '.com.mx',
  A1F83G8C2ARO7P: '.co.uk',
  A1PA6795UKMFR9: '.de',
  A13V1IB3VIYZZH: '.fr',
  APJ6JRA9NG5V4: '.it',
  A1RKKUPIHCS9HS: '.es',
  A1VC38T7YXB528: '.co.jp',
};

/** "read 2 min ago", "read just now", "read 3 h ago", "read on Dec 5" (the shop's day); `prefix` replaces "read ". */
export function freshnessLabel(iso: string | null, now: number, prefix = 'read ', timeZone: string | null = null): string {
  if (!iso) return 'never read';
  const ms = Math.max(0, now - Date.parse(iso));
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${prefix}just now`;
  if (minutes < 60) return `${prefix}${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${prefix}${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 7) return `${prefix}${days} day${days === 1 ? '' : 's'} ago`;
  return `${prefix}${prefix ? 'on ' : ''}${shopDateText(iso, timeZone)}`;
}

/** "read 2 min ago · notification" or "· polling": when the competition was read, and who brought it. */
export function readLabel(readAt: string | null, source: 'notification' | 'poll' | null, now: number, timeZone: string | null = null): string {
  const when = freshnessLabel(readAt, now, 'read ', timeZone);
  return source ? `${when} · ${source === 'notification' ? 'notification' : 'polling'}` : when;
}
