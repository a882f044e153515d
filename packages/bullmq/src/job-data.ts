import type { WireThrown } from "@weft/core/adapter"
import { decodeValue, encodeValue } from "./wire.js"

// The record a ClusterPool puts in a BullMQ job and what comes back. The target is named by its
// registry key (and the caller's module URL as a hint): each server resolves it against its own
// copy of the code. Arguments and results are msgpack as base64 text.

export interface TaskJobData {
  /** Registry key of the target (`threadable(import.meta.url, fn)`). */
  readonly key: string
  /** The module that registered it on the caller's machine (a server imports it only if it has that file). */
  readonly url: string
  /** encodeValue(args) */
  readonly args: string
  /** Milliseconds from the task's start on its thread. */
  readonly timeout?: number
  /** A chunk of map(): args are the items, the target runs once per item. */
  readonly chunk?: true
  /** The caller may stop the job while it runs (its task has a signal): the server gives it a stop switch of its own. */
  readonly stoppable?: true
}

/** The custom event a ClusterPool publishes to stop a job some server is running. */
export const CANCEL_EVENT = "weft:cancel"

/**
 * Cancellations travel in the event stream of a queue of their own: a server reading the job
 * queue's stream would wake for every event of every job (about five per job) just to find the
 * rare cancellation.
 */
export function cancelQueueName(queue: string): string {
  return `${queue}--weft-cancel`
}

export interface CancelEvent {
  readonly eventName: typeof CANCEL_EVENT
  readonly jobId: string
  /** encodeValue(serializeThrown(reason)) */
  readonly reason: string
}

// A task's own error ends its job as failed (without retries: an exception is the task's
// answer, not a fault of the server). BullMQ keeps only a message, so the error travels encoded
// after a readable first line; a failure without the mark comes from BullMQ itself (a stall).
const MARK = "\n\u001eweft-error:"

export function failureText(wire: WireThrown): string {
  const head = wire.$error ? `${wire.name}: ${wire.message}` : `thrown: ${String(wire.value)}`
  return `${head}${MARK}${encodeValue(wire)}`
}

/** The error a server sent, or undefined when the failure came from BullMQ (e.g. a stalled job). */
export function parseFailure(failedReason: string): WireThrown | undefined {
  const at = failedReason.indexOf(MARK)
  if (at < 0) return undefined
  try {
    return decodeValue(failedReason.slice(at + MARK.length)) as WireThrown
  } catch {
    return undefined
  }
}
