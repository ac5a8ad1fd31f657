import { X509Certificate, createHash } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { el, serializeXmlFragment } from '../cda/xml-tree.js';
import { XdsError } from './errors.js';
import type { VihfSigner } from './vihf.js';
import { attr, childElements, descendants, firstChild, parseXml, text } from './xml-dom.js';
import type { Element } from './xml-dom.js';
import { NS } from './xds-vocabulary.js';

/**
 * The signature document of a submission (IHE DSG enveloping signature with XAdES-BES qualifying properties), as
 * the ANS samples and the DRIMbox send it with every ITI-41 (`dmp-publication.md` §2, §5): a `ds:Signature` whose
 * `SignedInfo` references an IHE `Manifest` (one reference per document, `urn:oid:<uniqueId>` with the SHA-256 of
 * its bytes, and one to the SubmissionSet's uniqueId) and the XAdES `SignedProperties` (signing time, signing
 * certificate digest and issuer/serial, implied policy); purpose of signature `1.2.840.10065.1.12.1.14` (Source).
 *
 * `xml-crypto` computes the references and the signature (RSA-SHA256, exclusive c14n) over the `ds:Object` content;
 * only the XAdES properties are written here, since `xml-crypto` has no XAdES support (`xadesjs` would, it is not a
 * dependency of this project).
 */

export const XADES_NS = 'http://uri.etsi.org/01903/v1.3.2#';
const MANIFEST_TYPE = 'http://www.w3.org/2000/09/xmldsig#Manifest';
const SIGNED_PROPERTIES_TYPE = 'http://uri.etsi.org/01903#SignedProperties';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
/** ASTM E1762 purpose of signature "Source" (the DSG default for a submission). */
export const PURPOSE_SOURCE = '1.2.840.10065.1.12.1.14';

/** What the signature covers. */
export interface SubmissionSignatureInput {
  /** The `ds:Signature/@Id` (an NCName). */
  signatureId: string;
  submissionSetUniqueId: string;
  documents: ReadonlyArray<{ uniqueId: string; bytes: Uint8Array }>;
  now?: Date;
}

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('base64');

