import { randomUUID } from 'node:crypto';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { CdaXsdValidator } from '../documents/validation/xsd/cda-xsd-validator.js';
import {
  ACTION,
  BUNDLED_XDS_SCHEMA,
  CODE_SYSTEM,
  ERROR_SEVERITY,
  IDENTIFIER,
  INS_OID,
  NS,
  RESPONSE_STATUS,
  STABLE_DOCUMENT_ENTRY,
  STATUS,
  STORED_QUERY,
  VIHF_ATTRIBUTE,
  XDS_VALUE_SETS,
  buildMtom,
  parseContentType,
  parseMultipart,
  readVihf,
  verifyVihfSignature,
} from '../documents/xds/index.js';
import type { MimePart } from '../documents/xds/index.js';
import { el, serializeXmlFragment } from '../documents/cda/xml-tree.js';
import type { XmlElement } from '../documents/cda/xml-tree.js';
import { attr, childElements, descendants, firstChild, parseXml, serializeNode, text } from '../documents/xds/xml-dom.js';
import type { Element } from '../documents/xds/xml-dom.js';
import { dmpRule, violation } from './dmp/dmp-rules.js';
import type { DmpViolation } from './dmp/dmp-rules.js';
import { checkProvideAndRegister, checkUpdateDocumentSet } from './dmp/submission-checks.js';
import type { DmpEntry, RegistryView } from './dmp/submission-checks.js';

export type { DmpEntry } from './dmp/submission-checks.js';
export { DMP_RULES } from './dmp/dmp-rules.js';
export type { DmpRule, DmpRuleId, DmpViolation } from './dmp/dmp-rules.js';

/** A failure the double plays instead of answering, for the next requests (`dmp-publication.md` §11.11). */
export type DmpFault =
  /** An HTTP error without SOAP body (a proxy or the DMP down). */
  | { kind: 'http-status'; status: number }
  /** A SOAP 1.2 Receiver fault (the DMP's own trouble: retry). */
  | { kind: 'receiver-fault'; text?: string }
  /** A RegistryResponse Failure with this DMP error (e.g. `DMPClosed`, unknown patient). */
  | { kind: 'registry-error'; code: string; text: string }
  /** The connection is closed without an answer. */
  | { kind: 'drop' }
  /** No answer at all: the client's timeout decides (the connection is closed when the double stops). */
  | { kind: 'hang' };

export interface DmpSimulatorOptions {
  port: number;
  host?: string;
  /** Server certificate and key, and the CA(s) whose client certificates are accepted (mTLS, PEM). */
  tls: { cert: string | Buffer; key: string | Buffer; ca: string | Buffer | Array<string | Buffer> };
  /** Certificates (CA or leaf, PEM) a VIHF signature may chain to; default the client CA(s) of `tls.ca`. */
  trustedSigners?: string[];
  /** Which INS root the double accepts: `test` (1.2.250.1.213.1.4.10, default) or `production` (…4.8). */
  insEnvironment?: 'test' | 'production';
  /**
   * Strict mode (`dmp-publication.md` §11.9): refuse an ITI-41 without the signature document of the submission.
   * Default false; a signature document that is present is always checked (`DMP-SIG-002…005`).
   */
  requireSubmissionSignature?: boolean;
  /** One line per exchange (no patient data). */
  print?: (line: string) => void;
}

/** One request the double received and what it answered. */
export interface DmpExchange {
  path: string;
  action: string | undefined;
  messageId: string | undefined;
  outcome: 'accepted' | 'refused' | 'fault';
  violations: DmpViolation[];
  /** Subject of the client certificate. */
  client: string | undefined;
}

const MAX_BODY = 64 * 1024 * 1024;

/**
 * A local DMP: an XDS.b repository (ITI-41 at `/repository`) and registry (ITI-57 and ITI-18 at `/registry`) over
 * HTTPS with mandatory client certificates, strict enough to refuse each mistake a publication can carry: the
 * MTOM/XOP envelope and WS-Addressing (`DMP-ENV-*`), the VIHF's signature and attributes (`DMP-VIHF-*`), the body
 * against the IHE/OASIS schemas (`DMP-XSD-001`), every CI-SIS metadata rule against the CDA itself (`DMP-MD-*`),
 * the hash and size, replacement (`DMP-RPLC-*`) and deletion (`DMP-DEL-*`) consistency. Accepted entries are kept
 * in memory (`entries`, and `GET /entries` as JSON without patient data); each exchange is in `exchanges`.
 */
