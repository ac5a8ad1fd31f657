import type { HealthProfessional } from '../../../tlr/index.js';
import { INS_OID } from '../../../tlr/index.js';

/** Dates and times as a French reader expects them on a printed document (Europe/Paris). */
export const PDF_DATE_TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });

/** The label of the patient's INS by its authority. */
export const INS_LABEL: Readonly<Record<string, string>> = {
  [INS_OID.nir]: 'INS-NIR',
  [INS_OID.nia]: 'INS-NIA',
  [INS_OID.nirTest]: 'INS-NIR (test)',
  [INS_OID.nirDemo]: 'INS-NIA (test)',
};

export const SEX_LABEL = { F: 'Féminin', M: 'Masculin', U: 'Inconnu' } as const;

/** `Dr Given Family`: a professional as the printed document names them. */
export function personName(p: HealthProfessional): string {
  return [p.prefix === 'DR' ? 'Dr' : p.prefix === 'PR' ? 'Pr' : undefined, p.givenName, p.familyName].filter(Boolean).join(' ');
}
