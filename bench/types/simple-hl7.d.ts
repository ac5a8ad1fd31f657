/**
 * The part of simple-hl7 3.3.0 (untyped CommonJS) that the parse benchmark uses. Field numbers of
 * `header` are shifted by two: `header.getField(8)` is MSH-10.
 */
declare module 'simple-hl7' {
  export interface SimpleSegment {
    name: string;
    getField(index: number, repeatIndex?: number): string;
    getComponent(fieldIndex: number, componentIndex: number, subComponentIndex?: number): string;
  }
  export interface SimpleMessage {
    header: SimpleSegment;
    segments: SimpleSegment[];
    getSegment(name: string): SimpleSegment | undefined;
    getSegments(name: string): SimpleSegment[];
    toString(): string;
  }
  export class Parser {
    constructor(options?: { segmentSeperator?: string });
    parse(text: string): SimpleMessage;
  }
  const simpleHl7: { Parser: typeof Parser };
  export default simpleHl7;
}
