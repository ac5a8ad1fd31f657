export { generateImagingRequest } from './generate-imaging-request.js';
export type { GenerateImagingRequestOptions, GeneratedImagingRequest } from './generate-imaging-request.js';
export { checkImagingRequestInput } from './input-checks.js';
export { ImagingRequestError } from './errors.js';
export type { ImagingRequestErrorCode } from './errors.js';
export type { ImagingRequestInput, RequestClinicalData, RequestDocumentInfo, RequestImagingFacility } from './input.js';
export { REQUEST_TYPE } from './request-codes.js';
export { imagingRequestInputFromOrder } from './from-tlr.js';
export type { RisRequestContext } from './from-tlr.js';