/** Builds and signs the signature document; returns its XML text (with declaration), the bytes of the MIME part. */
export function buildSubmissionSignature(input: SubmissionSignatureInput, signer: VihfSigner): string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(signer.certificate);
  } catch (cause) {
    throw new XdsError('TLR_ERR_XDS_SIGNING', 'signer.certificate', 'the signing certificate cannot be read', { cause });
  }
  const reference = (uri: string, digest: string) =>
    el('ds:Reference', { URI: uri }, el('ds:DigestMethod', { Algorithm: SHA256 }), el('ds:DigestValue', {}, digest));
  const manifest = el(
    'ds:Manifest',
    { 'xmlns:ds': NS.ds, Id: 'IHEManifest' },
    reference(`urn:oid:${input.submissionSetUniqueId}`, sha256(input.submissionSetUniqueId)),
    input.documents.map((d) => reference(`urn:oid:${d.uniqueId}`, sha256(d.bytes))),
  );
  const properties = el(
    'xades:QualifyingProperties',
    { 'xmlns:xades': XADES_NS, 'xmlns:ds': NS.ds, Target: `#${input.signatureId}` },
    el(
      'xades:SignedProperties',
      { Id: `${input.signatureId}-SignedProperties` },
      el(
        'xades:SignedSignatureProperties',
        {},
        el('xades:SigningTime', {}, (input.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z')),
        el(
          'xades:SigningCertificate',
          {},
          el(
            'xades:Cert',
            {},
            el('xades:CertDigest', {}, el('ds:DigestMethod', { Algorithm: SHA256 }), el('ds:DigestValue', {}, sha256(cert.raw))),
            el(
              'xades:IssuerSerial',
              {},
              el('ds:X509IssuerName', {}, cert.issuer.split('\n').reverse().join(',')),
              el('ds:X509SerialNumber', {}, BigInt(`0x${cert.serialNumber}`).toString(10)),
            ),
          ),
        ),
        el('xades:SignaturePolicyIdentifier', {}, el('xades:SignaturePolicyImplied')),
      ),
    ),
  );
  const purpose = el(
    'ds:SignatureProperties',
    { 'xmlns:ds': NS.ds },
    el('ds:SignatureProperty', { Id: 'purposeOfSignature', Target: `#${input.signatureId}` }, PURPOSE_SOURCE),
  );
  const sig = new SignedXml({
    privateKey: signer.privateKey,
    publicCert: signer.certificate,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: EXC_C14N,
    objects: [
      { content: serializeXmlFragment(purpose) },
      { content: serializeXmlFragment(manifest) },
      { content: serializeXmlFragment(properties) },
    ],
  });
  sig.addReference({ xpath: "//*[@Id='IHEManifest']", transforms: [EXC_C14N], digestAlgorithm: SHA256, type: MANIFEST_TYPE });
  sig.addReference({
    xpath: `//*[@Id='${input.signatureId}-SignedProperties']`,
    transforms: [EXC_C14N],
    digestAlgorithm: SHA256,
    type: SIGNED_PROPERTIES_TYPE,
  });
  try {
    sig.computeSignature('<Envelope/>', {
      prefix: 'ds',
      attrs: { Id: input.signatureId },
      location: { reference: '/*', action: 'append' },
    });
  } catch (cause) {
    throw new XdsError('TLR_ERR_XDS_SIGNING', 'signer', `the submission cannot be signed: ${(cause as Error).message}`, { cause });
  }
  return `<?xml version="1.0" encoding="UTF-8"?>${sig.getSignatureXml()}`;
}

/** What a received signature document says, once its signature is checked. */
export type SubmissionSignatureCheck =
  | { valid: true; certificate: X509Certificate; references: Map<string, string>; signingTime: string | undefined }
  | { valid: false; reason: string };

/**
 * Checks a signature document: one `ds:Signature` root, valid with the certificate of its `KeyInfo`, that
 * certificate trusted (itself, or issued by a trusted CA), its two references being the Manifest and the XAdES
 * SignedProperties, and the XAdES SigningCertificate digest being that certificate's. Returns the Manifest's
 * references (`urn:oid:…` → base64 SHA-256) for the caller to compare with the submission.
 */
export function verifySubmissionSignature(xml: string, trusted: readonly string[]): SubmissionSignatureCheck {
  let root: Element;
  try {
    root = parseXml(xml).documentElement as Element;
  } catch (e) {
    return { valid: false, reason: `the signature document is not well-formed XML: ${(e as Error).message}` };
  }
  if (root.namespaceURI !== NS.ds || root.localName !== 'Signature') return { valid: false, reason: 'the root is not ds:Signature' };
  const certText = SignedXml.getCertFromKeyInfo(firstChild(root, NS.ds, 'KeyInfo') as unknown as Node);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certText ?? '');
  } catch {
    return { valid: false, reason: 'the signature carries no readable X509Certificate' };
  }
  const trustedOk = trusted.some((pem) => {
    try {
      const anchor = new X509Certificate(pem);
      return anchor.fingerprint256 === cert.fingerprint256 || (cert.checkIssued(anchor) && cert.verify(anchor.publicKey));
    } catch {
      return false;
    }
  });
  if (!trustedOk) return { valid: false, reason: `the signing certificate (${cert.subject.replace(/\n/g, ', ')}) is not trusted` };
  const sig = new SignedXml({ publicCert: cert.toString() });
  sig.loadSignature(root as unknown as Node);
  try {
    if (!sig.checkSignature(xml)) return { valid: false, reason: 'the signature does not verify' };
  } catch (e) {
    return { valid: false, reason: `the signature does not verify: ${(e as Error).message}` };
  }
  const refs = childElements(firstChild(root, NS.ds, 'SignedInfo')!, NS.ds, 'Reference');
  const types = new Set(refs.map((r) => attr(r, 'Type')));
  const manifest = descendants(root, NS.ds, 'Manifest')[0];
  const signedProps = descendants(root, XADES_NS, 'SignedProperties')[0];
  if (
    refs.length !== 2 ||
    !types.has(MANIFEST_TYPE) ||
    !types.has(SIGNED_PROPERTIES_TYPE) ||
    !manifest ||
    !signedProps ||
    !refs.some((r) => attr(r, 'URI') === `#${attr(manifest, 'Id')}`) ||
    !refs.some((r) => attr(r, 'URI') === `#${attr(signedProps, 'Id')}`)
  ) {
    return { valid: false, reason: 'the signature must reference exactly the IHE Manifest and the XAdES SignedProperties' };
  }
  const certDigest = text(descendants(descendants(signedProps, XADES_NS, 'CertDigest')[0] ?? signedProps, NS.ds, 'DigestValue')[0]);
  if (certDigest !== sha256(cert.raw)) return { valid: false, reason: 'the XAdES SigningCertificate is not the certificate that signed' };
  const references = new Map<string, string>();
  for (const r of childElements(manifest, NS.ds, 'Reference')) {
    references.set(attr(r, 'URI') ?? '', text(firstChild(r, NS.ds, 'DigestValue')) ?? '');
  }
  return { valid: true, certificate: cert, references, signingTime: text(descendants(signedProps, XADES_NS, 'SigningTime')[0]) };
}

/** The base64 SHA-256 a Manifest reference carries for these bytes. */
export function manifestDigest(bytes: Uint8Array | string): string {
  return sha256(bytes);
}
