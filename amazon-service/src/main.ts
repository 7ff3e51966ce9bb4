// `npm start -w @calibr/amazon-service`: the Amazon service on AMAZON_SERVICE_PORT (default 4020).
import { startAmazonService } from './server';

const service = await startAmazonService();
console.log(`Amazon service on ${service.url} (settings page: ${service.url}/settings/amazon, health: ${service.url}/health)`);

const shutdown = () => {
  service.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
