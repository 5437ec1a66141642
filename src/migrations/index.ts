import * as migration_20261128_180607_initial from './20261128_180607_initial';
import * as migration_20261128_183206_outbox_and_ledger from './20261128_183206_outbox_and_ledger';
import * as migration_20261128_205729_feeds from './20261128_205729_feeds';
import * as migration_20261128_215015_email_campaigns from './20261128_215015_email_campaigns';
import * as migration_20261128_220203_subscriber_confirmation from './20261128_220203_subscriber_confirmation';
import * as migration_20261128_220629_email_events from './20261128_220629_email_events';
import * as migration_20261128_221448_email_corrections from './20261128_221448_email_corrections';
import * as migration_20261129_003608_email_unsubscribe_mailbox from './20261129_003608_email_unsubscribe_mailbox';
import * as migration_20261129_004443_subscriber_imports from './20261129_004443_subscriber_imports';
import * as migration_20261129_012655_social_accounts from './20261129_012655_social_accounts';
import * as migration_20261129_032309_social_posts from './20261129_032309_social_posts';
import * as migration_20261129_034128_scheduled_launches from './20261129_034128_scheduled_launches';
import * as migration_20261129_040928_supersession from './20261129_040928_supersession';
import * as migration_20261129_064752_ledger_interrupted_at from './20261129_064752_ledger_interrupted_at';
import * as migration_20261202_013104_event_uid from './20261202_013104_event_uid';
import * as migration_20261202_024737_job_outbox from './20261202_024737_job_outbox';

export const migrations = [
  {
    up: migration_20261128_180607_initial.up,
    down: migration_20261128_180607_initial.down,
    name: '20261128_180607_initial',
  },
  {
    up: migration_20261128_183206_outbox_and_ledger.up,
    down: migration_20261128_183206_outbox_and_ledger.down,
    name: '20261128_183206_outbox_and_ledger',
  },
  {
    up: migration_20261128_205729_feeds.up,
    down: migration_20261128_205729_feeds.down,
    name: '20261128_205729_feeds',
  },
  {
    up: migration_20261128_215015_email_campaigns.up,
    down: migration_20261128_215015_email_campaigns.down,
    name: '20261128_215015_email_campaigns',
  },
  {
    up: migration_20261128_220203_subscriber_confirmation.up,
    down: migration_20261128_220203_subscriber_confirmation.down,
    name: '20261128_220203_subscriber_confirmation',
  },
  {
    up: migration_20261128_220629_email_events.up,
    down: migration_20261128_220629_email_events.down,
    name: '20261128_220629_email_events',
  },
  {
    up: migration_20261128_221448_email_corrections.up,
    down: migration_20261128_221448_email_corrections.down,
    name: '20261128_221448_email_corrections',
  },
  {
    up: migration_20261129_003608_email_unsubscribe_mailbox.up,
    down: migration_20261129_003608_email_unsubscribe_mailbox.down,
    name: '20261129_003608_email_unsubscribe_mailbox',
  },
  {
    up: migration_20261129_004443_subscriber_imports.up,
    down: migration_20261129_004443_subscriber_imports.down,
    name: '20261129_004443_subscriber_imports',
  },
  {
    up: migration_20261129_012655_social_accounts.up,
    down: migration_20261129_012655_social_accounts.down,
    name: '20261129_012655_social_accounts',
  },
  {
    up: migration_20261129_032309_social_posts.up,
    down: migration_20261129_032309_social_posts.down,
    name: '20261129_032309_social_posts',
  },
  {
    up: migration_20261129_034128_scheduled_launches.up,
    down: migration_20261129_034128_scheduled_launches.down,
    name: '20261129_034128_scheduled_launches',
  },
  {
    up: migration_20261129_040928_supersession.up,
    down: migration_20261129_040928_supersession.down,
    name: '20261129_040928_supersession',
  },
  {
    up: migration_20261129_064752_ledger_interrupted_at.up,
    down: migration_20261129_064752_ledger_interrupted_at.down,
    name: '20261129_064752_ledger_interrupted_at',
  },
  {
    up: migration_20261202_013104_event_uid.up,
    down: migration_20261202_013104_event_uid.down,
    name: '20261202_013104_event_uid',
  },
  {
    up: migration_20261202_024737_job_outbox.up,
    down: migration_20261202_024737_job_outbox.down,
    name: '20261202_024737_job_outbox'
  },
];
