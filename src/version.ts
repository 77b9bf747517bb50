/** Package name, used as the instrumentation scope name. */
export const SCOPE_NAME = 'openfeature-otel-tracking';
/** Package version, used as the instrumentation scope version. A test keeps it equal to package.json. */
export const SCOPE_VERSION = '0.1.0';
