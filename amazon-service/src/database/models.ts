// The schema's model types and Prisma's input types (types only: each provider's client has its own runtime).
export type * from '../../prisma/generated/sqlite';
