// productVariantsBulkUpdate: one product per call, at most 250 variants, all-or-nothing unless
// allowPartialUpdates, with Shopify's userError codes (ProductVariantsBulkUpdateUserErrorCode).
import { GraphQLError } from 'graphql';
import { applyVariantChanges, type VariantChange } from '../../catalog-changes';
import { parseGid } from '../../ids';
import { toCents } from '../../money';
import { findVariant } from '../../state';
import { requireScope } from '../context';
import type { ResolverMap } from './types';
import { tagged } from './types';
import { productById } from './products';

export const MAX_INPUT_ARRAY = 250;

interface BulkInput {
  id?: string | null;
  price?: string | null;
  compareAtPrice?: string | null;
  barcode?: string | null;
  taxable?: boolean | null;
  inventoryPolicy?: 'DENY' | 'CONTINUE' | null;
}

interface UserError {
  code: string;
  field: string[];
  message: string;
}

export const variantsBulkUpdateResolvers: ResolverMap = {
  Mutation: {
    productVariantsBulkUpdate: (_r, args: { productId: string; variants: BulkInput[]; allowPartialUpdates: boolean }, ctx) => {
      requireScope(ctx, 'write_products', 'productVariantsBulkUpdate');
      if (args.variants.length > MAX_INPUT_ARRAY) {
        throw new GraphQLError(`The input array size of ${args.variants.length} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`, {
          extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
        });
      }
      const productRef = parseGid(args.productId, 'Product');
      const product = productRef ? productById(ctx.shop, productRef.id) : undefined;
      if (!product) {
        return {
          product: null,
          productVariants: null,
          userErrors: [{ code: 'PRODUCT_DOES_NOT_EXIST', field: ['productId'], message: 'Product does not exist' }],
        };
      }
      const userErrors: UserError[] = [];
      const changes: VariantChange[] = [];
      args.variants.forEach((input, i) => {
        const at = (f: string) => ['variants', String(i), f];
        if (!input.id) {
          userErrors.push({ code: 'PRODUCT_VARIANT_ID_MISSING', field: at('id'), message: 'Product variant is missing ID attribute.' });
          return;
        }
        const ref = parseGid(input.id, 'ProductVariant');
        const found = ref ? findVariant(ctx.shop, ref.id) : undefined;
        if (!found) {
          userErrors.push({ code: 'PRODUCT_VARIANT_DOES_NOT_EXIST', field: at('id'), message: 'Product variant does not exist' });
          return;
        }
        if (found.product.id !== product.id) {
          userErrors.push({ code: 'MUST_BE_FOR_THIS_PRODUCT', field: at('id'), message: 'Product variant does not belong to the product.' });
          return;
        }
        let bad = false;
        for (const key of ['price', 'compareAtPrice'] as const) {
          const value = input[key];
          if (value !== null && value !== undefined && toCents(value) < 0n) {
            userErrors.push({ code: 'GREATER_THAN_OR_EQUAL_TO', field: at(key), message: `${key === 'price' ? 'Price' : 'Compare at price'} must be greater than or equal to 0` });
            bad = true;
          }
        }
        if (input.price === null) {
          userErrors.push({ code: 'INVALID_INPUT', field: at('price'), message: "Price can't be blank" });
          bad = true;
        }
        if (bad) return;
        const change: VariantChange = { variant: found.variant };
        if (input.price !== undefined && input.price !== null) change.price = input.price;
        if (input.compareAtPrice !== undefined) change.compareAtPrice = input.compareAtPrice;
        if (input.barcode !== undefined) change.barcode = input.barcode;
        if (input.taxable !== undefined && input.taxable !== null) change.taxable = input.taxable;
        if (input.inventoryPolicy) change.inventoryPolicy = input.inventoryPolicy;
        changes.push(change);
      });
      if (userErrors.length && !args.allowPartialUpdates) {
        return { product: tagged('Product', product), productVariants: null, userErrors };
      }
      applyVariantChanges(ctx.rt, ctx.shop, product, changes, ctx.bulk ? 'bulk-mutation' : 'admin-api');
      return {
        product: tagged('Product', product),
        productVariants: changes.map((c) => tagged('ProductVariant', c.variant)),
        userErrors,
      };
    },
  },
};
