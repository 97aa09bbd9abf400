// The smoke suite as a Worker (workerd, through Miniflare): POST the config, get `{ runtime, results }` back.
import { runSmoke } from './smoke.mjs'

export default {
  async fetch(request) {
    const results = await runSmoke(await request.json())
    return Response.json({ runtime: { name: 'workerd', version: navigator.userAgent }, results })
  },
}
