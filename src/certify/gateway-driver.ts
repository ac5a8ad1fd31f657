import type { ClinicalDataGenerator } from '../simulate/index.js';
import type { ImagingOrder, Organisation } from '../tlr/index.js';
import type { ActionRequest, Operator } from './operator.js';

/** Where a cisis-tlr gateway's REST API is, and a key it accepts. */
export interface GatewayApi {
  url: string;
  apiKey: string;
}

/**
 * Performs the operator's actions on a cisis-tlr half-connector through its REST API: the
 * self-test of the kit (our RIS and platform certified by the kit) and the demonstration of
 * `cisis-tlr certify --drive-api`. A vendor's own hook does the same on its system.
 *
 * The synthetic data are the kit's: the request to create comes with the action, the radiologist
 * and the protocols come from the clinical data generator.
 */
export class GatewayDriver implements Operator {
  constructor(
    private readonly api: GatewayApi,
    private readonly generator: ClinicalDataGenerator,
  ) {}

  async request(a: ActionRequest): Promise<void> {
    const e = a.expected;
    const placer = a.order.placerNumber;
    const q = a.order.assigningAuthority ? `?authority=${encodeURIComponent(a.order.assigningAuthority)}` : '';
    const at = (path: string): string => `/api/orders/${encodeURIComponent(placer ?? '')}${path}${q}`;
    switch (e.message) {
      case 'order': {
        const order = a.suggested?.order as ImagingOrder | undefined;
        if (!order) throw new Error('no request suggested to create');
        await this.#post('/api/orders', order);
        return;
      }
      case 'cancel':
        await this.#post(at('/cancel'), { reason: this.generator.cancellationReason() });
        return;
      case 'post-exam':
        await this.#post(at('/post-exam'), { exams: a.suggested?.exams ?? [] });
        return;
      case 'decision': {
        const remoteRadiologist = this.generator.remoteRadiologist();
        if (e.decision === 'refuse') {
          await this.#post(at('/refuse'), { remoteRadiologist, reason: this.generator.refusalReason() });
          return;
        }
        const order = await this.#get<{ flows?: { request?: ImagingOrder | null } }>(at(''));
        const request = order.flows?.request;
        if (!request) throw new Error(`order ${placer ?? ''} has no request data on the platform`);
        const platform: Organisation = { name: 'Plateforme de téléradiologie', identifierType: 'FINEG', identifier: '750000002' };
        const protocols = [];
        for (const p of e.protocols ?? ['text'])
          protocols.push(
            p === 'text' ? this.generator.textProtocol(request) : await this.generator.pdfProtocol(request, remoteRadiologist, platform),
          );
        await this.#post(at('/accept'), { remoteRadiologist, protocols });
        return;
      }
      case 'report-initial':
      case 'report-replace':
      case 'report-delete': {
        const path = e.message === 'report-initial' ? '/reports' : e.message === 'report-replace' ? '/reports/replace' : '/reports/delete';
        const order = await this.#get<{ flows?: { request?: ImagingOrder | null } }>(at(''));
        const content = order.flows?.request
          ? this.generator.reportContent(order.flows.request, { corrected: e.message === 'report-replace' })
          : undefined;
        await this.#post(at(path), e.message === 'report-delete' ? {} : { content });
        return;
      }
    }
  }

  async #get<T>(path: string): Promise<T> {
    const res = await fetch(new URL(path, this.api.url), { headers: { authorization: `Bearer ${this.api.apiKey}` } });
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  }

  /** POST, retried while the gateway answers 503 (its CDA rule sets are still loading). */
  async #post(path: string, body: unknown): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(new URL(path, this.api.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${this.api.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.ok) return;
      const text = await res.text();
      if (res.status === 503 && attempt < 120) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      throw new Error(`POST ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    }
  }
}
