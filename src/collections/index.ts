import { Announcements } from './Announcements'
import { Campaigns } from './Campaigns'
import { Deliveries } from './Deliveries'
import { Documents } from './Documents'
import { EmailEvents } from './EmailEvents'
import { Feeds } from './Feeds'
import { Media } from './Media'
import { OutboxEvents } from './OutboxEvents'
import { Reports } from './Reports'
import { Subscribers } from './Subscribers'
import { Topics } from './Topics'
import { Users } from './Users'

export const collections = [Announcements, Reports, Topics, Media, Documents, Subscribers, Users, OutboxEvents, Deliveries, Feeds, Campaigns, EmailEvents]
