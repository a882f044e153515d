// One registry per thread needs one copy of core per thread. A second copy (a dev server's
// pre-bundled one beside the package's own, or a bundle that inlined core next to a worker entry
// that imports the package) keeps a registry of its own, and a task registered with one copy is
// invisible to the other. Each copy signs in under a per-realm symbol, so the failure can name both files.

const COPIES = Symbol.for("weft.core.copies")

interface CopyRecord {
  readonly url: string
}

const realm = globalThis as { [COPIES]?: CopyRecord[] }
const copies = (realm[COPIES] ??= [])
const thisCopy: CopyRecord = { url: import.meta.url }
copies.push(thisCopy)

/** This copy's file and every other copy's, when this thread has loaded more than one. */
export function coreCopies(): { readonly self: string; readonly others: readonly string[] } {
  return { self: thisCopy.url, others: copies.filter((copy) => copy !== thisCopy).map((copy) => copy.url) }
}
