/** The id a relationship field holds, whether Payload returned the related document (depth > 0) or its id. */
export function relationId<Id extends number | string>(value: { id: Id } | Id | null | undefined): Id | undefined {
  if (value === null || value === undefined) return undefined
  return typeof value === 'object' ? value.id : value
}
