import { Announcements } from './Announcements'
import { Documents } from './Documents'
import { Media } from './Media'
import { Reports } from './Reports'
import { Subscribers } from './Subscribers'
import { Topics } from './Topics'
import { Users } from './Users'

export const collections = [Announcements, Reports, Topics, Media, Documents, Subscribers, Users]
