export { generateImagingReport } from './generate-imaging-report.js';
export type { GenerateImagingReportOptions, GeneratedImagingReport } from './generate-imaging-report.js';
export { completeViewerUrl } from './drimbox-viewer-url.js';
export { checkImagingReportInput } from './input-checks.js';
export { ImagingReportError } from './errors.js';
export type { ImagingReportErrorCode, InputProblem } from './errors.js';
export { INS_OIDS } from './input.js';
export type {
  CodedConcept,
  Civility,
  ImagingReportInput,
  InsOid,
  InstanceIdentifier,
  OidIdentifier,
  PerformedExam,
  PostalAddress,
  ProfessionalTitle,
  ReplacedReport,
  ReportContent,
  ReportDocumentInfo,
  ReportHealthProfessional,
  ReportImagingFacility,
  ReportOrganisation,
  ReportPatient,
  Telecom,
  ViewerAccess,
} from './input.js';
export { renderReportPdf } from './pdf/render-report-pdf.js';
export type { ReportPdfContent } from './pdf/render-report-pdf.js';
export { imagingReportInputFromPostExam } from './from-tlr.js';
export type { PlatformReportContext } from './from-tlr.js';
