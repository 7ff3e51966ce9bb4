// The app's home in Admin: while the shop is being set up, the onboarding checklist (each step, done or
// not, with where to do it); once everything is done, the dashboard (each figure a link to its filtered
// list). While competitors' prices are being read for the first time, how far that has got.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData, useRevalidator } from '@remix-run/react';
import { TitleBar } from '@shopify/app-bridge-react';
import { Badge, Banner, BlockStack, Card, InlineGrid, InlineStack, Layout, Page, ProgressBar, Text } from '@shopify/polaris';
import { homeFacts, type ChecklistStep, type Dashboard as DashboardFacts, type HomeFacts } from '../home/dashboard.server';
import { consoleProject } from '../pricing/console.server';
import { readingsVersion } from '../pricing/live.server';
import { useLiveRefresh } from '../components/live/use-live-refresh';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { projectId, shop } = await consoleProject(request);
  // Read before the facts: a reading stored in between moves the version, and the live refresh reloads.
  const live = await readingsVersion(projectId);
  return { shop, live, facts: await homeFacts(projectId) };
};

const count = (n: number) => n.toLocaleString('en-US');

export default function Home() {
  const { shop, live, facts } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const inProgress = facts.readings.inProgress;
  // While readings are in progress the home follows them (the console's one live mechanism).
  useLiveRefresh(() => revalidator.revalidate(), { topic: 'readings', since: live, hold: !inProgress || revalidator.state !== 'idle' });

  return (
    <Page>
      <TitleBar title="Home" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {inProgress && <Readings readings={facts.readings} />}
            {facts.dashboard ? <Dashboard shop={shop} dashboard={facts.dashboard} /> : <Checklist shop={shop} checklist={facts.checklist} />}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Readings({ readings }: { readings: HomeFacts['readings'] }) {
  return (
    <div data-section="readings">
      <Banner tone="info" title={`Reading competitor prices: ${count(readings.read)} of ${count(readings.total)} listings read`}>
        <BlockStack gap="200">
          <ProgressBar progress={readings.total > 0 ? Math.floor((readings.read * 100) / readings.total) : 0} size="small" tone="primary" />
          <Text as="p">
            Until a listing is read, Calibrate can’t tell whether a competitor’s offer is there to beat.{' '}
            <Link to={readings.url}>See the listings not read yet</Link>
          </Text>
        </BlockStack>
      </Banner>
    </div>
  );
}

function Checklist({ shop, checklist }: { shop: string; checklist: HomeFacts['checklist'] }) {
  return (
    <div data-section="checklist">
      <Card>
        <BlockStack gap="400">
          <BlockStack gap="200">
            <InlineStack align="space-between" blockAlign="center" gap="200">
              <Text as="h2" variant="headingMd">
                Set up Calibrate
              </Text>
              <Text as="span" tone="subdued" variant="bodySm">
                <span data-progress>{`${checklist.done} of ${checklist.total} done`}</span>
              </Text>
            </InlineStack>
            <Text as="p" tone="subdued" variant="bodySm">
              {`Five steps to Calibrate pricing ${shop} on Shopify and Amazon.`}
            </Text>
            <ProgressBar progress={Math.floor((checklist.done * 100) / checklist.total)} size="small" tone="success" />
          </BlockStack>
          <BlockStack gap="300" as="ol">
            {checklist.steps.map((step) => (
              <Step key={step.id} step={step} />
            ))}
          </BlockStack>
        </BlockStack>
      </Card>
    </div>
  );
}

function Step({ step }: { step: ChecklistStep }) {
  return (
    <li data-step={step.id} data-done={step.done ? 'true' : 'false'} style={{ listStyle: 'none' }}>
      <InlineStack align="space-between" blockAlign="start" gap="200" wrap>
        <BlockStack gap="100" inlineAlign="start">
          <InlineStack gap="200" blockAlign="center" align="start">
            <Badge tone={step.done ? 'success' : undefined}>{step.done ? 'Done' : 'To do'}</Badge>
            <Text as="span" fontWeight="semibold">
              {step.title}
            </Text>
          </InlineStack>
          <Text as="p" tone="subdued" variant="bodySm">
            {step.detail}
          </Text>
        </BlockStack>
        {!step.done && <Link to={step.url}>{step.action}</Link>}
      </InlineStack>
    </li>
  );
}

interface TileProps {
  id: string;
  title: string;
  value: string;
  detail: string;
  url: string;
  link: string;
  tone?: 'critical' | 'caution' | 'success';
}

function Tile({ id, title, value, detail, url, link, tone }: TileProps) {
  return (
    <div data-figure={id} data-value={value}>
      <Card>
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            {title}
          </Text>
          <Text as="p" variant="heading2xl" tone={tone}>
            {value}
          </Text>
          <Text as="p" tone="subdued" variant="bodySm">
            {detail}
          </Text>
          <Link to={url}>{link}</Link>
        </BlockStack>
      </Card>
    </div>
  );
}

function Dashboard({ shop, dashboard: d }: { shop: string; dashboard: DashboardFacts }) {
  const soon = d.authorizations.expiring;
  return (
    <div data-section="dashboard">
      <BlockStack gap="400">
        <InlineStack gap="200" blockAlign="center">
          <Badge tone="success">Setup complete</Badge>
          <Text as="span" tone="subdued" variant="bodySm">
            {`${shop}: Shopify synced, Amazon connected, costs in, a rule and a first approval.`}
          </Text>
        </InlineStack>
        <InlineGrid columns={{ xs: 1, sm: 2, lg: 4 }} gap="400">
          <Tile id="suggestions" title="Suggestions waiting" value={count(d.suggestionsWaiting.count)} detail="New prices waiting for your approval" url={d.suggestionsWaiting.url} link="Review suggestions" />
          <Tile id="applied-today" title="Changes applied today" value={count(d.appliedToday.count)} detail="Live on every platform" url={d.appliedToday.url} link="See applied changes" tone={d.appliedToday.count > 0 ? 'success' : undefined} />
          <Tile id="failed-today" title="Changes failed today" value={count(d.failedToday.count)} detail="Refused by every platform" url={d.failedToday.url} link="See failed changes" tone={d.failedToday.count > 0 ? 'critical' : undefined} />
          <Tile
            id="buy-box"
            title="Buy Box share"
            value={d.buyBox.percent === null ? '—' : `${d.buyBox.percent} %`}
            detail={d.buyBox.read > 0 ? `${count(d.buyBox.held)} of ${count(d.buyBox.read)} listings read hold the Buy Box` : 'No listing read yet'}
            url={d.buyBox.url}
            link="Listings without the Buy Box"
          />
          <Tile id="price-war" title="In a price war" value={count(d.priceWars.count)} detail="Held: you and a competitor keep trading moves" url={d.priceWars.url} link="See price wars" tone={d.priceWars.count > 0 ? 'caution' : undefined} />
          <Tile
            id="buy-box-ineligible"
            title="Not Buy Box eligible"
            value={count(d.buyBoxIneligible.count)}
            detail="Amazon says the price is above its reference price"
            url={d.buyBoxIneligible.url}
            link="See them"
            tone={d.buyBoxIneligible.count > 0 ? 'caution' : undefined}
          />
          <Tile
            id="below-margin"
            title="Below target margin"
            value={count(d.belowMargin.count)}
            detail="Priced under cost plus the rule’s minimum margin (under cost without one)"
            url={d.belowMargin.url}
            link="See them"
            tone={d.belowMargin.count > 0 ? 'caution' : undefined}
          />
          <Tile
            id="authorizations"
            title="Authorizations expiring"
            value={count(soon.length)}
            detail={
              soon.length === 0
                ? `None in the next ${d.authorizations.withinDays} days`
                : soon.map((a) => (a.reconnectReason ? `${a.displayName}: reconnect (${a.reconnectReason})` : `${a.displayName}: ends ${a.expiresAt!.slice(0, 10)}`)).join('; ')
            }
            url={d.authorizations.url}
            link="Open integrations"
            tone={soon.length > 0 ? 'critical' : undefined}
          />
          <Tile id="feed-errors" title="Feed errors today" value={count(d.feedErrors.count)} detail="Price changes Amazon refused" url={d.feedErrors.url} link="See what Amazon refused" tone={d.feedErrors.count > 0 ? 'critical' : undefined} />
        </InlineGrid>
      </BlockStack>
    </div>
  );
}
