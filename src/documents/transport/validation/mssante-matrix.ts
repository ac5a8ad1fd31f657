import type { DocumentMetadata } from '../types.js';

/**
 * The MSSanté combination matrix (IG `regles-gestion-mssante.md`, trans-cda-r2 §6.3): when an
 * MSSanté exchange is requested, only these combinations are allowed. `null` = any value (Y/N).
 * Kept as data because it changed between the published 2.1.2 and the 2.1.3 draft.
 */
export type MatrixFlag =
  | 'hiddenFromProfessionals'
  | 'hiddenFromPatient'
  | 'hiddenFromLegalRepresentatives'
  | 'secretConnection'
  | 'confidentialityChange'
  | 'sendToDmp'
  | 'sendToProfessionals'
  | 'sendToPatient';

export interface MssanteMatrixRow {
  result: string;
  values: Readonly<Record<MatrixFlag, boolean | null>>;
}

/** Version 2.1.3 (GitHub `main`, 2026-04-21), the reading this project follows. */
export const MSSANTE_MATRIX: readonly MssanteMatrixRow[] = [
  {
    result: 'mail to professionals/organisations/applications and to the patient',
    values: {
      hiddenFromProfessionals: false,
      hiddenFromPatient: false,
      hiddenFromLegalRepresentatives: false,
      secretConnection: null,
      confidentialityChange: null,
      sendToDmp: null,
      sendToProfessionals: true,
      sendToPatient: true,
    },
  },
  {
    result: 'mail to professionals/organisations/applications only',
    values: {
      hiddenFromProfessionals: false,
      hiddenFromPatient: true,
      hiddenFromLegalRepresentatives: false,
      secretConnection: null,
      confidentialityChange: null,
      sendToDmp: null,
      sendToProfessionals: true,
      sendToPatient: false,
    },
  },
  {
    result: 'mail to the patient only',
    values: {
      hiddenFromProfessionals: null,
      hiddenFromPatient: false,
      hiddenFromLegalRepresentatives: null,
      secretConnection: false,
      confidentialityChange: null,
      sendToDmp: false,
      sendToProfessionals: false,
      sendToPatient: true,
    },
  },
];

/** The matrix row the flags match; undefined when none (or when no MSSanté exchange is asked: the matrix does not apply). */
export function matchMssanteRow(
  flags: Partial<DocumentMetadata>,
  matrix: readonly MssanteMatrixRow[] = MSSANTE_MATRIX,
): MssanteMatrixRow | undefined {
  return matrix.find((row) =>
    (Object.keys(row.values) as MatrixFlag[]).every((k) => row.values[k] === null || row.values[k] === (flags[k] ?? false)),
  );
}
