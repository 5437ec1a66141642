import path from 'node:path'

import { getEnv } from './env'

/** Where an upload collection keeps its files: under DATA_DIR, next to the embedded database. */
export const uploadsDir = (collection: string): string => path.join(getEnv().dataDir, 'uploads', collection)
