// The tasks of the README's example: registered, so a thread (or a server) finds them by name.
import { threadable } from "@weft/node"

export const countPrimes = threadable(import.meta.url, function countPrimes(limit) {
  let count = 0
  for (let n = 2; n < limit; n++) {
    let prime = true
    for (let d = 2; d * d <= n; d++)
      if (n % d === 0) {
        prime = false
        break
      }
    if (prime) count++
  }
  return count
})