export class DmpSimulator {
  readonly entries: DmpEntry[] = [];
  readonly exchanges: DmpExchange[] = [];
  readonly #submissionSets = new Set<string>();
  readonly #faults: Array<{ fault: DmpFault; remaining: number }> = [];
  readonly #server: Server;
  readonly #xsd: CdaXsdValidator;
  readonly #trusted: string[];
  readonly #insOid: string;
  readonly #requireSignature: boolean;
  readonly #print: (line: string) => void;

  private constructor(server: Server, xsd: CdaXsdValidator, options: DmpSimulatorOptions) {
    this.#server = server;
    this.#xsd = xsd;
    const cas = Array.isArray(options.tls.ca) ? options.tls.ca : [options.tls.ca];
    this.#trusted = options.trustedSigners ?? cas.map((c) => c.toString());
    this.#insOid = options.insEnvironment === 'production' ? INS_OID.production : INS_OID.test;
    this.#requireSignature = options.requireSubmissionSignature ?? false;
    this.#print = options.print ?? (() => {});
  }

  static async start(options: DmpSimulatorOptions): Promise<DmpSimulator> {
    const xsd = await CdaXsdValidator.load(BUNDLED_XDS_SCHEMA);
    const server = createServer({
      cert: options.tls.cert,
      key: options.tls.key,
      ca: options.tls.ca,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    });
    const sim = new DmpSimulator(server, xsd, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      sim.#handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) sim.#send(res, 500, soapFault('Receiver', 'InternalError', `the DMP double failed: ${(e as Error).message}`));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return sim;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** `https://host:port` of the double; the services are at `/repository` and `/registry`. */
  get url(): string {
    return `https://localhost:${this.port}`;
  }

  /** Plays `fault` for the next `times` requests instead of answering them. */
  injectFault(fault: DmpFault, times = 1): void {
    this.#faults.push({ fault, remaining: times });
  }

  /** The entry of a document uniqueId. */
  entryByUniqueId(uniqueId: string): DmpEntry | undefined {
    return this.entries.find((e) => e.uniqueId === uniqueId);
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #view(): RegistryView {
    return {
      entryByUuid: (id) => this.entries.find((e) => e.entryUUID === id),
      entryByUniqueId: (id) => this.entryByUniqueId(id),
      hasSubmissionSet: (id) => this.#submissionSets.has(id),
      insOid: this.#insOid,
      trustedSigners: this.#trusted,
      requireSubmissionSignature: this.#requireSignature,
    };
  }

  #send(res: ServerResponse, status: number, envelope: string, mtomAction?: string): void {
    if (mtomAction) {
      const m = buildMtom(envelope, mtomAction, []);
      res.writeHead(status, { 'content-type': m.contentType, 'content-length': m.body.length });
      res.end(m.body);
      return;
    }
    const body = Buffer.from(envelope, 'utf8');
    res.writeHead(status, { 'content-type': 'application/soap+xml; charset=UTF-8', 'content-length': body.length });
    res.end(body);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://dmp.invalid');
    const cn = (req.socket as TLSSocket).getPeerCertificate?.()?.subject?.CN;
    const client = Array.isArray(cn) ? cn.join(',') : cn;
    if (req.method === 'GET' && url.pathname === '/entries') {
      const body = JSON.stringify(
        this.entries.map((e) => ({
          entryUUID: e.entryUUID,
          uniqueId: e.uniqueId,
          status: e.status,
          replaces: e.replaces ?? null,
          kind: e.kind,
          size: e.size,
        })),
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
      return;
    }
    if (req.method !== 'POST' || (url.pathname !== '/repository' && url.pathname !== '/registry')) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not a DMP service: POST /repository (ITI-41) or /registry (ITI-57, ITI-18)\n');
      return;
    }
    const body = await readBody(req);
    if (!body) {
      res.writeHead(413, { 'content-type': 'text/plain' });
      res.end('request too large\n');
      return;
    }
    const fault = this.#faults[0];
    if (fault) {
      fault.remaining--;
      if (fault.remaining <= 0) this.#faults.shift();
      this.#print(`DMP double: ${url.pathname} → injected ${fault.fault.kind}`);
      this.exchanges.push({ path: url.pathname, action: undefined, messageId: undefined, outcome: 'fault', violations: [], client });
      switch (fault.fault.kind) {
        case 'drop':
          req.socket.destroy();
          return;
        case 'hang':
          return;
        case 'http-status':
          res.writeHead(fault.fault.status, { 'content-type': 'text/plain' });
          res.end('service unavailable\n');
          return;
        case 'receiver-fault':
          this.#send(res, 500, soapFault('Receiver', 'ServiceUnavailable', fault.fault.text ?? 'the DMP is temporarily unavailable'));
          return;
        case 'registry-error': {
          const error: RegistryErrorOut = { code: fault.fault.code, context: fault.fault.text, severity: 'error' };
          this.#send(res, 200, registryResponse(undefined, [error], ACTION.provideAndRegisterResponse));
          return;
        }
      }
    }
    const exchange: DmpExchange = {
      path: url.pathname,
      action: undefined,
      messageId: undefined,
      outcome: 'refused',
      violations: [],
      client,
    };
    this.exchanges.push(exchange);
    const answer = await this.#process(url.pathname, req.headers['content-type'] ?? '', body, exchange);
    exchange.outcome = answer.kind === 'fault' ? 'fault' : exchange.violations.some((v) => v.severity === 'error') ? 'refused' : 'accepted';
    const summary = exchange.violations.filter((v) => v.severity === 'error').map((v) => v.rule);
    this.#print(
      `DMP double: ${url.pathname} ${exchange.action ?? '?'} → ${exchange.outcome}${summary.length ? ` (${summary.join(', ')})` : ''}`,
    );
    if (answer.kind === 'fault') this.#send(res, answer.status, answer.envelope);
    else this.#send(res, 200, answer.envelope, url.pathname === '/repository' ? answer.action : undefined);
  }

