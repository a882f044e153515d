// The suite runs on Node, Deno and in Chromium: it sees only the globals all three share.
/// <reference path="../../core/src/globals.d.ts" />
interface ImportMeta {
  readonly url: string
}
