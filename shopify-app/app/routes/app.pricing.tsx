// /app/pricing: the pricing console's pages (suggestions, price changes, rules, costs, audit log) are child
// routes; the Admin's nav menu (app.tsx) is their navigation and each page declares its own title bar.
import { Outlet } from '@remix-run/react';

export default function PricingLayout() {
  return <Outlet />;
}
