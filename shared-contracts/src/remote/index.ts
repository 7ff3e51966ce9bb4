export * from './routes';
export * from './signing';
export type * from './http-types';
export * from './connector-handler';
export * from './node-adapter';
export * from './remote-connector';
export * from './settings-link';
