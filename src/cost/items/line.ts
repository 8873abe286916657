import type { Assumptions } from '../assumptions.js';
import type { Billed, CostInput, RateLine } from '../estimate.js';
import { PRICE_SOURCES, type PricedService, type Prices } from '../prices.js';

/** One priced line item: the AWS services whose prices it uses, when it bills, and its rate. */
export interface PricedItem extends RateLine {
  readonly services: readonly PricedService[];
}

/** What the items are priced from: the config's choices, the usage assumptions and the price table. */
export interface PricingBasis {
  readonly input: CostInput;
  readonly assumptions: Assumptions;
  readonly prices: Prices;
  /** Load-balancer ingress (the NLB and its addresses exist). */
  readonly balanced: boolean;
}

/** A line whose note ends with the pricing pages of its services, so every figure in `plan` has its source. */
export function line(
  services: PricedService | readonly PricedService[],
  item: string,
  billed: Billed,
  usd: number,
  note: string,
): PricedItem {
  const list = typeof services === 'string' ? [services] : services;
  const sources = [...new Set(list.map((service) => PRICE_SOURCES[service].page))];
  return { services: list, item, billed, usd, note: `${note}. Prices: ${sources.join(', ')}`, sources };
}

/** How CloudWatch's per-account free tier shows on a line: free within it, else the price. */
export function freeTierNote(count: number, what: string, free: number, price: string, covered: boolean): string {
  return covered
    ? `${count} ${what}: free within the account's free tier (${free} ${what} a month), else ${price} each`
    : `${count} ${what} × ${price} (beyond the account's free tier of ${free})`;
}
