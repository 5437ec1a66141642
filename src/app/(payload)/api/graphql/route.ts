/* THIS FILE WAS GENERATED AUTOMATICALLY BY PAYLOAD. */
/* DO NOT MODIFY IT BECAUSE IT COULD BE REWRITTEN AT ANY TIME. */
import config from '@payload-config'
import { GRAPHQL_POST, REST_OPTIONS } from '@payloadcms/next/routes'

import { GRAPHQL_BODY_LIMIT, withBodyLimit } from '@/lib/http/bounded-body'
import { answeringRequestFaults } from '@/lib/http/request-fault'

// Edited by hand, and to keep when regenerating: Payload reads the whole body and throws (a 500) on
// one that is not JSON; here a body over the limit gets 413 and a malformed one 400.
export const POST = answeringRequestFaults(withBodyLimit(GRAPHQL_POST(config), GRAPHQL_BODY_LIMIT, '/api/graphql'))

export const OPTIONS = REST_OPTIONS(config)
