/* THIS FILE WAS GENERATED AUTOMATICALLY BY PAYLOAD. */
/* DO NOT MODIFY IT BECAUSE IT COULD BE REWRITTEN AT ANY TIME. */
import config from '@payload-config'
import '@payloadcms/next/css'
import {
  REST_DELETE,
  REST_GET,
  REST_OPTIONS,
  REST_PATCH,
  REST_POST,
  REST_PUT,
} from '@payloadcms/next/routes'

import { withDeclaredSizeLimits } from '@/lib/http/bounded-body'
import { answeringRequestFaults } from '@/lib/http/request-fault'

export const GET = REST_GET(config)
// Edited by hand, and to keep when regenerating: a POST standing in for a GET
// (X-HTTP-Method-Override) with a body that is not JSON throws in Payload (a 500); here it gets 400.
// Writes with a declared body over the size limit get 413 before anything is read.
export const POST = withDeclaredSizeLimits(answeringRequestFaults(REST_POST(config)))
export const DELETE = REST_DELETE(config)
export const PATCH = withDeclaredSizeLimits(REST_PATCH(config))
export const PUT = withDeclaredSizeLimits(REST_PUT(config))
export const OPTIONS = REST_OPTIONS(config)
