export function freePort(): Promise<number>
export interface RunningRedis {
  readonly host: string
  readonly port: number
  readonly pid: number
  restart(): Promise<void>
  stop(): Promise<void>
}
export function startRedis(): Promise<RunningRedis>
