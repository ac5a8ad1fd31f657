import { X509Certificate, createPrivateKey, randomUUID } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { el, serializeXmlFragment } from '../cda/xml-tree.js';
import type { XmlElement } from '../cda/xml-tree.js';
import { XdsError } from './errors.js';
import type { XdsCode } from './metadata.js';
import { attr, childElements, firstChild, parseXml, text } from './xml-dom.js';
import type { Element } from './xml-dom.js';
import { CODE_SYSTEM, NS, VIHF_ATTRIBUTE } from './xds-vocabulary.js';

/**
 * The VIHF ("vecteur d'identification et d'habilitation formelles"): a SAML 2.0 assertion in the WS-Security header
 * of every DMP request, signed by the structure's certificate (`dmp-publication.md` §6). Here the structure-level
 * authentication of a PFI-less RIS: `Authentification_Mode = INDIRECTE`, the person responsible for the automated
 * processing as `NameID`. Signed enveloped with `xml-crypto` (RSA-SHA256, exclusive c14n), the signature after
 * `Issuer` as the SAML schema orders it, the certificate in `KeyInfo`.
 */

/** The structure's signing credentials, PEM. */
export interface VihfSigner {
  certificate: string;
  privateKey: string;
}

/** What the VIHF says (mapping of the IG from the HL7 `SB` PRT and the RIS configuration). */
export interface VihfInput {
  /** `NameID`: the professional id of the person responsible for the automated processing (PRT-5.1). */
  nameId: string;
  /** `subject-id`: that person's name (PRT-5.2 + PRT-5.3), or the software name for an automaton. */
  subjectName: string;
  /** `Identifiant_Structure`: the national structure id (PRT-8.10). */
  structureId: string;
  /** `Secteur_Activite`: JDV_J61 code (e.g. `SA07`), written `<code>^1.2.250.1.71.4.2.4`. */
  activitySector: string;
  /** `subject:role`, one or two: the profession (or `AUTOMATE`, 1.2.250.1.213.1.1.4.6), then the savoir-faire of a physician. */
  roles: readonly XdsCode[];
  /** `resource-id`: the patient's INS as CX (`<nir>^^^&1.2.250.1.213.1.4.8&ISO^NH`). */
  patientId: string;
  /** The software: `LPS_Nom`, `LPS_Version`, `LPS_ID_HOMOLOGATION_DMP`, optional `LPS_ID`. */
  lps: { name: string; version: string; homologationId: string; id?: string };
  /** `VIHF_Version`, `3.0` in the ANS examples (`dmp-publication.md` §10.3). */
  version?: '3.0' | '4.0';
  /** `AuthnContextClassRef`; default `urn:oasis:names:tc:SAML:2.0:ac:classes:TLSClient` (the TLS client certificate). */
  authnContextClassRef?: string;
  /** `confidentiality-code` when a secret connection is asked (`CONNEXION_SECRETE = Y`). */
  secretConnection?: XdsCode;
  /** Issue time; default now. */
  now?: Date;
}

const PURPOSE_OF_USE: XdsCode = { code: 'normal', codingScheme: CODE_SYSTEM.purposeOfUse, displayName: 'Accès normal' };
const DEFAULT_AUTHN_CONTEXT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:TLSClient';

function samlAttribute(name: string, ...values: (string | XmlElement)[]): XmlElement {
  return el('saml2:Attribute', { Name: name }, ...values.map((v) => el('saml2:AttributeValue', {}, v)));
}

function codedValue(local: 'Role' | 'PurposeOfUse' | 'ConfidentialityCode', code: XdsCode): XmlElement {
  return el(local, {
    xmlns: NS.hl7,
    'xsi:type': 'CE',
    code: code.code,
    codeSystem: code.codingScheme,
    displayName: code.displayName,
  });
}

/** The issuer DN of a certificate as SAML writes an X509SubjectName (`CN=…,O=…,C=FR`), from its subject. */
export function x509SubjectName(certificatePem: string): string {
  const cert = new X509Certificate(certificatePem);
  return cert.subject
    .split('\n')
    .reverse()
    .map((rdn) => rdn.trim())
    .filter(Boolean)
    .join(',');
}

/** Builds and signs the VIHF. Returns the assertion's XML (no declaration), to be placed in `wsse:Security`. */
export function buildSignedVihf(input: VihfInput, signer: VihfSigner): string {
  return signVihf(buildVihfAssertion(input, signer.certificate), signer);
}

