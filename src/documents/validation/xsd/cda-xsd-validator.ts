import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ParseOption, XmlDocument, XmlParseError, xmlRegisterInputProvider, XmlValidateError, XsdValidator } from 'libxml2-wasm';
import type { ErrorDetail } from 'libxml2-wasm';
import { validateXML } from 'xmllint-wasm';
import type { XMLFileInfo, XMLValidationResult } from 'xmllint-wasm';
import { CdaValidationError } from '../errors.js';

/** One XML Schema violation (or well-formedness error), with the line xmllint reports. */
export interface XsdFinding {
  /** 1-based line in the validated document, or `null` when xmllint gave none. */
  readonly line: number | null;
  /**
   * The xmllint message without the file name and line prefix,
   * e.g. `Schemas validity error : Element '{urn:hl7-org:v3}titl': This element is not expected. …`.
   */
  readonly message: string;
}

/** Name under which the document is handed to libxml2 (it appears in raw messages only). */
const DOCUMENT_NAME = 'document.xml';

/**
 * The options `xmllint --schema` parses documents with in libxml2 2.13: line numbers beyond 65,535 kept
 * (`XML_PARSE_BIG_LINES`), nothing else that changes a verdict. `XML_PARSE_HUGE` is *not* set, as in
 * xmllint: a text node over 10 MB is a well-formedness error in both.
 */
const PARSE_OPTIONS = ParseOption.XML_PARSE_BIG_LINES | ParseOption.XML_PARSE_COMPACT;

/** libxml2 `xmlErrorLevel`. */
const XML_ERR_WARNING = 1;
const XML_ERR_FATAL = 3;

/**
 * Validates documents against `CDA_extended.xsd` with libxml2 compiled to WebAssembly (`libxml2-wasm`).
 *
 * Why this shape: the CDA schema set (about 40 files) takes a quarter of a second to parse, and
 * validating a report against the parsed schema takes about a millisecond. So the schema is parsed
 * once, when the validator is loaded, and kept (`xmlSchemaNewValidCtxt` per document on the one
 * `xmlSchemaPtr`). The previous engine, `xmllint-wasm`, runs the xmllint command line and parses the
 * schema again at every call (0.3–0.8 s a document).
 *
 * Findings are worded as xmllint words them (`parser error : …`, `Schemas validity error : …`), and the
 * verdict is the one of `xmllint --schema`: when parsing the document gives diagnostics that xmllint
 * reports without stopping (a namespace error, a parser warning), which the wasm binding cannot carry
 * through to validation, that document is handed to `xmllint-wasm` itself (slow, but only for documents
 * that are wrong in those ways), and so is a document on which libxml2's validator reports an internal error.
 */
export class CdaXsdValidator {
  private constructor(
    private readonly schema: XsdValidator,
    private readonly mainSchema: XMLFileInfo,
    private readonly preload: readonly XMLFileInfo[],
  ) {}

  /** Reads `CDA_extended.xsd` (or another main XSD) and every `.xsd` / `.dtd` below its folder, and parses the schema. */
  static async load(mainXsd: string): Promise<CdaXsdValidator> {
    const root = path.dirname(path.resolve(mainXsd));
    let files: string[];
    try {
      files = (await listFiles(root)).filter((file) => /\.(xsd|dtd)$/i.test(file));
    } catch (cause) {
      throw new CdaValidationError('TLR_ERR_CDA_KIT_NOT_FOUND', `cannot read the XML Schema folder ${root}`, { cause });
    }
    const mainName = path.basename(mainXsd);
    const read = async (relative: string): Promise<XMLFileInfo & { bytes: Buffer }> => {
      const bytes = await readFile(path.join(root, relative));
      // xmllint resolves includes with forward slashes whatever the platform.
      return { fileName: relative.split(path.sep).join('/'), contents: bytes.toString('utf8'), bytes };
    };
    const main = await read(mainName).catch((cause: unknown) => {
      throw new CdaValidationError('TLR_ERR_CDA_KIT_NOT_FOUND', `cannot read ${mainXsd}`, { cause });
    });
    const preload = await Promise.all(
      files
        .filter((file) => file !== mainName)
        .sort()
        .map(read),
    );
    const mainPath = path.join(root, mainName);
    for (const file of [main, ...preload]) schemaFiles.set(path.join(root, file.fileName), file.bytes);
    registerSchemaFiles();
    let schema: XsdValidator;
    try {
      const schemaDocument = XmlDocument.fromBuffer(main.bytes, { url: mainPath });
      try {
        schema = XsdValidator.fromDoc(schemaDocument);
      } finally {
        schemaDocument.dispose();
      }
    } catch (cause) {
      throw new CdaValidationError('TLR_ERR_CDA_XSD_ENGINE', `cannot parse the XML Schema ${mainXsd}: ${describe(cause)}`, { cause });
    }
    const info = (file: XMLFileInfo): XMLFileInfo => ({ fileName: file.fileName, contents: file.contents });
    return new CdaXsdValidator(schema, info(main), preload.map(info));
  }

