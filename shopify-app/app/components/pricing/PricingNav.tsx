// The pricing console's sections as tabs.
import { useLocation, useNavigate } from '@remix-run/react';
import { Tabs } from '@shopify/polaris';

const SECTIONS = [
  { id: 'suggestions', content: 'Suggestions', path: '/app/pricing' },
  { id: 'changes', content: 'Price changes', path: '/app/pricing/changes' },
  { id: 'rules', content: 'Rules', path: '/app/pricing/rules' },
  { id: 'costs', content: 'Costs', path: '/app/pricing/costs' },
  { id: 'history', content: 'Audit log', path: '/app/pricing/history' },
];

export function PricingNav() {
  const location = useLocation();
  const navigate = useNavigate();
  const selected = Math.max(
    0,
    SECTIONS.findIndex((s, i) => (i === 0 ? location.pathname === s.path || location.pathname === `${s.path}/` : location.pathname.startsWith(s.path))),
  );
  return <Tabs tabs={SECTIONS.map(({ id, content }) => ({ id, content }))} selected={selected} onSelect={(i) => navigate(`${SECTIONS[i]!.path}${location.search.includes('shop=') ? location.search : ''}`)} />;
}
