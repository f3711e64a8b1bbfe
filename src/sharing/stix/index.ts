/** STIX 2.1 threat-information sharing core (GB/T 39204-2022 10.4 threat intelligence, 9.1 information
 *  sharing): export an incident as a bundle, validate and bound untrusted bundles, import indicators. */
export * from './stix-types';
export * from './tlp';
export * from './uuid';
export * from './stix-pattern';
export * from './stix-validator';
export * from './stix-limits';
export * from './desensitise';
export * from './stix-export';
export * from './stix-import';
export * from './normalise';
export * from './lianfang-extension';
export * from './versions';
export * from './pattern-grammar';
