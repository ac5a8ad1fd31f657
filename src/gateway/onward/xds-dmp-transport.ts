import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { ReceivedDocumentMessage } from '../../documents/transport/index.js';
import type { DmpConfidentiality, DmpResult, DmpSubmitter, DmpTls, XdsCode, XdsPerson } from '../../documents/xds/index.js';
import {
  NS,
  XdsError,
  buildDeletionRequest,
  buildEntryLookupRequest,
  buildXdsMetadata,
  cx,
  postSoap,
  provideAndRegisterRequest,
  signSubmission,
  submitterVihf,
} from '../../documents/xds/index.js';
import { attr, firstChild, parseXml, path, text } from '../../documents/xds/xml-dom.js';
import type { GatewayConfig } from '../config.js';
import { GatewayConfigError } from '../errors.js';
import type { DmpAnswer, DmpEntry, DmpRequest, DmpTransport } from './dmp-transport.js';
import type { OnwardDmpConfig } from './onward-config.js';
import { structureNationalId } from './onward-config.js';

/**
 * The care setting of the submission set (`contentTypeCode`, JDV_J59, code system TRE_R209-TypeActivite
 * `1.2.250.1.213.2.2`) from the visit's patient class (PV1-2), as `dmp-publication.md` §3 proposes.
 */
const CONTENT_TYPE_OF_CLASS: Readonly<Record<string, XdsCode>> = {
  I: { code: '03', codingScheme: '1.2.250.1.213.2.2', displayName: 'Hospitalisation complète (non compris hospitalisation de semaine)' },
  O: { code: '07', codingScheme: '1.2.250.1.213.2.2', displayName: 'Consultation Soins Externes' },
  E: { code: '07', codingScheme: '1.2.250.1.213.2.2', displayName: 'Consultation Soins Externes' },
  R: { code: '19', codingScheme: '1.2.250.1.213.2.2', displayName: 'Traitement et Cure Ambulatoire' },
};
const UNDIFFERENTIATED: XdsCode = { code: '97', codingScheme: '1.2.250.1.213.2.2', displayName: "Type d'activité indifférencié" };

/** TRE_G15 profession and TRE_R38 savoir-faire code systems (VIHF `subject:role`, JDV_J65). */
const PROFESSION_SYSTEM = '1.2.250.1.71.1.2.7';
const SAVOIR_FAIRE_SYSTEM = '1.2.250.1.71.4.2.5';
const PROFESSION_DISPLAY: Readonly<Record<string, string>> = { '10': 'Médecin' };
/** The fallback role of JDV_J65 when the responsible person's profession is unknown. */
const AUTOMATE: XdsCode = { code: 'AUTOMATE', codingScheme: '1.2.250.1.213.1.1.4.6', displayName: 'Automate' };

/**
 * The XDS.b client of the direct DMP route, on the wire library (`documents/xds`): ITI-41 with the
 * metadata built from the CDA and the XAdES signature document of the submission set, ITI-18 to find
 * the entry a replacement or a deletion names, ITI-57 for the deletion, each with a VIHF signed by the
 * structure, over mutual TLS.
 *
 * What the library leaves to its caller and is decided here, from the platform's message and the
 * configuration: the submitter (the structure, the LPS, the person responsible, the VIHF roles), the
 * care setting (`contentTypeCode` from PV1-2) and the masking codes (from the message's metadata OBX).
 */
