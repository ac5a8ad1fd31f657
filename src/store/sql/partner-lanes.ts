import type { PartnerActivity, PartnerLaneRecord } from '../store.js';
import type { SqlRunner } from './sql-runner.js';

interface LaneRow {
  partner: string;
  paused: number;
  changed_at: number;
  changed_by: string | null;
}

const toLane = (r: LaneRow): PartnerLaneRecord => ({
  partner: r.partner,
  paused: Number(r.paused) === 1,
  changedAt: new Date(Number(r.changed_at)),
  changedBy: r.changed_by,
});

/** Pauses or resumes a partner's outbound lane (one row per partner ever paused). */
export async function setPartnerPaused(
  runner: SqlRunner,
  partner: string,
  paused: boolean,
  actor: string,
  now: number,
): Promise<PartnerLaneRecord> {
  const rows = await runner.all<LaneRow>(
    `INSERT INTO partner_lanes (partner, paused, changed_at, changed_by) VALUES (?, ?, ?, ?)
     ON CONFLICT (partner) DO UPDATE SET paused = excluded.paused, changed_at = excluded.changed_at, changed_by = excluded.changed_by
     RETURNING partner, paused, changed_at, changed_by`,
    [partner, paused ? 1 : 0, now, actor],
  );
  return toLane(rows[0]!);
}

export async function partnerLanes(runner: SqlRunner): Promise<readonly PartnerLaneRecord[]> {
  return (await runner.all<LaneRow>('SELECT partner, paused, changed_at, changed_by FROM partner_lanes ORDER BY partner')).map(toLane);
}

/** The last message of each partner, and the last inbound one: two index look-ups per partner (`messages_partner`). */
export async function partnerActivity(runner: SqlRunner, partners: readonly string[]): Promise<readonly PartnerActivity[]> {
  const out: PartnerActivity[] = [];
  for (const partner of partners) {
    const last = await runner.all<{ created_at: number }>('SELECT created_at FROM messages WHERE partner = ? ORDER BY id DESC LIMIT 1', [
      partner,
    ]);
    const inbound = await runner.all<{ created_at: number }>(
      "SELECT created_at FROM messages WHERE partner = ? AND direction = 'inbound' ORDER BY id DESC LIMIT 1",
      [partner],
    );
    const at = (rows: { created_at: number }[]) => (rows[0] === undefined ? null : new Date(Number(rows[0].created_at)));
    out.push({ partner, lastMessageAt: at(last), lastInboundAt: at(inbound) });
  }
  return out;
}
