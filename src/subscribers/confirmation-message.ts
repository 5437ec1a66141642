import { escapeHtml } from '@/domain/escape-html'
import type { EmailMessage } from '@/channels/email/email-message'

/** The one message a sign-up gets: a link to confirm, and what happens if they ignore it. */
export function confirmationMessage(organisation: string, confirmUrl: string, validDays: number): EmailMessage {
  const subject = `Confirm your alerts from ${organisation}`
  const lines = [
    `Someone, probably you, asked to receive alerts from ${organisation} at this address.`,
    `To start receiving them, confirm within ${validDays} days:`,
  ]
  const ignore = 'If it was not you, ignore this message: without a confirmation you will receive nothing.'
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">
<h1 style="font-size:22px;margin:0 0 12px">${escapeHtml(subject)}</h1>
${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<p><a href="${escapeHtml(confirmUrl)}" style="display:inline-block;padding:10px 18px;background:#0b57d0;color:#ffffff;text-decoration:none;border-radius:4px">Confirm my alerts</a></p>
<p style="color:#4d4d4d">${escapeHtml(ignore)}</p>
</body></html>`
  const text = [...lines, '', confirmUrl, '', ignore].join('\n')
  return { subject, html, text }
}
