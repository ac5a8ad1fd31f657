import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CdaValidationError } from './errors.js';

/**
 * The rule sets of the ANS "TestContenuCDA" kit that this layer runs, by the name reported as the
 * `source` of their issues (the Schematron file name without `.sch`).
 */
export const CDA_RULE_SETS = {
  /** CI-SIS structuration minimale (header, INS, data types), every CI-SIS document. */
  'ASIP-STRUCT-MIN-StrucMin': 'schematrons/profils/structurationMinimale/ASIP-STRUCT-MIN-StrucMin.sch',
  /** IHE PCC / XDS-SD templates of sections and entries. */
  IHE: 'schematrons/profils/IHE.sch',
  /** CI-SIS content modules (sections and entries by templateId). */
  'CI-SIS_ModelesDeContenusCDA': 'schematrons/profils/CI-SIS_ModelesDeContenusCDA.sch',
  /** ANS-specific content models. */
  'CI-SIS_Modeles_ANS': 'schematrons/profils/CI-SIS_Modeles_ANS.sch',
  /** Volet IMG-CR-IMG 2024.01, imaging report, structured body only. */
  'CI-SIS_IMG-CR-IMG_2024.01': 'schematrons/CI-SIS_IMG-CR-IMG_2024.01.sch',
  /** Volet IMG-DA-IMG 2024.01, imaging order as a CDA document, structured body only. */
  'CI-SIS_IMG-DA-IMG_2024.01': 'schematrons/CI-SIS_IMG-DA-IMG_2024.01.sch',
} as const;

/** Name of a Schematron rule set of the kit. */
export type CdaRuleSetName = keyof typeof CDA_RULE_SETS;

/** Main XML Schema of the kit, relative to the kit folder. */
export const CDA_XSD = 'infrastructure/cda/CDA_extended.xsd';

/**
 * Folder of the ANS validation kit (the `testcontenucda/` layout: `schematrons/`, `jeuxDeValeurs/`,
 * `infrastructure/cda/`), in this order: the explicit argument, `$CISIS_TLR_CDA_KIT`, then the shared data
 * checked out beside the repository (`../shared/data/cda-validation/testcontenucda` from the repository root).
 * The kit is data published by the ANS and is not bundled in the package.
 */
export function resolveCdaKitDir(explicit?: string): string {
  const candidates = [explicit, process.env['CISIS_TLR_CDA_KIT'], path.join(repositoryRoot(), '..', 'shared', 'data', 'cda-validation', 'testcontenucda')];
  for (const candidate of candidates) {
    if (candidate && existsSync(path.join(candidate, CDA_XSD))) return path.resolve(candidate);
    if (candidate === explicit && explicit !== undefined) break;
  }
  throw new CdaValidationError(
    'TLR_ERR_CDA_KIT_NOT_FOUND',
    explicit !== undefined
      ? `no CDA validation kit at ${explicit} (expected ${CDA_XSD} inside)`
      : 'no CDA validation kit found: pass kitDir or set CISIS_TLR_CDA_KIT to the folder holding schematrons/ and infrastructure/cda/',
  );
}

/** The repository (package) root: this file is `dist/src/documents/validation/cda-validation-kit.js` once built. */
function repositoryRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
}
