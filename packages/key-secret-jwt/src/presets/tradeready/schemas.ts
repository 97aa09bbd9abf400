import { z } from 'zod'

/** `POST /auth/login` and `/auth/user-login` 200 body (`TokenResponse`). */
export const tradeReadyTokenResponse = z.object({
  token: z.string().min(1),
  /** ISO-8601 datetime on the server clock (the server does not send `expires_in`). */
  expires_at: z.string().min(1),
  token_type: z.string().nullish(),
})