  async #process(
    pathname: string,
    contentType: string,
    body: Buffer,
    exchange: DmpExchange,
  ): Promise<{ kind: 'fault'; status: number; envelope: string } | { kind: 'response'; envelope: string; action: string }> {
    const fail = (v: DmpViolation): { kind: 'fault'; status: number; envelope: string } => {
      exchange.violations.push(v);
      return { kind: 'fault', status: 400, envelope: soapFault('Sender', v.code, `${v.rule}: ${v.text}`, exchange.messageId) };
    };
    // MTOM / SOAP envelope
    const { mediaType, params } = parseContentType(contentType);
    let rootPart: Buffer;
    let parts: MimePart[] = [];
    if (mediaType === 'multipart/related') {
      try {
        const parsed = parseMultipart(body, contentType);
        parts = parsed.parts;
        rootPart = parsed.root.body;
        const root = parseContentType(parsed.root.contentType);
        if (
          params['type'] !== 'application/xop+xml' ||
          root.mediaType !== 'application/xop+xml' ||
          root.params['type'] !== 'application/soap+xml'
        ) {
          return fail(
            violation(
              'DMP-ENV-001',
              `root part ${parsed.root.contentType || '(no Content-Type)'} in ${params['type'] ?? 'untyped'} multipart`,
            ),
          );
        }
      } catch (e) {
        return fail(violation('DMP-ENV-001', `the MIME multipart cannot be read: ${(e as Error).message}`));
      }
    } else if (pathname === '/registry' && mediaType === 'application/soap+xml') {
      rootPart = body;
    } else {
      return fail(
        violation(
          'DMP-ENV-001',
          `Content-Type ${mediaType || 'absent'}: ${
            pathname === '/repository' ? 'multipart/related (MTOM)' : 'application/soap+xml or MTOM'
          } expected`,
        ),
      );
    }
    let envelope: Element;
    try {
      envelope = parseXml(rootPart.toString('utf8')).documentElement as Element;
    } catch (e) {
      return fail(violation('DMP-ENV-002', `the SOAP envelope is not well-formed XML: ${(e as Error).message}`));
    }
    const header = firstChild(envelope, NS.soap, 'Header');
    const soapBody = firstChild(envelope, NS.soap, 'Body');
    if (envelope.namespaceURI !== NS.soap || envelope.localName !== 'Envelope' || !header || !soapBody) {
      return fail(
        violation(
          'DMP-ENV-002',
          `root {${envelope.namespaceURI ?? ''}}${envelope.localName ?? ''}: a SOAP 1.2 Envelope with Header and Body is required`,
        ),
      );
    }
    // WS-Addressing
    const action = text(firstChild(header, NS.wsa, 'Action'));
    exchange.action = action;
    const messageId = text(firstChild(header, NS.wsa, 'MessageID'));
    if (messageId) exchange.messageId = messageId;
    const allowed: string[] =
      pathname === '/repository' ? [ACTION.provideAndRegister] : [ACTION.updateDocumentSet, ACTION.registryStoredQuery];
    if (!action || !allowed.includes(action))
      return fail(violation('DMP-ENV-003', `wsa:Action "${action ?? ''}" at ${pathname} (${allowed.join(' or ')})`));
    if (!messageId || !/^urn:uuid:[0-9a-fA-F-]{36}$/.test(messageId))
      return fail(violation('DMP-ENV-004', `wsa:MessageID "${messageId ?? ''}"`));
    const to = text(firstChild(header, NS.wsa, 'To'));
    if (!to?.endsWith(pathname)) return fail(violation('DMP-ENV-005', `wsa:To "${to ?? ''}" does not name ${pathname}`));
    if (!text(firstChild(firstChild(header, NS.wsa, 'ReplyTo'), NS.wsa, 'Address')))
      return fail(violation('DMP-ENV-006', 'no wsa:ReplyTo/wsa:Address'));
    const request = childElements(soapBody, '*', '*')[0];
    if (!request) return fail(violation('DMP-ENV-002', 'the SOAP Body is empty'));
    // VIHF
    const vihfProblem = this.#checkVihf(header, request, action);
    if (vihfProblem) return fail(vihfProblem);
    // XOP: resolve the documents, and the body as the reconstituted infoset for the schemas.
    const documents = new Map<string, Buffer>();
    const forSchema = request.cloneNode(true) as Element;
    for (const doc of descendants(forSchema, NS.xdsb, 'Document')) {
      const include = firstChild(doc, NS.xop, 'Include');
      if (!include) continue;
      const href = attr(include, 'href') ?? '';
      const part = parts.find((p) => `cid:${p.contentId}` === href || `cid:${encodeURIComponent(p.contentId)}` === href);
      if (!part) return fail(violation('DMP-ENV-007', `xop:Include ${href} names no MIME part`));
      documents.set(attr(doc, 'id') ?? '', part.body);
      doc.removeChild(include);
      doc.appendChild(forSchema.ownerDocument!.createTextNode(part.body.toString('base64')));
    }
    const xsd = await this.#xsd.validate(serializeNode(forSchema));
    const responseAction =
      action === ACTION.provideAndRegister
        ? ACTION.provideAndRegisterResponse
        : action === ACTION.updateDocumentSet
          ? ACTION.updateDocumentSetResponse
          : ACTION.registryStoredQueryResponse;
    if (xsd.length > 0) {
      exchange.violations.push(...xsd.slice(0, 5).map((f) => violation('DMP-XSD-001', `line ${f.line ?? '?'}: ${f.message}`)));
      return { kind: 'response', envelope: this.#answer(action, messageId, exchange.violations), action: responseAction };
    }
    if (action === ACTION.provideAndRegister) {
      if (request.namespaceURI !== NS.xdsb || request.localName !== 'ProvideAndRegisterDocumentSetRequest') {
        exchange.violations.push(violation('DMP-XSD-001', `body {${request.namespaceURI ?? ''}}${request.localName ?? ''} for ITI-41`));
      } else {
        const checked = checkProvideAndRegister(request, documents, this.#view());
        exchange.violations.push(...checked.violations);
        if (checked.accepted) this.#register(checked.accepted);
      }
    } else if (action === ACTION.updateDocumentSet) {
      if (request.namespaceURI !== NS.lcm || request.localName !== 'SubmitObjectsRequest') {
        exchange.violations.push(violation('DMP-XSD-001', `body {${request.namespaceURI ?? ''}}${request.localName ?? ''} for ITI-57`));
      } else {
        const checked = checkUpdateDocumentSet(request, this.#view());
        exchange.violations.push(...checked.violations);
        if (checked.target && checked.newStatus) {
          checked.target.status = checked.newStatus;
          if (checked.submissionSetUniqueId) this.#submissionSets.add(checked.submissionSetUniqueId);
        }
      }
    } else {
      return { kind: 'response', envelope: this.#query(request, messageId, exchange), action: responseAction };
    }
    return { kind: 'response', envelope: this.#answer(action, messageId, exchange.violations), action: responseAction };
  }

  #register(accepted: NonNullable<ReturnType<typeof checkProvideAndRegister>['accepted']>): void {
    this.#submissionSets.add(accepted.submissionSetUniqueId);
    const now = new Date();
    const ids = new Map<string, string>();
    for (const e of accepted.entries) {
      const entryUUID = /^urn:uuid:[0-9a-fA-F-]{36}$/.test(e.symbolicId) ? e.symbolicId : `urn:uuid:${randomUUID()}`;
      ids.set(e.symbolicId, entryUUID);
      const { symbolicId: _symbolic, ...rest } = e;
      this.entries.push({ ...rest, entryUUID, status: STATUS.approved, submittedAt: now });
    }
    for (const r of accepted.replacements) {
      const old = this.entries.find((x) => x.entryUUID === r.target);
      const fresh = this.entries.find((x) => x.entryUUID === ids.get(r.source));
      if (old) old.status = STATUS.deprecated;
      if (fresh) fresh.replaces = r.target;
    }
  }

  /** The VIHF checks (`DMP-VIHF-*`); the first broken rule, or undefined. */
  #checkVihf(header: Element, request: Element, action: string): DmpViolation | undefined {
    const security = childElements(header, NS.wsse, 'Security');
    const assertions = security.length === 1 ? childElements(security[0]!, NS.saml, 'Assertion') : [];
    if (security.length !== 1 || assertions.length !== 1) {
      return violation('DMP-VIHF-001', `${security.length} wsse:Security header(s), ${assertions.length} saml2:Assertion`);
    }
    const assertion = assertions[0]!;
    const signature = verifyVihfSignature(serializeNode(assertion), this.#trusted);
    if (!signature.valid) return violation('DMP-VIHF-002', signature.reason);
    const v = readVihf(assertion);
    const one = (name: string): string | undefined => {
      const values = v.attributes.get(name);
      return values?.length === 1 ? values[0] : undefined;
    };
    const issuer = firstChild(assertion, NS.saml, 'Issuer');
    if (
      attr(assertion, 'Version') !== '2.0' ||
      !v.id ||
      !attr(assertion, 'IssueInstant') ||
      attr(issuer, 'Format') !== 'urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName' ||
      !v.issuer ||
      !v.nameId ||
      !firstChild(assertion, NS.saml, 'AuthnStatement')
    ) {
      return violation(
        'DMP-VIHF-003',
        'the assertion lacks Version 2.0, ID, IssueInstant, an X509SubjectName Issuer, a NameID or an AuthnStatement',
      );
    }
    if (one(VIHF_ATTRIBUTE.authenticationMode) !== 'INDIRECTE') {
      return violation('DMP-VIHF-004', `Authentification_Mode "${one(VIHF_ATTRIBUTE.authenticationMode) ?? ''}"`);
    }
    if (one(VIHF_ATTRIBUTE.resourceUrn) !== 'urn:dmp')
      return violation('DMP-VIHF-005', `Ressource_URN "${one(VIHF_ATTRIBUTE.resourceUrn) ?? ''}"`);
    if (action !== ACTION.registryStoredQuery) {
      const patient = descendants(request, NS.rim, 'ExternalIdentifier').find(
        (e) => attr(e, 'identificationScheme') === IDENTIFIER.submissionSetPatientId.scheme,
      );
      const resource = one(VIHF_ATTRIBUTE.resourceId);
      if (!resource || resource !== attr(patient, 'value')) {
        return violation(
          'DMP-VIHF-006',
          `resource-id "${resource ?? ''}" is not the SubmissionSet patientId "${attr(patient, 'value') ?? ''}"`,
        );
      }
    }
    const sector = one(VIHF_ATTRIBUTE.activitySector) ?? '';
    const [sectorCode = '', sectorSystem] = sector.split('^');
    if (
      sectorSystem !== CODE_SYSTEM.activitySector ||
      XDS_VALUE_SETS.healthcareFacilityTypeCode.systemOf(sectorCode) !== CODE_SYSTEM.activitySector
    ) {
      return violation('DMP-VIHF-007', `Secteur_Activite "${sector}"`);
    }
    const roles = v.coded.get(VIHF_ATTRIBUTE.role) ?? [];
    if (roles.length === 0 || roles.some((r) => !r.code || !r.codeSystem))
      return violation('DMP-VIHF-008', `${roles.length} subject:role with code and codeSystem`);
    const purpose = v.coded.get(VIHF_ATTRIBUTE.purposeOfUse) ?? [];
    if (purpose.length !== 1 || purpose[0]?.code !== 'normal' || purpose[0].codeSystem !== CODE_SYSTEM.purposeOfUse) {
      return violation('DMP-VIHF-009', `purposeofuse ${purpose.map((p) => `${p.code}^${p.codeSystem}`).join(', ') || 'absent'}`);
    }
    const version = one(VIHF_ATTRIBUTE.version);
    if (version !== '3.0' && version !== '4.0') return violation('DMP-VIHF-010', `VIHF_Version "${version ?? ''}"`);
    for (const name of [
      VIHF_ATTRIBUTE.structureId,
      VIHF_ATTRIBUTE.subjectId,
      VIHF_ATTRIBUTE.lpsName,
      VIHF_ATTRIBUTE.lpsVersion,
      VIHF_ATTRIBUTE.lpsHomologation,
    ]) {
      if (!one(name)) return violation('DMP-VIHF-011', `${name} absent or repeated`);
    }
    return undefined;
  }

  #answer(action: string, messageId: string, violations: DmpViolation[]): string {
    const responseAction = action === ACTION.updateDocumentSet ? ACTION.updateDocumentSetResponse : ACTION.provideAndRegisterResponse;
    return registryResponse(messageId, asRegistryErrors(violations), responseAction);
  }

  /** ITI-18 GetDocuments by uniqueId or entryUUID (`LeafClass`): enough for the lookups of RPLC and deletion. */
  #query(request: Element, messageId: string, exchange: DmpExchange): string {
    const query = firstChild(request, NS.rim, 'AdhocQuery');
    const slotValues = (name: string): string[] | undefined => {
      const s = childElements(query ?? request, NS.rim, 'Slot').find((e) => attr(e, 'name') === name);
      if (!s) return undefined;
      return descendants(s, NS.rim, 'Value').flatMap((e) =>
        [...(text(e) ?? '').matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'")),
      );
    };
    const byUnique = slotValues('$XDSDocumentEntryUniqueId');
    const byUuid = slotValues('$XDSDocumentEntryEntryUUID');
    const patient = slotValues('$XDSDocumentEntryPatientId');
    const statuses = slotValues('$XDSDocumentEntryStatus');
    const queryId = attr(query, 'id');
    let found: DmpEntry[] | undefined;
    if (queryId === STORED_QUERY.getDocuments && (byUnique || byUuid)) {
      found = this.entries.filter((e) => byUnique?.includes(e.uniqueId) || byUuid?.includes(e.entryUUID));
    } else if (queryId === STORED_QUERY.findDocuments && patient?.length === 1 && statuses?.length) {
      found = this.entries.filter((e) => e.patientId === patient[0] && statuses.includes(e.status));
    }
    if (!found) {
      exchange.violations.push(violation('DMP-QRY-001', `stored query ${queryId ?? 'none'} with the slots ${slotNames(query ?? request)}`));
      return registryResponse(
        messageId,
        asRegistryErrors(exchange.violations),
        ACTION.registryStoredQueryResponse,
        'query:AdhocQueryResponse',
      );
    }
    const identifier = (e: DmpEntry, id: { scheme: string; name: string }, value: string): XmlElement =>
      el(
        'rim:ExternalIdentifier',
        { id: `urn:uuid:${randomUUID()}`, registryObject: e.entryUUID, identificationScheme: id.scheme, value },
        el('rim:Name', {}, el('rim:LocalizedString', { value: id.name })),
      );
    const list = el(
      'rim:RegistryObjectList',
      {},
      found.map((e) =>
        el(
          'rim:ExtrinsicObject',
          { id: e.entryUUID, status: e.status, mimeType: 'text/xml', objectType: STABLE_DOCUMENT_ENTRY },
          identifier(e, IDENTIFIER.documentPatientId, e.patientId),
          identifier(e, IDENTIFIER.documentUniqueId, e.uniqueId),
        ),
      ),
    );
    const answer = el('query:AdhocQueryResponse', { 'xmlns:query': NS.query, 'xmlns:rim': NS.rim, status: RESPONSE_STATUS.success }, list);
    return envelopeOf(ACTION.registryStoredQueryResponse, messageId, serializeXmlFragment(answer));
  }
}

function slotNames(parent: Element): string {
  return (
    childElements(parent, NS.rim, 'Slot')
      .map((e) => attr(e, 'name'))
      .join(', ') || 'none'
  );
}

function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

function envelopeOf(action: string, relatesTo: string | undefined, body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${NS.soap}" xmlns:wsa="${NS.wsa}"><soap:Header>` +
    `<wsa:Action>${action}</wsa:Action><wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID>` +
    (relatesTo ? `<wsa:RelatesTo>${xmlAttr(relatesTo)}</wsa:RelatesTo>` : '') +
    `</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

/** A RegistryError as answered: the code, and the context (the rule id and the precise text). */
interface RegistryErrorOut {
  code: string;
  context: string;
  severity: 'error' | 'warning';
  location?: string;
}

function asRegistryErrors(violations: readonly DmpViolation[]): RegistryErrorOut[] {
  return violations.map((v) => ({
    code: v.code,
    context: `${v.rule}: ${v.text}`,
    severity: v.severity,
    ...(v.location ? { location: v.location } : {}),
  }));
}

/** A RegistryResponse: Success, Success with warnings, or Failure with one RegistryError per violation. */
function registryResponse(
  relatesTo: string | undefined,
  list: RegistryErrorOut[],
  action: string,
  element = 'rs:RegistryResponse',
): string {
  const failed = list.some((v) => v.severity === 'error');
  const errors = list
    .map(
      (v) =>
        `<rs:RegistryError errorCode="${xmlAttr(v.code)}" codeContext="${xmlAttr(v.context)}" severity="${
          v.severity === 'error' ? ERROR_SEVERITY.error : ERROR_SEVERITY.warning
        }"${v.location ? ` location="${xmlAttr(v.location)}"` : ''}/>`,
    )
    .join('');
  const ns = element.startsWith('query:') ? ` xmlns:query="${NS.query}"` : '';
  return envelopeOf(
    action,
    relatesTo,
    `<${element} xmlns:rs="${NS.rs}"${ns} status="${failed ? RESPONSE_STATUS.failure : RESPONSE_STATUS.success}">` +
      (errors ? `<rs:RegistryErrorList>${errors}</rs:RegistryErrorList>` : '') +
      `</${element}>`,
  );
}

