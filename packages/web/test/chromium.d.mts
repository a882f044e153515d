export declare const executablePath: string
export declare const chromiumArgs: string[]
export declare const isolationHeaders: Record<string, string>
