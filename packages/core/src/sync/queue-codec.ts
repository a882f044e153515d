// The Queue's item codec: msgpackr with its structured-clone option (Map, Set, Date, RegExp,
// BigInt, typed arrays, errors, cycles). It is loaded lazily: a worker that never meets a
// Queue never pays for it, and a worker that receives one loads it before its job runs.
import { RuntimeError } from "../errors.js"
import { getRuntime, hasRuntime } from "../runtime.js"

export interface QueueCodec {
  /** The encoded bytes; a view that is valid until the next `encode` call. */
  encode(value: unknown): Uint8Array
  decode(bytes: Uint8Array): unknown
}

interface PackrLike {
  pack(value: unknown): Uint8Array
  unpack(bytes: Uint8Array): unknown
}

let codec: QueueCodec | undefined
let loading: Promise<QueueCodec> | undefined

type PackrModule = { Packr: new (options: object) => PackrLike }

function fromModule(module: PackrModule): QueueCodec {
  // Records keep objects apart from Maps; each message carries its own record definitions,
  // so two threads need no shared structure table.
  const packr = new module.Packr({ structuredClone: true, mapsAsObjects: false, moreTypes: true, useRecords: true })
  codec ??= { encode: (value) => packr.pack(value), decode: (bytes) => packr.unpack(bytes) }
  return codec
}

/** Starts loading the codec (once per thread); resolves when `queueCodec()` will answer. */
export function loadQueueCodec(): Promise<QueueCodec> {
  if (codec !== undefined) return Promise.resolve(codec)
  loading ??= import("msgpackr/pack").then((module) => fromModule(module as unknown as PackrModule))
  return loading
}

/** The codec, for the synchronous faces: loaded synchronously where the runtime can, else it must have been awaited. */
export function queueCodec(): QueueCodec {
  if (codec !== undefined) return codec
  const runtime = hasRuntime() ? getRuntime() : undefined
  if (runtime?.requireSync !== undefined) {
    try {
      return fromModule(runtime.requireSync("msgpackr", import.meta.url) as PackrModule)
    } catch {
      // fall through to the explanatory error
    }
  }
  void loadQueueCodec().catch(() => {})
  throw new RuntimeError(
    "the Queue codec is still loading in this thread: `await Queue.ready()` once before the first synchronous put/get, or use the async methods",
  )
}
