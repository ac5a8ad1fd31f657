export { generateImagingReport } from './generate-imaging-report.js';
export type { GenerateImagingReportOptions, GeneratedImagingReport } from './generate-imaging-report.js';
export { completeViewerUrl } from './drimbox-viewer-url.js';
export { checkImagingReportInput } from './input-checks.js';
export { ImagingReportError } from './errors.js';
export type { ImagingReportErrorCode, InputProblem } from './errors.js';
export { PROFESSIONAL_TITLES } from './input.js';
export type {
  ImagingReportInput,
  InstanceIdentifier,
  PerformedExam,
  ProfessionalTitle,
  ReplacedReport,
  ReportContent,
  ReportDocumentInfo,
  ReportImagingFacility,
  ViewerAccess,
} from './input.js';
export { INS_OIDS } from './deprecated-names.js';
export type {
  Civility,
  CodedConcept,
  InsOid,
  OidIdentifier,
  PostalAddress,
  ReportHealthProfessional,
  ReportOrganisation,
  ReportPatient,
  Telecom,
} from './deprecated-names.js';
export { renderReportPdf } from '../cda/pdf/render-report-pdf.js';
export type { ReportPdfContent } from '../cda/pdf/render-report-pdf.js';
export { imagingReportInputFromPostExam } from './from-tlr.js';
export type { PlatformReportContext } from './from-tlr.js';