  /** Validates one document. Resolves with the violations (an empty list when the document is valid). */
  async validate(xml: string | Uint8Array): Promise<XsdFinding[]> {
    let document: XmlDocument;
    try {
      // Bytes go to libxml2 as they are, so that it honours the encoding the document declares.
      document =
        typeof xml === 'string'
          ? XmlDocument.fromString(xml, { url: DOCUMENT_NAME, option: PARSE_OPTIONS })
          : XmlDocument.fromBuffer(xml, { url: DOCUMENT_NAME, option: PARSE_OPTIONS });
    } catch (cause) {
      if (cause instanceof XmlParseError && cause.details.length > 0 && cause.details.every((detail) => detail.level === XML_ERR_FATAL)) {
        return cause.details.map((detail) => finding('parser', detail));
      }
      if (cause instanceof XmlParseError) return this.validateWithXmllint(xml);
      throw new CdaValidationError('TLR_ERR_CDA_XSD_ENGINE', `libxml2 failed: ${describe(cause)}`, { cause });
    }
    try {
      // Parser warnings are reported by xmllint along with validity errors: leave such documents to it.
      if (document.warnings?.length) return await this.validateWithXmllint(xml);
      this.schema.validate(document);
      return [];
    } catch (cause) {
      if (cause instanceof XmlValidateError) {
        const findings = cause.details.map((detail) => finding('Schemas validity', detail));
        return findings.length > 0 ? findings : [{ line: null, message: 'the document does not validate against the XML Schema' }];
      }
      // libxml2's validator gives up on some trees that xmllint still answers for (unexpanded entity
      // references): xmllint decides.
      return await this.validateWithXmllint(xml);
    } finally {
      document.dispose();
    }
  }

  /**
   * The document run through the xmllint command line (xmllint-wasm), which parses the schema again: the
   * reference {@link CdaXsdValidator.validate} agrees with, and its fallback.
   */
  async validateWithXmllint(xml: string | Uint8Array): Promise<XsdFinding[]> {
    let result: XMLValidationResult;
    try {
      result = await validateXML({
        xml: [{ fileName: DOCUMENT_NAME, contents: xml }],
        schema: [this.mainSchema],
        preload: [...this.preload],
        // Large reports embed PDFs in base64: allow up to 1 GiB instead of the 32 MiB default.
        maxMemoryPages: 16384,
      });
    } catch (cause) {
      throw new CdaValidationError('TLR_ERR_CDA_XSD_ENGINE', `xmllint failed: ${describe(cause)}`, { cause });
    }
    if (result.valid) return [];
    const located = result.errors.filter((error) => error.loc !== null);
    const findings = (located.length > 0 ? located : result.errors)
      // Schema-parser warnings concern the XSD set (e.g. a namespace imported twice), not the document;
      // unlocated lines next to located ones are xmllint's echo of the offending source line.
      .filter((error) => error.loc === null || error.loc.fileName === DOCUMENT_NAME)
      .map((error) => ({ line: error.loc?.lineNumber ?? null, message: error.message.trim() }));
    // An invalid result always carries at least one finding, even if xmllint's output could not be parsed.
    return findings.length > 0
      ? findings
      : [{ line: null, message: result.rawOutput.trim() || 'the document does not validate against the XML Schema' }];
  }
}

/** A libxml2 diagnostic worded as xmllint prints it (`<domain> <level> : <message>`, file and line apart). */
function finding(domain: 'parser' | 'Schemas validity', detail: ErrorDetail): XsdFinding {
  const level = (detail.level ?? 2) === XML_ERR_WARNING ? 'warning' : 'error';
  return { line: detail.line > 0 ? detail.line : null, message: `${domain} ${level} : ${detail.message.trim()}` };
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Schema files handed to libxml2 by absolute path. libxml2 reads `xs:include` / `xs:import` through
 * input callbacks that are process-wide and few (its table holds about fifteen), so one callback set
 * is registered once and serves the files of every schema loaded, from memory: it answers for those
 * files only, so a document cannot make libxml2 read anything else from the disk through it.
 */
const schemaFiles = new Map<string, Buffer>();
let registered = false;

function registerSchemaFiles(): void {
  if (registered) return;
  const open = new Map<number, { bytes: Buffer; offset: number }>();
  let next = 1;
  const lookUp = (name: string): Buffer | undefined => {
    let file = name;
    if (name.startsWith('file:')) {
      try {
        file = decodeURIComponent(new URL(name).pathname);
      } catch {
        return undefined;
      }
    }
    return path.isAbsolute(file) ? schemaFiles.get(path.normalize(file)) : undefined;
  };
  registered = xmlRegisterInputProvider({
    match: (name) => lookUp(name) !== undefined,
    open: (name) => {
      const bytes = lookUp(name);
      if (!bytes) return undefined;
      const handle = next++;
      open.set(handle, { bytes, offset: 0 });
      return handle;
    },
    read: (handle, buffer) => {
      const file = open.get(handle);
      if (!file) return -1;
      const count = file.bytes.copy(buffer, 0, file.offset, Math.min(file.bytes.length, file.offset + buffer.byteLength));
      file.offset += count;
      return count;
    },
    close: (handle) => open.delete(handle),
  });
  if (!registered) throw new CdaValidationError('TLR_ERR_CDA_XSD_ENGINE', 'libxml2 refused the input callbacks for the XML Schema files');
}

/** Paths of the files below `root`, relative to it (own walk: `readdir`'s `recursive` needs Node 20.1). */
async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const relative = prefix ? path.join(prefix, entry.name) : entry.name;
      return entry.isDirectory() ? listFiles(root, relative) : [relative];
    }),
  );
  return nested.flat();
}
