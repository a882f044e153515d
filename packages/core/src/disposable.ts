// The explicit-resource-management names weft's public types use (`Held`, `ThreadPool`), declared
// for projects whose `lib` lacks `esnext.disposable` (a page with `lib: ["es2022", "dom"]`). They
// match TypeScript's own declarations, so they merge where that lib is present.
declare global {
  interface SymbolConstructor {
    /** The method `using` calls when leaving its block. */
    readonly dispose: unique symbol
    /** The method `await using` awaits when leaving its block. */
    readonly asyncDispose: unique symbol
  }
  /** A resource `using` releases when its block ends. */
  interface Disposable {
    /** Releases the resource. */
    [Symbol.dispose](): void
  }
  /** A resource `await using` releases when its block ends. */
  interface AsyncDisposable {
    /** Releases the resource; awaited by `await using`. */
    [Symbol.asyncDispose](): PromiseLike<void>
  }
}

export {}
