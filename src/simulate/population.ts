import type { Address, AdministrativeSex } from '../tlr/index.js';

/**
 * Name, place and organisation lists the simulators draw from: French family and given names
 * (with their accents), birthplaces as INSEE codes, home towns, imaging facilities and
 * teleradiology radiologists. All fictitious.
 */

export const FAMILY_NAMES: readonly string[] = [
  'Lefèvre',
  'Bénard',
  'Gauthier',
  'Morel',
  'Girard',
  'Rousseau',
  'Mercier',
  'Muller',
  'Lemaître',
  'Lécuyer',
  'Dupré',
  'Chevalier',
  'Hébert',
  'Léger',
  'Ménard',
  'Prévost',
  'Thébault',
  'Crépin',
  'Dufrêne',
  'Lacroix',
  'Perrin',
  'Fontaine',
  'Garnier',
  'Faure',
  'Rivière',
  'Blanchard',
  'Évrard',
  'Ollivier',
  'Le Goff',
  'Le Gall',
  'Da Silva',
  'N’Diaye',
  'Martin-Lefèvre',
  'Saint-Aubin',
  'Benoît',
  'Caron',
  'Boucher',
  'Aubert',
  'Brûlé',
  'Gaillard',
  'Noël',
  'Hoarau',
  'Santoni',
  'Luciani',
  'Pietri',
  'Nguyen',
  'Haddad',
  'Kowalski',
  'Ferreira',
  'Lœuillet',
];

export const GIVEN_NAMES: Readonly<Record<'F' | 'M', readonly string[]>> = {
  F: [
    'Hélène',
    'Zoé',
    'Léa',
    'Chloé',
    'Anaïs',
    'Gaëlle',
    'Maëlys',
    'Noémie',
    'Céline',
    'Frédérique',
    'Agnès',
    'Mélanie',
    'Inès',
    'Amélie',
    'Bénédicte',
    'Geneviève',
    'Joséphine',
    'Marie-Thérèse',
    'Solène',
    'Françoise',
    'Élodie',
    'Camille',
  ],
  M: [
    'Joël',
    'Jérôme',
    'Loïc',
    'Gaël',
    'Raphaël',
    'Noé',
    'Théo',
    'Benoît',
    'François',
    'Stéphane',
    'Hervé',
    'Rémi',
    'Clément',
    'Mathéo',
    'Aurélien',
    'Éric',
    'Gérard',
    'Jean-Loïc',
    'Anthony',
    'Mickaël',
    'Côme',
    'Ange-Marie',
  ],
};

/** A birthplace: INSEE code (PID-11 `BDL`, and characters 6–10 of the NIR) and the name shown to people. */
export interface Birthplace {
  code: string;
  name: string;
  /** Corsican codes (`2A`/`2B`) exist for births from 1976; earlier births there carry `20`. */
  fromYear?: number;
}

export const BIRTHPLACES: readonly Birthplace[] = [
  { code: '75114', name: 'Paris 14e' },
  { code: '75118', name: 'Paris 18e' },
  { code: '69383', name: 'Lyon 3e' },
  { code: '13205', name: 'Marseille 5e' },
  { code: '31555', name: 'Toulouse' },
  { code: '33063', name: 'Bordeaux' },
  { code: '59350', name: 'Lille' },
  { code: '67482', name: 'Strasbourg' },
  { code: '44109', name: 'Nantes' },
  { code: '35238', name: 'Rennes' },
  { code: '63113', name: 'Clermont-Ferrand' },
  { code: '24322', name: 'Périgueux' },
  { code: '27229', name: 'Évreux' },
  { code: '25056', name: 'Besançon' },
  { code: '2A004', name: 'Ajaccio', fromYear: 1976 },
  { code: '2B033', name: 'Bastia', fromYear: 1976 },
  { code: '97411', name: 'Saint-Denis (La Réunion)' },
  { code: '99350', name: 'Maroc' },
  { code: '99139', name: 'Portugal' },
];

export const HOME_TOWNS: ReadonlyArray<Required<Pick<Address, 'city' | 'postalCode'>>> = [
  { city: 'PARIS', postalCode: '75014' },
  { city: 'LYON', postalCode: '69003' },
  { city: 'MARSEILLE', postalCode: '13005' },
  { city: 'TOULOUSE', postalCode: '31000' },
  { city: 'BORDEAUX', postalCode: '33000' },
  { city: 'PÉRIGUEUX', postalCode: '24000' },
  { city: 'ÉVREUX', postalCode: '27000' },
  { city: 'AJACCIO', postalCode: '20000' },
  { city: 'BASTIA', postalCode: '20200' },
  { city: 'NÎMES', postalCode: '30000' },
  { city: 'BESANÇON', postalCode: '25000' },
  { city: 'SAINT-DENIS', postalCode: '97400' },
];

export const STREETS: readonly string[] = [
  'rue de la République',
  'allée des Châtaigniers',
  'boulevard Haussmann',
  'avenue Félix Faure',
  'place de l’Église',
  'chemin des Vignes',
  'rue du Général Leclerc',
  'impasse des Mûriers',
  'quai Saint-Étienne',
  'route de Béziers',
];

/** An imaging facility (*structure d'imagerie*) the RIS simulator speaks for. */
export interface FacilityProfile {
  name: string;
  /** Department of the FINESS number. */
  department: string;
  /** Local namespace of its patient ids (CX.4.1). */
  namespace: string;
  /** The DRIMbox access point of the facility (FQDN). */
  drimboxHost: string;
}

export const FACILITIES: readonly FacilityProfile[] = [
  {
    name: 'Centre hospitalier de Périgueux – imagerie',
    department: '24',
    namespace: 'CH-PERIGUEUX',
    drimboxHost: 'drimbox.ch-perigueux.fr',
  },
  {
    name: 'Clinique Sainte-Anne – service de radiologie',
    department: '67',
    namespace: 'CLIN-STE-ANNE',
    drimboxHost: 'drimbox.clinique-ste-anne.fr',
  },
  { name: 'Centre hospitalier universitaire de Nîmes', department: '30', namespace: 'CHU-NIMES', drimboxHost: 'drimbox.chu-nimes.fr' },
  { name: 'Hôpital privé de l’Estuaire', department: '27', namespace: 'HP-ESTUAIRE', drimboxHost: 'drimbox.hp-estuaire.fr' },
];

/** Sex of a simulated patient: women and men in equal parts (the INS requires F or M to build the NIR). */
export type SimulatedSex = Extract<AdministrativeSex, 'F' | 'M'>;
