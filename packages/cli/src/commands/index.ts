import type { Command } from '../context'
import { completion } from './completion'
import { env } from './env'
import { importCommand } from './import'
import { login } from './login'
import { logout } from './logout'
import { status } from './status'

/** Every sub-command, in the order `authmux --help` lists them. */
export const COMMANDS: readonly Command[] = [login, status, logout, importCommand, env, completion]
