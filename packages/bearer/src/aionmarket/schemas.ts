import { z } from 'zod'

const stringOrNumber = z.union([z.string(), z.number()])
const id = stringOrNumber.transform(String)
const optionalId = id.optional()
const text = z.string().nullish()
/** Numbers that may arrive as text; also timestamps, which arrive as ms strings ("1718000000000"), numbers or ISO strings. */
const numberOrText = stringOrNumber.nullish()
/** An issued API key: visible ASCII without spaces (what a header carries as is). The issue names no value. */
const keyValue = z.string().regex(/^[\x21-\x7e]+$/, 'not a usable API key (expected visible ASCII without spaces)')
const optionalKey = keyValue.optional()

/** `POST /agents/register` payload. */
export const registerAgentSchema = z.looseObject({
  agentId: id,
  agentName: z.string(),
  apiKeyCode: keyValue,
  claimCode: text,
  claimUrl: text,
  simulationBalance: numberOrText,
})

/** `POST /agents/create-api-key` payload: the new key (field name varies between versions). */
export const createApiKeySchema = z
  .looseObject({
    id: optionalId,
    keyName: text,
    apiKeyCode: optionalKey,
    apiKey: optionalKey,
    key: optionalKey,
  })
  .refine((value) => Boolean(value.apiKeyCode ?? value.apiKey ?? value.key), {
    message: 'no apiKeyCode in the response',
    path: ['apiKeyCode'],
  })

/** One API-key object (`status`: 1 active, 2 revoked; `createType`: 1 user, 2 system). */
export const apiKeyObjectSchema = z.looseObject({
  id: optionalId,
  keyName: text,
  apiKeyCode: text,
  status: numberOrText,
  createType: numberOrText,
  createdAt: numberOrText,
  lastCalledAt: numberOrText,
})

const apiKeyList = z.array(apiKeyObjectSchema)

/** `GET /agents/api-key/list` payload: an array, or a page object holding one under one of these fields. */
export const listApiKeysSchema = z.union([
  apiKeyList,
  ...['list', 'items', 'records', 'rows'].map((field) => z.looseObject({ [field]: apiKeyList }).transform((page) => page[field]!)),
])

/** `GET /agents/me` payload. The docs show two shapes (`id`/`agentName` and `agentId`/`name`); both are accepted. */
export const meSchema = z
  .looseObject({
    id: optionalId,
    agentId: optionalId,
    agentName: text,
    name: text,
    claimed: z.boolean().nullish(),
    description: text,
    onlineStatus: numberOrText,
    simulationBalance: numberOrText,
    createdAt: numberOrText,
  })
  .refine((value) => value.id !== undefined || value.agentId !== undefined, {
    message: 'no agent id in the response',
    path: ['agentId'],
  })
