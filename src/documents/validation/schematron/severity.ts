/** Severity of a validation finding, as the HL7 and ANS validators report it. */
export type FindingSeverity = 'error' | 'warning' | 'info';

const ROLE_SEVERITIES: ReadonlyArray<readonly [RegExp, FindingSeverity]> = [
  [/^(error|fatal|erreur|err)$/i, 'error'],
  [/^(warning|warn|avertissement|attention)$/i, 'warning'],
  [/^(info|information|informational|note|hint)$/i, 'info'],
];

/**
 * Message prefixes of the ANS schematrons that carry no `@role`: their volet files write the severity in the
 * text ("[CI-SIS_IMG-CR-IMG] Erreur de conformité …", "… Attention : …"). Only the first words count, so that
 * an error message quoting the word "information" stays an error.
 */
const TEXT_SEVERITIES: ReadonlyArray<readonly [RegExp, FindingSeverity]> = [
  [/^(\[[^\]]*\]\s*)?(\([^)]*\)\s*:?\s*)?(warning|attention|avertissement)\b/i, 'warning'],
  [/^(\[[^\]]*\]\s*)?(\([^)]*\)\s*:?\s*)?(info|information|note)\b/i, 'info'],
];

/**
 * Severity of a fired assertion or report.
 *
 * Order of precedence: `@role` (the ART-DECOR structuration-minimale rules use `error` / `warning` / `info`),
 * then `@flag` (same vocabulary), then the ANS message convention. Anything else is an error: the ANS tool
 * counts every failed assert and every successful report as a conformity error, and so do we.
 */
export function severityOf(role: string | null, flag: string | null, message: string): FindingSeverity {
  for (const attribute of [role, flag]) {
    if (!attribute) continue;
    for (const [pattern, severity] of ROLE_SEVERITIES) if (pattern.test(attribute.trim())) return severity;
  }
  const text = message.trim();
  for (const [pattern, severity] of TEXT_SEVERITIES) if (pattern.test(text)) return severity;
  return 'error';
}
