import type { App } from '../../../http/types.ts';
import { CONSENT_PATH } from '../../../http/console-paths.ts';
import { ERROR_RESPONSES, InitiateQuery, InitiateResponse, OAUTH_TAGS } from '../oauth-schemas.ts';
import { countPartnerError } from '../oauth-wire.ts';

/**
 * GET /auth2/authorize-initiate — Count's "Initiate Authorization"
 * (https://developers.getcount.com/rest-api-reference/customer-crm-api-example/create-customer):
 * no credentials; `clientId`, `redirectUri` (registered, exactly) and `state`; answers the URL of
 * the consent page (the console's), where the workspace owner signs in, picks the workspace and
 * mode, and approves. Also at `/auth2/authorize-intiate`, the spelling of Count's endpoint list
 * and of its own client code.
 */
export function countAuth2AuthorizeInitiate(app: App): void {
  for (const path of ['/authorize-initiate', '/authorize-intiate']) {
    app.get(path, {
      schema: {
        tags: OAUTH_TAGS,
        summary: path === '/authorize-initiate' ? 'Count: start the authorization-code flow' : 'Count: the same, as Count spells it in places',
        querystring: InitiateQuery,
        response: { 200: InitiateResponse, ...ERROR_RESPONSES },
      },
      handler: async (request): Promise<InitiateResponse> => {
        const { clientId, redirectUri, state } = request.query;
        try {
          await app.partners.authorizationRequest(clientId, redirectUri);
        } catch (err) {
          throw countPartnerError(err);
        }
        const consent = new URL(CONSENT_PATH, `${request.protocol}://${request.host}`);
        consent.search = new URLSearchParams({ clientId, redirectUri, state }).toString();
        return { status: 'success', message: 'Redirect the user to this URL to authorize your application.', redirectUri: consent.href, data: { redirectUri: consent.href } };
      },
    });
  }
}
