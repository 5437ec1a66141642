import sharp from 'sharp'

import { simplePdf } from '../../src/seed/pdf'

export type UploadedFile = { data: Buffer; mimetype: string; name: string; size: number }

export const pdfFile = (name = 'report.pdf'): UploadedFile => {
  const data = simplePdf(['A test report'])
  return { data, mimetype: 'application/pdf', name, size: data.length }
}

export const pngFile = async (name = 'image.png'): Promise<UploadedFile> => {
  const data = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0a5' } }).png().toBuffer()
  return { data, mimetype: 'image/png', name, size: data.length }
}

export const csvFile = (text: string, name = 'list.csv'): UploadedFile => {
  const data = Buffer.from(text, 'utf8')
  return { data, mimetype: 'text/csv', name, size: data.length }
}
