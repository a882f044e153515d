// One Redis for the package's tests: started on a free port, stopped after the run.
import type { TestProject } from "vitest/node"
import { startRedis } from "./redis.mjs"

declare module "vitest" {
  export interface ProvidedContext {
    redisPort: number
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await startRedis()
  project.provide("redisPort", redis.port)
  return () => redis.stop()
}
