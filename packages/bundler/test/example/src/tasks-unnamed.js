// Tasks registered without explicit keys: with the plugin, their keys come from this file's
// path and their bindings, so minification cannot break them.
import { threadable } from "weftjs"

export const triple = threadable(import.meta.url, (n) => n * 3)

export class Doubler {
  constructor(n) {
    this.n = n
  }
  twice() {
    return this.n * 2
  }
}
threadable(import.meta.url, Doubler)
