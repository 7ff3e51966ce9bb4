// The executable Admin schema: the SDL plus scalars, resolvers and abstract-type resolution.
import { isAbstractType, isObjectType, type GraphQLSchema } from 'graphql';
import { buildAdminSchemaFromSdl } from './schema-sdl';
import { installScalars } from './scalars';
import { bulkResolvers } from './resolvers/bulk';
import { nodeResolvers } from './resolvers/nodes';
import { productResolvers } from './resolvers/products';
import { shopResolvers } from './resolvers/shop';
import { typeTag, type ResolverMap } from './resolvers/types';
import { variantsBulkUpdateResolvers } from './resolvers/variants-bulk-update';
import { webhookSubscriptionResolvers } from './resolvers/webhook-subscriptions';

const MAPS: ResolverMap[] = [shopResolvers, productResolvers, variantsBulkUpdateResolvers, webhookSubscriptionResolvers, bulkResolvers, nodeResolvers];

export function buildAdminSchema(): GraphQLSchema {
  const schema = buildAdminSchemaFromSdl();
  installScalars(schema);
  for (const map of MAPS) {
    for (const [typeName, fields] of Object.entries(map)) {
      const type = schema.getType(typeName);
      if (!type || !isObjectType(type)) throw new Error(`resolver for unknown type ${typeName}`);
      for (const [fieldName, resolve] of Object.entries(fields)) {
        const field = type.getFields()[fieldName];
        if (!field) throw new Error(`resolver for unknown field ${typeName}.${fieldName}`);
        field.resolve = resolve;
      }
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (isAbstractType(type)) {
      type.resolveType = (value: unknown) => {
        const tag = typeTag(value);
        if (!tag) throw new Error(`cannot tell the GraphQL type of a ${type.name} value`);
        return tag;
      };
    }
  }
  return schema;
}
