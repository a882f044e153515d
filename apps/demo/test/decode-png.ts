// A small PNG reader for the tests (8-bit RGBA, Sub filter: what encodePng writes), which
// checks every chunk's CRC on the way.
import { inflateSync } from "node:zlib"
import { expect } from "vitest"
import { crc32 } from "../src/png.js"

export function decode(file: Uint8Array): { width: number; height: number; rgba: Uint8Array; types: string[] } {
  expect([...file.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  const types: string[] = []
  const idat: Uint8Array[] = []
  let width = 0
  let height = 0
  for (let at = 8; at < file.length; ) {
    const length = view.getUint32(at)
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8))
    const data = file.subarray(at + 8, at + 8 + length)
    expect(view.getUint32(at + 8 + length), `CRC of ${type}`).toBe(crc32(file.subarray(at + 4, at + 8 + length)))
    types.push(type)
    if (type === "IHDR") {
      width = view.getUint32(at + 8)
      height = view.getUint32(at + 12)
      expect([...data.subarray(8)]).toEqual([8, 6, 0, 0, 0])
    }
    if (type === "IDAT") idat.push(data)
    at += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * 4
  const rgba = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    expect(filter).toBe(1)
    for (let x = 0; x < stride; x++) {
      const left = x >= 4 ? rgba[y * stride + x - 4] : 0
      rgba[y * stride + x] = (raw[y * (stride + 1) + 1 + x] + left) & 0xff
    }
  }
  return { width, height, rgba, types }
}
