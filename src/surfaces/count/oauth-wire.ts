import { timingSafeEqual, createHash } from 'node:crypto';
import type { PartnerTokens } from '../../domain/partners/partner-service.ts';
import { PartnerError } from '../../domain/partners/partner-service.ts';
import { toUuid } from '../../formats/ids.ts';
import { CountGrantError } from './errors.ts';
import { CountParameterError } from './parameter-errors.ts';
import type { TokenResponse } from './oauth-schemas.ts';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export function tokenResponse(message: string, tokens: PartnerTokens): TokenResponse {
  return {
    status: 'success',
    message,
    data: {
      result: {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        accessTokenExpiresAt: iso(tokens.accessTokenExpiresAt),
        refreshTokenExpiresAt: iso(tokens.refreshTokenExpiresAt),
        workspaceId: toUuid(tokens.tenant.id),
        workspaceName: tokens.tenant.name,
        mode: tokens.mode,
      },
    },
  };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** client_id / client_secret in the body are optional; given, they must be the signer's own. */
export function checkBodyCredentials(app: { id: string }, secrets: readonly string[], body: { client_id?: string | undefined; client_secret?: string | undefined }): void {
  const idMatches = body.client_id === undefined || body.client_id === app.id;
  const sent = body.client_secret === undefined ? null : digest(body.client_secret);
  // Each signing secret compared in constant time; no early exit.
  const secretMatches = sent === null || secrets.map((secret) => timingSafeEqual(sent, digest(secret))).includes(true);
  if (!idMatches || !secretMatches) throw new CountGrantError('CLIENT_MISMATCH', 'client_id and client_secret must be those of the client that signs the request.');
}

/** The domain's refusal, in Count's words and statuses. */
export function countPartnerError(err: unknown): unknown {
  if (!(err instanceof PartnerError)) return err;
  switch (err.problem) {
    case 'invalid_code':
      return new CountGrantError('INVALID_AUTHORIZATION_CODE', err.message);
    case 'invalid_refresh_token':
      return new CountGrantError('INVALID_REFRESH_TOKEN', err.message);
    case 'client_mismatch':
      return new CountGrantError('CLIENT_MISMATCH', err.message);
    case 'unknown_client':
    case 'invalid_application':
      return new CountParameterError('clientId', 'query', err.message);
    case 'invalid_redirect_uri':
      return new CountParameterError('redirectUri', 'query', err.message);
  }
}
