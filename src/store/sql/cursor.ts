import { StoreError } from '../errors.js';

/** The listings that page with a cursor; a cursor of one is refused by the others. */
export type CursorListing = 'orders' | 'messages' | 'outbox' | 'webhooks';

/**
 * Keyset pagination: a cursor names the id of the last row of a page, and the next page is
 * `id < that` (newest first) or `id > that` (outbox, oldest first). Unlike an offset it does not
 * move when rows are inserted, and it costs one index range whatever the depth of the page.
 * Opaque to callers (base64url of a small JSON) so that its content may change between releases.
 */
export function encodeCursor(listing: CursorListing, lastId: number): string {
  return Buffer.from(JSON.stringify({ l: listing, id: lastId }), 'utf8').toString('base64url');
}

/** The id a cursor names; `TLR_ERR_STORE_INVALID_CURSOR` for anything this release did not issue. */
export function decodeCursor(listing: CursorListing, cursor: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const p = parsed as { l?: unknown; id?: unknown } | undefined;
  if (p === undefined || p === null || p.l !== listing || typeof p.id !== 'number' || !Number.isSafeInteger(p.id) || p.id < 0) {
    throw new StoreError('TLR_ERR_STORE_INVALID_CURSOR', `not a cursor of the ${listing} listing`);
  }
  return p.id;
}
