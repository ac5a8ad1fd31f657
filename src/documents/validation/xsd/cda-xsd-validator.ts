import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';
import type { XMLFileInfo } from 'xmllint-wasm';
import { CdaValidationError } from '../errors.js';

/** One XML Schema violation (or well-formedness error), with the line xmllint reports. */
export interface XsdFinding {
  /** 1-based line in the validated document, or `null` when xmllint gave none. */
  readonly line: number | null;
  /** The xmllint message without the file name and line prefix, e.g. `Element '{urn:hl7-org:v3}titl': This element is not expected. …`. */
  readonly message: string;
}

/** Name under which the document is handed to xmllint (it appears in raw messages only). */
const DOCUMENT_NAME = 'document.xml';

/**
 * Validates documents against `CDA_extended.xsd` with libxml2 compiled to WebAssembly (xmllint-wasm).
 *
 * The schema files are read once and passed with their paths relative to the main XSD, so that the
 * relative `xs:include` / `xs:import` locations resolve inside xmllint's in-memory file system. xmllint
 * parses the schema again at every call (the wasm build keeps no state between runs): about half a second
 * for the CDA schema set.
 */
export class CdaXsdValidator {
  private constructor(
    private readonly mainSchema: XMLFileInfo,
    private readonly preload: readonly XMLFileInfo[],
  ) {}

  /** Reads `CDA_extended.xsd` (or another main XSD) and every `.xsd` / `.dtd` below its folder. */
  static async load(mainXsd: string): Promise<CdaXsdValidator> {
    const root = path.dirname(path.resolve(mainXsd));
    let files: string[];
    try {
      files = (await listFiles(root)).filter((file) => /\.(xsd|dtd)$/i.test(file));
    } catch (cause) {
      throw new CdaValidationError('TLR_ERR_CDA_KIT_NOT_FOUND', `cannot read the XML Schema folder ${root}`, { cause });
    }
    const mainName = path.basename(mainXsd);
    const read = async (relative: string): Promise<XMLFileInfo> => ({
      // xmllint resolves includes with forward slashes whatever the platform.
      fileName: relative.split(path.sep).join('/'),
      contents: await readFile(path.join(root, relative), 'utf8'),
    });
    const main = await read(mainName).catch((cause: unknown) => {
      throw new CdaValidationError('TLR_ERR_CDA_KIT_NOT_FOUND', `cannot read ${mainXsd}`, { cause });
    });
    const preload = await Promise.all(files.filter((file) => file !== mainName).sort().map(read));
    return new CdaXsdValidator(main, preload);
  }

  /** Validates one document. Resolves with the violations (an empty list when the document is valid). */
  async validate(xml: string | Uint8Array): Promise<XsdFinding[]> {
    let result;
    try {
      result = await validateXML({
        xml: [{ fileName: DOCUMENT_NAME, contents: xml }],
        schema: [this.mainSchema],
        preload: [...this.preload],
        // Large reports embed PDFs in base64: allow up to 1 GiB instead of the 32 MiB default.
        maxMemoryPages: 16384,
      });
    } catch (cause) {
      throw new CdaValidationError('TLR_ERR_CDA_XSD_ENGINE', `xmllint failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    if (result.valid) return [];
    const located = result.errors.filter((error) => error.loc !== null);
    const findings = (located.length > 0 ? located : result.errors)
      // Schema-parser warnings concern the XSD set (e.g. a namespace imported twice), not the document;
      // unlocated lines next to located ones are xmllint's echo of the offending source line.
      .filter((error) => error.loc === null || error.loc.fileName === DOCUMENT_NAME)
      .map((error) => ({ line: error.loc?.lineNumber ?? null, message: error.message.trim() }));
    // An invalid result always carries at least one finding, even if xmllint's output could not be parsed.
    return findings.length > 0 ? findings : [{ line: null, message: result.rawOutput.trim() || 'the document does not validate against the XML Schema' }];
  }
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
