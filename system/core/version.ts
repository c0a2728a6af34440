/**
 * The squall version, stamped into the coordinator's welcome (serverVersion),
 * `squall --version`, reports and artifacts. A literal rather than a read of
 * package.json so that the compiled system (dist/) needs no package.json
 * beside it; version.test.ts keeps it equal to package.json's "version".
 */
export const SQUALL_VERSION = '0.1.0';
