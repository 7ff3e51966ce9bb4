// The rules form's competing sections: how to play the Buy Box, whose offers count, the floor, the
// price-war guard and the channels. Server errors show under the field they name (`filters.minFeedbackPercent`…).
import { BlockStack, Checkbox, FormLayout, Select, Text, TextField } from '@shopify/polaris';
import type { CompetingDraft } from './rule-competing';

const CONDITIONS = [
  { label: 'New only', value: 'new' },
  { label: 'Any condition', value: 'any' },
];
const FULFILMENT = [
  { label: 'Any fulfilment', value: 'any' },
  { label: 'Fulfilled by Amazon (FBA)', value: 'AFN' },
  { label: 'Fulfilled by the seller', value: 'MFN' },
];
const FLOORS = [
  { label: 'A fixed amount (Floor above)', value: 'fixed' },
  { label: 'Cost + Amazon fees + margin', value: 'cost_fees_margin' },
];
const CHANNELS = [
  { label: 'Amazon and Shopify', value: 'both' },
  { label: 'Amazon only', value: 'amazon' },
  { label: 'Shopify only', value: 'shopify' },
];
const SHOPIFY_MODES = [
  { label: 'Same price as Amazon', value: 'same' },
  { label: 'Amazon’s price plus a percentage', value: 'offset' },
  { label: 'Keep my storefront price', value: 'keep' },
];

interface Props {
  draft: CompetingDraft;
  onChange: (patch: Partial<CompetingDraft>) => void;
  errors: Record<string, string>;
}

export function RuleCompetingFields({ draft, onChange, errors }: Props) {
  const text = (key: keyof CompetingDraft) => (value: string) => onChange({ [key]: value });
  const flag = (key: keyof CompetingDraft) => (value: boolean) => onChange({ [key]: value });
  const err = (...paths: string[]) => paths.map((p) => errors[p]).find(Boolean);

  return (
    <BlockStack gap="300">
      <Text as="h3" variant="headingSm">
        Buy Box
      </Text>
      <FormLayout>
        <FormLayout.Group>
          <Checkbox
            label="Raise when winning"
            helpText="Holding the Buy Box with the next competitor above us: move up toward just under them, one step at a time"
            checked={draft.raiseWhenWinning}
            onChange={flag('raiseWhenWinning')}
            error={err('raiseWhenWinning')}
          />
          <TextField
            label="Price with no competition"
            value={draft.noCompetitionAmount}
            onChange={text('noCompetitionAmount')}
            autoComplete="off"
            inputMode="decimal"
            helpText="Stepped toward when no competitor qualifies; empty: the ceiling"
            error={err('noCompetitionAmount')}
          />
        </FormLayout.Group>
      </FormLayout>

      <Text as="h3" variant="headingSm">
        Competitors to follow
      </Text>
      <FormLayout>
        <FormLayout.Group condensed>
          <Select label="Condition" options={CONDITIONS} value={draft.condition} onChange={text('condition')} error={err('filters.condition')} />
          <Select label="Fulfilment" options={FULFILMENT} value={draft.fulfillment} onChange={text('fulfillment')} error={err('filters.fulfillment')} />
          <TextField label="Min feedback %" value={draft.minFeedbackPercent} onChange={text('minFeedbackPercent')} autoComplete="off" inputMode="decimal" error={err('filters.minFeedbackPercent')} />
          <TextField label="Min feedback count" value={draft.minFeedbackCount} onChange={text('minFeedbackCount')} autoComplete="off" inputMode="numeric" error={err('filters.minFeedbackCount')} />
        </FormLayout.Group>
        <FormLayout.Group>
          <Checkbox label="Buy Box eligible sellers only" checked={draft.buyBoxEligibleOnly} onChange={flag('buyBoxEligibleOnly')} error={err('filters.buyBoxEligibleOnly')} />
          <Checkbox label="Prime offers only" checked={draft.primeOnly} onChange={flag('primeOnly')} error={err('filters.primeOnly')} />
          <Checkbox label="Ignore offers below my floor" checked={draft.ignoreBelowFloor} onChange={flag('ignoreBelowFloor')} error={err('filters.ignoreBelowFloor')} />
        </FormLayout.Group>
        <TextField
          label="Sellers to ignore"
          value={draft.excludedSellerIds}
          onChange={text('excludedSellerIds')}
          autoComplete="off"
          placeholder="A1EXAMPLE, A2EXAMPLE"
          helpText="Amazon seller IDs, separated by commas"
          error={err('filters.excludedSellerIds')}
        />
      </FormLayout>

      <Text as="h3" variant="headingSm">
        Floor
      </Text>
      <FormLayout>
        <FormLayout.Group>
          <Select label="Never below" options={FLOORS} value={draft.floorMode} onChange={text('floorMode')} error={err('floorFormula')} />
          {draft.floorMode !== 'fixed' && (
            <TextField
              label="Margin % of the price"
              value={draft.floorMarginPercent}
              onChange={text('floorMarginPercent')}
              autoComplete="off"
              inputMode="decimal"
              helpText="What is left after cost and Amazon’s fees, as a share of the price"
              error={err('floorMarginPercent')}
            />
          )}
        </FormLayout.Group>
      </FormLayout>

      <Text as="h3" variant="headingSm">
        Price-war guard
      </Text>
      <FormLayout>
        <FormLayout.Group condensed>
          <TextField label="Changes a day, at most" value={draft.maxChangesPerDay} onChange={text('maxChangesPerDay')} autoComplete="off" inputMode="numeric" error={err('maxChangesPerDay')} />
          <TextField label="Minutes between changes" value={draft.minIntervalMinutes} onChange={text('minIntervalMinutes')} autoComplete="off" inputMode="numeric" error={err('minIntervalMinutes')} />
          <TextField label="Hold after traded moves" value={draft.priceWarMoves} onChange={text('priceWarMoves')} autoComplete="off" inputMode="numeric" error={err('priceWarMoves')} />
          <TextField label="Within minutes" value={draft.priceWarWindowMinutes} onChange={text('priceWarWindowMinutes')} autoComplete="off" inputMode="numeric" error={err('priceWarWindowMinutes')} />
        </FormLayout.Group>
      </FormLayout>

      <Text as="h3" variant="headingSm">
        Channels
      </Text>
      <FormLayout>
        <FormLayout.Group>
          <Select label="Prices" options={CHANNELS} value={draft.channel} onChange={text('channel')} error={err('channel')} />
          {draft.channel === 'both' && (
            <Select label="Shopify’s price" options={SHOPIFY_MODES} value={draft.shopifyPriceMode} onChange={text('shopifyPriceMode')} error={err('shopifyPriceMode')} />
          )}
          {draft.channel === 'both' && draft.shopifyPriceMode === 'offset' && (
            <TextField label="Shopify offset %" value={draft.shopifyOffsetPercent} onChange={text('shopifyOffsetPercent')} autoComplete="off" inputMode="decimal" error={err('shopifyOffsetPercent')} />
          )}
        </FormLayout.Group>
      </FormLayout>
    </BlockStack>
  );
}
