import { z } from 'zod'

/** `POST /Auth/loginKey` body: HTTP 200 even on failure (`success: false`, `token: null`, `errorCode` ≠ 0). */
export const projectXLoginResponse = z.object({
  token: z.string().nullish(),
  success: z.boolean(),
  errorCode: z.number().int().nullish(),
  errorMessage: z.string().nullish(),
})

/** `POST /Auth/validate` body: a fresh JWT in `newToken` (some versions say `token`). */
export const projectXValidateResponse = z.object({
  success: z.boolean(),
  errorCode: z.number().int().nullish(),
  errorMessage: z.string().nullish(),
  newToken: z.string().nullish(),
  token: z.string().nullish(),
})
