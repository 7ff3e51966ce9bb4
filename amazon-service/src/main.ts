// `npm start -w @calibr/amazon-service` (`start:prod` with NODE_ENV=production): the Amazon service on
// AMAZON_SERVICE_PORT (default 4020), HOST (default 127.0.0.1). Logs are pino JSON lines on stdout.
// SIGTERM / SIGINT: graceful shutdown (see RunningAmazonService.shutdown), exit 0 when nothing was cut.
import { startAmazonService } from './server';

const service = await startAmazonService(process.env.HOST ? { host: process.env.HOST } : {});
service.ctx.logger.info(
  { url: service.url, settingsPage: `${service.url}/settings/amazon`, health: [`${service.url}/healthz`, `${service.url}/readyz`] },
  'amazon service ready',
);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    service.shutdown().then(
      (clean) => process.exit(clean ? 0 : 1),
      () => process.exit(1),
    );
  });
}
