/**
 * Storage bounds of the one customer model. They are the widest any surface documents;
 * each surface's schema also enforces its own, narrower limits (Stripe's phone ≤ 20, say).
 */
export const LIMITS = {
  name: 256,
  email: 512,
  phone: 50,
  description: 5000,
  text: 5000,
  businessName: 256,
  individualName: 150,
  externalId: 255,
  website: 2048,
  metadataKeys: 50,
  metadataKeyLength: 40,
  metadataValueLength: 500,
  preferredLocales: 30,
  invoicePrefix: /^[A-Z0-9]{1,12}$/,
  customFields: 4,
  customFieldName: 40,
  customFieldValue: 140,
  taxIds: 25,
  taxIdType: 40,
  taxIdValue: 100,
  contacts: 100,
} as const;
