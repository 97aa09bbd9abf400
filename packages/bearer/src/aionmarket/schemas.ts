import { z } from 'zod'

const id = z.union([z.string(), z.number()]).transform(String)
/** Timestamps arrive as ms strings ("1718000000000"), numbers or ISO strings. */
const timestamp = z.union([z.string(), z.number()]).nullish()

/** `POST /agents/register` payload. */
export const registerAgentSchema = z.looseObject({
  agentId: id,
  agentName: z.string(),
  apiKeyCode: z.string().min(1),
  claimCode: z.string().nullish(),
  claimUrl: z.string().nullish(),
  simulationBalance: z.union([z.number(), z.string()]).nullish(),
})

/** `POST /agents/create-api-key` payload: the new key (field name varies between versions). */
export const createApiKeySchema = z
  .looseObject({
    id: id.optional(),
    keyName: z.string().nullish(),
    apiKeyCode: z.string().min(1).optional(),
    apiKey: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
  })
  .refine((value) => Boolean(value.apiKeyCode ?? value.apiKey ?? value.key), {
    message: 'no apiKeyCode in the response',
    path: ['apiKeyCode'],
  })

/** One API-key object (`status`: 1 active, 2 revoked; `createType`: 1 user, 2 system). */
export const apiKeyObjectSchema = z.looseObject({
  id: id.optional(),
  keyName: z.string().nullish(),
  apiKeyCode: z.string().nullish(),
  status: z.union([z.number(), z.string()]).nullish(),
  createType: z.union([z.number(), z.string()]).nullish(),
  createdAt: timestamp,
  lastCalledAt: timestamp,
})

/** `GET /agents/api-key/list` payload: an array, or a page object holding one. */
export const listApiKeysSchema = z.union([
  z.array(apiKeyObjectSchema),
  z.looseObject({ list: z.array(apiKeyObjectSchema) }).transform((page) => page.list),
  z.looseObject({ items: z.array(apiKeyObjectSchema) }).transform((page) => page.items),
  z.looseObject({ records: z.array(apiKeyObjectSchema) }).transform((page) => page.records),
  z.looseObject({ rows: z.array(apiKeyObjectSchema) }).transform((page) => page.rows),
])

/** `GET /agents/me` payload. The docs show two shapes (`id`/`agentName` and `agentId`/`name`); both are accepted. */
export const meSchema = z
  .looseObject({
    id: id.optional(),
    agentId: id.optional(),
    agentName: z.string().nullish(),
    name: z.string().nullish(),
    claimed: z.boolean().nullish(),
    description: z.string().nullish(),
    onlineStatus: z.union([z.number(), z.string()]).nullish(),
    simulationBalance: z.union([z.number(), z.string()]).nullish(),
    createdAt: timestamp,
  })
  .refine((value) => value.id !== undefined || value.agentId !== undefined, {
    message: 'no agent id in the response',
    path: ['agentId'],
  })
