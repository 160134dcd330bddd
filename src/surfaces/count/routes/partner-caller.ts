import type { PartnerAppRecord } from '../../../domain/partners/partner.ts';

/** The partner application a token request is signed by, with the secrets that sign for it now (for the body's client_secret). */
export interface PartnerCaller {
  app: PartnerAppRecord;
  secrets: string[];
}
