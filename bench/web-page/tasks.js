// The benchmark's tasks, registered under explicit keys (the bundle is minified).
import { threadable } from "@weft/web"

export const echo = threadable(
  import.meta.url,
  function echo(value) {
    return value
  },
  { name: "echo" },
)
