/** Inside a worker: takes cancel messages off the parent port synchronously, where the runtime can. */
let receivePending: ((until: () => boolean) => void) | undefined

/**
 * Inside a worker: installs how to read pending messages synchronously (Node's
 * `receiveMessageOnPort`), so a CPU loop that sees its cancel flag gets the cancel's reason.
 * `receive(until)` handles pending messages until `until()` holds or none is left.
 */
export function setPendingReceiver(receive: ((until: () => boolean) => void) | undefined): void {
  receivePending = receive
}

/** Handles pending messages until `until()` holds or none is left (nothing where the runtime cannot). */
export function receivePendingUntil(until: () => boolean): void {
  receivePending?.(until)
}
