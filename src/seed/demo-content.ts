import type { Payload } from 'payload'

import { richText } from './lexical'
import { simplePdf } from './pdf'

/** Seeding is not news: nothing it publishes may fan out to subscribers or social accounts. */
const context = { skipFanout: true }

const REPORT_TITLE = 'Under Pressure: Emergency Food Referrals in Winter 2026'

/**
 * A report launch as a charity would run it: three topics, the report with its PDF, and the urgent
 * statement that launches it, all published. Runs only on an empty database.
 */
export async function seedDemoContent(payload: Payload): Promise<boolean> {
  const existing = await Promise.all(
    (['announcements', 'reports', 'topics'] as const).map((collection) => payload.count({ collection })),
  )
  if (existing.some(({ totalDocs }) => totalDocs > 0)) return false

  await payload.updateGlobal({
    slug: 'site',
    context,
    data: {
      organisationName: 'Northfield Community Food Network',
      senderName: 'Northfield Community Food Network',
      senderEmail: 'alerts@example.org',
      postalAddress: 'Northfield Community Food Network, 12 Mill Lane, Northfield NF1 2AB',
    },
  })

  const [foodInsecurity, referrals, research] = await Promise.all(
    [
      { name: 'Food insecurity', description: 'Hunger, hardship and the cost of living.' },
      { name: 'Referrals', description: 'How people reach emergency food support.' },
      { name: 'Research', description: 'Our reports and the evidence behind them.' },
    ].map((data) => payload.create({ collection: 'topics', context, data })),
  )

  const pdf = simplePdf([
    REPORT_TITLE,
    'Northfield Community Food Network',
    '',
    'Referrals to emergency food support rose 41% between October and November.',
    'Four in ten referral agencies now wait more than a week for a response.',
    'We call for an emergency review of the national referral system.',
  ])
  const file = await payload.create({
    collection: 'documents',
    context,
    data: { title: `${REPORT_TITLE} (PDF)` },
    file: { data: pdf, mimetype: 'application/pdf', name: 'under-pressure-winter-2026.pdf', size: pdf.length },
  })

  const report = await payload.create({
    collection: 'reports',
    context,
    data: {
      title: REPORT_TITLE,
      summary: 'Referrals rose 41% in two months while the agencies that make them lost staff. Our findings, and what must change before January.',
      body: richText(
        { heading: 'Key findings' },
        'Referrals to emergency food support rose 41% between October and November 2026.',
        'Four in ten referral agencies now wait more than a week for a response from the national system.',
        { heading: 'What we are asking for' },
        'An emergency review of the national referral system, and funding for the agencies that make referrals.',
      ),
      reportFile: file.id,
      topics: [referrals!.id, research!.id],
      _status: 'published',
    },
  })

  await payload.create({
    collection: 'announcements',
    context,
    data: {
      title: 'National referral system is near breaking point, food network warns',
      summary: 'Referrals are up 41% in two months and agencies wait a week for answers. We are publishing our evidence today and calling for an emergency review.',
      body: richText(
        'The national system that refers people to emergency food support is near breaking point, the Northfield Community Food Network warns today.',
        'Referrals rose 41% between October and November, while four in ten referral agencies now wait more than a week for a response.',
        'Our report, published this morning, sets out the evidence and what must change before January.',
      ),
      urgency: 'urgent',
      topics: [foodInsecurity!.id, referrals!.id],
      relatedReport: report.id,
      _status: 'published',
    },
  })
  return true
}
