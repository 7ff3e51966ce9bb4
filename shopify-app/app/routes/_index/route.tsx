// The app's root outside Admin: with ?shop=… go to the embedded app, otherwise offer the install form.
import { redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { Form } from '@remix-run/react';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get('shop')) throw redirect(`/app?${url.searchParams.toString()}`);
  return null;
};

export default function Landing() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 560, margin: '4rem auto', lineHeight: 1.5 }}>
      <h1>Calibrate</h1>
      <p>Pricing automation for merchants who sell on Shopify and Amazon: watch competitors, approve suggested prices in Shopify Admin, and see what each platform did with them.</p>
      <Form method="post" action="/auth/login">
        <label>
          Shop domain <input type="text" name="shop" placeholder="example.myshopify.com" />
        </label>{' '}
        <button type="submit">Install</button>
      </Form>
    </main>
  );
}
