import type { CodedValue, HealthProfessional, Organisation, Patient, Telecom } from '../../tlr/index.js';
import { INS_OID } from '../../tlr/index.js';
import type { InstanceIdentifier } from './cda-elements.js';
import { structureIdNat } from './cda-elements.js';
import { isOid, isUid } from './identifiers.js';

/** One problem of a generator's input, located by its path in the input (`patient.ins.value`). */
export interface InputProblem {
  readonly path: string;
  readonly message: string;
}

/** Title codes of JDV_J246_Titre_CISIS, the only `suffix` values allowed (a professional's `prefix`, XCN.6). */
export type ProfessionalTitle = 'DR' | 'MC' | 'MG' | 'PC' | 'PG' | 'PR';

/** The {@link ProfessionalTitle} values. */
export const PROFESSIONAL_TITLES: readonly ProfessionalTitle[] = ['DR', 'MC', 'MG', 'PC', 'PG', 'PR'];

/** Why an organisation cannot be named in the CDA (a unit code is no national structure identifier); undefined when it can. */
export function nationalIdentifierProblem(o: Organisation): string | undefined {
  if (structureIdNat(o) !== undefined) return undefined;
  return `a ${o.identifierType} unit code is not a national structure identifier; the CDA needs FINESS or IDNST`;
}

/** The document-level data both generators take (ids, version, time, confidentiality). */
export interface VersionedDocumentInfo {
  id?: InstanceIdentifier;
  setId?: InstanceIdentifier;
  versionNumber?: number;
  replaces?: { documentId: InstanceIdentifier; setId: InstanceIdentifier; versionNumber: number };
  effectiveTime: Date;
  signedAt?: Date;
  confidentiality?: 'N' | 'R' | 'V';
}

/**
 * The checks every CI-SIS document generator runs on its input before building the CDA, collecting
 * every problem so that the host fixes them all at once: identifier shapes, INS traits, professionals,
 * organisations, mandatory codes. Value-set membership of codes is left to `validateCda`.
 */
