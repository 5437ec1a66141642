/**
 * `npm run mail-sink`: the SendGrid stand-in on MAIL_SINK_PORT (default 3025), for the local demo.
 * Point the worker at it with SENDGRID_BASE_URL=http://127.0.0.1:3025 and any SENDGRID_API_KEY;
 * `npm start` does that by itself when SENDGRID_API_KEY is not set. Its inbox is at /inbox.
 * MAIL_SINK_LATENCY_MS makes it answer as slowly as a busy provider (to watch a campaign go out);
 * MAIL_SINK_KEEP=count makes it count what it accepts instead of keeping it, and MAIL_SINK_NICE lowers
 * its CPU priority (benchmarks: the real provider's CPU is not ours).
 */
import os from 'node:os'

import { startMailSink } from './sendgrid-sink'

if (process.env.MAIL_SINK_NICE) os.setPriority(Number(process.env.MAIL_SINK_NICE))
const port = Number(process.env.MAIL_SINK_PORT || 3025)
const sink = await startMailSink({ port, keep: process.env.MAIL_SINK_KEEP === 'count' ? 'count' : 'messages' })
sink.setFaults({ latencyMs: Number(process.env.MAIL_SINK_LATENCY_MS || 0) })
console.log(`Mail sink: SendGrid's POST /v3/mail/send at ${sink.url}; inbox at ${sink.url}/inbox`)

const stop = () => void sink.close().then(() => process.exit(0))
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
