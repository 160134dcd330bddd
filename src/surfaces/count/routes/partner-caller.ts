import type { PartnerAppRecord } from '../../../domain/partners/partner.ts';

/** The partner application a token request is signed by, with its secret (for the body's client_secret). */
export interface PartnerCaller {
  app: PartnerAppRecord;
  secret: string;
}
