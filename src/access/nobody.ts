import type { Access } from 'payload'

/** For collections only the system writes (through the Local API, which skips access checks). */
export const nobody: Access = () => false
