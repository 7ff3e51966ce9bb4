// The shop's time zone for the console's pages: the app frame's loader reads it (Project.timezone) and
// every page under it formats times with it (formatWhen), so the browser shows the shop's clock, as the
// Admin does, whatever the zone of the computer it runs on, and a server render says the same.
import { createContext, useContext } from 'react';

const ShopZone = createContext<string | null>(null);

export const ShopZoneProvider = ShopZone.Provider;

/** The shop's IANA zone, or null (times are then shown in UTC). */
export function useShopZone(): string | null {
  return useContext(ShopZone);
}