/** A SOAP 1.2 fault with a Subcode (`wsa:…`, `wsse:…` or a plain name). */
function soapFault(code: 'Sender' | 'Receiver', subcode: string, reason: string, relatesTo?: string): string {
  const [prefix, local] = subcode.includes(':') ? subcode.split(':', 2) : ['', subcode];
  const nsDecl = prefix === 'wsa' ? '' : prefix === 'wsse' ? ` xmlns:wsse="${NS.wsse}"` : ' xmlns:dmp="urn:cisis-tlr:dmp-double"';
  const value = prefix ? subcode : `dmp:${local}`;
  return envelopeOf(
    'http://www.w3.org/2005/08/addressing/soap/fault',
    relatesTo,
    `<soap:Fault${nsDecl}><soap:Code><soap:Value>soap:${code}</soap:Value>` +
      `<soap:Subcode><soap:Value>${value}</soap:Value></soap:Subcode></soap:Code>` +
      `<soap:Reason><soap:Text xml:lang="en">${xmlAttr(reason)}</soap:Text></soap:Reason></soap:Fault>`,
  );
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The rule catalogue, for the CLI and the documentation. */
export function describeDmpRule(id: Parameters<typeof dmpRule>[0]): string {
  const r = dmpRule(id);
  return `${r.id} (${r.code}): ${r.summary}`;
}
