// Rebuilding a handle on memory that already exists (a primitive that crossed a thread
// boundary) goes through the constructor with this token, which the public types do not show.
export const ATTACH: unique symbol = Symbol("weft.attach")

export type Attachable<T, D> = new (token: typeof ATTACH, data: D) => T

/** Calls a primitive's hidden attach constructor. */
export function attach<T, D>(Class: abstract new (...args: never[]) => T, data: D): T {
  return new (Class as unknown as Attachable<T, D>)(ATTACH, data)
}

/** Condition's access to an RLock: release every level, then take them all back. */
export const RELEASE_SAVE: unique symbol = Symbol("weft.releaseSave")
export const ACQUIRE_RESTORE: unique symbol = Symbol("weft.acquireRestore")
export const ACQUIRE_RESTORE_SYNC: unique symbol = Symbol("weft.acquireRestoreSync")
