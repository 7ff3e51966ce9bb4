// @calibr/shared-contracts/reference: the reference connector (in memory, keeps every rule of the
// contract) and its catalog and credentials, for apps and services that register it as a test platform.
export { ReferenceConnector, type ReferenceConnectorOptions } from './in-memory-connector';
export { defaultCatalog, defaultCompetition, REFERENCE_CREDENTIALS, type SeedCompetition, type SeedListing, type SeedProduct } from './catalog';
export { referenceConformanceOptions, referenceFixtures } from './fixtures';
