// The PNG encoder, checked by decoding its output with node:zlib: structure, CRCs, pixels.
import { expect, test } from "vitest"
import { crc32, encodePng } from "../src/png.js"
import { decode } from "./decode-png.js"

test("crc32 matches the standard check value", () => {
  expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926)
})

test("an encoded image decodes back to the same RGBA pixels", () => {
  const width = 7
  const height = 5
  const rgba = new Uint8ClampedArray(width * height * 4).map((_, i) => (i * 37 + (i >> 3)) & 0xff)
  const { width: w, height: h, rgba: back, types } = decode(encodePng(width, height, rgba))
  expect([w, h]).toEqual([width, height])
  expect(types).toEqual(["IHDR", "IDAT", "IEND"])
  expect([...back]).toEqual([...rgba])
})

test("a buffer of the wrong size is refused", () => {
  expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(/expected 16 RGBA bytes/)
})
