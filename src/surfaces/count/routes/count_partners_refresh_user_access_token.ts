import type { FastifyRequest } from 'fastify';
import type { App } from '../../../http/types.ts';
import { CountParameterError } from '../parameter-errors.ts';
import { ERROR_RESPONSES, OAUTH_TAGS, RefreshBody, TokenResponse } from '../oauth-schemas.ts';
import { checkBodyCredentials, countPartnerError, tokenResponse } from '../oauth-wire.ts';
import type { PartnerCaller } from './partner-caller.ts';

/**
 * POST /refresh-user-access-token — Count's "Refresh Token Endpoint"
 * (https://developers.getcount.com/api-reference/authorization/refresh-token-endpoint): signed by
 * the partner (no Bearer); new tokens, and "the old one becomes invalid after use". A refresh
 * token unknown, spent, expired or another client's: 403 INVALID_REFRESH_TOKEN.
 */
export function countPartnersRefreshUserAccessToken(app: App, caller: (request: FastifyRequest) => PartnerCaller): void {
  app.post('/refresh-user-access-token', {
    schema: {
      tags: OAUTH_TAGS,
      summary: 'Count: rotate the refresh token and get a new access token',
      body: RefreshBody,
      response: { 200: TokenResponse, ...ERROR_RESPONSES },
    },
    // It issues credentials: no reply holding them is ever stored for a replay.
    config: { idempotent: false },
    handler: async (request): Promise<TokenResponse> => {
      const { app: partner, secrets } = caller(request);
      const body = request.body;
      if (body.refresh_token !== undefined && body.refreshToken !== undefined && body.refresh_token !== body.refreshToken) {
        throw new CountParameterError('refresh_token', 'body', 'refresh_token and refreshToken name different tokens: send one.');
      }
      const refreshToken = body.refresh_token ?? body.refreshToken;
      if (refreshToken === undefined) throw new CountParameterError('refresh_token', 'body', 'refresh_token is required.');
      checkBodyCredentials(partner, secrets, body);
      try {
        return tokenResponse('Token refreshed successfully', await app.partners.refresh(partner, refreshToken));
      } catch (err) {
        throw countPartnerError(err);
      }
    },
  });
}
