// Shopify plans and their GraphQL Admin API rate limits (points per second; the bucket holds 20 seconds'
// worth): Standard 100/s, Advanced 200/s, Plus 1000/s, Enterprise 2000/s, per shopify.dev's rate-limits page.
export type PlanName = 'development' | 'basic' | 'standard' | 'advanced' | 'plus' | 'enterprise';

export interface PlanInfo {
  displayName: string;
  restoreRate: number;
  maximumAvailable: number;
  shopifyPlus: boolean;
  partnerDevelopment: boolean;
}

export const PLANS: Record<PlanName, PlanInfo> = {
  development: { displayName: 'Developer Preview', restoreRate: 100, maximumAvailable: 2000, shopifyPlus: false, partnerDevelopment: true },
  basic: { displayName: 'Basic', restoreRate: 100, maximumAvailable: 2000, shopifyPlus: false, partnerDevelopment: false },
  standard: { displayName: 'Shopify', restoreRate: 100, maximumAvailable: 2000, shopifyPlus: false, partnerDevelopment: false },
  advanced: { displayName: 'Advanced', restoreRate: 200, maximumAvailable: 4000, shopifyPlus: false, partnerDevelopment: false },
  plus: { displayName: 'Shopify Plus', restoreRate: 1000, maximumAvailable: 20000, shopifyPlus: true, partnerDevelopment: false },
  enterprise: { displayName: 'Commerce Components', restoreRate: 2000, maximumAvailable: 40000, shopifyPlus: true, partnerDevelopment: false },
};

export function isPlanName(v: unknown): v is PlanName {
  return typeof v === 'string' && v in PLANS;
}
