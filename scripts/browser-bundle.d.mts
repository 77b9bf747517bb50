// Types of scripts/browser-bundle.mjs, for the TypeScript tests that import it.
export declare const BROWSER_ENTRY_EXPORTS: string;
export declare const BROWSER_EXTERNALS: string[];
export declare const ESBUILD_VERSION: string;
export declare function bundleForBrowser(
  contents: string,
  resolveDir: string,
  external?: string[],
): Promise<{ minBytes: number; gzipBytes: number; inputs: string[] }>;
