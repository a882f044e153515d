// The part of bun:test the Bun runner uses (tsc checks it without bun-types).
declare module "bun:test" {
  type Body = () => void | Promise<void>
  export function describe(name: string, body: () => void): void
  export const test: {
    (name: string, body: Body, timeout?: number): void
    skipIf(condition: boolean): (name: string, body: Body, timeout?: number) => void
  }
}
