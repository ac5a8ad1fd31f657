import type { OrderRecord, Store } from '../../store/index.js';
import type { WorkflowRole } from '../../workflow/index.js';
import { GatewayError } from '../errors.js';

/** How many orders sharing one placer number a conflict lists (the caller then adds `?authority=`). */
const CONFLICT_LISTED = 20;

/**
 * The order of the URL `/api/orders/{placer}[?authority=OID]`. The placer number alone is enough
 * when one order has it (the usual case: API callers seldom know the assigning authority); several
 * orders with that number under different authorities are a 409 listing the authorities. Both are
 * index lookups (the orders' unique key starts with role and placer number), whatever the age of the
 * order.
 */
export async function findOrderByPlacer(
  store: Store,
  role: WorkflowRole,
  placer: string,
  authority: string | undefined,
): Promise<OrderRecord> {
  if (authority !== undefined) {
    const o = await store.getOrder(role, { placerNumber: placer, assigningAuthority: authority });
    if (o) return o;
  } else {
    const { items } = await store.listOrders({ role, placerNumber: placer, limit: CONFLICT_LISTED, count: false });
    if (items.length === 1) return items[0]!;
    if (items.length > 1) {
      throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', `Several orders have the placer number ${placer}; add ?authority=<OID>`, 409, {
        authorities: items.map((o) => o.key.assigningAuthority),
      });
    }
  }
  throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', `No order with placer number ${placer}`, 404);
}
