// The workspace's views and sorts: shared by the server (the query string) and the page (its tabs).
export const LISTING_VIEWS = ['all', 'price_war', 'below_margin', 'no_buy_box', 'buy_box_ineligible', 'unread'] as const;
export type ListingView = (typeof LISTING_VIEWS)[number];
export const LISTING_SORTS = ['title', 'sku', 'linked'] as const;
export type ListingSort = (typeof LISTING_SORTS)[number];
