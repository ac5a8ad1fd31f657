import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { HL7_V3_NAMESPACE } from './vocabulary.js';
import type { DocumentId } from './types.js';

/**
 * The few CDA header elements the transport layer checks against the HL7 message (trans-cda-r2
 * §11): ids, type, version, replaced document, patient ids. Running the CDA Schematrons is the job
 * of `documents/validation`, not of this reader.
 */
export interface CdaHeader {
  /** Namespace of the root element (`urn:hl7-org:v3` for a CDA). */
  namespace: string;
  id: DocumentId | undefined;
  setId: DocumentId | undefined;
  versionNumber: number | undefined;
  code: { code: string; codeSystem: string; displayName: string } | undefined;
  title: string | undefined;
  /** `effectiveTime/@value`, as written. */
  effectiveTime: string | undefined;
  confidentialityCode: string | undefined;
  /** `relatedDocument/parentDocument/id`, with the relation type (`RPLC`, `APND`, `XFRM`). */
  relatedDocuments: Array<{ typeCode: string; id: DocumentId }>;
  /** `recordTarget/patientRole/id` (INS and local ids). */
  patientIds: DocumentId[];
  /** `legalAuthenticator/assignedEntity/id`. */
  legalAuthenticatorId: DocumentId | undefined;
}

/** Why bytes could not be read as a CDA document. */
export interface CdaReadProblem {
  kind: 'encoding' | 'not-xml' | 'not-cda';
  message: string;
}

export type CdaReadResult = { header: CdaHeader; problem?: undefined } | { header?: undefined; problem: CdaReadProblem };

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/**
 * Decodes the document bytes (BOM, then the XML declaration's encoding, UTF-8 by default), checks
 * that they are well-formed XML whose single root is `ClinicalDocument` in the HL7 v3 namespace,
 * and reads the header elements. Never throws.
 */
export function readCdaHeader(bytes: Uint8Array): CdaReadResult {
  let text: string;
  try {
    text = decodeXml(bytes);
  } catch (e) {
    return { problem: { kind: 'encoding', message: (e as Error).message } };
  }
  const check = XMLValidator.validate(text);
  if (check !== true) {
    return {
      problem: { kind: 'not-xml', message: `not well-formed XML (line ${check.err.line}, column ${check.err.col}: ${check.err.msg})` },
    };
  }
  const doc = parser.parse(text) as XmlNode;
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?') && !k.startsWith('#'));
  const rootName = roots[0];
  const rootNodes = rootName === undefined ? [] : asNodes(doc[rootName]);
  if (roots.length !== 1 || rootNodes.length !== 1) {
    return {
      problem: {
        kind: 'not-xml',
        message: `the XML has ${roots.length === 1 ? rootNodes.length : roots.length} root elements, one is required`,
      },
    };
  }
  const root = rootNodes[0]!;
  const [prefix, local] = rootName!.includes(':') ? (rootName!.split(':', 2) as [string, string]) : ['', rootName!];
  const namespace = attr(root, prefix ? `xmlns:${prefix}` : 'xmlns') ?? '';
  if (local !== 'ClinicalDocument' || namespace !== HL7_V3_NAMESPACE) {
    return {
      problem: {
        kind: 'not-cda',
        message: `the root element is {${namespace}}${local}, a CDA document has {${HL7_V3_NAMESPACE}}ClinicalDocument`,
      },
    };
  }
  const code = first(root, 'code');
  const version = attr(first(root, 'versionNumber'), 'value');
  return {
    header: {
      namespace,
      id: instanceId(first(root, 'id')),
      setId: instanceId(first(root, 'setId')),
      versionNumber: version !== undefined && /^\d+$/.test(version) ? Number(version) : undefined,
      code: code
        ? { code: attr(code, 'code') ?? '', codeSystem: attr(code, 'codeSystem') ?? '', displayName: attr(code, 'displayName') ?? '' }
        : undefined,
      title: textOf(first(root, 'title')),
      effectiveTime: attr(first(root, 'effectiveTime'), 'value'),
      confidentialityCode: attr(first(root, 'confidentialityCode'), 'code'),
      relatedDocuments: children(root, 'relatedDocument').flatMap((rel) => {
        const id = instanceId(first(first(rel, 'parentDocument'), 'id'));
        return id ? [{ typeCode: attr(rel, 'typeCode') ?? '', id }] : [];
      }),
      patientIds: children(root, 'recordTarget')
        .flatMap((rt) => children(first(rt, 'patientRole'), 'id'))
        .flatMap((n) => {
          const id = instanceId(n);
          return id ? [id] : [];
        }),
      legalAuthenticatorId: instanceId(first(first(first(root, 'legalAuthenticator'), 'assignedEntity'), 'id')),
    },
  };
}

function decodeXml(bytes: Uint8Array): string {
  let body = bytes;
  let encoding = 'utf-8';
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) body = bytes.subarray(3);
  else if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))
    encoding = bytes[0] === 0xfe ? 'utf-16be' : 'utf-16le';
  else {
    const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
    const declared = /^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
    if (declared) encoding = declared.toLowerCase();
  }
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new Error(`unsupported XML encoding "${encoding}"`);
  }
  try {
    return decoder.decode(body);
  } catch {
    throw new Error(`the document bytes are not valid ${encoding.toUpperCase()}`);
  }
}

function asNodes(value: unknown): XmlNode[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => (typeof v === 'object' && v !== null ? (v as XmlNode) : { '#text': String(v) }));
}

/** Child elements with this local name, whatever their prefix. */
function children(node: XmlNode | undefined, localName: string): XmlNode[] {
  if (!node) return [];
  const out: XmlNode[] = [];
  for (const key of Object.keys(node)) {
    if (key.startsWith('@') || key.startsWith('#')) continue;
    const local = key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
    if (local === localName) out.push(...asNodes(node[key]));
  }
  return out;
}

function first(node: XmlNode | undefined, localName: string): XmlNode | undefined {
  return children(node, localName)[0];
}

function attr(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}

function textOf(node: XmlNode | undefined): string | undefined {
  const t = node?.['#text'];
  return typeof t === 'string' ? t : node ? '' : undefined;
}

function instanceId(node: XmlNode | undefined): DocumentId | undefined {
  const root = attr(node, 'root');
  if (!root) return undefined;
  const extension = attr(node, 'extension');
  return extension ? { root, extension } : { root };
}
