export * from './connector-events';
export * from './typed-emitter';
export * from './connector-emitter';