export async function createXdsDmpTransport(dmp: OnwardDmpConfig, _config: GatewayConfig, logger: Logger): Promise<DmpTransport> {
  const file = async (what: string, name: string): Promise<string> => {
    try {
      return await readFile(name, 'utf8');
    } catch (e) {
      throw new GatewayConfigError(`onward.dmp.${what}: cannot read ${name} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  };
  // One after the other: the first file that cannot be read is the one named.
  const cert = await file('tls.cert', dmp.tls.cert);
  const key = await file('tls.key', dmp.tls.key);
  const ca = await file('tls.ca', dmp.tls.ca);
  const signingCert = await file('signing.cert', dmp.signing.cert);
  const signingKey = await file('signing.key', dmp.signing.key);
  const tls: DmpTls = { cert, key, ca };
  const signer = { certificate: signingCert, privateKey: signingKey };
  const structure = { id: structureNationalId(dmp.structure), name: dmp.structure.name, activitySector: dmp.structure.sector };
  const post = (endpoint: string, request: Parameters<typeof postSoap>[1]): Promise<DmpResult> =>
    postSoap(endpoint, request, tls, dmp.timeoutMs);

  /** The entryUUID of a uniqueId, from the registry (ITI-18 GetDocuments); a refusal or a transient failure as is. */
  const lookUp = async (submitter: DmpSubmitter, uniqueId: string, patientId: string): Promise<DmpResult & { entryUuid?: string }> => {
    const answer = await post(dmp.registryEndpoint, buildEntryLookupRequest({ to: dmp.registryEndpoint, submitter, uniqueId, patientId }));
    if (answer.outcome !== 'accepted') return answer;
    const found = answer.entries?.find((e) => e.uniqueId === uniqueId);
    if (!found) return { outcome: 'refused', code: 'XDSUnknownDocument', text: `the DMP has no entry with uniqueId ${uniqueId}` };
    return { ...answer, entryUuid: found.entryUUID };
  };

  return {
    async send(request: DmpRequest): Promise<DmpAnswer> {
      const { received } = request;
      const ins = received.patient.ins;
      if (!ins) return { outcome: 'refused', code: 'TLR_ERR_DMP_NO_INS', text: 'the patient has no INS' };
      const patientId = cx(ins.value, ins.authorityOid, 'NH');
      const submitter: DmpSubmitter = {
        sourceId: dmp.sourceId,
        structure,
        ...responsibleOf(request.cda, received),
        lps: dmp.lps,
        vihfVersion: dmp.vihfVersion,
        signer,
      };
      const contentTypeCode = CONTENT_TYPE_OF_CLASS[received.visit?.patientClass ?? ''] ?? UNDIFFERENTIATED;
      try {
        let targetEntryUuid: string | undefined;
        if (request.target?.entryUuid) {
          targetEntryUuid = request.target.entryUuid;
        } else if (request.target) {
          // The entry was accepted but its entryUUID not learnt then: the registry tells it (ITI-18).
          const found = await lookUp(submitter, request.target.uniqueId, patientId);
          if (found.outcome !== 'accepted' || !found.entryUuid) return answerOf(found);
          targetEntryUuid = found.entryUuid;
        }
        const withTarget = targetEntryUuid ? { targetEntryUuid } : {};
        if (request.kind === 'delete') {
          const deletion = buildDeletionRequest({
            to: dmp.registryEndpoint,
            submitter,
            entryUUID: targetEntryUuid!,
            patientId,
            contentTypeCode,
          });
          return { ...answerOf(await post(dmp.registryEndpoint, deletion)), ...withTarget };
        }
        const metadata = buildXdsMetadata(request.cda, {
          sourceId: dmp.sourceId,
          author: { person: submitter.responsible, institution: { name: structure.name, id: structure.id } },
          contentTypeCode,
          confidentiality: maskingOf(received),
          submissionUniqueId: request.submissionSetUniqueId,
          ...(targetEntryUuid ? { replaces: { entryUUID: targetEntryUuid } } : {}),
        });
        const vihf = submitterVihf(submitter, metadata.documentEntry.patientId);
        // The XAdES signature document of the submission set, as the ANS samples carry it (IHE DSG, `signs`).
        const signature = signSubmission(metadata, request.cda, signer);
        const answer = await post(dmp.endpoint, provideAndRegisterRequest(dmp.endpoint, metadata, request.cda, vihf, signature));
        const { uniqueId } = metadata.documentEntry;
        if (answer.outcome === 'refused' && answer.code === 'XDSDuplicateUniqueIdInRegistry' && request.attempt > 1) {
          // An earlier attempt that timed out was registered after all: the entry is ours if the registry has it.
          const earlier = await lookUp(submitter, uniqueId, patientId);
          if (earlier.outcome === 'accepted' && earlier.entryUuid) {
            logger.info({ uniqueId }, 'DMP: an earlier attempt of this submission was registered');
            return { outcome: 'accepted', entry: { uniqueId, entryUuid: earlier.entryUuid }, ...withTarget };
          }
        }
        if (answer.outcome !== 'accepted') return { ...answerOf(answer), ...withTarget };
        // The registry assigns the entryUUID of a symbolic id: ask it now, so that a replacement or a deletion finds it kept.
        const registered = await lookUp(submitter, uniqueId, patientId);
        const entry: DmpEntry = { uniqueId, entryUuid: registered.outcome === 'accepted' ? (registered.entryUuid ?? null) : null };
        return { outcome: 'accepted', entry, ...withTarget };
      } catch (e) {
        // A publication the DMP cannot take (the CDA lacks a required value, the signing key is unusable): refused, not retried.
        if (e instanceof XdsError) return { outcome: 'refused', code: e.code, text: e.message };
        throw e;
      }
    },
    close: () => Promise.resolve(),
  };
}

function answerOf(r: DmpResult): DmpAnswer {
  return { outcome: r.outcome, ...(r.code !== undefined ? { code: r.code } : {}), ...(r.text !== undefined ? { text: r.text } : {}) };
}

/** The masking codes of the DocumentEntry from the metadata OBX of the platform's message (`Y`). */
function maskingOf(received: ReceivedDocumentMessage): DmpConfidentiality[] {
  const m = received.metadata;
  return [
    ...(m.hiddenFromProfessionals ? (['MASQUE_PS'] as const) : []),
    ...(m.hiddenFromPatient ? (['INVISIBLE_PATIENT'] as const) : []),
    ...(m.hiddenFromLegalRepresentatives ? (['INVISIBLE_REPRESENTANTS_LEGAUX'] as const) : []),
  ];
}

/**
 * The person responsible for the publication (VIHF `NameID`, the submission set's author) and the VIHF
 * roles. The IG takes them from PRT-5 of the sender (`SB`) of the HL7 request; the platform's message
 * names one only sometimes, so the CDA's legal authenticator (the radiologist who validated the report)
 * stands in, with the profession and savoir-faire of its `code` (`G15_10/SM44`) as roles, `AUTOMATE`
 * when the profession cannot be read.
 */
function responsibleOf(cda: Uint8Array, received: ReceivedDocumentMessage): { responsible: XdsPerson; roles: XdsCode[] } {
  const root = parseXml(Buffer.from(cda).toString('utf8')).documentElement!;
  const legal = path(root, NS.hl7, 'legalAuthenticator', 'assignedEntity');
  const name = path(legal, NS.hl7, 'assignedPerson', 'name');
  const sender = received.participants.sender?.person;
  const responsible: XdsPerson = sender
    ? { id: sender.idNat, family: sender.familyName, given: sender.givenName }
    : {
        id: attr(firstChild(legal, NS.hl7, 'id'), 'extension') ?? '',
        family: text(firstChild(name, NS.hl7, 'family')) ?? '',
        given: text(firstChild(name, NS.hl7, 'given')) ?? '',
      };
  const code = attr(path(root, NS.hl7, 'author', 'assignedAuthor', 'code'), 'code');
  const display = attr(path(root, NS.hl7, 'author', 'assignedAuthor', 'code'), 'displayName') ?? '';
  const m = code ? /^G15_(\d+)(?:\/(\w+))?$/.exec(code) : null;
  const profession = m?.[1];
  if (!profession) return { responsible, roles: [AUTOMATE] };
  const roles: XdsCode[] = [
    {
      code: profession,
      codingScheme: PROFESSION_SYSTEM,
      displayName: PROFESSION_DISPLAY[profession] ?? display.split(' - ')[0] ?? profession,
    },
  ];
  if (m[2]) roles.push({ code: m[2], codingScheme: SAVOIR_FAIRE_SYSTEM, displayName: display.split(' - ')[1] ?? display });
  return { responsible, roles };
}
