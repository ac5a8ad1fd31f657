import type { PublicationInput, PublicationOutcome, PublicationRecord, PublicationStatus, StoredFinding } from '../store.js';
import { parseJson } from './rows.js';
import type { SqlRunner } from './sql-runner.js';
import { storedJson } from './stored-values.js';

/** A row of `report_publications` (migration 6; `entry_uuid`, `unique_id`: migration 9). */
interface PublicationRow {
  id: number;
  order_key: string;
  document_root: string;
  document_extension: string;
  version: number;
  request_kind: PublicationRecord['requestKind'];
  control_id: string;
  message_id: number | null;
  destination: PublicationRecord['destination'];
  address: string;
  status: PublicationStatus;
  error_code: string | null;
  error_text: string | null;
  findings: unknown;
  entry_uuid: string | null;
  unique_id: string | null;
  created_at: number;
  updated_at: number;
}

function toPublicationRecord(row: PublicationRow): PublicationRecord {
  return {
    id: Number(row.id),
    orderKey: row.order_key,
    documentId: row.document_extension ? { root: row.document_root, extension: row.document_extension } : { root: row.document_root },
    version: Number(row.version),
    requestKind: row.request_kind,
    controlId: row.control_id,
    messageId: row.message_id === null ? null : Number(row.message_id),
    destination: row.destination,
    address: row.address,
    status: row.status,
    errorCode: row.error_code,
    errorText: row.error_text,
    findings: (parseJson(row.findings) ?? []) as StoredFinding[],
    entryUuid: row.entry_uuid ?? null,
    uniqueId: row.unique_id ?? null,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

export async function recordPublications(runner: SqlRunner, inputs: readonly PublicationInput[], now: number): Promise<void> {
  for (const p of inputs) {
    await runner.run(
      `INSERT INTO report_publications (order_key, document_root, document_extension, version, request_kind, control_id, message_id,
         destination, address, status, error_text, findings, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        p.orderKey,
        p.documentId.root,
        p.documentId.extension ?? '',
        p.version,
        p.requestKind,
        p.controlId,
        p.messageId,
        p.destination,
        p.address ?? '',
        p.status,
        p.errorText ?? null,
        storedJson(p.findings ?? []),
        now,
        now,
      ],
    );
  }
}

export async function settlePublication(runner: SqlRunner, o: PublicationOutcome, now: number): Promise<PublicationRecord | null> {
  const rows = await runner.all<PublicationRow>(
    `UPDATE report_publications SET status = ?, error_code = ?, error_text = ?, entry_uuid = COALESCE(?, entry_uuid),
       unique_id = COALESCE(?, unique_id), updated_at = ?
     WHERE control_id = ? AND destination = ? AND address = ? AND status NOT IN ('held', 'skipped')
     RETURNING *`,
    [
      o.accepted ? 'accepted' : 'refused',
      o.accepted ? null : (o.errorCode ?? null),
      o.accepted ? null : (o.errorText ?? null),
      o.entryUuid ?? null,
      o.uniqueId ?? null,
      now,
      o.controlId,
      o.destination,
      o.destination === 'dmp' ? '' : (o.address ?? ''),
    ],
  );
  const row = rows[0];
  return row ? toPublicationRecord(row) : null;
}

export async function markPublications(
  runner: SqlRunner,
  controlId: string,
  from: readonly PublicationStatus[],
  to: PublicationStatus,
  text: string | undefined,
  now: number,
): Promise<readonly PublicationRecord[]> {
  if (from.length === 0) return [];
  const rows = await runner.all<PublicationRow>(
    `UPDATE report_publications SET status = ?, error_text = ?, updated_at = ?
     WHERE control_id = ? AND status IN (${from.map(() => '?').join(', ')})
     RETURNING *`,
    [to, text ?? null, now, controlId, ...from],
  );
  return rows.map(toPublicationRecord);
}

export async function listPublications(runner: SqlRunner, orderKey: string): Promise<readonly PublicationRecord[]> {
  const rows = await runner.all<PublicationRow>('SELECT * FROM report_publications WHERE order_key = ? ORDER BY id', [orderKey]);
  return rows.map(toPublicationRecord);
}
