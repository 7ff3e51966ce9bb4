// shop, currentAppInstallation, app (the calling app: what shopify-app-remix's scopes API reads).
import { gid } from '../../ids';
import { PLANS } from '../../plans';
import type { ShopRecord } from '../../state';
import { activeInstallation } from '../../state';
import type { AdminContext } from '../context';
import type { ResolverMap } from './types';
import { tagged } from './types';

function timezoneAbbreviation(tz: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' })
    .formatToParts(new Date())
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

export const shopResolvers: ResolverMap = {
  QueryRoot: {
    shop: (_root, _args, ctx) => tagged('Shop', ctx.shop),
    currentAppInstallation: (_root, _args, ctx) => {
      const inst = activeInstallation(ctx.rt.state, ctx.shop.domain, ctx.app.apiKey);
      return tagged('AppInstallation', { installationId: inst?.id ?? 0, scopes: ctx.scopes, app: ctx.app, shop: ctx.shop });
    },
    // Without an id: the app making the call. Another app's id is not played (null).
    app: (_root, args: { id?: string | null }, ctx) => {
      const own = gid('App', parseInt(ctx.app.apiKey.slice(0, 8), 16) || 1);
      return args.id && args.id !== own ? null : tagged('App', ctx.app);
    },
  },
  Shop: {
    id: (s: ShopRecord) => gid('Shop', s.id),
    contactEmail: (s: ShopRecord) => s.email,
    myshopifyDomain: (s: ShopRecord) => s.domain,
    url: (s: ShopRecord) => `https://${s.domain}`,
    primaryDomain: (s: ShopRecord) => tagged('Domain', { id: gid('Domain', s.id), host: s.domain, sslEnabled: true, url: `https://${s.domain}` }),
    timezoneAbbreviation: (s: ShopRecord) => timezoneAbbreviation(s.ianaTimezone),
    plan: (s: ShopRecord) => PLANS[s.plan],
  },
  AppInstallation: {
    id: (i: { installationId: number }) => gid('AppInstallation', i.installationId),
    app: (i: { app: { apiKey: string } }) => tagged('App', i.app),
    accessScopes: (i: { scopes: string[] }) => i.scopes.map((handle) => ({ handle, description: `Access scope ${handle}` })),
    launchUrl: (i: { shop: ShopRecord; app: { handle: string } }) =>
      `https://admin.shopify.com/store/${i.shop.domain.replace('.myshopify.com', '')}/apps/${i.app.handle}`,
  },
  App: {
    id: (a: { apiKey: string }) => gid('App', parseInt(a.apiKey.slice(0, 8), 16) || 1),
    title: (a: { name: string }) => a.name,
    webhookApiVersion: (a: { webhooksApiVersion: string }) => a.webhooksApiVersion,
    // The scopes the app's configuration requires (shopify.app.toml `scopes`); optional scopes are not played.
    requestedAccessScopes: (a: { scopes: string[] }) => a.scopes.map((handle) => ({ handle, description: `Access scope ${handle}` })),
    optionalAccessScopes: () => [],
    installation: (a: { apiKey: string }, _args: unknown, ctx: AdminContext) => {
      if (a.apiKey !== ctx.app.apiKey) return null;
      const inst = activeInstallation(ctx.rt.state, ctx.shop.domain, ctx.app.apiKey);
      return inst ? tagged('AppInstallation', { installationId: inst.id, scopes: ctx.scopes, app: ctx.app, shop: ctx.shop }) : null;
    },
  },
};
