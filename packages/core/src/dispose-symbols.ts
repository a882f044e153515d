// Symbol.dispose and Symbol.asyncDispose, defined where the engine has neither (WebKit and
// Safari, as of WebKitGTK 2.50). weft's disposables are keyed by them; defining them lets
// `held[Symbol.dispose]()` and TypeScript's downlevelled `using` (which looks them up on Symbol)
// work there too. Symbol.for keys, so another copy of weft or a polyfill using them agrees.

function define(name: "dispose" | "asyncDispose"): void {
  if (typeof (Symbol as unknown as Record<string, unknown>)[name] === "symbol") return
  Object.defineProperty(Symbol, name, { value: Symbol.for(`Symbol.${name}`), writable: false, enumerable: false, configurable: false })
}

/** Call at the top of a module, before a class body or object literal reads either symbol. */
export function ensureDisposeSymbols(): void {
  define("dispose")
  define("asyncDispose")
}
