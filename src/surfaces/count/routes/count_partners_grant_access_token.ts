import type { FastifyRequest } from 'fastify';
import type { App } from '../../../http/types.ts';
import { ERROR_RESPONSES, GrantBody, OAUTH_TAGS, TokenResponse } from '../oauth-schemas.ts';
import { checkBodyCredentials, countPartnerError, tokenResponse } from '../oauth-wire.ts';
import type { PartnerCaller } from './partner-caller.ts';

/**
 * POST /grant-access-token — Count's "Exchange Authorization Code"
 * (https://developers.getcount.com/api-reference/authorization/exchange-authorization-code): signed
 * by the partner application (no Bearer); the code is single use and minutes long. Answers the
 * page's body, `data.result` with both tokens, their ISO expiry times, `workspaceId`,
 * `workspaceName`.
 */
export function countPartnersGrantAccessToken(app: App, caller: (request: FastifyRequest) => PartnerCaller): void {
  app.post('/grant-access-token', {
    schema: {
      tags: OAUTH_TAGS,
      summary: 'Count: exchange an authorization code for tokens',
      body: GrantBody,
      response: { 200: TokenResponse, ...ERROR_RESPONSES },
    },
    // It issues credentials: no reply holding them is ever stored for a replay.
    config: { idempotent: false },
    handler: async (request): Promise<TokenResponse> => {
      const { app: partner, secrets } = caller(request);
      checkBodyCredentials(partner, secrets, request.body);
      try {
        return tokenResponse('Success on exchanging access token.', await app.partners.exchangeCode(partner, request.body.code));
      } catch (err) {
        throw countPartnerError(err);
      }
    },
  });
}
