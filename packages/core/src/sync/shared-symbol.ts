// The key of a primitive's `[toShared]()` method, in a module of its own: the primitive classes
// need it while they are being defined, before shareable.ts (which imports them) has run.
/** The key of a primitive's method that describes it for sending to another thread. */
export const toShared: unique symbol = Symbol.for("weft.toShared")
