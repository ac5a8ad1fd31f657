import { generateImagingReport } from '../documents/report/index.js';
import type { GatewayConfig } from '../gateway/config.js';
import { reportInputFor } from '../gateway/documents/report-input.js';
import type { ImagingOrder } from '../tlr/index.js';
import type { ClinicalDataGenerator } from './clinical-data-generator.js';

/**
 * A supporting document the simulated facility sends with a request: the patient's previous imaging report
 * (CR-IMG, level 1), of an earlier exam of the same kind, written by the same report generator as the platform's.
 * `generator` is one of its own, so the run's other draws do not depend on which requests carry one.
 */
export async function previousReportOf(config: GatewayConfig, order: ImagingOrder, generator: ClinicalDataGenerator): Promise<string> {
  const exams = generator.performedExams(order);
  const earlier = new Date(Date.now() - 400 * 86_400_000);
  const input = reportInputFor(
    config,
    { order, postExamInfo: { placerOrderNumber: order.placerOrderNumber, patient: order.patient, visit: order.visit, exams } },
    {
      radiologist: generator.remoteRadiologist(),
      level: 1,
      content: {
        clinicalContext: 'Bilan antérieur.',
        technique: 'Examen standard.',
        findings: 'Pas d’anomalie décelée à l’époque.',
        conclusion: 'Examen antérieur sans particularité, pour comparaison.',
      },
    },
    earlier,
  );
  return (await generateImagingReport(input, { level: 1 })).xml;
}
