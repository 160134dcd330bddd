/**
 * Advisory lock keys, two int4s each: 'Clnt' and a purpose. Held while migrating (for the
 * session) or while creating the first tenant (for the transaction), by every server alike.
 */
const NAMESPACE = 0x436c6e74;

export const MIGRATION_LOCK: [number, number] = [NAMESPACE, 1];
export const FIRST_TENANT_LOCK: [number, number] = [NAMESPACE, 2];
