/** The squall version stamped into artifacts and reports: system/core/version.ts's, one constant for the whole project. */
export { SQUALL_VERSION } from '../system/core/index.js';
