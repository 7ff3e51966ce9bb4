// The sandbox's Admin schema must be a faithful subset of Shopify's: every type, field, argument, enum
// value, union member and interface in it exists in Shopify's schema as the app calls it (2025-01's
// introspection plus the elements checked on shopify.dev's 2026-10 reference) with the same type, and no
// argument or input field that Shopify requires is missing (else documents valid here would fail there).
import { describe, expect, it } from 'vitest';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLNamedType,
} from 'graphql';
import { buildAdminSchemaFromSdl } from '../src/shopify/admin-api/schema-sdl';
import { shopifyReferenceSchemaPath } from '../src/reference/shopify-admin-schema';
import { loadShopifyAdmin202610Schema } from '../src/reference/shopify-2026-10-fields';

const reference = loadShopifyAdmin202610Schema();
if (!reference) console.warn(`SKIPPED: Shopify reference schema not found at ${shopifyReferenceSchemaPath()}`);

function kind(t: GraphQLNamedType): string {
  if (isObjectType(t)) return 'OBJECT';
  if (isInterfaceType(t)) return 'INTERFACE';
  if (isUnionType(t)) return 'UNION';
  if (isEnumType(t)) return 'ENUM';
  if (isInputObjectType(t)) return 'INPUT_OBJECT';
  return 'SCALAR';
}

describe.skipIf(!reference)('sandbox Admin schema vs Shopify Admin 2025-01', () => {
  const ours = buildAdminSchemaFromSdl();
  const ref = reference!;
  const ourTypes = Object.values(ours.getTypeMap()).filter((t) => !t.name.startsWith('__'));

  it('uses the same root type names', () => {
    expect(ours.getQueryType()?.name).toBe(ref.getQueryType()?.name);
    expect(ours.getMutationType()?.name).toBe(ref.getMutationType()?.name);
  });

  it('has enough of Shopify schema to be useful', () => {
    expect(ourTypes.length).toBeGreaterThan(60);
  });

  it('every type, field, argument, value and reference matches Shopify', () => {
    const problems: string[] = [];
    for (const t of ourTypes) {
      const r = ref.getType(t.name);
      if (!r) {
        problems.push(`type ${t.name} does not exist in Shopify's schema`);
        continue;
      }
      if (kind(r) !== kind(t)) problems.push(`type ${t.name} is ${kind(t)} here but ${kind(r)} at Shopify`);
      if ((isObjectType(t) || isInterfaceType(t)) && (isObjectType(r) || isInterfaceType(r))) {
        const refFields = r.getFields();
        for (const f of Object.values(t.getFields())) {
          const rf = refFields[f.name];
          if (!rf) {
            problems.push(`field ${t.name}.${f.name} does not exist at Shopify`);
            continue;
          }
          if (String(rf.type) !== String(f.type)) problems.push(`field ${t.name}.${f.name}: ${f.type} here, ${rf.type} at Shopify`);
          for (const a of f.args) {
            const ra = rf.args.find((x) => x.name === a.name);
            if (!ra) problems.push(`argument ${t.name}.${f.name}(${a.name}) does not exist at Shopify`);
            else {
              if (String(ra.type) !== String(a.type)) problems.push(`argument ${t.name}.${f.name}(${a.name}): ${a.type} here, ${ra.type} at Shopify`);
              if (JSON.stringify(ra.defaultValue) !== JSON.stringify(a.defaultValue)) {
                problems.push(`argument ${t.name}.${f.name}(${a.name}) default ${JSON.stringify(a.defaultValue)} here, ${JSON.stringify(ra.defaultValue)} at Shopify`);
              }
            }
          }
          for (const ra of rf.args) {
            if (String(ra.type).endsWith('!') && ra.defaultValue === undefined && !f.args.some((a) => a.name === ra.name)) {
              problems.push(`required argument ${t.name}.${f.name}(${ra.name}) is missing here`);
            }
          }
        }
        const refInterfaces = new Set(r.getInterfaces().map((i) => i.name));
        for (const i of t.getInterfaces()) if (!refInterfaces.has(i.name)) problems.push(`${t.name} implements ${i.name} here, not at Shopify`);
      }
      if (isUnionType(t) && isUnionType(r)) {
        const members = new Set(r.getTypes().map((m) => m.name));
        for (const m of t.getTypes()) if (!members.has(m.name)) problems.push(`union ${t.name} has ${m.name} here, not at Shopify`);
      }
      if (isEnumType(t) && isEnumType(r)) {
        const values = new Set(r.getValues().map((v) => v.name));
        for (const v of t.getValues()) if (!values.has(v.name)) problems.push(`enum value ${t.name}.${v.name} does not exist at Shopify`);
      }
      if (isInputObjectType(t) && isInputObjectType(r)) {
        const refFields = r.getFields();
        for (const f of Object.values(t.getFields())) {
          const rf = refFields[f.name];
          if (!rf) problems.push(`input field ${t.name}.${f.name} does not exist at Shopify`);
          else if (String(rf.type) !== String(f.type)) problems.push(`input field ${t.name}.${f.name}: ${f.type} here, ${rf.type} at Shopify`);
          else if (JSON.stringify(rf.defaultValue) !== JSON.stringify(f.defaultValue)) problems.push(`input field ${t.name}.${f.name} default differs`);
        }
        for (const rf of Object.values(refFields)) {
          if (String(rf.type).endsWith('!') && rf.defaultValue === undefined && !t.getFields()[rf.name]) {
            problems.push(`required input field ${t.name}.${rf.name} is missing here`);
          }
        }
      }
      if (isScalarType(t) && !isScalarType(r)) problems.push(`${t.name} is a scalar here only`);
    }
    expect(problems).toEqual([]);
  });
});
