import React from 'react'

import type { SeriesName } from '@/ops/delivery-dashboard-data'

const COLORS: Record<SeriesName, string> = {
  'emails sent': '#0b57d0',
  'other deliveries': '#7a5af8',
  opens: '#12805c',
  clicks: '#b06000',
  bounces: '#c5221f',
  unsubscribes: '#5f6368',
}

const WIDTH = 720
const HEIGHT = 180
const PAD = { left: 48, right: 8, top: 8, bottom: 22 }

const label = (iso: string, window: 'hour' | 'day') => {
  const date = new Date(iso)
  return window === 'hour' ? date.toISOString().slice(11, 16) : `${date.toISOString().slice(11, 13)}:00`
}

/**
 * One line per activity over the window (SVG, drawn on the server), with its total in the legend.
 * The lines share one scale unless a series is flat; an empty window says so instead of drawing zeros.
 */
export function ActivityChart({ title, buckets, series, names, window }: { title: string; buckets: string[]; series: Record<SeriesName, number[]>; names: SeriesName[]; window: 'hour' | 'day' }) {
  const max = Math.max(1, ...names.flatMap((name) => series[name]))
  const x = (index: number) => PAD.left + (index / Math.max(1, buckets.length - 1)) * (WIDTH - PAD.left - PAD.right)
  const y = (value: number) => PAD.top + (1 - value / max) * (HEIGHT - PAD.top - PAD.bottom)
  const totals = names.map((name) => ({ name, total: series[name].reduce((sum, value) => sum + value, 0) }))
  const empty = totals.every((entry) => entry.total === 0)
  const ticks = [0, Math.round(buckets.length / 2), buckets.length - 1]
  return (
    <figure style={{ margin: '0 0 24px' }}>
      <figcaption style={{ fontWeight: 600, marginBottom: 4 }}>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={`${title}: ${totals.map((entry) => `${entry.name} ${entry.total.toLocaleString()}`).join(', ')}`}>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} stroke="currentColor" strokeOpacity={0.3} />
        {!empty && (
          <text x={PAD.left - 6} y={y(max) + 4} textAnchor="end" fontSize={11} fill="currentColor">
            {max.toLocaleString()}
          </text>
        )}
        <text x={PAD.left - 6} y={y(0) + 4} textAnchor="end" fontSize={11} fill="currentColor">
          0
        </text>
        {ticks.map((index, position) => (
          <text key={index} x={x(index)} y={HEIGHT - 4} textAnchor={position === 0 ? 'start' : position === ticks.length - 1 ? 'end' : 'middle'} fontSize={11} fill="currentColor">
            {buckets[index] ? label(buckets[index], window) : ''}
          </text>
        ))}
        {!empty &&
          names.map((name) => (
            <polyline
              key={name}
              fill="none"
              stroke={COLORS[name]}
              strokeWidth={2}
              points={series[name].map((value, index) => `${x(index).toFixed(1)},${y(value).toFixed(1)}`).join(' ')}
            />
          ))}
        {empty && (
          <text x={WIDTH / 2} y={HEIGHT / 2} textAnchor="middle" fontSize={13} fill="currentColor">
            Nothing in this window
          </text>
        )}
      </svg>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16, fontSize: 12 }}>
        {totals.map(({ name, total }) => (
          <span key={name}>
            <span aria-hidden="true" style={{ display: 'inline-block', width: 10, height: 10, background: COLORS[name], marginRight: 4 }} />
            {name}: {total.toLocaleString()}
          </span>
        ))}
      </div>
    </figure>
  )
}
