import { type CollectionBeforeOperationHook, QueryError } from 'payload'

/**
 * The paths of a where clause that hold no condition: null, a number or a string where a field's
 * operators go, or anything but a clause in an `and`/`or` list.
 */
function malformedPaths(where: unknown, prefix = ''): string[] {
  if (where === null || typeof where !== 'object' || Array.isArray(where)) return [prefix || 'where']
  return Object.entries(where).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key
    if (value === undefined) return []
    if ((key === 'and' || key === 'or') && Array.isArray(value)) return value.flatMap((clause, index) => malformedPaths(clause, `${path}.${index}`))
    return value !== null && typeof value === 'object' ? [] : [path]
  })
}

/**
 * Payload's PostgreSQL adapter fails (a 500) on a where clause from a client with null where a
 * condition goes (`where={"title":null}` in REST, `where: { title: null }` in GraphQL): refused like
 * a path that cannot be queried, with a 400 naming it. The app's own queries (Local API) pass as they are.
 */
export const refuseMalformedWhere: CollectionBeforeOperationHook = ({ args, req }) => {
  const where = (args as { where?: unknown }).where
  if (req.payloadAPI === 'local' || where === undefined) return
  const paths = malformedPaths(where)
  if (paths.length > 0) throw new QueryError(paths.map((path) => ({ path })))
}
