/** Where the console serves what the APIs point browsers to (the console mounts these paths). */
export const CONSOLE_PREFIX = '/console';
/** Count's consent page: the URL authorize-initiate answers. */
export const CONSENT_PATH = `${CONSOLE_PREFIX}/oauth/authorize`;
/** Where `clientele console link` sends the host admin. */
export const ADMIN_LINK_PATH = `${CONSOLE_PREFIX}/admin-link`;
