import { Thread } from "@weft/core"

/** Deliberately never registered with threadable(). */
export class Unregistered {
  value = 1
  bump(): number {
    return ++this.value
  }
}

export class UnregisteredThread extends Thread<number> {
  override run(): number {
    return 1
  }
}
