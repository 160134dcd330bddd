import { Type, type Static } from 'typebox';
import { ERROR_RESPONSES } from './schemas.ts';

/**
 * Count's Authorization pages (https://developers.getcount.com/api-reference, section
 * "Authorization"; …/api-reference/authorization/exchange-authorization-code;
 * …/api-reference/authorization/refresh-token-endpoint). Where Count's own client code sends other
 * names than its pages (`grantType` + `refreshToken` on refresh; `state` on exchange), both are
 * taken: a superset, so that either client works unchanged.
 */
export const OAUTH_TAGS = ['Count authorization'];
export { ERROR_RESPONSES };

const token = (description: string) => Type.String({ minLength: 1, maxLength: 512, description });

export const InitiateQuery = Type.Object(
  {
    clientId: Type.String({ minLength: 1, maxLength: 200, description: "The partner application's client id." }),
    redirectUri: Type.String({ minLength: 1, maxLength: 2048, description: 'One of the redirect URIs registered for the application, exactly.' }),
    state: Type.String({ minLength: 1, maxLength: 2048, description: 'Returned untouched with the code.' }),
  },
  { additionalProperties: false },
);
export type InitiateQuery = Static<typeof InitiateQuery>;

export const InitiateResponse = Type.Object({
  status: Type.Literal('success'),
  message: Type.String(),
  redirectUri: Type.String({ description: 'The login url that you should redirect the user (the page lists it at the top level).' }),
  data: Type.Object({ redirectUri: Type.String({ description: "The same URL, where Count's own client reads it." }) }),
});
export type InitiateResponse = Static<typeof InitiateResponse>;

export const GrantBody = Type.Object(
  {
    grantType: Type.Optional(Type.Literal('authorization_code')),
    code: token('The code the consent returned to the redirect URI; single use.'),
    client_id: Type.Optional(Type.String({ maxLength: 200, description: 'If given, the signing client id.' })),
    client_secret: Type.Optional(Type.String({ maxLength: 512, description: "If given, the signing client's secret." })),
    state: Type.Optional(Type.String({ maxLength: 2048, description: "Sent by Count's own client; not checked (the partner checks its state)." })),
  },
  { additionalProperties: false },
);
export type GrantBody = Static<typeof GrantBody>;

export const RefreshBody = Type.Object(
  {
    grant_type: Type.Optional(Type.Literal('refresh_token')),
    grantType: Type.Optional(Type.Literal('refresh_token')),
    refresh_token: Type.Optional(token('The refresh token from the exchange or the last refresh; it stops working once used.')),
    refreshToken: Type.Optional(token("The same, as Count's own client names it.")),
    client_id: Type.Optional(Type.String({ maxLength: 200, description: 'If given, the signing client id.' })),
    client_secret: Type.Optional(Type.String({ maxLength: 512, description: "If given, the signing client's secret." })),
  },
  { additionalProperties: false },
);
export type RefreshBody = Static<typeof RefreshBody>;

export const TokenResponse = Type.Object({
  status: Type.Literal('success'),
  message: Type.String(),
  data: Type.Object({
    result: Type.Object({
      accessToken: Type.String({ description: 'Bearer token for the data endpoints, with the partner signature.' }),
      refreshToken: Type.String({ description: 'Rotates: each refresh returns a new one and the old stops working.' }),
      accessTokenExpiresAt: Type.String({ format: 'date-time' }),
      refreshTokenExpiresAt: Type.String({ format: 'date-time' }),
      workspaceId: Type.String({ description: "The workspace's UUID (Count: all IDs are UUIDs)." }),
      workspaceName: Type.String(),
      mode: Type.Union([Type.Literal('test'), Type.Literal('live')], { description: 'Extension: the mode the owner granted.' }),
    }),
  }),
});
export type TokenResponse = Static<typeof TokenResponse>;
