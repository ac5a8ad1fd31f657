/** Code systems and identifier roots of the CI-SIS CDA documents (CR-IMG, DA-IMG), as the ANS schematrons check them. */
export const OID = {
  /** Health professionals (PS_IdNat, `8` + RPPS). */
  professional: '1.2.250.1.71.4.2.1',
  /** Health structures (national structure id). */
  structure: '1.2.250.1.71.4.2.2',
  loinc: '2.16.840.1.113883.6.1',
  snomedCt: '2.16.840.1.113883.6.96',
  dicomDcm: '1.2.840.10008.2.16.4',
  dicomUid: '1.2.840.10008.2.6.1',
  /** CCAM, the OID the RIS examples and the XDS eventCodeList use. */
  ccam: '1.2.250.1.213.2.5',
  hl7Confidentiality: '2.16.840.1.113883.5.25',
  hl7AdministrativeGender: '2.16.840.1.113883.5.1',
  hl7ActCode: '2.16.840.1.113883.5.4',
  hl7ParticipationFunction: '2.16.840.1.113883.5.88',
} as const;
