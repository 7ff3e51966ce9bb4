// Shopify's custom scalars as the Admin API serialises them: Money and Decimal as decimal strings,
// UnsignedInt64 as a string of digits, DateTime as ISO-8601, URL and HTML as strings.
import { GraphQLError, Kind, type GraphQLScalarType, type GraphQLSchema, type ValueNode } from 'graphql';
import { isDecimalString, normalizeMoney } from '../money';

type ScalarImpl = Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'>;

function literalString(ast: ValueNode): string {
  if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return ast.value;
  throw new GraphQLError(`Expected a string, got ${ast.kind}`);
}

const money: ScalarImpl = {
  serialize: (v) => normalizeMoney(String(v)),
  parseValue: (v) => {
    const s = typeof v === 'number' ? String(v) : v;
    if (typeof s !== 'string' || !isDecimalString(s.trim())) throw new GraphQLError(`Could not coerce value ${JSON.stringify(v)} to Money`);
    return s.trim();
  },
  parseLiteral: (ast) => money.parseValue(literalString(ast)),
};

const decimal: ScalarImpl = {
  serialize: (v) => String(v),
  parseValue: (v) => {
    const s = String(v);
    if (!isDecimalString(s)) throw new GraphQLError(`Could not coerce value ${JSON.stringify(v)} to Decimal`);
    return s;
  },
  parseLiteral: (ast) => decimal.parseValue(literalString(ast)),
};

const uint64: ScalarImpl = {
  serialize: (v) => String(v),
  parseValue: (v) => {
    const s = String(v);
    if (!/^\d+$/.test(s)) throw new GraphQLError(`Could not coerce value ${JSON.stringify(v)} to UnsignedInt64`);
    return s;
  },
  parseLiteral: (ast) => uint64.parseValue(literalString(ast)),
};

const dateTime: ScalarImpl = {
  serialize: (v) => (v instanceof Date ? v : new Date(String(v))).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  parseValue: (v) => {
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw new GraphQLError(`Could not coerce value ${JSON.stringify(v)} to DateTime`);
    return new Date(v).toISOString();
  },
  parseLiteral: (ast) => dateTime.parseValue(literalString(ast)),
};

const url: ScalarImpl = {
  serialize: (v) => String(v),
  parseValue: (v) => {
    if (typeof v !== 'string') throw new GraphQLError(`Could not coerce value ${JSON.stringify(v)} to URL`);
    try {
      return new URL(v).toString();
    } catch {
      throw new GraphQLError(`Could not coerce value ${JSON.stringify(v)} to URL`);
    }
  },
  parseLiteral: (ast) => url.parseValue(literalString(ast)),
};

const text: ScalarImpl = {
  serialize: (v) => String(v),
  parseValue: (v) => String(v),
  parseLiteral: (ast) => literalString(ast),
};

const SCALARS: Record<string, ScalarImpl> = {
  Money: money,
  Decimal: decimal,
  UnsignedInt64: uint64,
  DateTime: dateTime,
  URL: url,
  HTML: text,
  ARN: text,
};

export function installScalars(schema: GraphQLSchema): void {
  for (const [name, impl] of Object.entries(SCALARS)) {
    const type = schema.getType(name) as GraphQLScalarType | undefined;
    if (!type) continue;
    type.serialize = impl.serialize;
    type.parseValue = impl.parseValue;
    type.parseLiteral = impl.parseLiteral;
  }
}
