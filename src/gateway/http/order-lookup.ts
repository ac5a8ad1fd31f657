import type { OrderRecord, Store } from '../../store/index.js';
import type { WorkflowRole } from '../../workflow/index.js';
import { GatewayError } from '../errors.js';

/** How many orders sharing one placer number a conflict lists (the caller then adds `?authority=`). */
const CONFLICT_LISTED = 20;

/**
 * The order of the URL `/api/orders/{placer}[?authority=OID][&partner=NAME]`. The placer number alone is
 * enough when one order has it (the usual case: API callers seldom know the assigning authority, and a
 * gateway with one partner never needs `partner`); several orders with that number — under different
 * authorities, or of different partners — are a 409 listing them (`authorities`, `partners`). All are
 * index lookups (the orders' unique key starts with role and placer number), whatever the age of the order.
 */
export async function findOrderByPlacer(
  store: Store,
  role: WorkflowRole,
  placer: string,
  authority: string | undefined,
  partner?: string,
): Promise<OrderRecord> {
  const { items } = await store.listOrders({
    role,
    placerNumber: placer,
    ...(authority !== undefined ? { assigningAuthority: authority } : {}),
    ...(partner !== undefined ? { partner } : {}),
    limit: CONFLICT_LISTED,
    count: false,
  });
  if (items.length === 1) return items[0]!;
  if (items.length > 1) {
    const authorities = [...new Set(items.map((o) => o.key.assigningAuthority))];
    const partners = [...new Set(items.map((o) => o.key.partner ?? ''))];
    const add = authorities.length > 1 ? '?authority=<OID>' : '?partner=<name>';
    throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', `Several orders have the placer number ${placer}; add ${add}`, 409, {
      authorities,
      partners,
    });
  }
  throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', `No order with placer number ${placer}`, 404);
}
