// The app's home in Admin: what Calibrate holds for this shop, and where to go next.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link as RemixLink, useLoaderData } from '@remix-run/react';
import { BlockStack, Card, Layout, Page, Text } from '@shopify/polaris';
import { db } from '../db.server';
import { authenticate, projectIdForSession } from '../shopify.server';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const projectId = await projectIdForSession(session);
  const listings = await db.listing.count({ where: { projectId, platform: 'shopify', status: { not: 'deleted' } } });
  return { shop: session.shop, listings };
};

export default function Home() {
  const { shop, listings } = useLoaderData<typeof loader>();
  return (
    <Page title="Calibrate">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {shop}
              </Text>
              <Text as="p">
                {listings === 0
                  ? 'No products synced yet.'
                  : `${listings} variant${listings === 1 ? '' : 's'} synced from Shopify.`}{' '}
                <RemixLink to="/app/integrations/shopify">Open the Shopify integration</RemixLink>
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
