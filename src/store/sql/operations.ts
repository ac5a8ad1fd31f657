import type {
  AlertStateInput,
  AlertStateRecord,
  OperatorActionInput,
  OperatorActionQuery,
  OperatorActionRecord,
  WebhookDepth,
} from '../store.js';
import { parseJson } from './rows.js';
import type { SqlRunner, SqlValue } from './sql-runner.js';
import { storedJson } from './stored-values.js';

interface AlertRow {
  name: string;
  active: number;
  value: number;
  threshold: number;
  since: number;
  episode: number;
  detail: string | null;
}

interface ActionRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  message_id: number | null;
  result_message_id: number | null;
  order_key: string | null;
  detail: unknown;
}

const toAlertState = (r: AlertRow): AlertStateRecord => ({
  name: r.name,
  active: Number(r.active) === 1,
  value: Number(r.value),
  threshold: Number(r.threshold),
  since: new Date(Number(r.since)),
  episode: Number(r.episode),
  detail: r.detail,
});

const toOperatorAction = (r: ActionRow): OperatorActionRecord => ({
  id: Number(r.id),
  at: new Date(Number(r.at)),
  actor: r.actor,
  action: r.action,
  messageId: r.message_id === null ? null : Number(r.message_id),
  resultMessageId: r.result_message_id === null ? null : Number(r.result_message_id),
  orderKey: r.order_key,
  detail: r.detail === null ? null : (parseJson(r.detail) as Record<string, unknown>),
});

/**
 * Compare-and-set of an alert's state: the row is created inactive when missing, then changed only
 * where its state differs. On PostgreSQL a concurrent setter waits for the row lock and, re-reading
 * the row, finds the state already changed: one of them gets the new state, the other `null`.
 */
export async function setAlertState(runner: SqlRunner, input: AlertStateInput, now: number): Promise<AlertStateRecord | null> {
  await runner.run(
    `INSERT INTO alert_states (name, active, value, threshold, since, episode, detail) VALUES (?, 0, 0, 0, ?, 0, NULL)
     ON CONFLICT (name) DO NOTHING`,
    [input.name, now],
  );
  const active = input.active ? 1 : 0;
  const rows = await runner.all<AlertRow>(
    `UPDATE alert_states SET active = ?, value = ?, threshold = ?, since = ?, episode = episode + ?, detail = ?
     WHERE name = ? AND active <> ? RETURNING *`,
    [active, Math.round(input.value), Math.round(input.threshold), now, active, input.detail ?? null, input.name, active],
  );
  return rows[0] === undefined ? null : toAlertState(rows[0]);
}

export async function alertStates(runner: SqlRunner): Promise<readonly AlertStateRecord[]> {
  return (await runner.all<AlertRow>('SELECT * FROM alert_states ORDER BY name')).map(toAlertState);
}

export async function recordOperatorAction(runner: SqlRunner, input: OperatorActionInput, now: number): Promise<number> {
  const rows = await runner.all<{ id: number }>(
    `INSERT INTO operator_actions (at, actor, action, message_id, result_message_id, order_key, detail)
     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [
      now,
      input.actor,
      input.action,
      input.messageId ?? null,
      input.resultMessageId ?? null,
      input.orderKey ?? null,
      input.detail === undefined ? null : storedJson(input.detail),
    ],
  );
  return Number(rows[0]!.id);
}

export async function listOperatorActions(runner: SqlRunner, query: OperatorActionQuery): Promise<readonly OperatorActionRecord[]> {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  if (query.messageId !== undefined) {
    clauses.push('(message_id = ? OR result_message_id = ?)');
    params.push(query.messageId, query.messageId);
  }
  if (query.orderKey !== undefined) {
    clauses.push('order_key = ?');
    params.push(query.orderKey);
  }
  const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
  const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  const rows = await runner.all<ActionRow>(`SELECT * FROM operator_actions ${where} ORDER BY id LIMIT ${limit}`, params);
  return rows.map(toOperatorAction);
}

export async function webhookDepth(runner: SqlRunner): Promise<WebhookDepth> {
  const rows = await runner.all<{ pending: number | null; failing: number | null; parked: number | null }>(
    `SELECT SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END) AS pending,
       SUM(CASE WHEN state = 'parked' OR (state = 'pending' AND attempts > 0) THEN 1 ELSE 0 END) AS failing,
       SUM(CASE WHEN state = 'parked' THEN 1 ELSE 0 END) AS parked
     FROM webhooks WHERE state IN ('pending', 'in_flight', 'parked')`,
  );
  const r = rows[0];
  return { pending: Number(r?.pending ?? 0), failing: Number(r?.failing ?? 0), parked: Number(r?.parked ?? 0) };
}