export class InputChecker {
  readonly problems: InputProblem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  text(path: string, value: string | undefined): void {
    if (typeof value !== 'string' || value.trim().length === 0) this.add(path, 'required, must not be empty');
  }
  date(path: string, value: Date | undefined): void {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) this.add(path, 'required, must be a valid Date');
  }
  uid(path: string, id: InstanceIdentifier | undefined): void {
    if (!id) return;
    if (!isUid(id.root)) this.add(`${path}.root`, `"${id.root}" is not an OID or UUID`);
    if (id.extension !== undefined && id.extension.trim().length === 0) this.add(`${path}.extension`, 'must not be empty when present');
  }
  coded(path: string, c: CodedValue | undefined, required = true, codeSystem?: string): void {
    if (!c) {
      if (required) this.add(path, 'required');
      return;
    }
    this.text(`${path}.code`, c.code);
    this.text(`${path}.display`, c.display);
    if (!isOid(c.codeSystem ?? '')) this.add(`${path}.codeSystem`, `"${c.codeSystem}" is not an OID`);
    else if (codeSystem && c.codeSystem !== codeSystem) this.add(`${path}.codeSystem`, `expected ${codeSystem}, got ${c.codeSystem}`);
  }
  telecoms(path: string, list: Telecom[] | undefined): void {
    (list ?? []).forEach((t, i) => {
      if (!/^(tel|fax|mailto|http|https|ftp|mllp):.+/.test(t.value))
        this.add(`${path}[${i}].value`, 'must be a URL: tel:, fax:, mailto:, http(s):, ftp: or mllp:');
    });
  }
  professional(path: string, p: HealthProfessional | undefined): void {
    if (!p) {
      this.add(path, 'required');
      return;
    }
    this.text(`${path}.idNat`, p.idNat);
    this.text(`${path}.familyName`, p.familyName);
    if (p.prefix !== undefined && !(PROFESSIONAL_TITLES as readonly string[]).includes(p.prefix)) {
      this.add(`${path}.prefix`, `must be a title of JDV_J246_Titre_CISIS (${PROFESSIONAL_TITLES.join(', ')})`);
    }
    this.coded(`${path}.specialty`, p.specialty, false);
    this.telecoms(`${path}.telecoms`, p.telecoms);
  }
  organisation(path: string, o: Organisation | undefined): void {
    if (!o) {
      this.add(path, 'required');
      return;
    }
    this.text(`${path}.identifier`, o.identifier);
    const notNational = o.identifier?.trim() ? nationalIdentifierProblem(o) : undefined;
    if (notNational) this.add(`${path}.identifierType`, notNational);
    this.text(`${path}.name`, o.name);
    this.coded(`${path}.practiceSetting`, o.practiceSetting, false);
    if (o.telecom) this.telecoms(`${path}.telecom`, [o.telecom]);
  }

  /** Document ids, version, replacement, times and confidentiality. */
  document(doc: VersionedDocumentInfo): void {
    this.date('document.effectiveTime', doc.effectiveTime);
    if (doc.signedAt !== undefined) this.date('document.signedAt', doc.signedAt);
    this.uid('document.id', doc.id);
    this.uid('document.setId', doc.setId);
    if (doc.versionNumber !== undefined && (!Number.isInteger(doc.versionNumber) || doc.versionNumber < 1))
      this.add('document.versionNumber', 'must be an integer >= 1');
    if (doc.replaces) {
      this.uid('document.replaces.documentId', doc.replaces.documentId);
      this.uid('document.replaces.setId', doc.replaces.setId);
      if (!Number.isInteger(doc.replaces.versionNumber) || doc.replaces.versionNumber < 1)
        this.add('document.replaces.versionNumber', 'must be an integer >= 1');
      if (doc.id && doc.id.root === doc.replaces.documentId.root && doc.id.extension === doc.replaces.documentId.extension)
        this.add('document.id', 'a replacement needs a new document id');
    }
    if (doc.confidentiality !== undefined && !['N', 'R', 'V'].includes(doc.confidentiality))
      this.add('document.confidentiality', 'must be N, R or V');
  }

  /** The patient: qualified INS with its traits, local identifiers, telecoms. */
  patient(patient: Patient | undefined): void {
    const insOids: readonly string[] = Object.values(INS_OID);
    if (!patient) {
      this.add('patient', 'required');
      return;
    }
    if (!insOids.includes(patient.ins?.authorityOid ?? ''))
      this.add('patient.ins.authorityOid', `must be an INS OID (${insOids.join(', ')})`);
    if (!/^[0-9][0-9AB0-9]{14}$/.test(patient.ins?.value ?? '')) this.add('patient.ins.value', 'must be a 15-character INS matricule');
    (patient.identifiers ?? []).forEach((id, i) => {
      const root = id.assigningAuthority?.universalId ?? '';
      if (!isUid(root)) this.add(`patient.identifiers[${i}].assigningAuthority.universalId`, `"${root}" is not an OID or UUID`);
      if (!id.value?.trim()) this.add(`patient.identifiers[${i}].value`, 'required (every patient id needs root and extension)');
    });
    this.text('patient.birthName', patient.birthName);
    this.text('patient.birthGivenNames', patient.birthGivenNames);
    this.text('patient.firstGivenName', patient.firstGivenName);
    if (!['F', 'M', 'U'].includes(patient.sex ?? '')) this.add('patient.sex', 'must be F, M or U');
    if (!/^\d{4}-?\d{2}-?\d{2}$/.test(patient.birthDate ?? '')) this.add('patient.birthDate', 'must be YYYY-MM-DD or YYYYMMDD');
    if (!/^[0-9][0-9AB][0-9]{3}$/.test(patient.birthplaceCode ?? ''))
      this.add('patient.birthplaceCode', 'must be a 5-character INSEE COG code');
    this.telecoms('patient.telecoms', patient.telecoms);
  }
}
