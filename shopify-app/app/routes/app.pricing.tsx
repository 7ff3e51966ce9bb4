// /app/pricing: the pricing console (suggestions, price changes, rules, costs, audit log) under one set
// of tabs; each section is a child route.
import { Outlet } from '@remix-run/react';
import { Box } from '@shopify/polaris';
import { PricingNav } from '../components/pricing/PricingNav';

export default function PricingLayout() {
  return (
    <>
      <Box paddingInline="400" paddingBlockStart="200">
        <PricingNav />
      </Box>
      <Outlet />
    </>
  );
}
