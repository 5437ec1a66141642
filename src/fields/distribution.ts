import type { UIField } from 'payload'

/** The Distribution panel in an item's sidebar (src/components/DistributionPanel). Stores nothing. */
export const distributionField = (): UIField => ({
  name: 'distribution',
  type: 'ui',
  admin: {
    position: 'sidebar',
    components: { Field: '@/components/DistributionPanel#DistributionPanel' },
  },
})
