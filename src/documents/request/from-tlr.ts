import type { CodedValue, HealthProfessional, ImagingOrder } from '../../tlr/index.js';
import { PROFESSIONAL_TITLES } from '../cda/input-checker.js';
import type { ImagingRequestInput, RequestClinicalData, RequestDocumentInfo } from './input.js';

/** What the RIS adds to a flow-1 order to write its request document. */
export interface RisRequestContext {
  document: RequestDocumentInfo;
  /** Healthcare facility type (JDV_J02) and practice setting (JDV_J04) of the issuing facility. */
  facilityType: CodedValue;
  practiceSetting: CodedValue;
  /** The prescriber's specialty from the national directory (JDV_J01), when known. */
  prescriberSpecialty?: CodedValue;
  encounterCode?: CodedValue;
  clinical?: RequestClinicalData;
  pdf?: Uint8Array;
}

/** A professional with the title (XCN.6) kept only when the CDA allows it (JDV_J246). */
function cdaProfessional(p: HealthProfessional, specialty?: CodedValue): HealthProfessional {
  const { prefix, ...rest } = p;
  const out: HealthProfessional = { ...rest };
  const title = prefix?.toUpperCase();
  if (title && (PROFESSIONAL_TITLES as readonly string[]).includes(title)) out.prefix = title;
  if (specialty) out.specialty = specialty;
  return out;
}

/**
 * The request input from the order as flow 1 carries it (the ORM^O01 the RIS sends in the same
 * exchange) and the RIS's CDA-only context: the document says what the message says, and more.
 */
export function imagingRequestInputFromOrder(order: ImagingOrder, context: RisRequestContext): ImagingRequestInput {
  const input: ImagingRequestInput = {
    document: context.document,
    // The CDA recordTarget carries the INS and the identifiers under an OID only.
    order: {
      ...order,
      patient: {
        ...order.patient,
        identifiers: (order.patient.identifiers ?? []).filter(
          (id) => id.assigningAuthority?.universalIdType === 'ISO' && !!id.assigningAuthority.universalId,
        ),
      },
    },
    prescriber: cdaProfessional(order.responsibleProfessional, context.prescriberSpecialty),
    facility: { ...order.imagingFacility, facilityType: context.facilityType, practiceSetting: context.practiceSetting },
  };
  if (context.encounterCode) input.encounterCode = context.encounterCode;
  if (context.clinical) input.clinical = context.clinical;
  if (context.pdf) input.pdf = context.pdf;
  return input;
}
