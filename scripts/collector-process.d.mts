// Types of scripts/collector-process.mjs, for the TypeScript test fixtures that import it.
export declare function collectorBinary(manifest?: string): string;
export declare function freePort(): Promise<number>;
export interface LaunchedCollector {
  pid: number | undefined;
  output: () => string;
  stop: () => Promise<number | null>;
  kill: () => Promise<void>;
}
export declare function launchCollector(options: {
  bin: string;
  configs: string[];
  env: NodeJS.ProcessEnv;
  healthPort: number;
  outputLimit?: number;
  stopGraceMs?: number;
}): Promise<LaunchedCollector>;
export declare function collectorEnv(options: {
  ports: { grpc: number; http: number; health: number; pprof?: number };
  outDir: string;
  storageDir?: string;
  extra?: Record<string, string>;
}): NodeJS.ProcessEnv;
export declare function procCpuSeconds(pid: number | undefined): number;
