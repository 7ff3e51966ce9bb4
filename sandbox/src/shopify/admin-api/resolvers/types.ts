// Resolver map types, and the type tags that let Node/union fields tell which GraphQL type a record is.
import type { GraphQLFieldResolver } from 'graphql';
import type { AdminContext } from '../context';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Resolver = GraphQLFieldResolver<any, AdminContext, any>;
export type ResolverMap = Record<string, Record<string, Resolver>>;

const tags = new WeakMap<object, string>();

export function tagged<T extends object>(typeName: string, value: T): T {
  tags.set(value, typeName);
  return value;
}

export function typeTag(value: unknown): string | undefined {
  return value && typeof value === 'object' ? tags.get(value) : undefined;
}
