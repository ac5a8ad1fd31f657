/**
 * The part of hl7-standard 1.0.4 (untyped CommonJS) that the parse benchmark uses. `get` returns
 * a string for a simple value and objects or arrays for composite or repeated ones.
 */
declare module 'hl7-standard' {
  export interface Hl7StandardSegment {
    get(path: string): unknown;
  }
  export default class HL7 {
    constructor(raw: string, options?: { lineEndings?: string });
    transform(callback?: (error: Error | null) => void): void;
    get(path: string, index?: number): unknown;
    getSegment(type: string): Hl7StandardSegment | null;
    getSegments(type: string): Hl7StandardSegment[];
    build(): string;
  }
}
