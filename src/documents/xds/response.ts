import { parseMultipart, parseContentType } from './mtom.js';
import { attr, childElements, descendants, firstChild, parseXml, text } from './xml-dom.js';
import type { Element } from './xml-dom.js';
import { ERROR_SEVERITY, IDENTIFIER, NS, RESPONSE_STATUS } from './xds-vocabulary.js';

/** One `RegistryError` of a DMP answer. */
export interface RegistryErrorItem {
  errorCode: string;
  codeContext: string;
  severity: 'error' | 'warning';
  location?: string;
}

/** An entry found by ITI-18 (`LeafClass` answer). */
export interface FoundEntry {
  entryUUID: string;
  uniqueId: string | undefined;
  patientId: string | undefined;
  status: string | undefined;
}

/**
 * The DMP's answer, as the route needs it: `accepted` (RegistryResponse Success), `refused` (a DMP/XDS error a
 * retry cannot fix: Failure, PartialSuccess, a SOAP Sender fault, HTTP 4xx), `transient` (network, timeout,
 * HTTP 5xx without a readable refusal, a SOAP Receiver fault: retry later). `code`/`text` are the first error's
 * (`errorCode`, `codeContext`) or the fault's (`Subcode`/`Code`, `Reason`) or the HTTP status.
 */
export interface DmpResult {
  outcome: 'accepted' | 'refused' | 'transient';
  code?: string;
  text?: string;
  httpStatus?: number;
  errors?: RegistryErrorItem[];
  /** ITI-18 answers: the entries found. */
  entries?: FoundEntry[];
  /** WS-Addressing `RelatesTo` of the answer. */
  relatesTo?: string;
}

/** Maps an HTTP answer (status, Content-Type, body) to a {@link DmpResult}. Never throws. */
export function parseDmpResponse(httpStatus: number, contentType: string | undefined, body: Buffer): DmpResult {
  let xml: string;
  try {
    xml = envelopeText(contentType ?? '', body);
  } catch (e) {
    return unreadable(httpStatus, `the answer cannot be read: ${(e as Error).message}`);
  }
  let envelope: Element;
  try {
    envelope = parseXml(xml).documentElement as Element;
  } catch (e) {
    return unreadable(httpStatus, `the answer is not well-formed XML: ${(e as Error).message}`);
  }
  if (envelope.namespaceURI !== NS.soap || envelope.localName !== 'Envelope') {
    return unreadable(httpStatus, `the answer is not a SOAP 1.2 envelope ({${envelope.namespaceURI ?? ''}}${envelope.localName ?? ''})`);
  }
  const relatesTo = text(firstChild(firstChild(envelope, NS.soap, 'Header'), NS.wsa, 'RelatesTo'));
  const withRelates = (r: DmpResult): DmpResult => (relatesTo ? { ...r, relatesTo } : r);
  const soapBody = firstChild(envelope, NS.soap, 'Body');
  const fault = firstChild(soapBody, NS.soap, 'Fault');
  if (fault) return withRelates({ ...faultResult(fault), httpStatus });
  const answer = childElements(soapBody ?? envelope, '*', '*')[0];
  if (!answer) return withRelates(unreadable(httpStatus, 'the SOAP body is empty'));
  const status = attr(answer, 'status');
  const errors = descendants(answer, NS.rs, 'RegistryError').map(registryError);
  const entries = answer.localName === 'AdhocQueryResponse' ? foundEntries(answer) : undefined;
  const base = { httpStatus, ...(errors.length ? { errors } : {}), ...(entries ? { entries } : {}) };
  if (status === RESPONSE_STATUS.success) return withRelates({ outcome: 'accepted', ...base });
  if (status === RESPONSE_STATUS.failure || status === RESPONSE_STATUS.partialSuccess) {
    const first = errors.find((e) => e.severity === 'error') ?? errors[0];
    return withRelates({
      outcome: 'refused',
      code: first?.errorCode ?? (status === RESPONSE_STATUS.failure ? 'Failure' : 'PartialSuccess'),
      text: first?.codeContext ?? `the DMP answered ${status}`,
      ...base,
    });
  }
  return withRelates(unreadable(httpStatus, `the answer has no known RegistryResponse status (${status ?? 'none'})`));
}

/** An answer that says nothing readable: transient for 5xx (and 2xx garbage), refused for 4xx. */
function unreadable(httpStatus: number, message: string): DmpResult {
  if (httpStatus >= 400 && httpStatus < 500) return { outcome: 'refused', code: `HTTP${httpStatus}`, text: message, httpStatus };
  return { outcome: 'transient', code: httpStatus >= 500 ? `HTTP${httpStatus}` : 'UnreadableAnswer', text: message, httpStatus };
}

function envelopeText(contentType: string, body: Buffer): string {
  const { mediaType } = parseContentType(contentType);
  if (mediaType === 'multipart/related') return parseMultipart(body, contentType).root.body.toString('utf8');
  return body.toString('utf8');
}

function faultResult(fault: Element): DmpResult {
  const code = firstChild(fault, NS.soap, 'Code');
  const value = text(firstChild(code, NS.soap, 'Value')) ?? '';
  const subcode = text(firstChild(firstChild(code, NS.soap, 'Subcode'), NS.soap, 'Value'));
  const reason = text(firstChild(firstChild(fault, NS.soap, 'Reason'), NS.soap, 'Text')) ?? '';
  const local = value.includes(':') ? value.slice(value.indexOf(':') + 1) : value;
  // A Receiver fault is the server's trouble (SOAP 1.2 §5.4.6): resending the same message may succeed.
  const outcome = local === 'Receiver' ? 'transient' : 'refused';
  return { outcome, code: subcode ?? local, text: reason };
}

function registryError(e: Element): RegistryErrorItem {
  const severity = attr(e, 'severity') === ERROR_SEVERITY.warning ? 'warning' : 'error';
  const location = attr(e, 'location');
  return { errorCode: attr(e, 'errorCode') ?? '', codeContext: attr(e, 'codeContext') ?? '', severity, ...(location ? { location } : {}) };
}

function foundEntries(answer: Element): FoundEntry[] {
  return descendants(answer, NS.rim, 'ExtrinsicObject').map((o) => {
    const ids = childElements(o, NS.rim, 'ExternalIdentifier');
    const value = (scheme: string): string | undefined =>
      attr(
        ids.find((i) => attr(i, 'identificationScheme') === scheme),
        'value',
      );
    return {
      entryUUID: attr(o, 'id') ?? '',
      uniqueId: value(IDENTIFIER.documentUniqueId.scheme),
      patientId: value(IDENTIFIER.documentPatientId.scheme),
      status: attr(o, 'status'),
    };
  });
}
