// `npm start`: runs the whole loop on the embedded default (SQLite + the sandbox) and prints where to go.
// Each part registers itself here as it lands.
console.log('Calibrate: nothing to start yet (the sandbox, the Amazon service and the Shopify app land next).');
