export { ClusterPool, type ClusterPoolOptions, type ClusterStats } from "./cluster-pool.js"
export { serve, type ServeOptions, type Server, type CloseOptions } from "./serve.js"
export type { ConnectionOption } from "./connection.js"
