// The emulators the smoke suite runs against, started in the gate's Node process, plus a loopback control endpoint
// through which the suite (in another runtime) injects faults and resets rate limits.
import { createServer } from 'node:http'
import { startEmulators } from '@authmux/testkit'

const OTP_CODE = '135790'

/** Starts the emulators and the control endpoint; returns the suite's config and `close()`. */
export async function startSmokeTarget() {
  const emulators = await startEmulators({ axiom: { fixedOtpCode: OTP_CODE } })
  const control = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      try {
        const command = JSON.parse(body)
        if (command.action === 'inject') emulators.faults.inject(command.rule)
        else if (command.action === 'resetRateLimits') emulators.tradeready.resetRateLimits()
        else throw new Error(`unknown action ${command.action}`)
        res.writeHead(204).end()
      } catch (error) {
        res.writeHead(400).end(String(error))
      }
    })
  })
  await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve))
  const config = {
    urls: emulators.urls,
    streamUrls: emulators.streamUrls,
    credentials: emulators.credentials,
    otpCode: OTP_CODE,
    controlURL: `http://127.0.0.1:${control.address().port}/`,
  }
  return {
    config,
    resetRateLimits: () => emulators.tradeready.resetRateLimits(),
    close: async () => {
      await new Promise((resolve) => control.close(resolve))
      await emulators.close()
    },
  }
}
