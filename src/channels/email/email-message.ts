import { escapeHtml } from '@/domain/escape-html'

/** An alert email as every recipient gets it, before the per-person links are filled in. */
export type EmailMessage = { subject: string; html: string; text: string }

export type EmailItem = {
  title: string
  summary: string
  urgent: boolean
  /** The item's public page. */
  url: string
  /** Sanitized HTML and plain text of the body. */
  bodyHtml: string
  bodyText: string
  /** A correction sent to the original's recipients. */
  correction?: boolean
}

export type EmailSender = { organisation: string; postalAddress: string }

/** Where each person's own signed links go: placeholders the provider fills in per recipient (SendGrid substitutions). */
export type PersonalLinks = { unsubscribe: string; preferences: string }

/**
 * The placeholders of one rendering. SendGrid replaces a placeholder wherever it occurs, staff's own
 * text included, so each carries `nonce` (random, chosen per rendering): a statement that mentions
 * "{{unsubscribe_url}}" reaches readers as typed, not as someone's unsubscribe link.
 */
export const personalLinkPlaceholders = (nonce: string): PersonalLinks => ({ unsubscribe: `{{unsubscribe_url_${nonce}}}`, preferences: `{{preferences_url_${nonce}}}` })

export const emailSubject = (item: Pick<EmailItem, 'title' | 'urgent' | 'correction'>): string =>
  `${item.urgent ? 'URGENT: ' : ''}${item.correction ? 'Correction: ' : ''}${item.title}`

/**
 * The HTML and plain-text versions of an alert. Table layout and inline styles because mail clients
 * ignore style sheets; one column that fits a phone; real headings and link text for screen readers;
 * the organisation's postal address, the preferences and unsubscribe links in every message.
 */
export function renderEmail(item: EmailItem, sender: EmailSender, links: PersonalLinks): EmailMessage {
  const subject = emailSubject(item)
  const address = sender.postalAddress.trim()
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f2f2f2">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f2f2f2"><tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">
${item.urgent ? '<tr><td style="background:#a4001d;color:#ffffff;padding:8px 16px;font-weight:bold;letter-spacing:0.02em">Urgent statement</td></tr>\n' : ''}<tr><td style="padding:24px 16px 8px">
${item.correction ? '<p style="margin:0 0 12px;font-weight:bold">This corrects an alert we sent you earlier.</p>\n' : ''}<h1 style="font-size:24px;line-height:1.25;margin:0 0 12px">${escapeHtml(item.title)}</h1>
<p style="margin:0 0 16px;font-weight:bold">${escapeHtml(item.summary)}</p>
${item.bodyHtml}
<p style="margin:24px 0 8px"><a href="${escapeHtml(item.url)}" style="color:#0b57d0;font-weight:bold">Read it on our website</a></p>
</td></tr>
<tr><td style="padding:16px;border-top:1px solid #d6d6d6;font-size:13px;color:#4d4d4d">
${escapeHtml(sender.organisation)}${address ? `<br>${escapeHtml(address).replace(/\r?\n/g, '<br>')}` : ''}<br>
You get these alerts because you subscribed. <a href="${links.preferences}" style="color:#0b57d0">Change what you receive</a> · <a href="${links.unsubscribe}" style="color:#0b57d0">Unsubscribe</a>
</td></tr>
</table></td></tr></table>
</body></html>`
  const text = [
    ...(item.urgent ? ['URGENT STATEMENT', ''] : []),
    ...(item.correction ? ['This corrects an alert we sent you earlier.', ''] : []),
    item.title,
    '',
    item.summary,
    '',
    item.bodyText.trim(),
    '',
    `Read it on our website: ${item.url}`,
    '',
    '--',
    sender.organisation,
    ...(address ? [address] : []),
    `Change what you receive: ${links.preferences}`,
    `Unsubscribe: ${links.unsubscribe}`,
  ].join('\n')
  return { subject, html, text }
}