/** The unsigned VIHF assertion (XML text), its Issuer the subject of `certificate`. */
export function buildVihfAssertion(input: VihfInput, certificate: string): string {
  if (input.roles.length === 0) throw new XdsError('TLR_ERR_XDS_MISSING_VALUE', 'vihf.roles', 'the VIHF needs at least one role');
  for (const [field, value] of [
    ['vihf.nameId', input.nameId],
    ['vihf.structureId', input.structureId],
    ['vihf.activitySector', input.activitySector],
    ['vihf.lps.homologationId', input.lps.homologationId],
  ] as const) {
    if (!value?.trim()) throw new XdsError('TLR_ERR_XDS_MISSING_VALUE', field, 'the VIHF requires this value');
  }
  let issuer: string;
  try {
    issuer = x509SubjectName(certificate);
  } catch (cause) {
    throw new XdsError('TLR_ERR_XDS_SIGNING', 'signer', `the signing certificate or key cannot be read: ${(cause as Error).message}`, {
      cause,
    });
  }
  const now = (input.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const id = `_${randomUUID()}`;
  const attributes: XmlElement[] = [
    samlAttribute(VIHF_ATTRIBUTE.version, input.version ?? '3.0'),
    samlAttribute(VIHF_ATTRIBUTE.authenticationMode, 'INDIRECTE'),
    samlAttribute(VIHF_ATTRIBUTE.structureId, input.structureId),
    samlAttribute(VIHF_ATTRIBUTE.activitySector, `${input.activitySector}^${CODE_SYSTEM.activitySector}`),
    samlAttribute(VIHF_ATTRIBUTE.subjectId, input.subjectName),
    samlAttribute(VIHF_ATTRIBUTE.role, ...input.roles.map((r) => codedValue('Role', r))),
    samlAttribute(VIHF_ATTRIBUTE.resourceId, input.patientId),
    samlAttribute(VIHF_ATTRIBUTE.resourceUrn, 'urn:dmp'),
    samlAttribute(VIHF_ATTRIBUTE.purposeOfUse, codedValue('PurposeOfUse', PURPOSE_OF_USE)),
    ...(input.secretConnection
      ? [samlAttribute(VIHF_ATTRIBUTE.confidentialityCode, codedValue('ConfidentialityCode', input.secretConnection))]
      : []),
    ...(input.lps.id ? [samlAttribute(VIHF_ATTRIBUTE.lpsId, input.lps.id)] : []),
    samlAttribute(VIHF_ATTRIBUTE.lpsName, input.lps.name),
    samlAttribute(VIHF_ATTRIBUTE.lpsVersion, input.lps.version),
    samlAttribute(VIHF_ATTRIBUTE.lpsHomologation, input.lps.homologationId),
  ];
  const assertion = el(
    'saml2:Assertion',
    { 'xmlns:saml2': NS.saml, 'xmlns:xsi': NS.xsi, ID: id, IssueInstant: now, Version: '2.0' },
    el('saml2:Issuer', { Format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName' }, issuer),
    el('saml2:Subject', {}, el('saml2:NameID', {}, input.nameId)),
    el('saml2:Conditions', { NotBefore: now }),
    el(
      'saml2:AuthnStatement',
      { AuthnInstant: now },
      el('saml2:AuthnContext', {}, el('saml2:AuthnContextClassRef', {}, input.authnContextClassRef ?? DEFAULT_AUTHN_CONTEXT)),
    ),
    el('saml2:AttributeStatement', {}, ...attributes),
  );
  return serializeXmlFragment(assertion);
}

/**
 * Signs a SAML assertion (XML text) enveloped: RSA-SHA256, exclusive c14n, the reference to the assertion's `ID`,
 * the signature placed after `Issuer` (the order of the SAML schema), the certificate in `KeyInfo`.
 */
export function signVihf(assertionXml: string, signer: VihfSigner): string {
  try {
    createPrivateKey(signer.privateKey);
  } catch (cause) {
    throw new XdsError('TLR_ERR_XDS_SIGNING', 'signer.privateKey', `the signing key cannot be read: ${(cause as Error).message}`, {
      cause,
    });
  }
  const sig = new SignedXml({
    privateKey: signer.privateKey,
    publicCert: signer.certificate,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: `/*[local-name(.)='Assertion']`,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  try {
    sig.computeSignature(assertionXml, {
      prefix: 'ds',
      location: { reference: `/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']`, action: 'after' },
    });
  } catch (cause) {
    throw new XdsError('TLR_ERR_XDS_SIGNING', 'signer', `the VIHF cannot be signed: ${(cause as Error).message}`, { cause });
  }
  return sig.getSignedXml();
}

/** The attributes of a VIHF as read back: simple values, and coded values (`Role`, `PurposeOfUse`). */
export interface VihfContent {
  id: string;
  issuer: string | undefined;
  nameId: string | undefined;
  attributes: Map<string, string[]>;
  coded: Map<string, Array<{ code: string; codeSystem: string; displayName: string }>>;
}

/** Reads the VIHF attributes of a SAML assertion element (no signature check: {@link verifyVihfSignature}). */
export function readVihf(assertion: Element): VihfContent {
  const attributes = new Map<string, string[]>();
  const coded = new Map<string, Array<{ code: string; codeSystem: string; displayName: string }>>();
  for (const statement of childElements(assertion, NS.saml, 'AttributeStatement')) {
    for (const a of childElements(statement, NS.saml, 'Attribute')) {
      const name = attr(a, 'Name') ?? '';
      for (const v of childElements(a, NS.saml, 'AttributeValue')) {
        const inner = childElements(v, '*', '*')[0];
        if (inner) {
          const list = coded.get(name) ?? [];
          list.push({
            code: attr(inner, 'code') ?? '',
            codeSystem: attr(inner, 'codeSystem') ?? '',
            displayName: attr(inner, 'displayName') ?? '',
          });
          coded.set(name, list);
        } else {
          const list = attributes.get(name) ?? [];
          list.push(text(v) ?? '');
          attributes.set(name, list);
        }
      }
    }
  }
  return {
    id: attr(assertion, 'ID') ?? '',
    issuer: text(firstChild(assertion, NS.saml, 'Issuer')),
    nameId: text(firstChild(firstChild(assertion, NS.saml, 'Subject'), NS.saml, 'NameID')),
    attributes,
    coded,
  };
}

/** Result of a VIHF signature check. */
export type VihfSignatureCheck = { valid: true; certificate: X509Certificate } | { valid: false; reason: string };

/**
 * Checks the enveloped signature of an assertion (given as its own XML text): exactly one signature, whose one
 * reference is the assertion itself (`#ID`, so that no other element can stand in for it), valid with the
 * certificate of its `KeyInfo`; that certificate must be `trusted` itself or issued by one of the `trusted` CAs.
 */
export function verifyVihfSignature(assertionXml: string, trusted: readonly string[]): VihfSignatureCheck {
  let doc: ReturnType<typeof parseXml>;
  try {
    doc = parseXml(assertionXml);
  } catch (e) {
    return { valid: false, reason: `the assertion is not well-formed XML: ${(e as Error).message}` };
  }
  const assertion = doc.documentElement as Element;
  const signatures = childElements(assertion, NS.ds, 'Signature');
  if (signatures.length !== 1)
    return { valid: false, reason: `the assertion has ${signatures.length} ds:Signature children, one is required` };
  const signature = signatures[0]!;
  const certText = SignedXml.getCertFromKeyInfo(firstChild(signature, NS.ds, 'KeyInfo') as unknown as Node);
  if (!certText) return { valid: false, reason: 'the signature carries no X509Certificate in its KeyInfo' };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certText);
  } catch {
    return { valid: false, reason: 'the KeyInfo certificate cannot be read' };
  }
  if (!isTrusted(certificate, trusted))
    return { valid: false, reason: `the signing certificate (${certificate.subject.replace(/\n/g, ', ')}) is not trusted` };
  const sig = new SignedXml({ publicCert: certificate.toString() });
  sig.loadSignature(signature as unknown as Node);
  let ok: boolean;
  try {
    ok = sig.checkSignature(assertionXml);
  } catch (e) {
    return { valid: false, reason: `the signature does not verify: ${(e as Error).message}` };
  }
  if (!ok) return { valid: false, reason: 'the signature does not verify' };
  const refs = childElements(childElements(signature, NS.ds, 'SignedInfo')[0]!, NS.ds, 'Reference');
  const id = attr(assertion, 'ID');
  if (refs.length !== 1 || !id || attr(refs[0], 'URI') !== `#${id}`) {
    return { valid: false, reason: 'the signature does not reference the assertion itself' };
  }
  return { valid: true, certificate };
}

function isTrusted(cert: X509Certificate, trusted: readonly string[]): boolean {
  for (const pem of trusted) {
    let anchor: X509Certificate;
    try {
      anchor = new X509Certificate(pem);
    } catch {
      continue;
    }
    if (anchor.fingerprint256 === cert.fingerprint256) return true;
    if (cert.checkIssued(anchor) && cert.verify(anchor.publicKey)) return true;
  }
  return false;
}
