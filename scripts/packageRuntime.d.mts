// Types of scripts/packageRuntime.mjs for the unit tests.
export declare class RuntimePackageError extends Error {}
export declare const LANCEDB_PLATFORM_PACKAGES: Record<string, string>;
export declare function isRuntimeFile(path: string): boolean;
/** folder → package name */
export declare function runtimeClosure(root: string, target: string): Map<string, string>;
export declare function stageRuntimePackages(root: string, dist: string, target: string): string[];
