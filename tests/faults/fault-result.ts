/** One channel's reconciliation in a fault run: what the providers received against what the ledger says. */
export type FaultRow = {
  channel: string
  /** "3 of 160": ledger units found cut off mid-send (in doubt). */
  interruptedUnits: string
  expected: number
  delivered: number
  duplicates: number
  /** Duplicates inside units the ledger records as interrupted: the only ones allowed. */
  inDoubt: number
  lost: number
}

/** What one fault run (one seed) leaves for the seeds runner: its rows (empty if it never settled) and its event log. */
export type FaultResult = { seed: number; database: string; rows: FaultRow[]; staff: string; timeline: string[] }
