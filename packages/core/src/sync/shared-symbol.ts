// The key of a primitive's `[toShared]()` method, in a module of its own: the primitive classes
// need it while they are being defined, before shareable.ts (which imports them) has run.
export const toShared: unique symbol = Symbol.for("weft.toShared")
